import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startKubeRoom, tableRows, type KubeRoom } from '../kubectl/harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

let k: KubeRoom;
const base = () => `/rooms/${k.roomId}/k8s`;
const getJson = async (path: string): Promise<Obj> => (await (await k.api(base() + path)).json()) as Obj;
const clock = (body: unknown) => k.api(`/api/rooms/${k.roomId}/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Stands in for the kubelet: writes the pod's status (re-reading it when a controller wrote it meanwhile). */
async function setPodStatus(namespace: string, name: string, status: Obj): Promise<void> {
	const path = `/api/v1/namespaces/${namespace}/pods/${name}`;
	await eventually(async () => {
		const fresh = await getJson(path);
		const res = await k.api(`${base()}${path}/status`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...fresh, status }) });
		return res.status === 200;
	}, `${name} status`);
}

const finish = (pod: Obj, phase: 'Succeeded' | 'Failed') => setPodStatus(pod.metadata.namespace, pod.metadata.name, { phase });
const markReady = (namespace: string, name: string) =>
	setPodStatus(namespace, name, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] });

const jobPods = async (job: string): Promise<Obj[]> => (await getJson(`/api/v1/namespaces/work/pods?labelSelector=batch.kubernetes.io%2Fjob-name%3D${job}`)).items;

beforeAll(async () => {
	k = await startKubeRoom();
	await k.kubectl(['create', 'namespace', 'work']);
});

afterAll(async () => {
	await k?.stop();
});

describe('Job controller', () => {
	it('runs completions 3 with parallelism 2 and completes when its pods succeed', async () => {
		const job = `
apiVersion: batch/v1
kind: Job
metadata: { name: pi, namespace: work }
spec:
  completions: 3
  parallelism: 2
  template:
    spec: { restartPolicy: Never, containers: [{ name: pi, image: perl }] }
`;
		expect((await k.kubectl(['apply', '-f', '-'], { input: job })).code).toBe(0);
		await eventually(async () => (await jobPods('pi')).length === 2, '2 pods');
		const first = await jobPods('pi');
		const j = await getJson('/apis/batch/v1/namespaces/work/jobs/pi');
		for (const p of first) {
			expect(p.metadata.name).toMatch(/^pi-[a-z0-9]{5}$/);
			expect(p.metadata.finalizers).toEqual(['batch.kubernetes.io/job-tracking']);
			expect(p.metadata.labels).toMatchObject({ 'batch.kubernetes.io/job-name': 'pi', 'batch.kubernetes.io/controller-uid': j.metadata.uid });
			expect(p.metadata.ownerReferences[0]).toMatchObject({ kind: 'Job', name: 'pi', controller: true });
		}
		await eventually(async () => (await getJson('/apis/batch/v1/namespaces/work/jobs/pi')).status?.active === 2, 'active 2');
		for (const p of first) await finish(p, 'Succeeded');
		await eventually(async () => (await jobPods('pi')).length === 3, 'the third pod');
		await eventually(async () => (await getJson('/apis/batch/v1/namespaces/work/jobs/pi')).status?.succeeded === 2, 'succeeded 2');
		for (const p of await jobPods('pi')) expect(p.metadata.finalizers ?? [], p.metadata.name).toEqual(p.status?.phase === 'Succeeded' ? [] : ['batch.kubernetes.io/job-tracking']);
		const third = (await jobPods('pi')).find((p) => p.status?.phase !== 'Succeeded')!;
		await finish(third, 'Succeeded');
		await eventually(async () => (await getJson('/apis/batch/v1/namespaces/work/jobs/pi')).status?.completionTime !== undefined, 'Complete');
		const s = (await getJson('/apis/batch/v1/namespaces/work/jobs/pi')).status;
		expect(s).toMatchObject({ succeeded: 3, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
		expect(s.conditions.map((c: Obj) => `${c.type} ${c.status} ${c.reason}: ${c.message}`)).toEqual([
			'SuccessCriteriaMet True CompletionsReached: Reached expected number of succeeded pods',
			'Complete True CompletionsReached: Reached expected number of succeeded pods'
		]);
		const get = await k.kubectl(['get', 'job', 'pi', '-n', 'work', '--no-headers']);
		expect(get.stdout).toMatch(/^pi\s+Complete\s+3\/3\s/);
	});

	it('fails with BackoffLimitExceeded once failures pass backoffLimit', async () => {
		const job = `
apiVersion: batch/v1
kind: Job
metadata: { name: flaky, namespace: work }
spec:
  backoffLimit: 0
  template:
    spec: { restartPolicy: Never, containers: [{ name: c, image: busybox }] }
`;
		expect((await k.kubectl(['apply', '-f', '-'], { input: job })).code).toBe(0);
		await eventually(async () => (await jobPods('flaky')).length === 1, 'a pod');
		await finish((await jobPods('flaky'))[0], 'Failed');
		await eventually(async () => ((await getJson('/apis/batch/v1/namespaces/work/jobs/flaky')).status?.conditions ?? []).some((c: Obj) => c.type === 'Failed'), 'Failed');
		const s = (await getJson('/apis/batch/v1/namespaces/work/jobs/flaky')).status;
		expect(s.failed).toBe(1);
		expect(s.conditions.map((c: Obj) => `${c.type} ${c.reason}: ${c.message}`)).toEqual([
			'FailureTarget BackoffLimitExceeded: Job has reached the specified backoff limit',
			'Failed BackoffLimitExceeded: Job has reached the specified backoff limit'
		]);
		expect(await jobPods('flaky')).toHaveLength(1);
	});
});

describe('CronJob controller', () => {
	it('creates Jobs on schedule when the room clock is stepped, not before', async () => {
		await clock({ action: 'pause' });
		const cron = `
apiVersion: batch/v1
kind: CronJob
metadata: { name: tick, namespace: work }
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec: { restartPolicy: Never, containers: [{ name: c, image: busybox }] }
`;
		expect((await k.kubectl(['apply', '-f', '-'], { input: cron })).code).toBe(0);
		const jobs = async () => ((await getJson('/apis/batch/v1/namespaces/work/jobs')).items as Obj[]).filter((j) => j.metadata.ownerReferences?.[0]?.kind === 'CronJob');
		const { time } = (await (await k.api(`/api/rooms/${k.roomId}/clock`)).json()) as { time: number };
		const due = Math.floor(time / 300_000) * 300_000 + 300_000;
		// Just before the scheduled time: nothing yet.
		await clock({ action: 'step', seconds: Math.max(0, Math.floor((due - time) / 1000) - 2) });
		await new Promise((r) => setTimeout(r, 300));
		expect(await jobs()).toEqual([]);
		// Then past it by at least a second: the controller wakes 100 ms after the scheduled time
		// (kube's nextScheduleDelta), and whole-second steps from a clock paused mid-second could
		// otherwise stop between the two.
		const { time: before } = (await (await k.api(`/api/rooms/${k.roomId}/clock`)).json()) as { time: number };
		await clock({ action: 'step', seconds: Math.ceil((due + 1000 - before) / 1000) });
		await eventually(async () => (await jobs()).length === 1, 'the first Job', 30_000);
		const [job] = await jobs();
		expect(job.metadata.name).toBe(`tick-${due / 60_000}`);
		expect(job.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(new Date(due).toISOString().replace('.000Z', 'Z'));
		await eventually(async () => (await getJson('/apis/batch/v1/namespaces/work/cronjobs/tick')).status?.active?.length === 1, 'status.active');
		const cj = await getJson('/apis/batch/v1/namespaces/work/cronjobs/tick');
		expect(cj.status.lastScheduleTime).toBe(new Date(due).toISOString().replace('.000Z', 'Z'));
		expect(cj.status.active[0]).toMatchObject({ kind: 'Job', name: job.metadata.name, namespace: 'work', uid: job.metadata.uid });
		await clock({ action: 'step', seconds: 300 });
		await eventually(async () => (await jobs()).length === 2, 'the second Job, five minutes later');
		await clock({ action: 'resume' });
	});
});

describe('disruption controller', () => {
	it('writes the PodDisruptionBudget status from the ready pods of a Deployment', async () => {
		await k.kubectl(['create', 'deployment', 'db', '--image=postgres', '--replicas=3', '-n', 'work']);
		const pods = async () => (await getJson('/api/v1/namespaces/work/pods?labelSelector=app%3Ddb')).items as Obj[];
		await eventually(async () => (await pods()).length === 3, '3 pods');
		// Stand-in kubelet: two pods become Ready.
		for (const p of (await pods()).slice(0, 2)) await markReady('work', p.metadata.name);
		expect((await k.kubectl(['create', 'pdb', 'db', '--selector=app=db', '--max-unavailable=1', '-n', 'work'])).code).toBe(0);
		await eventually(async () => (await getJson('/apis/policy/v1/namespaces/work/poddisruptionbudgets/db')).status?.expectedPods === 3, 'PDB status');
		const s = (await getJson('/apis/policy/v1/namespaces/work/poddisruptionbudgets/db')).status;
		expect(s).toMatchObject({ observedGeneration: 1, expectedPods: 3, desiredHealthy: 2, currentHealthy: 2, disruptionsAllowed: 0 });
		expect(s.conditions.map((c: Obj) => `${c.type} ${c.status} ${c.reason}`)).toEqual(['DisruptionAllowed False InsufficientPods']);
		const get = await k.kubectl(['get', 'pdb', 'db', '-n', 'work', '--no-headers']);
		expect(get.stdout).toMatch(/^db\s+N\/A\s+1\s+0\s/);
	});
});

describe('StatefulSet controller', () => {
	it('creates db-0, then db-1 once db-0 is ready, each with its claim', async () => {
		const sts = `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: work }
