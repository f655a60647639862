import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultProfileConfig } from './profile';
import { seededRng } from './rng';
import { createFramework } from './runtime';
import { numFeasibleNodesToFind, scheduleOne, selectHost } from './schedule-one';
import { rejectorsOf } from './scheduler';
import { makeNode, makePod, snapshotOf } from './test-fixtures';
import type { Node } from './types';

const CP = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
const fw = () => createFramework(defaultProfileConfig());
const rng = () => seededRng(42);

describe('scheduleOne failures: the real FitError text', () => {
	it('5 nodes: 2 full workers, 3 tainted control planes, nothing to preempt', () => {
		const nodes = [makeNode('cp1', { taints: [CP] }), makeNode('cp2', { taints: [CP] }), makeNode('cp3', { taints: [CP] }), makeNode('w1', { cpu: '2' }), makeNode('w2', { cpu: '2' })];
		const pods = [makePod('a', { node: 'w1', requests: { cpu: '1500m' } }), makePod('b', { node: 'w2', requests: { cpu: '1500m' } })];
		const d = scheduleOne(fw(), snapshotOf(nodes, pods), makePod('p', { requests: { cpu: '1' } }), { rng: rng() });
		expect(d.result).toBe('unschedulable');
		expect(d.reason).toBe('Unschedulable');
		// v1.32: equal-priority pods are not victims, so the workers report "No preemption victims".
		expect(d.message).toBe(
			'0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. ' +
				'preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.'
		);
		expect(d.nodes.find((n) => n.node === 'w1')).toEqual({ node: 'w1', verdict: 'failed', plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] });
		expect(d.nodes.find((n) => n.node === 'cp1')).toMatchObject({ plugin: 'TaintToleration', code: 'UnschedulableAndUnresolvable' });
	});

	it('counts reasons and sorts the "<n> <reason>" strings as plain strings (10 before 2)', () => {
		const nodes: Node[] = [];
		for (let i = 0; i < 10; i++) nodes.push(makeNode(`t${i}`, { taints: [{ key: 'x', effect: 'NoSchedule' }] }));
		nodes.push(makeNode('u1', { unschedulable: true }), makeNode('u2', { unschedulable: true }));
		const d = scheduleOne(fw(), snapshotOf(nodes), makePod('p'), { rng: rng() });
		expect(d.message).toBe('0/12 nodes are available: 10 node(s) had untolerated taint {x: }, 2 node(s) were unschedulable. preemption: 0/12 nodes are available: 12 Preemption is not helpful for scheduling.');
	});

	it('a PreFilter rejection replaces the histogram', () => {
		const snap = snapshotOf([makeNode('a'), makeNode('b')], [], {
			pvcs: [{ metadata: { name: 'data', namespace: 'default' }, spec: { storageClassName: 'std' } }],
			storageClasses: [{ metadata: { name: 'std' }, provisioner: 'x', volumeBindingMode: 'Immediate' }]
		});
		const pod = makePod('p', { spec: { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }] } });
		const d = scheduleOne(fw(), snap, pod, { rng: rng() });
		expect(d.message).toBe('0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
		expect(d.preFilter.rejectedBy).toBe('VolumeBinding');
	});

	it('nodes outside a PreFilter node subset are reported as not satisfying that plugin', () => {
		const pod = makePod('ds', {
			requests: { cpu: '8' },
			spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] }] } } } }
		});
		const d = scheduleOne(fw(), snapshotOf([makeNode('a'), makeNode('b'), makeNode('c')]), pod, { rng: rng() });
		expect(d.message).toBe(
			"0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
		);
	});

	it('no nodes at all is Unschedulable (UnschedulableAndUnresolvable) with no rejecting plugin', () => {
		const d = scheduleOne(fw(), snapshotOf([]), makePod('p'), { rng: rng() });
		expect(d).toMatchObject({ result: 'unschedulable', reason: 'Unschedulable', message: 'no nodes available to schedule pods' });
		expect(rejectorsOf(d).size).toBe(0);
	});
});

