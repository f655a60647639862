import { describe, expect, test } from 'vitest';
import { createFramework } from '$lib/scheduler/runtime';
import { defaultProfileConfig } from '$lib/scheduler/profile';
import { seededRng } from '$lib/scheduler/rng';
import { scheduleOne } from '$lib/scheduler/schedule-one';
import { decisionRecord } from '$lib/scheduler/decision-record';
import { makeNode, makePod, snapshotOf } from '$lib/scheduler/test-fixtures';
import type { KubeObject } from '$lib/controllers/types';
import { compareNodes, configSummary, defaultComparison, nodeDecisionRows, podDecisionRows, sortNodeRows, type DecisionRecord } from './scheduler-model';

const ctx = { attempt: 1, configVersion: 1, revision: '10', time: '2026-11-25T10:00:00.000Z' };

/** A real record from the scheduler core: 2 nodes with cpu, 2 without. */
function record(pod = makePod('web-1', { requests: { cpu: '100m' } })): DecisionRecord {
	const nodes = [makeNode('n-0', { cpu: '0' }), makeNode('n-1', { cpu: '4' }), makeNode('n-2', { cpu: '0' }), makeNode('n-3', { cpu: '2' })];
	const d = scheduleOne(createFramework(defaultProfileConfig()), snapshotOf(nodes), pod, { rng: seededRng(1) });
	return decisionRecord(d, ctx) as unknown as DecisionRecord;
}

describe('nodeDecisionRows', () => {
	test('every node with its filter verdict and reason, scores per plugin for the feasible ones, the winner marked', () => {
		const r = record();
		const rows = sortNodeRows(nodeDecisionRows(r), 'total');
		expect(rows.map((x) => [x.node, x.verdict, x.plugin, x.reasons])).toEqual([
			[rows[0].node, 'feasible', undefined, []],
			[rows[1].node, 'feasible', undefined, []],
			['n-0', 'failed', 'NodeResourcesFit', ['Insufficient cpu']],
			['n-2', 'failed', 'NodeResourcesFit', ['Insufficient cpu']]
		]);
		expect(rows[0].winner).toBe(true);
		expect(rows[0].node).toBe(r.winner);
		expect(rows[0].total).toBeGreaterThanOrEqual(rows[1].total!);
		// The row's total is the sum of the weighted plugin scores, as the record has them.
		for (const row of rows.slice(0, 2)) expect(Object.values(row.scores!).reduce((n, c) => n + c.weighted, 0)).toBe(row.total);
	});

	test('an unschedulable pod has only failed rows, each with the exact reason', () => {
		const r = record(makePod('huge', { requests: { cpu: '64' } }));
		expect(r.result).toBe('Unschedulable');
		expect(nodeDecisionRows(r).every((x) => x.verdict === 'failed' && x.reasons[0] === 'Insufficient cpu' && !x.winner)).toBe(true);
	});

	test('sorting by name and by verdict', () => {
		const rows = nodeDecisionRows(record());
		expect(sortNodeRows(rows, 'node', false).map((x) => x.node)).toEqual(['n-0', 'n-1', 'n-2', 'n-3']);
		expect(sortNodeRows(rows, 'verdict').map((x) => x.verdict)).toEqual(['feasible', 'feasible', 'failed', 'failed']);
	});
});

describe('podDecisionRows', () => {
	test('unschedulable first, then waiting pods without a decision, then scheduled', () => {
		const ok = { ...record(), metadata: { name: 'web-1', namespace: 'default' } };
		const bad = { ...record(makePod('huge', { requests: { cpu: '64' } })), metadata: { name: 'huge', namespace: 'default' } };
		const pending: KubeObject = { metadata: { name: 'new', namespace: 'default' }, spec: {}, status: { phase: 'Pending' } };
		const bound: KubeObject = { metadata: { name: 'bound', namespace: 'default' }, spec: { nodeName: 'n-1' }, status: { phase: 'Pending' } };
		const rows = podDecisionRows([ok, bad] as unknown as KubeObject[], [pending, bound]);
		expect(rows.map((r) => [r.key, r.result])).toEqual([
			['default/huge', 'Unschedulable'],
			['default/new', 'Waiting'],
			['default/web-1', 'Scheduled']
		]);
		expect(rows[0].message).toBe('0/4 nodes are available: 4 Insufficient cpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.');
	});
});