spec:
  replicas: 2
  serviceName: db
  selector: { matchLabels: { app: sts-db } }
  template:
    metadata: { labels: { app: sts-db } }
    spec: { containers: [{ name: db, image: postgres }] }
  volumeClaimTemplates:
  - metadata: { name: data }
    spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
`;
		expect((await k.kubectl(['apply', '-f', '-'], { input: sts })).code).toBe(0);
		const names = async () => ((await getJson('/api/v1/namespaces/work/pods?labelSelector=app%3Dsts-db')).items as Obj[]).map((p) => p.metadata.name).sort();
		await eventually(async () => (await names()).length === 1, 'db-0');
		expect(await names()).toEqual(['db-0']);
		const claims = ((await getJson('/api/v1/namespaces/work/persistentvolumeclaims')).items as Obj[]).map((c) => c.metadata.name);
		expect(claims).toContain('data-db-0');
		await markReady('work', 'db-0');
		await eventually(async () => (await names()).length === 2, 'db-1');
		await markReady('work', 'db-1');
		await eventually(async () => (await getJson('/apis/apps/v1/namespaces/work/statefulsets/db')).status?.readyReplicas === 2, 'readyReplicas 2');
		const status = await k.kubectl(['rollout', 'status', 'statefulset/db', '-n', 'work', '--timeout=20s']);
		// The API defaults rollingUpdate.partition to 0, so kubectl reports a partitioned roll out, as on a real cluster.
		expect(status.stdout).toContain('partitioned roll out complete: 2 new pods have been updated...');
		const revision = tableRows((await k.kubectl(['get', 'controllerrevisions', '-n', 'work'])).stdout).find((r) => r[1] === 'statefulset.apps/db');
		expect(revision?.[0]).toBe((await getJson('/apis/apps/v1/namespaces/work/statefulsets/db')).status.updateRevision);
	});
});

describe('DaemonSet controller', () => {
	it('creates a pod pinned to each node, and one more when a node is added', async () => {
		const ds = `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: work }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec: { containers: [{ name: a, image: busybox }] }
