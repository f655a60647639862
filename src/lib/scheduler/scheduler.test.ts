import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock';
import { seededRng } from './rng';
import { Scheduler } from './scheduler';
import { makeNode, makePod, snapshotOf } from './test-fixtures';

const nodes = [makeNode('small', { cpu: '2', memory: '4Gi' }), makeNode('big', { cpu: '8', memory: '16Gi' })];
const cfg = (strategy: string) => ({
	apiVersion: 'kubescheduler.config.k8s.io/v1',
	kind: 'KubeSchedulerConfiguration',
	profiles: [{ schedulerName: 'default-scheduler', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: strategy } } }] }]
});

describe('Scheduler', () => {
	it('a configuration change flips the placement on the next cycle', () => {
		const s = new Scheduler({ clock: new ManualClock(), rng: seededRng(1) });
		const pod = makePod('p', { requests: { cpu: '1', memory: '1Gi' } });
		s.queue.add(pod);
		expect(s.scheduleNext(snapshotOf(nodes))!.decision.winner).toBe('big'); // LeastAllocated spreads
		expect(s.setConfiguration(cfg('MostAllocated'))).toEqual([]);
		s.queue.add(makePod('q', { requests: { cpu: '1', memory: '1Gi' } }));
		const r = s.scheduleNext(snapshotOf(nodes))!;
		expect(r.decision.winner).toBe('small'); // MostAllocated packs
		expect(r.configVersion).toBe(2);
	});

	it('the configuration’s backoff bounds apply to the queue', () => {
		const s = new Scheduler({ clock: new ManualClock(), rng: seededRng(1) });
		expect(s.setConfiguration({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', podInitialBackoffSeconds: 4, podMaxBackoffSeconds: 20 })).toEqual([]);
		// initial × 2^(attempts − 1), capped: 4 s, 8 s, 16 s, 20 s.
		expect([1, 2, 3, 4].map((n) => s.queue.backoffDuration(n))).toEqual([4000, 8000, 16000, 20000]);
	});

	it('an invalid configuration is refused and the last good one stays', () => {
		const s = new Scheduler({ clock: new ManualClock(), rng: seededRng(1) });
		expect(s.setConfiguration({ ...cfg('LeastAllocated'), profiles: [{ plugins: { bind: { disabled: [{ name: '*' }] } } }] })).toEqual([
			{ field: 'profiles[0].plugins', message: 'initializing profiles: creating profile for scheduler name default-scheduler: at least one bind plugin is needed' }
		]);
		expect(s.configVersion).toBe(1);
		s.queue.add(makePod('p'));
		expect(s.scheduleNext(snapshotOf(nodes))!.decision.result).toBe('scheduled');
	});

	it('an unschedulable pod waits until an event its rejecting plugin cares about', () => {
		const clock = new ManualClock();
		const s = new Scheduler({ clock, rng: seededRng(1) });
		const pod = makePod('huge', { requests: { cpu: '64' } });
		s.queue.add(pod);
		const r = s.scheduleNext(snapshotOf(nodes))!;
		expect(r.decision.result).toBe('unschedulable');
		expect(s.queue.pending().unschedulable.map((p) => [...p.unschedulablePlugins])).toEqual([['NodeResourcesFit']]);
		clock.advance(2000);
		s.onEvent('NodeAdd');
		expect(s.scheduleNext(snapshotOf([...nodes, makeNode('giant', { cpu: '96' })]))!.decision.winner).toBe('giant');
	});

	it('pods for other schedulers are not ours', () => {
		const s = new Scheduler({ clock: new ManualClock(), rng: seededRng(1) });
		expect(s.responsibleFor(makePod('a'))).toBe(true);
		expect(s.responsibleFor(makePod('b', { spec: { schedulerName: 'other' } }))).toBe(false);
		expect(s.responsibleFor(makePod('c', { node: 'small' }))).toBe(false);
	});
});
