import { describe, expect, it } from 'vitest';
import { makeNode, makePod, runFilterPlugin, runScorePlugin, snapshotOf } from '../test-fixtures';
import { create, insufficient, REASON_TOO_MANY_PODS } from './node-resources-fit';

describe('NodeResourcesFit filter', () => {
	it('reports every insufficient resource with the real reasons', () => {
		const snap = snapshotOf([makeNode('n1', { cpu: '1', memory: '1Gi', pods: 1 })], [makePod('old', { node: 'n1', requests: { cpu: '500m', memory: '512Mi' } })]);
		const got = runFilterPlugin(create(), snap, makePod('p', { requests: { cpu: '600m', memory: '600Mi', 'nvidia.com/gpu': '1' } }));
		expect(got.n1).toBe('Too many pods, Insufficient cpu, Insufficient memory, Insufficient nvidia.com/gpu');
		expect(insufficient('cpu')).toBe('Insufficient cpu');
		expect(REASON_TOO_MANY_PODS).toBe('Too many pods');
	});

	it('uses real requests (no 100m default) and counts init containers and overhead', () => {
		const node = makeNode('n1', { cpu: '1', memory: '1Gi' });
		// max(app 300m, init 900m) + overhead 100m = 1000m: fits exactly; one more milli does not.
		const pod = (overhead: string) =>
			makePod('p', {
				requests: { cpu: '300m' },
				spec: { initContainers: [{ name: 'i', resources: { requests: { cpu: '900m' } } }], overhead: { cpu: overhead } }
			});
		expect(runFilterPlugin(create(), snapshotOf([node]), pod('100m')).n1).toBe('');
		expect(runFilterPlugin(create(), snapshotOf([node]), pod('101m')).n1).toBe('Insufficient cpu');
		// Best-effort pods on a full node still fit: only the pod count is checked.
		const full = snapshotOf([node], [makePod('hog', { node: 'n1', requests: { cpu: '1' } })]);
		expect(runFilterPlugin(create(), full, makePod('be')).n1).toBe('');
	});

	it('counts sidecars (restartable init containers) with the app containers', () => {
		const node = makeNode('n1', { cpu: '1' });
		// sidecar 400m + app 500m = 900m; init after the sidecar: 200m + 400m = 600m → 900m total.
		const pod = makePod('p', {
			requests: { cpu: '500m' },
			spec: {
				initContainers: [
					{ name: 'side', restartPolicy: 'Always', resources: { requests: { cpu: '400m' } } },
					{ name: 'init', resources: { requests: { cpu: '200m' } } }
				]
			}
		});
		expect(runFilterPlugin(create(), snapshotOf([node], [makePod('x', { node: 'n1', requests: { cpu: '100m' } })]), pod).n1).toBe('');
		expect(runFilterPlugin(create(), snapshotOf([node], [makePod('x', { node: 'n1', requests: { cpu: '101m' } })]), pod).n1).toBe('Insufficient cpu');
	});
});

describe('NodeResourcesFit score', () => {
	it('LeastAllocated: the real test "nothing scheduled, resources requested, differently sized nodes"', () => {
		// node1: cpu ((4000-3000)*100)/4000 = 25, mem ((10000-5000)*100)/10000 = 50 → (25+50)/2 = 37
		// node2: cpu ((6000-3000)*100)/6000 = 50, mem 50 → 50
		const snap = snapshotOf([makeNode('node1', { cpu: '4000', memory: '10000' }), makeNode('node2', { cpu: '6000', memory: '10000' })]);
		const pod = makePod('p', {
			containers: [
				{ name: 'a', resources: { requests: { cpu: '1000', memory: '2000' } } },
				{ name: 'b', resources: { requests: { cpu: '2000', memory: '3000' } } }
			]
		});
		expect(runScorePlugin(create(), snap, pod)).toEqual({ node1: 37, node2: 50 });
	});

	it('LeastAllocated: weights per resource (memory 2, cpu 1) from the real tests', () => {
		// node1: (25*1 + 50*2)/(1+2) = 41; node2: (50*1 + 50*2)/3 = 50
		const snap = snapshotOf([makeNode('node1', { cpu: '4000', memory: '10000' }), makeNode('node2', { cpu: '6000', memory: '10000' })]);
		const pod = makePod('p', { requests: { cpu: '3000', memory: '5000' } });
		const plugin = create({ scoringStrategy: { resources: [{ name: 'memory', weight: 2 }, { name: 'cpu', weight: 1 }] } });
		expect(runScorePlugin(plugin, snap, pod)).toEqual({ node1: 41, node2: 50 });
	});

	it('LeastAllocated: non-zero defaults 100m / 200Mi apply to pods without requests', () => {
		// node 4 cpu / 8Gi with one best-effort pod, incoming best-effort pod:
		// cpu: requested 100m+100m = 200m → ((4000-200)*100)/4000 = 95
		// mem: 200Mi+200Mi = 400Mi → ((8192-400)*100)/8192 = 95 (95.1 truncated) → (95+95)/2 = 95
		const snap = snapshotOf([makeNode('n1')], [makePod('be', { node: 'n1' })]);
		expect(runScorePlugin(create(), snap, makePod('p'))).toEqual({ n1: 95 });
		expect(Math.trunc(((8192 - 400) * 100) / 8192)).toBe(95);
	});

	it('LeastAllocated: over capacity scores 0 for that resource; zero capacity is skipped', () => {
		// cpu: 3000+3000 > 4000 → 0; memory (10000-5000)*100/10000 = 50 → (0+50)/2 = 25
		const snap = snapshotOf([makeNode('n1', { cpu: '4000', memory: '10000' })], [makePod('x', { node: 'n1', requests: { cpu: '3000', memory: '5000' } })]);
		expect(runScorePlugin(create(), snap, makePod('p', { requests: { cpu: '3000', memory: '0' } }))).toEqual({ n1: 25 });
		const zero = snapshotOf([{ ...makeNode('z'), status: {} }]);
		expect(runScorePlugin(create(), zero, makePod('p'))).toEqual({ z: 0 });
	});

	it('MostAllocated: requested*100/capacity averaged', () => {
		// cpu 3000*100/4000 = 75, mem 5000*100/10000 = 50 → 62
		const snap = snapshotOf([makeNode('n1', { cpu: '4000', memory: '10000' })]);
		const plugin = create({ scoringStrategy: { type: 'MostAllocated' } });
		expect(runScorePlugin(plugin, snap, makePod('p', { requests: { cpu: '3000', memory: '5000' } }))).toEqual({ n1: 62 });
	});

	it('RequestedToCapacityRatio: broken-linear shape, scores ×10, rounded mean', () => {
		// shape (0→0, 100→10) scaled to (0→0, 100→100). cpu 3000/4000 = 75% → 75; mem 50% → 50
		// mean = round((75+50)/2) = round(62.5) = 63
		const snap = snapshotOf([makeNode('n1', { cpu: '4000', memory: '10000' })]);
		const plugin = create({ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } });
		expect(runScorePlugin(plugin, snap, makePod('p', { requests: { cpu: '3000', memory: '5000' } }))).toEqual({ n1: 63 });
	});

	it('parses quantities like the API (250m, 1Gi)', () => {
		// cpu ((4000-250)*100)/4000 = 93; mem ((8Gi-1Gi)*100)/8Gi = 87 → 90
		const snap = snapshotOf([makeNode('n1')]);
		expect(runScorePlugin(create(), snap, makePod('p', { requests: { cpu: '250m', memory: '1Gi' } }))).toEqual({ n1: 90 });
	});
});
