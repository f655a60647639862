import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock/clock';
import type { KubeClient, KubeObject } from '../../../src/lib/controllers/types';
import { EVENT_SERIES, eventNamer, eventRecorder } from './recorder';

const T0 = Date.parse('2026-01-05T09:00:00.123Z');

/** Names two components give the events of one instant, recorded in the given order. */
function names(order: Array<[component: 0 | 1, object: string, identity: string]>): Map<string, string> {
	const clock = new ManualClock(T0);
	const namers = [eventNamer(clock), eventNamer(clock)];
	return new Map(order.map(([c, object, identity]) => [`${object} ${identity}`, namers[c](object, identity)]));
}

describe('event names (`<object>.<hex nanoseconds>`)', () => {
	it('carry the room-clock millisecond and name the events of one instant the same whatever other objects’ events came between', () => {
		const events: Array<[0 | 1, string, string]> = [
			[0, 'web-1', 'kube-scheduler Scheduled Successfully assigned default/web-1 to n-1'],
			[1, 'web-1', 'kubelet Pulled Container image "nginx:1.27" already present on machine'],
			[1, 'web-2', 'kubelet Pulled Container image "nginx:1.27" already present on machine'],
			[0, 'web', 'replicaset-controller SuccessfulCreate Created pod: web-1']
		];
		const a = names(events);
		// Other objects' events come in between in another order; web-1's own two keep theirs.
		const b = names([events[3], events[2], events[0], events[1]]);
		expect([...b].sort()).toEqual([...a].sort());
		for (const name of a.values()) {
			const [, hex] = /^[\w-]+\.([0-9a-f]+)$/.exec(name)!;
			expect(BigInt(`0x${hex}`) / 1_000_000n).toBe(BigInt(T0));
		}
		// One message about two objects: the object's name tells them apart, the nanoseconds may agree.
		expect(a.get('web-1 kubelet Pulled Container image "nginx:1.27" already present on machine')).toMatch(/^web-1\./);
	});

	it('sort an object’s events of one instant in the order they were recorded', () => {
		const name = eventNamer(new ManualClock(T0));
		const recorded = ['Pulling', 'Pulled', 'Created', 'Started', 'Killing'].map((reason) => ({ reason, name: name('web-1', `kubelet ${reason}`) }));
		expect([...recorded].sort((a, b) => (a.name < b.name ? -1 : 1)).map((e) => e.reason)).toEqual(['Pulling', 'Pulled', 'Created', 'Started', 'Killing']);
	});

	it('never give one name twice in an instant, nor take the millisecond before', () => {
		const clock = new ManualClock(T0);
		const name = eventNamer(clock);
		const first = name('web-1', 'same');
		const second = eventNamer(clock)('web-1', 'same');
		expect(second).not.toBe(first);
		// The object's second event of the instant ranks after its first.
		expect(BigInt(`0x${second.split('.')[1]}`) - BigInt(`0x${first.split('.')[1]}`)).toBe(1000n);
		clock.advance(1);
		expect(name('web-1', 'same')).not.toBe(first);
	});
});

describe('a series recorder (events.k8s.io broadcaster cadence)', () => {
	/** A client keeping Events by name and logging each write. */
	function fakeClient() {
		const events = new Map<string, KubeObject>();
		const writes: string[] = [];
		const client = {
			async create(_r: unknown, obj: KubeObject) {
				writes.push('create');
				const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(writes.length) } };
				events.set(obj.metadata.name!, stored);
				return stored;
			},
			async patch(_r: unknown, _ns: string, name: string, _t: string, patch: Record<string, unknown>) {
				writes.push(`patch ${patch.count}`);
				const stored = { ...events.get(name)!, ...patch };
				events.set(name, stored);
				return stored;
			}
		} as unknown as KubeClient;
		return { client, events, writes };
	}
	const settle = () => new Promise((r) => setTimeout(r, 10));
	const pod = { metadata: { namespace: 'default', name: 'p', uid: 'u1' } };
	const R = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true };

	it('writes the event, then one patch starting the series; later repeats only when the series ends or is refreshed', async () => {
		const clock = new ManualClock(T0);
		const { client, events, writes } = fakeClient();
		const rec = eventRecorder(client, clock, 'default-scheduler', () => {}, { series: true });
		for (let i = 0; i < 12; i++) {
			rec.event(R, pod, 'Warning', 'FailedScheduling', 'no nodes available to schedule pods');
			await settle();
			clock.advance(10_000);
		}
		expect(writes).toEqual(['create', 'patch 2']);
		// Six minutes without a repeat end the series (seen at the next 6-minute tick): its final count is written once.
		clock.advance(2 * EVENT_SERIES.finishMs);
		await settle();
		expect(writes).toEqual(['create', 'patch 2', 'patch 12']);
		expect([...events.values()]).toHaveLength(1);
		expect([...events.values()][0]).toMatchObject({ count: 12, source: { component: 'default-scheduler' } });
		// The ended series was forgotten (finishSeries deletes it from the cache): a new Event.
		rec.event(R, pod, 'Warning', 'FailedScheduling', 'no nodes available to schedule pods');
		await settle();
		expect(writes.at(-1)).toBe('create');
		expect([...events.values()]).toHaveLength(2);
		rec.stop();
	});

	it('keeps correlating more objects than core/v1\'s 4096-entry cache holds (no new Event per retry)', async () => {
		const clock = new ManualClock(T0);
		const { client, events, writes } = fakeClient();
		const rec = eventRecorder(client, clock, 'default-scheduler', () => {}, { series: true });
		const pods = Array.from({ length: 5000 }, (_, i) => ({ metadata: { namespace: 'default', name: `p${i}`, uid: `u${i}` } }));
		for (let round = 0; round < 4; round++) {
			for (const p of pods) rec.event(R, p, 'Warning', 'FailedScheduling', 'no nodes available to schedule pods');
			await settle();
			clock.advance(10_000);
		}
		await settle();
		expect(events.size).toBe(5000);
		expect(writes.filter((w) => w === 'create')).toHaveLength(5000);
		expect(writes.filter((w) => w === 'patch 2')).toHaveLength(5000);
		expect(writes).toHaveLength(10_000);
		rec.stop();
	});

	it('refreshes a series that never ends every 30 minutes', async () => {
		const clock = new ManualClock(T0);
		const { client, writes } = fakeClient();
		const rec = eventRecorder(client, clock, 'default-scheduler', () => {}, { series: true });
		for (let t = 0; t <= EVENT_SERIES.refreshMs + EVENT_SERIES.finishMs; t += 10_000) {
			rec.event(R, pod, 'Warning', 'FailedScheduling', 'no nodes available to schedule pods');
			await settle();
			clock.advance(10_000);
		}
		await settle();
		// The ticker started with the first occurrence; its fifth tick (30 min later) refreshed the
		// series, once, with every occurrence counted (no spam filter in events.k8s.io's broadcaster).
		expect(writes.slice(0, 2)).toEqual(['create', 'patch 2']);
		expect(writes.slice(2)).toEqual([expect.stringMatching(/^patch 18\d$/)]);
		rec.stop();
	});
});
