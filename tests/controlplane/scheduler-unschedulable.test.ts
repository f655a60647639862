/**
 * What kube-scheduler writes for pods it cannot place in a room with no nodes, counted at the
 * API server (the Control-plane view's per-client counters): like the real one, the pod's
 * PodScheduled=False status once, one FailedScheduling Event whose repeats are a series (one
 * write when the series starts, none per further attempt), one SchedulingDecision record; the
 * pods are retried with backoff (no rejecting plugin) and bound once a node appears.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../kubectl/harness';
import { type Obj, schedulerRoom } from './scheduler-helpers';

const room = schedulerRoom(async () => {});
const PODS = 5;

/** Verb counts of the scheduler's requests (user agent kube-scheduler) since `from`. */
async function schedulerCalls(from?: Record<string, number>): Promise<Record<string, number>> {
	const snap = (await (await room.k.api(`/api/rooms/${room.k.roomId}/controlplane`)).json()) as Obj;
	const verbs = { ...((snap.apiserver.clients['kube-scheduler']?.verbs ?? {}) as Record<string, number>) };
	// Reads are not writes (the CRD install polls it until Established).
	for (const v of ['get', 'list', 'watch']) delete verbs[v];
	for (const [k, v] of Object.entries(from ?? {})) verbs[k] = (verbs[k] ?? 0) - v;
	return verbs;
}

const clock = (body: unknown) => room.k.api(`/api/rooms/${room.k.roomId}/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('kube-scheduler, pods with no node to go to', () => {
	it('writes each pod’s status once, one FailedScheduling event counted as a series and one record, however often it retries; binds it when a node appears', async () => {
		// The scheduler installs its SchedulingDecision CRD first: count from there.
		const crdPath = `/rooms/${room.k.roomId}/k8s/apis/apiextensions.k8s.io/v1/customresourcedefinitions/schedulingdecisions.scheduling.converge.dev`;
		await eventually(async () => (await room.k.api(crdPath)).status === 200, 'SchedulingDecision CRD');
		const crd = (await (await room.k.api(crdPath)).json()) as Obj;
		// Age is when the decision was made (the record's time), not when the background writer created it.
		expect(crd.spec.versions[0].additionalPrinterColumns).toContainEqual({ name: 'Age', type: 'date', jsonPath: '.time' });
		const base = await schedulerCalls();
		for (let i = 0; i < PODS; i++)
			await room.a.send('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `lonely-${i}` }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } });
		const names = Array.from({ length: PODS }, (_, i) => `lonely-${i}`);

		// First attempt: PodScheduled=False (reason Unschedulable, as for ErrNoNodesAvailable) and the event.
		for (const n of names)
			await eventually(async () => (await room.a.pod(n)).status?.conditions?.some((c: Obj) => c.type === 'PodScheduled' && c.status === 'False'), `${n} PodScheduled=False`);
		expect((await room.a.pod('lonely-0')).status.conditions.find((c: Obj) => c.type === 'PodScheduled')).toMatchObject({ reason: 'Unschedulable', message: 'no nodes available to schedule pods' });

		// Retried with backoff (1 s, 2 s, 4 s, 8 s, 10 s …): two minutes of room time is a dozen attempts each.
		await clock({ action: 'pause' });
		for (let s = 0; s < 12; s++) await clock({ action: 'step', seconds: 10 });
		await clock({ action: 'resume' });
		await eventually(async () => (await room.a.events('lonely-0')).find((e) => e.reason === 'FailedScheduling')?.count === 2, 'the FailedScheduling series started (count 2)');
		for (const n of names) {
			const failed = (await room.a.events(n)).filter((e) => e.reason === 'FailedScheduling');
			expect(failed).toHaveLength(1);
			expect(failed[0]).toMatchObject({ type: 'Warning', message: 'no nodes available to schedule pods', source: { component: 'default-scheduler' } });
		}
		await eventually(async () => (await room.a.getJson('/apis/scheduling.converge.dev/v1/namespaces/default/schedulingdecisions')).items?.length >= PODS, 'decision records');

		// Per pod: the status patch, the event's create and its series patch, the record's create.
		const calls = await schedulerCalls(base);
		expect(calls.patch).toBe(2 * PODS);
		expect(calls.create).toBe(2 * PODS);
		expect(calls.update ?? 0).toBe(0);

		// A node arrives; every pod is bound on its next attempt (at most 10 s of backoff later).
		await room.a.node('node-1', '4');
		await clock({ action: 'pause' });
		await clock({ action: 'step', seconds: 11 });
		await clock({ action: 'resume' });
		for (const n of names) expect(await room.a.boundNode(n)).toBe('node-1');
		await eventually(async () => (await room.a.events('lonely-0')).some((e) => e.reason === 'Scheduled'), 'Scheduled event');
	});
});
