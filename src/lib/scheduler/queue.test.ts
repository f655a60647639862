import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock';
import { create as prioritySort } from './plugins/priority-sort';
import { create as schedulingGates } from './plugins/scheduling-gates';
import { SchedulingQueue } from './queue';
import { makePod } from './test-fixtures';

const names = (xs: Array<{ pod: { metadata: { name: string } } }>) => xs.map((x) => x.pod.metadata.name);

function queue(clock = new ManualClock(0)) {
	const q = new SchedulingQueue({
		clock,
		less: prioritySort().less!,
		preEnqueue: schedulingGates().preEnqueue,
		pluginEvents: new Map([['NodeResourcesFit', ['NodeAdd', 'PodDelete'] as const]])
	});
	return { q, clock };
}

describe('SchedulingQueue', () => {
	it('activeQ: higher priority first, then earlier arrival', () => {
		const { q, clock } = queue();
		q.add(makePod('low', { priority: 1 }));
		clock.advance(1);
		q.add(makePod('high', { priority: 10 }));
		clock.advance(1);
		q.add(makePod('low2', { priority: 1 }));
		expect([q.pop(), q.pop(), q.pop()].map((p) => p!.pod.metadata.name)).toEqual(['high', 'low', 'low2']);
		expect(q.pop()).toBeUndefined();
	});

	it('activeQ keeps its order through updates and deletes of pods anywhere in it', () => {
		const { q, clock } = queue();
		const prio = (i: number) => (i * 7919) % 13;
		for (let i = 0; i < 300; i++) {
			q.add(makePod(`p${i}`, { priority: prio(i) }));
			clock.advance(1);
		}
		for (let i = 0; i < 300; i += 3) q.delete(makePod(`p${i}`));
		for (let i = 1; i < 300; i += 3) q.update(makePod(`p${i}`, { priority: prio(i) }));
		const popped: string[] = [];
		for (let pi = q.pop(); pi; pi = q.pop()) popped.push(pi.pod.metadata.name);
		// Survivors, highest priority first, then in arrival order (an update keeps the arrival time).
		const want = Array.from({ length: 300 }, (_, i) => i)
			.filter((i) => i % 3 !== 0)
			.sort((a, b) => prio(b) - prio(a) || a - b)
			.map((i) => `p${i}`);
		expect(popped).toEqual(want);
	});

	it('backoff: 1 s, 2 s, 4 s, 8 s, then capped at 10 s', () => {
		const { q } = queue();
		expect([1, 2, 3, 4, 5, 6].map((a) => q.backoffDuration(a))).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
	});

	it('a pod rejected while a relevant event arrived goes to backoffQ, then back to activeQ after its backoff', () => {
		const { q, clock } = queue();
		q.add(makePod('p'));
		const pi = q.pop()!;
		q.onEvent('NodeAdd'); // during the attempt
		q.addUnschedulable(pi, ['NodeResourcesFit']);
		expect(names(q.pending().backoff)).toEqual(['p']);
		clock.advance(999);
		q.flushBackoff();
		expect(q.pop()).toBeUndefined();
		clock.advance(1);
		q.flushBackoff();
		expect(q.pop()!.attempts).toBe(2);
	});

	it('unschedulable pods wait for an event their rejecting plugin registered for', () => {
		const { q, clock } = queue();
		q.add(makePod('p'));
		q.addUnschedulable(q.pop()!, ['NodeResourcesFit']);
		expect(names(q.pending().unschedulable)).toEqual(['p']);
		q.onEvent('NodeUpdateLabel'); // NodeResourcesFit does not care
		expect(names(q.pending().unschedulable)).toEqual(['p']);
		clock.advance(5000); // backoff (1 s) over
		q.onEvent('PodDelete');
		expect(names(q.pending().active)).toEqual(['p']);
	});

	it('an event during backoff sends the pod to backoffQ, not activeQ', () => {
		const { q, clock } = queue();
		q.add(makePod('p'));
		q.addUnschedulable(q.pop()!, ['NodeResourcesFit']);
		clock.advance(500);
		q.onEvent('NodeAdd');
		expect(names(q.pending().backoff)).toEqual(['p']);
	});

	it('leftover unschedulable pods are retried after 5 minutes by the periodic flush', () => {
		const { q, clock } = queue();
		const stop = q.run();
		q.add(makePod('p'));
		q.addUnschedulable(q.pop()!, ['NodeResourcesFit']);
		clock.advance(5 * 60 * 1000);
		expect(names(q.pending().unschedulable)).toEqual(['p']);
		clock.advance(30_000); // next 30 s flush sees it older than 5 min
		expect(names(q.pending().active)).toEqual(['p']);
		stop();
	});

	it('errors (no rejecting plugin) are retried after backoff', () => {
		const { q } = queue();
		q.add(makePod('p'));
		q.addUnschedulable(q.pop()!, []);
		expect(names(q.pending().backoff)).toEqual(['p']);
	});

	it('scheduling gates keep a pod out of activeQ until removed', () => {
		const { q } = queue();
		const gated = makePod('g', { spec: { schedulingGates: [{ name: 'wait' }] } });
		q.add(gated);
		expect(q.pop()).toBeUndefined();
		q.onEvent('NodeAdd');
		expect(q.pop()).toBeUndefined();
		q.update({ ...gated, spec: { ...gated.spec, schedulingGates: [] } });
		expect(q.pop()!.pod.metadata.name).toBe('g');
	});
});
