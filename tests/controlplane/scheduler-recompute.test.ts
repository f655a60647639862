/**
 * Issue 7: "recomputed explanations equal recorded ones". Records are shrunk to keep 2 scored rows
 * and 1 failed verdict past 2 nodes (the server runs in this process), so every decision of a
 * 6-node room is a bounded one; each is recomputed from the cluster listed at the record's
 * revision (resourceVersionMatch=Exact) and must give the same numbers for the rows it kept.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RECORD_LIMITS } from '../../src/lib/scheduler/decision-record';
import { inputsAt, recomputeDecision, recordedRowsMismatch, type RecordedDecision } from '../../src/lib/scheduler/recompute';
import { eventually } from '../kubectl/harness';
import { type Obj, schedulerRoom } from './scheduler-helpers';

const saved = { ...RECORD_LIMITS };
Object.assign(RECORD_LIMITS, { full: 2, topScored: 2, failedSample: 1 });
afterAll(() => void Object.assign(RECORD_LIMITS, saved));

const ZONE = 'topology.kubernetes.io/zone';
const room = schedulerRoom(async (a) => {
	for (let i = 1; i <= 5; i++) await a.node(`node-${i}`, String(i), { labels: { [ZONE]: `z${i % 2}` } });
	await a.node('tainted', '8', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
});

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  replicas: 5
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 5
            podAffinityTerm: { topologyKey: ${ZONE}, labelSelector: { matchLabels: { app: web } } }
      containers: [{ name: app, image: nginx:1.27, resources: { requests: { cpu: 300m, memory: 64Mi } } }]
`;

describe('SchedulingDecision recomputed at its revision', () => {
	it('gives the rows and verdicts the record kept, and the rows it left out', async () => {
		await room.a.apply(deployment);
		let records: RecordedDecision[] = [];
		await eventually(async () => {
			records = ((await room.a.getJson('/apis/scheduling.converge.dev/v1/namespaces/default/schedulingdecisions')).items as RecordedDecision[]).filter((r) => r.pod?.name.startsWith('web-'));
			return records.length === 5 && records.every((r) => (r as Obj).result === 'Scheduled');
		}, '5 web decisions');
		for (const rec of records) {
			const r = rec as Obj;
			// Bounded: 6 nodes > 2, so 2 of the 5 scored rows and 1 of the failed verdicts are kept.
			expect(r.nodes).toMatchObject({ total: 6, complete: false, failed: 1, feasible: 5 });
			expect(r.score.rows).toHaveLength(2);
			expect(r.score.rowsOmitted).toBe(3);
			const inputs = await inputsAt(rec.revision!, (path) => room.a.getJson(path) as Promise<{ items?: unknown[] }>);
			const recomputed = recomputeDecision(rec, inputs);
			const again = recomputed as Obj;
			expect(recordedRowsMismatch(rec, recomputed)).toEqual([]);
			// The full breakdown: every node's verdict and all 5 scored rows, the recorded ones among them.
			expect(again.nodes).toMatchObject({ total: 6, feasible: 5, failed: 1, complete: true });
			expect(again.filter.verdicts.map((v: Obj) => v.node).sort()).toEqual(['node-1', 'node-2', 'node-3', 'node-4', 'node-5', 'tainted']);
			expect(again.filter.verdicts.find((v: Obj) => v.node === 'tainted')).toMatchObject({ verdict: 'failed', plugin: 'TaintToleration', reasons: ['node(s) had untolerated taint {dedicated: db}'] });
			expect(again.score.rows).toHaveLength(5);
			for (const row of r.score.rows) expect(again.score.rows).toContainEqual(row);
			expect(again.winner).toBe(r.winner);
		}
	});
});
