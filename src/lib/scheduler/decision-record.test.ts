import { describe, expect, it } from 'vitest';
import { RECORD_LIMITS, decisionRecord } from './decision-record';
import { createFramework } from './runtime';
import { defaultProfileConfig } from './profile';
import { seededRng } from './rng';
import { scheduleOne } from './schedule-one';
import { makeNode, makePod, snapshotOf } from './test-fixtures';

const ctx = { attempt: 2, configVersion: 3, revision: '41', time: '2026-01-01T00:00:00.000Z' };

function decide(nodes: number, pod = makePod('web-1', { requests: { cpu: '100m' } })) {
	const ns = Array.from({ length: nodes }, (_, i) => makeNode(`n-${i}`, { cpu: i % 2 ? '4' : '0' }));
	return scheduleOne(createFramework(defaultProfileConfig()), snapshotOf(ns), pod, { rng: seededRng(1) });
}

describe('decisionRecord', () => {
	it('keeps every verdict and scored row at small scale, owned by the pod', () => {
		const d = decide(4);
		const r = decisionRecord(d, ctx) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
		expect(r.metadata).toEqual({ name: 'web-1', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: d.pod.uid }] });
		expect(r).toMatchObject({ apiVersion: 'scheduling.converge.dev/v1', kind: 'SchedulingDecision', result: 'Scheduled', node: d.winner, attempt: 2, configVersion: 3, revision: '41' });
		expect(r.nodes).toEqual({ total: 4, toFind: 4, startIndex: 0, feasible: 2, failed: 2, notEvaluated: 0, complete: true });
		expect(r.filter.reasons).toEqual([{ plugin: 'NodeResourcesFit', reason: 'Insufficient cpu', count: 2 }]);
		expect(r.filter.verdicts).toHaveLength(4);
		expect(r.score.rows).toHaveLength(2);
		expect(r.score.rowsOmitted).toBe(0);
	});

	it('bounds a 1,000-node record: top rows, the winner, a sample of failures, counts for all', () => {
		const d = decide(1000);
		const r = decisionRecord(d, ctx) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
		expect(r.nodes.complete).toBe(false);
		expect(r.nodes.feasible + r.nodes.failed + r.nodes.notEvaluated).toBe(1000);
		expect(r.filter.verdicts).toHaveLength(RECORD_LIMITS.failedSample);
		expect(r.filter.reasons[0]).toMatchObject({ reason: 'Insufficient cpu', count: r.nodes.failed });
		expect(r.score.rows.length).toBeLessThanOrEqual(RECORD_LIMITS.topScored + 1);
		expect(r.score.rows.some((row: { node: string }) => row.node === d.winner)).toBe(true);
		expect(r.score.rowsOmitted).toBe(d.score!.rows.length - r.score.rows.length);
		expect(JSON.stringify(r).length).toBeLessThan(64 * 1024);
	});

	it('records an unschedulable attempt with its message and no node', () => {
		const d = decide(2, makePod('huge', { requests: { cpu: '64' } }));
		const r = decisionRecord(d, ctx) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
		expect(r.result).toBe('Unschedulable');
		expect(r.node).toBeUndefined();
		expect(r.reason).toBe('Unschedulable');
		expect(r.message).toBe('0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.');
	});
});