`;
		const node = (name: string) => `apiVersion: v1\nkind: Node\nmetadata: { name: ${name} }\n`;
		expect((await k.kubectl(['apply', '-f', '-'], { input: node('ds-node-1') })).code).toBe(0);
		expect((await k.kubectl(['apply', '-f', '-'], { input: ds })).code).toBe(0);
		const pinned = async () =>
			((await getJson('/api/v1/namespaces/work/pods?labelSelector=app%3Dagent')).items as Obj[])
				.map((p) => p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0])
				.sort();
		await eventually(async () => (await pinned()).includes('ds-node-1'), 'a pod for ds-node-1');
		expect((await k.kubectl(['apply', '-f', '-'], { input: node('ds-node-2') })).code).toBe(0);
		await eventually(async () => (await pinned()).includes('ds-node-2'), 'a pod for the added node');
		await eventually(async () => (await getJson('/apis/apps/v1/namespaces/work/daemonsets/agent')).status?.desiredNumberScheduled === 2, 'desiredNumberScheduled 2');
	});

	it('keeps each template as a ControllerRevision that kubectl rollout history and undo use', async () => {
		const revisions = async () =>
			tableRows((await k.kubectl(['get', 'controllerrevisions', '-n', 'work', '--sort-by=.revision'])).stdout)
				.slice(1)
				.filter((r) => r[1] === 'daemonset.apps/agent');
		await eventually(async () => (await revisions()).length === 1, 'first revision');
		const [first] = await revisions();
		expect(first[0]).toMatch(/^agent-[a-z0-9]+$/);
		expect(first.slice(1, 3)).toEqual(['daemonset.apps/agent', '1']);

		expect((await k.kubectl(['set', 'image', 'daemonset/agent', 'a=busybox:1.36', '-n', 'work'])).code).toBe(0);
		await eventually(async () => (await revisions()).length === 2, 'second revision');
		const history = async () => tableRows((await k.kubectl(['rollout', 'history', 'daemonset/agent', '-n', 'work'])).stdout.split('\n').slice(1).join('\n'));
		expect(await history()).toEqual([['REVISION', 'CHANGE-CAUSE'], ['1', '<none>'], ['2', '<none>']]);
		expect((await k.kubectl(['rollout', 'history', 'daemonset/agent', '-n', 'work', '--revision=2'])).stdout).toContain('Image:\tbusybox:1.36');

		// Undo applies revision 1's template; the controller reuses that revision as number 3.
		const undo = await k.kubectl(['rollout', 'undo', 'daemonset/agent', '-n', 'work']);
		expect(undo.stdout.trim()).toBe('daemonset.apps/agent rolled back');
		expect((await getJson('/apis/apps/v1/namespaces/work/daemonsets/agent')).spec.template.spec.containers[0].image).toBe('busybox');
		await eventually(async () => JSON.stringify(await history()) === JSON.stringify([['REVISION', 'CHANGE-CAUSE'], ['2', '<none>'], ['3', '<none>']]), 'revision 1 reused as 3');
		expect((await revisions()).find((r) => r[2] === '3')?.[0]).toBe(first[0]);
	});
});

