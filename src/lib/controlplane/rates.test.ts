import { describe, expect, it } from 'vitest';
import { componentOf } from './components';
import { rates, type ControlPlaneSnapshot } from './rates';

const snap = (wall: number, o: { requests: number; finished: number; latencyMs: number; errors?: number; watches?: number; revision: number; syncs: number; bound: number; simulated: number }): ControlPlaneSnapshot => ({
	wall,
	simulated: o.simulated,
	store: { revision: o.revision, dbSize: 4096 },
	apiserver: { clients: { kubectl: { requests: o.requests, errors: o.errors ?? 0, latencyMs: o.latencyMs, finished: o.finished, verbs: {}, watches: o.watches ?? 0 } }, inflight: 0 },
	controllers: [{ name: 'replicaset', queue: 2, syncs: o.syncs, failures: 0 }],
	scheduler: { bound: o.bound, active: 0, backoff: 0, unschedulable: 0, syncs: 0 }
});

describe('control-plane rates', () => {
	it('are the counters’ differences per wall second, latency per finished request', () => {
		const a = snap(1000, { requests: 10, finished: 10, latencyMs: 20, revision: 100, syncs: 5, bound: 1, simulated: 0 });
		const b = snap(3000, { requests: 30, finished: 28, latencyMs: 92, errors: 4, watches: 2, revision: 140, syncs: 15, bound: 9, simulated: 20_000 });
		const r = rates(a, b);
		expect(r.seconds).toBe(2);
		expect(r.clients).toEqual([{ client: 'kubectl', rps: 10, eps: 2, latencyMs: 4, watches: 2, total: 30 }]);
		expect(r.writesPerSec).toBe(20);
		expect(r.controllers[0].syncsPerSec).toBe(5);
		expect(r.schedulerBindsPerSec).toBe(4);
		expect(r.clockSpeed).toBe(10);
	});

	it('start at zero without an earlier snapshot, with the cumulative mean latency', () => {
		const r = rates(undefined, snap(1000, { requests: 10, finished: 5, latencyMs: 50, revision: 100, syncs: 5, bound: 1, simulated: 0 }));
		expect(r.clients[0]).toMatchObject({ rps: 0, latencyMs: 10 });
		expect(r.writesPerSec).toBe(0);
	});

	it('puts each client in its component box', () => {
		expect(componentOf('kube-controller-manager/replicaset-controller')).toBe('controller-manager');
		expect(componentOf('kube-controller-manager/kubelet')).toBe('kubelet');
		expect(componentOf('kube-controller-manager/default-scheduler')).toBe('scheduler');
		expect(componentOf('kubectl')).toBe('kubectl');
		expect(componentOf('browser')).toBe('browser');
		expect(componentOf('curl')).toBe('other');
	});
});
