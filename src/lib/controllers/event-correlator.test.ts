import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock';
import { rfc3339 } from '../kube/duration';
import { CORRELATOR, EventCorrelator, type CoreEvent } from './event-correlator';

let n = 0;
const correlator = (clock: ManualClock) => new EventCorrelator(clock, rfc3339, (name) => `${name}.agg${++n}`);

function event(clock: ManualClock, message: string, reason = 'BackOff', name = `web-1.${++n}`): CoreEvent {
	const ts = rfc3339(clock.now());
	return {
		apiVersion: 'v1',
		kind: 'Event',
		metadata: { name, namespace: 'default' },
		involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u1', apiVersion: 'v1', fieldPath: 'spec.containers{app}' },
		reason,
		message,
		type: 'Warning',
		source: { component: 'kubelet', host: 'node-1' },
		count: 1,
		firstTimestamp: ts,
		lastTimestamp: ts
	};
}

describe('EventCorrelator', () => {
	it('turns a repeat into a patch of the first event: same name, count + 1, first timestamp kept', () => {
		const clock = new ManualClock(Date.UTC(2026, 0, 1));
		const c = correlator(clock);
		const first = c.correlate(event(clock, 'Back-off restarting failed container'));
		expect(first.patch).toBeUndefined();
		c.updateState({ ...first.event, metadata: { ...first.event.metadata, resourceVersion: '7' } });
		clock.advance(30_000);
		const second = c.correlate(event(clock, 'Back-off restarting failed container'));
		expect(second.skip).toBe(false);
		expect(second.event.metadata.name).toBe(first.event.metadata.name);
		expect(second.event.firstTimestamp).toBe(first.event.firstTimestamp);
		expect(second.patch).toEqual({ count: 2, lastTimestamp: rfc3339(clock.now()), message: 'Back-off restarting failed container' });
		expect(c.correlate(event(clock, 'Back-off restarting failed container')).patch?.count).toBe(3);
	});

	it('does not count events that differ in message, reason or object', () => {
		const clock = new ManualClock(0);
		const c = correlator(clock);
		c.correlate(event(clock, 'a'));
		expect(c.correlate(event(clock, 'b')).patch).toBeUndefined();
		expect(c.correlate(event(clock, 'a', 'Failed')).patch).toBeUndefined();
	});

	it('combines the 10th distinct message of one reason within 10 minutes, then counts the combined event', () => {
		const clock = new ManualClock(0);
		const c = correlator(clock);
		for (let i = 1; i < CORRELATOR.aggregateMaxEvents; i++) expect(c.correlate(event(clock, `m${i}`)).event.message).toBe(`m${i}`);
		const combined = c.correlate(event(clock, 'm10'));
		expect(combined.event.message).toBe('(combined from similar events): m10');
		expect(combined.patch).toBeUndefined();
		const next = c.correlate(event(clock, 'm11'));
		expect(next.event.message).toBe('(combined from similar events): m11');
		expect(next.event.metadata.name).toBe(combined.event.metadata.name);
		expect(next.patch?.count).toBe(2);
	});

	it('starts a fresh aggregate after 10 quiet minutes', () => {
		const clock = new ManualClock(0);
		const c = correlator(clock);
		for (let i = 1; i < CORRELATOR.aggregateMaxEvents; i++) c.correlate(event(clock, `m${i}`));
		clock.advance(CORRELATOR.aggregateIntervalMs + 1);
		expect(c.correlate(event(clock, 'm10')).event.message).toBe('m10');
	});

	it('lets a source burst 25 events about an object, then one per 5 minutes', () => {
		const clock = new ManualClock(0);
		const c = correlator(clock);
		const results = Array.from({ length: 30 }, () => c.correlate(event(clock, 'same')).skip);
		expect(results.filter((s) => !s)).toHaveLength(CORRELATOR.spamBurst);
		clock.advance(299_000);
		expect(c.correlate(event(clock, 'same')).skip).toBe(true);
		clock.advance(1_000);
		expect(c.correlate(event(clock, 'same')).skip).toBe(false);
		expect(c.correlate(event(clock, 'same')).skip).toBe(true);
	});
});
