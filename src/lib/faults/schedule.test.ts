import { describe, expect, it } from 'vitest';
import { dueSteps, inject, markFired, nextDue, recover, scheduleView, syncSchedules } from './schedule';
import { crashes, describeFault, imageMatches, kubeletStateOf, pressureOf } from './effects';
import { EMPTY_FAULT_STATE, faultStateOf, type ActiveFault, type FaultSchedule } from './types';

const schedule = (hash = 'h1'): FaultSchedule => ({
	name: 'outage',
	path: 'f.yaml',
	hash,
	faults: [
		{ atMs: 30_000, fault: 'NodeFailure', node: 'node-2', recoverAfterMs: 60_000 },
		{ atMs: 10_000, fault: 'ImageUnavailable', image: 'redis' }
	]
});

describe('schedule', () => {
	it('counts times from when the schedule was first seen, in time order', () => {
		let state = syncSchedules(EMPTY_FAULT_STATE, [schedule()], 1_000);
		expect(state.schedules.outage).toEqual({ hash: 'h1', appliedAt: 1_000, fired: [] });
		expect(dueSteps(state, [schedule()], 10_999)).toEqual([]);
		expect(nextDue(state, [schedule()])).toBe(11_000);
		const due = dueSteps(state, [schedule()], 40_000);
		expect(due.map((s) => (s.kind === 'inject' ? s.source : s.id))).toEqual(['schedule/outage/1', 'schedule/outage/0']);
		for (const s of due) if (s.kind === 'inject') state = markFired(inject(state, s.spec, 40_000, s.source).state, s.schedule, s.index);
		expect(state.active.map((f) => [f.id, f.fault, f.recoverAt])).toEqual([
			['f1', 'ImageUnavailable', undefined],
			['f2', 'NodeFailure', 100_000]
		]);
		expect(dueSteps(state, [schedule()], 40_000)).toEqual([]);
		expect(nextDue(state, [schedule()])).toBe(100_000);
		expect(dueSteps(state, [schedule()], 100_000)).toEqual([{ kind: 'recover', id: 'f2' }]);
		expect(scheduleView(state, schedule()).faults.map((f) => f.state)).toEqual(['active', 'active']);
		state = recover(state, 'f2', 100_000)!.state;
		expect(state.recovered).toMatchObject([{ id: 'f2', recoveredAt: 100_000 }]);
		expect(scheduleView(state, schedule()).faults.map((f) => f.state)).toEqual(['recovered', 'active']);
	});

	it('starts an edited schedule over and forgets a removed one', () => {
		const seen = syncSchedules(EMPTY_FAULT_STATE, [schedule()], 1_000);
		expect(syncSchedules(seen, [schedule()], 5_000).schedules.outage.appliedAt).toBe(1_000);
		expect(syncSchedules(seen, [schedule('h2')], 5_000).schedules.outage.appliedAt).toBe(5_000);
		expect(syncSchedules(seen, [], 5_000).schedules).toEqual({});
	});

	it('recovering an unknown fault is undefined', () => expect(recover(EMPTY_FAULT_STATE, 'f9', 0)).toBeUndefined());
});

describe('effects', () => {
	const f = (x: Partial<ActiveFault>): ActiveFault => ({ id: 'f1', injectedAt: 0, source: 'api', fault: 'NodeFailure', ...x });

	it('maps node faults to the kubelet and pressure annotations', () => {
		const active = [f({ fault: 'NetworkPartition', node: 'a' }), f({ fault: 'NodeFailure', node: 'a' }), f({ fault: 'NodeFull', node: 'b', resource: 'memory' }), f({ fault: 'NodeFull', node: 'b' })];
		expect(kubeletStateOf(active, 'a')).toBe('down');
		expect(kubeletStateOf(active.slice(0, 1), 'a')).toBe('partitioned');
		expect(kubeletStateOf(active, 'b')).toBeUndefined();
		expect(pressureOf(active, 'b')).toBe('disk,memory');
		expect(pressureOf(active, 'a')).toBeUndefined();
	});

	it.each([
		['redis', 'redis:7.4', true],
		['redis', 'docker.io/library/redis', true],
		['redis:7.4', 'redis:7.2', false],
		['nginx:1.27', 'docker.io/library/nginx:1.27', true],
		['nginx', 'myregistry.io/nginx:1', false]
	])('ImageUnavailable %s covers %s: %s', (image, pulled, want) => expect(imageMatches(f({ fault: 'ImageUnavailable', image }), pulled)).toBe(want));

	it('draws crashes deterministically, about rate of the runs', () => {
		const half = f({ fault: 'PodCrashRate', rate: 0.5 });
		const draws = Array.from({ length: 400 }, (_, run) => crashes(half, 'uid-1', 'app', run));
		expect(draws).toEqual(Array.from({ length: 400 }, (_, run) => crashes(half, 'uid-1', 'app', run)));
		const n = draws.filter(Boolean).length;
		expect(n).toBeGreaterThan(150);
		expect(n).toBeLessThan(250);
		expect(crashes(f({ fault: 'PodCrashRate', rate: 1 }), 'u', 'c', 0)).toBe(true);
	});

	it('describes faults for Events', () => {
		expect(describeFault({ fault: 'NodeFull', node: 'n', resource: 'pids', recoverAfterMs: 90_000 })).toBe('NodeFull of pids of node n for 1m30s');
		expect(describeFault({ fault: 'PodCrashRate', namespace: 'shop', selector: 'app=web', rate: 0.2 })).toBe('PodCrashRate of pods matching app=web in namespace shop (rate 0.2)');
	});

	it('reads the state from its ConfigMap, empty when absent or broken', () => {
		expect(faultStateOf(undefined)).toEqual(EMPTY_FAULT_STATE);
		expect(faultStateOf({ data: { 'state.json': '{' } })).toEqual(EMPTY_FAULT_STATE);
		expect(faultStateOf({ data: { 'state.json': '{"seq":3,"active":[]}' } })).toEqual({ ...EMPTY_FAULT_STATE, seq: 3 });
	});
});
