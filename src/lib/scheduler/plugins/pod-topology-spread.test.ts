import { describe, expect, it } from 'vitest';
import { makeNode, makePod, runFilterPlugin, runScorePlugin, snapshotOf } from '../test-fixtures';
import type { TopologySpreadConstraint } from '../types';
import { create, ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH } from './pod-topology-spread';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const web = (name: string, node?: string) => makePod(name, { node, labels: { app: 'web' } });
const spread = (c: Partial<TopologySpreadConstraint>) =>
	makePod('p', { labels: { app: 'web' }, spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...c }] } });
const nodes = [makeNode('a', { labels: { [ZONE]: 'z1' } }), makeNode('b', { labels: { [ZONE]: 'z1' } }), makeNode('c', { labels: { [ZONE]: 'z2' } })];

describe('PodTopologySpread filter', () => {
	it('count + self − global min must not exceed maxSkew', () => {
		const snap = snapshotOf([...nodes, makeNode('bare')], [web('w1', 'a'), web('w2', 'b')]);
		// z1: 2 + 1 − 0 = 3 > 1; z2: 0 + 1 − 0 = 1 ≤ 1; bare has no zone label
		expect(runFilterPlugin(create(), snap, spread({}))).toEqual({ a: ERR_REASON_CONSTRAINTS_NOT_MATCH, b: ERR_REASON_CONSTRAINTS_NOT_MATCH, c: '', bare: ERR_REASON_NODE_LABEL_NOT_MATCH });
		expect(ERR_REASON_NODE_LABEL_NOT_MATCH).toBe("node(s) didn't match pod topology spread constraints (missing required label)");
	});

	it('minDomains: fewer domains than minDomains makes the global minimum 0', () => {
		const snap = snapshotOf(nodes, [web('w1', 'a'), web('w2', 'c')]);
		// z1 1, z2 1: min 1 → 1+1−1 = 1 ok everywhere; with minDomains 3 (2 domains) min = 0 → 2 > 1
		expect(runFilterPlugin(create(), snap, spread({}))).toEqual({ a: '', b: '', c: '' });
		expect(runFilterPlugin(create(), snap, spread({ minDomains: 3 }))).toEqual({ a: ERR_REASON_CONSTRAINTS_NOT_MATCH, b: ERR_REASON_CONSTRAINTS_NOT_MATCH, c: ERR_REASON_CONSTRAINTS_NOT_MATCH });
	});

	it('nodeAffinityPolicy Honor (default) leaves out domains the pod cannot use; Ignore counts them', () => {
		const snap = snapshotOf(nodes, [web('w1', 'a')]);
		const pinned = (policy?: string) => {
			const p = spread({ ...(policy ? { nodeAffinityPolicy: policy } : {}) });
			p.spec.nodeSelector = { [ZONE]: 'z1' };
			return p;
		};
		// Honor: only z1 counted (1) → min 1 → 1+1−1 = 1 ok on a and b
		expect(runFilterPlugin(create(), snap, pinned()).a).toBe('');
		// Ignore: z2 counted with 0 → min 0 → 1+1−0 = 2 > 1
		expect(runFilterPlugin(create(), snap, pinned('Ignore')).a).toBe(ERR_REASON_CONSTRAINTS_NOT_MATCH);
	});
});

describe('PodTopologySpread score', () => {
	it('ScheduleAnyway on hostname: round(cnt·ln(n+2) + maxSkew−1), then 100·(max+min−s)/max', () => {
		const snap = snapshotOf(nodes, [web('w1', 'a'), web('w2', 'c'), web('w3', 'c')]);
		const pod = makePod('p', { labels: { app: 'web' }, spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: HOST, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }] } });
		const w = Math.log(3 + 2);
		const raw = { a: Math.round(1 * w), b: 0, c: Math.round(2 * w) }; // 2, 0, 3
		expect(raw).toEqual({ a: 2, b: 0, c: 3 });
		const norm = (s: number) => Math.trunc((100 * (3 + 0 - s)) / 3);
		expect(runScorePlugin(create(), snap, pod)).toEqual({ a: norm(2), b: norm(0), c: norm(3) });
	});

	it('system defaults (hostname 3, zone 5) with the selector of the owning ReplicaSet', () => {
		const rsPod = (name: string, node?: string) => {
			const p = web(name, node);
			p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs1', controller: true }];
			return p;
		};
		const rs = { kind: 'ReplicaSet', metadata: { name: 'rs1', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } } } };
		const snap = snapshotOf(nodes, [rsPod('w1', 'a'), rsPod('w2', 'a'), rsPod('w3', 'c')], { podSelectors: [rs] });
		const wz = Math.log(2 + 2); // two zones among feasible nodes
		const wh = Math.log(3 + 2); // three feasible nodes
		const raw = {
			a: Math.round(2 * wh + 2 + 2 * wz + 4),
			b: Math.round(0 * wh + 2 + 2 * wz + 4),
			c: Math.round(1 * wh + 2 + 1 * wz + 4)
		};
		expect(raw).toEqual({ a: 12, b: 9, c: 9 });
		const norm = (s: number) => Math.trunc((100 * (12 + 9 - s)) / 12);
		expect(runScorePlugin(create(), snap, rsPod('p'))).toEqual({ a: norm(12), b: norm(9), c: norm(9) });
		// Without anything selecting the pod, system defaults do not apply: Skip.
		expect(runScorePlugin(create(), snapshotOf(nodes), web('p'))).toBeUndefined();
	});
});