describe('scheduleOne success: the decision record', () => {
	it('records raw, normalized and weighted scores; total = Σ weight × normalized', () => {
		const nodes = [makeNode('small', { cpu: '2', memory: '4Gi' }), makeNode('big', { cpu: '8', memory: '16Gi' })];
		const d = scheduleOne(fw(), snapshotOf(nodes), makePod('p', { requests: { cpu: '1', memory: '1Gi' } }), { rng: rng() });
		expect(d.result).toBe('scheduled');
		expect(d.winner).toBe('big');
		expect(d.eventMessage).toBe('Successfully assigned default/p to big');
		expect(d.binding).toEqual({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', namespace: 'default', uid: expect.any(String) }, target: { kind: 'Node', name: 'big' } });
		const big = d.score!.rows.find((r) => r.node === 'big')!;
		// LeastAllocated on big: cpu ((8000-1000)*100)/8000 = 87, mem ((16-1)*100)/16 = 93 → 90
		expect(big.plugins.NodeResourcesFit).toEqual({ raw: 90, normalized: 90, weighted: 90 });
		// TaintToleration: no PreferNoSchedule taints → 100 × weight 3
		expect(big.plugins.TaintToleration).toEqual({ raw: 0, normalized: 100, weighted: 300 });
		// BalancedAllocation: cpu 1/8 = 0.125, mem 1/16 = 0.0625 → std 0.03125 → 96
		expect(big.plugins.NodeResourcesBalancedAllocation.raw).toBe(96);
		for (const r of d.score!.rows) expect(r.total).toBe(Object.values(r.plugins).reduce((s, c) => s + c.weighted, 0));
		expect(d.score!.skipped.sort()).toEqual(['InterPodAffinity', 'NodeAffinity', 'PodTopologySpread', 'VolumeBinding']);
		expect(d.score!.plugins).toEqual([
			{ name: 'TaintToleration', weight: 3 },
			{ name: 'NodeAffinity', weight: 2 },
			{ name: 'NodeResourcesFit', weight: 1 },
			{ name: 'VolumeBinding', weight: 1 },
			{ name: 'PodTopologySpread', weight: 2 },
			{ name: 'InterPodAffinity', weight: 2 },
			{ name: 'NodeResourcesBalancedAllocation', weight: 1 },
			{ name: 'ImageLocality', weight: 1 }
		]);
	});

	it('one feasible node is chosen without scoring', () => {
		const d = scheduleOne(fw(), snapshotOf([makeNode('a'), makeNode('b', { taints: [CP] })]), makePod('p'), { rng: rng() });
		expect(d).toMatchObject({ result: 'scheduled', winner: 'a' });
		expect(d.score).toBeUndefined();
	});

	it('tries the nominated node first and takes it when it fits', () => {
		const pod = makePod('p');
		pod.status = { nominatedNodeName: 'c' };
		const d = scheduleOne(fw(), snapshotOf([makeNode('a'), makeNode('b'), makeNode('c')]), pod, { rng: rng() });
		expect(d).toMatchObject({ winner: 'c', nominatedNode: { node: 'c', passed: true } });
		expect(d.nodes.filter((n) => n.verdict === 'not-evaluated').map((n) => n.node)).toEqual(['a', 'b']);
	});
});

describe('how many nodes are searched', () => {
	it('numFeasibleNodesToFind: all below 100, adaptive 50 − n/125 (≥ 5%), at least 100', () => {
		expect(numFeasibleNodesToFind(0, 50)).toBe(50);
		expect(numFeasibleNodesToFind(0, 200)).toBe(100); // 49% of 200 = 98 → 100
		expect(numFeasibleNodesToFind(0, 1000)).toBe(420); // 50 − 8 = 42%
		expect(numFeasibleNodesToFind(0, 5000)).toBe(500); // 50 − 40 = 10%
		expect(numFeasibleNodesToFind(0, 6000)).toBe(300); // 50 − 48 = 2% → 5%
		expect(numFeasibleNodesToFind(30, 2000)).toBe(600);
		expect(numFeasibleNodesToFind(1, 2000)).toBe(100);
	});

	it('stops after enough feasible nodes and continues from there for the next pod', () => {
		const nodes: Node[] = [];
		for (let i = 0; i < 250; i++) nodes.push(makeNode(`n${String(i).padStart(3, '0')}`));
		const snap = snapshotOf(nodes);
		const f = fw();
		const d1 = scheduleOne(f, snap, makePod('p1'), { rng: rng(), nextStartNodeIndex: 0 });
		// 250 nodes: 50 − 2 = 48% → 120 nodes to find
		expect(d1.numNodesToFind).toBe(120);
		expect(d1.nodes.filter((n) => n.verdict === 'feasible')).toHaveLength(120);
		expect(d1.nodes.filter((n) => n.verdict === 'not-evaluated')).toHaveLength(130);
		expect(d1.nextStartNodeIndex).toBe(120);
		const d2 = scheduleOne(f, snap, makePod('p2'), { rng: rng(), nextStartNodeIndex: d1.nextStartNodeIndex });
		expect(d2.nodes[120].verdict).toBe('feasible');
		expect(d2.nodes[119].verdict).toBe('not-evaluated');
		expect(d2.nextStartNodeIndex).toBe(240);
	});
});

describe('tie-break', () => {
	it('selectHost picks uniformly among the top totals (reservoir sampling)', () => {
		const names = ['a', 'b', 'c', 'd'];
		const totals = [5, 9, 9, 9];
		const r = seededRng(7);
		const seen = new Map<string, number>();
		for (let i = 0; i < 3000; i++) {
			const { winner, ties } = selectHost(names, totals, r);
			expect(ties).toEqual(['b', 'c', 'd']);
			seen.set(winner, (seen.get(winner) ?? 0) + 1);
		}
		expect(seen.has('a')).toBe(false);
		for (const n of ['b', 'c', 'd']) expect(seen.get(n)!).toBeGreaterThan(850);
	});

	it('the same seed gives the same choices; another seed may not', () => {
		const nodes = Array.from({ length: 6 }, (_, i) => makeNode(`n${i}`));
		const run = (seed: number) => {
			const r = seededRng(seed);
			const f = fw();
			let start = 0;
			return Array.from({ length: 20 }, (_, i) => {
				const d = scheduleOne(f, snapshotOf(nodes), makePod(`p${i}`), { rng: r, nextStartNodeIndex: start });
				start = d.nextStartNodeIndex;
				return d.winner;
			});
		};
		expect(run(1)).toEqual(run(1));
		expect(run(1)).not.toEqual(run(2));
	});

	it('recomputing from the same snapshot, RNG state and start index gives the identical record', () => {
		const nodes = Array.from({ length: 8 }, (_, i) => makeNode(`n${i}`, { cpu: String(2 + (i % 3)), labels: { 'topology.kubernetes.io/zone': `z${i % 2}` } }));
		const snap = snapshotOf(nodes, [makePod('e', { node: 'n1', requests: { cpu: '1' } })]);
		const pod = makePod('p', { requests: { cpu: '500m' } });
		const a = scheduleOne(fw(), snap, pod, { rng: seededRng(9), nextStartNodeIndex: 3 });
		const b = scheduleOne(fw(), snap, pod, { rng: seededRng(9), nextStartNodeIndex: 3 });
		expect(b).toEqual(a);
		expect(a.score!.rows).toHaveLength(8);
	});
});

describe('properties (fast-check)', () => {
	const nodeArb = fc.record({
		cpu: fc.integer({ min: 1, max: 8 }),
		taint: fc.boolean(),
		zone: fc.constantFrom('z1', 'z2', 'z3'),
		used: fc.integer({ min: 0, max: 8000 })
	});
	it('never picks a node that failed a filter; totals are Σ weight × normalized in [0, 100]', () => {
		fc.assert(
			fc.property(fc.array(nodeArb, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 4000 }), fc.integer(), (specs, req, seed) => {
				const nodes = specs.map((s, i) => makeNode(`n${i}`, { cpu: String(s.cpu), labels: { 'topology.kubernetes.io/zone': s.zone }, taints: s.taint ? [CP] : undefined }));
				const pods = specs.map((s, i) => makePod(`e${i}`, { node: `n${i}`, requests: { cpu: `${Math.min(s.used, s.cpu * 1000)}m` }, labels: { app: 'web' } }));
				const pod = makePod('p', {
					requests: { cpu: `${req}m` },
					labels: { app: 'web' },
					spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }] }
				});
				const d = scheduleOne(fw(), snapshotOf(nodes, pods), pod, { rng: seededRng(seed) });
				if (d.result === 'scheduled') {
					expect(d.nodes.find((n) => n.node === d.winner)!.verdict).toBe('feasible');
					const fw1 = fw();
					for (const row of d.score?.rows ?? []) {
						let sum = 0;
						for (const [name, cell] of Object.entries(row.plugins)) {
							expect(cell.normalized).toBeGreaterThanOrEqual(0);
							expect(cell.normalized).toBeLessThanOrEqual(100);
							expect(cell.weighted).toBe(cell.normalized * fw1.weights.get(name)!);
							sum += cell.weighted;
						}
						expect(row.total).toBe(sum);
					}
					if (d.ties) expect(Math.max(...d.score!.rows.map((r) => r.total))).toBe(d.score!.rows.find((r) => r.node === d.winner)!.total);
				} else expect(d.nodes.every((n) => n.verdict === 'failed')).toBe(true);
			}),
			{ numRuns: 150 }
		);
	});
});