describe('compareNodes', () => {
	test('why n-1 and not n-3: each plugin side by side, the weighted differences and the decisive one', () => {
		const r = record();
		expect(defaultComparison(r)).toEqual(['n-1', 'n-3']);
		const c = compareNodes(r, 'n-1', 'n-3')!;
		// Pod 100m cpu, no memory request (200Mi non-zero default for Fit scoring only).
		// Fit (LeastAllocated): n-1 cpu (4000−100)·100/4000 = 97, memory (8192−200)·100/8192 = 97 → 97;
		//                       n-3 cpu (2000−100)·100/2000 = 95, memory 97 → (95+97)/2 = 96.
		// Balanced: n-1 |0.025 − 0|/2 = 0.0125 → 98; n-3 |0.05 − 0|/2 = 0.025 → 97. TaintToleration 100×3 each.
		const byName = Object.fromEntries(c.plugins.map((p) => [p.name, [p.a?.weighted, p.b?.weighted, p.diff]]));
		expect(byName).toEqual({ TaintToleration: [300, 300, 0], NodeResourcesFit: [97, 96, 1], NodeResourcesBalancedAllocation: [98, 97, 1], ImageLocality: [0, 0, 0] });
		expect([c.a.total, c.b.total, c.totalDiff]).toEqual([495, 493, 2]);
		// Equal differences: the first in score order is named.
		expect(c.plugins.filter((p) => p.decisive).map((p) => p.name)).toEqual(['NodeResourcesFit']);
		expect(c.why).toBe('n-1 scores 495 and n-3 493: n-1 is ahead by 2; the largest difference is NodeResourcesFit (+1 weighted for n-1).');
	});

	test('a filtered node: the filter and its reason instead of scores', () => {
		const c = compareNodes(record(), 'n-1', 'n-0')!;
		expect(c.totalDiff).toBeUndefined();
		expect(c.plugins.every((p) => p.diff === undefined && p.a !== undefined && p.b === undefined)).toBe(true);
		expect(c.why).toBe('n-0 was filtered out by NodeResourcesFit: Insufficient cpu.');
	});
});

describe('configSummary', () => {
	const cm = (yaml: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-scheduler-config', namespace: 'kube-system' }, data: { 'config.yaml': yaml } }) as unknown as KubeObject;
	const head = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';

	test('the defaults without a ConfigMap', () => {
		const s = configSummary([]);
		expect(s.errors).toEqual([]);
		expect(s.profiles[0]).toMatchObject({ schedulerName: 'default-scheduler', percentageOfNodesToScore: 'adaptive', fitStrategy: 'LeastAllocated' });
		expect(s.profiles[0].score).toContainEqual({ name: 'TaintToleration', weight: 3 });
	});

	test('the ConfigMap: weights, strategy, percentage; or the errors the scheduler reports', () => {
		const s = configSummary([cm(`${head}percentageOfNodesToScore: 30\nprofiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args: { scoringStrategy: { type: MostAllocated } }\n  plugins:\n    multiPoint:\n      enabled: [{ name: ImageLocality, weight: 5 }]\n`)]);
		expect(s.profiles[0]).toMatchObject({ percentageOfNodesToScore: '30%', fitStrategy: 'MostAllocated' });
		expect(s.profiles[0].score).toContainEqual({ name: 'ImageLocality', weight: 5 });
		expect(configSummary([cm(`${head}percentageOfNodesToScore: 300\n`)]).errors).toEqual(['percentageOfNodesToScore: Invalid value: 300: not in valid range [0-100]']);
	});
});
