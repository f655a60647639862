import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startKubeRoom, type KubeRoom } from '../kubectl/harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

let k: KubeRoom;
let stopKubelet = () => {};
const base = () => `/rooms/${k.roomId}/k8s`;

async function getJson(path: string): Promise<Obj> {
	return (await (await k.api(base() + path)).json()) as Obj;
}

/** Stands in for kubelets (not part of this control plane yet): marks every new pod Running and Ready. */
function fakeKubelet(): () => void {
	let stopped = false;
	const loop = async () => {
		while (!stopped) {
			const pods = (await getJson('/api/v1/namespaces/default/pods')).items as Obj[];
			for (const p of pods) {
				if (p.metadata.deletionTimestamp || p.status?.phase === 'Running') continue;
				const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
				await k.api(`${base()}/api/v1/namespaces/default/pods/${p.metadata.name}/status`, {
					method: 'PUT',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } })
				});
			}
			await new Promise((r) => setTimeout(r, 100));
		}
	};
	void loop();
	return () => (stopped = true);
}

const deployment = (image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: app, image: ${image} }] }
`;

beforeAll(async () => {
	k = await startKubeRoom();
	stopKubelet = fakeKubelet();
});

afterAll(async () => {
	stopKubelet();
	await k?.stop();
});

describe('Deployment controller', () => {
	it('creates a ReplicaSet named by its pod-template-hash and rolls out to Available', async () => {
		const applied = await k.kubectl(['apply', '-f', '-'], { input: deployment('nginx:1.26') });
		expect(applied.stderr).toBe('');
		const status = await k.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s']);
		expect(status.stdout).toContain('deployment "web" successfully rolled out');
		const rsList = (await getJson('/apis/apps/v1/namespaces/default/replicasets')).items as Obj[];
		const rs = rsList.find((r) => r.metadata.ownerReferences?.[0]?.name === 'web')!;
		const hash = rs.metadata.labels['pod-template-hash'];
		expect(rs.metadata.name).toBe(`web-${hash}`);
		expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
		expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
		expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
		const d = await getJson('/apis/apps/v1/namespaces/default/deployments/web');
		expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
		const conds = Object.fromEntries(d.status.conditions.map((c: Obj) => [c.type, `${c.status} ${c.reason}: ${c.message}`]));
		expect(conds).toEqual({
			Available: 'True MinimumReplicasAvailable: Deployment has minimum availability.',
			Progressing: `True NewReplicaSetAvailable: ReplicaSet "web-${hash}" has successfully progressed.`
		});
		const events = ((await getJson('/api/v1/namespaces/default/events')).items as Obj[]).filter((e) => e.involvedObject.kind === 'Deployment');
		expect(events.map((e) => `${e.reason} ${e.message}`)).toContain(`ScalingReplicaSet Scaled up replica set web-${hash} to 3`);
	});

	it('rolls out a new template with maxSurge 1, maxUnavailable 0 without dropping below 3 ready pods', async () => {
		let minReady = Infinity;
		let maxPods = 0;
		let watching = true;
		const sampler = (async () => {
			while (watching) {
				const pods = ((await getJson('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).items as Obj[]).filter((p) => !p.metadata.deletionTimestamp);
				const ready = pods.filter((p) => p.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True')).length;
				minReady = Math.min(minReady, ready);
				maxPods = Math.max(maxPods, pods.length);
				await new Promise((r) => setTimeout(r, 20));
			}
		})();
		const set = await k.kubectl(['set', 'image', 'deployment/web', 'app=nginx:1.27']);
		expect(set.code).toBe(0);
		const status = await k.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s']);
		watching = false;
		await sampler;
		expect(status.stdout).toContain('deployment "web" successfully rolled out');
		expect(minReady).toBeGreaterThanOrEqual(3);
		expect(maxPods).toBeLessThanOrEqual(4);
		const rsList = ((await getJson('/apis/apps/v1/namespaces/default/replicasets')).items as Obj[]).sort((a, b) => Number(a.metadata.annotations['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations['deployment.kubernetes.io/revision']));
		expect(rsList.map((r) => [r.metadata.annotations['deployment.kubernetes.io/revision'], r.spec.replicas, r.spec.template.spec.containers[0].image])).toEqual([
			['1', 0, 'nginx:1.26'],
			['2', 3, 'nginx:1.27']
		]);
	});

	it('undoes the rollout with kubectl: the old ReplicaSet becomes revision 3', async () => {
		const undo = await k.kubectl(['rollout', 'undo', 'deployment/web']);
		expect(undo.stdout.trim()).toBe('deployment.apps/web rolled back');
		const status = await k.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s']);
		expect(status.stdout).toContain('successfully rolled out');
		await eventually(async () => {
			const rsList = (await getJson('/apis/apps/v1/namespaces/default/replicasets')).items as Obj[];
			const first = rsList.find((r) => r.spec.template.spec.containers[0].image === 'nginx:1.26');
			return first?.metadata.annotations['deployment.kubernetes.io/revision'] === '3' && first.spec.replicas === 3;
		}, 'revision 3 on the first ReplicaSet');
		const history = await k.kubectl(['rollout', 'history', 'deployment/web']);
		expect(history.stdout.split('\n').slice(2).map((l) => l.trim().split(/\s+/)[0]).filter(Boolean)).toEqual(['2', '3']);
	});

	it('scales with kubectl scale', async () => {
		await k.kubectl(['scale', 'deployment/web', '--replicas=5']);
		await eventually(async () => (await getJson('/apis/apps/v1/namespaces/default/deployments/web')).status?.availableReplicas === 5, '5 available');
		const events = ((await getJson('/api/v1/namespaces/default/events')).items as Obj[]).filter((e) => e.involvedObject.kind === 'Deployment');
		// After 10 distinct ScalingReplicaSet messages in 10 minutes, client-go's correlator combines them, as on a real cluster.
		expect(events.some((e) => /^(\(combined from similar events\): )?Scaled up replica set web-\w+ to 5 from 3$/.test(e.message))).toBe(true);
	});
});

describe('progress deadline on the room clock', () => {
	it('turns Progressing False with ProgressDeadlineExceeded after progressDeadlineSeconds of room time, not before', async () => {
		const clock = (body: unknown) => k.api(`/api/rooms/${k.roomId}/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		await k.kubectl(['create', 'namespace', 'slow']);
		await clock({ action: 'pause' });
		// No kubelet marks these pods ready: the rollout cannot progress.
		await k.kubectl(['create', 'deployment', 'stuck', '--image=nginx', '-n', 'slow']);
		const progressing = async () => ((await getJson('/apis/apps/v1/namespaces/slow/deployments/stuck')).status?.conditions ?? []).find((c: Obj) => c.type === 'Progressing');
		await eventually(async () => (await progressing())?.status === 'True', 'Progressing True');
		await clock({ action: 'step', seconds: 590 });
		expect((await progressing()).status).toBe('True');
		await clock({ action: 'step', seconds: 20 });
		await eventually(async () => (await progressing())?.reason === 'ProgressDeadlineExceeded', 'ProgressDeadlineExceeded');
		const c = await progressing();
		expect(c.status).toBe('False');
		expect(c.message).toMatch(/^ReplicaSet "stuck-\w+" has timed out progressing\.$/);
		const status = await k.kubectl(['rollout', 'status', 'deployment/stuck', '-n', 'slow', '--timeout=10s']);
		expect(status.code).not.toBe(0);
		expect(status.stderr).toContain('deployment "stuck" exceeded its progress deadline');
		await clock({ action: 'resume' });
	});

	it('at max speed jumps straight to the deadline', async () => {
		const clock = (body: unknown) => k.api(`/api/rooms/${k.roomId}/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		await clock({ action: 'pause' });
		await k.kubectl(['create', 'deployment', 'rushed', '--image=nginx', '-n', 'slow']);
		const before = (await (await k.api(`/api/rooms/${k.roomId}/clock`)).json()) as { time: number };
		await clock({ action: 'speed', speed: 'max' });
		await clock({ action: 'resume' });
		const progressing = async () => ((await getJson('/apis/apps/v1/namespaces/slow/deployments/rushed')).status?.conditions ?? []).find((c: Obj) => c.type === 'Progressing');
		await eventually(async () => (await progressing())?.reason === 'ProgressDeadlineExceeded', 'ProgressDeadlineExceeded at max speed', 20_000);
		await clock({ action: 'pause' });
		const after = (await (await k.api(`/api/rooms/${k.roomId}/clock`)).json()) as { time: number };
		expect(after.time - before.time).toBeGreaterThanOrEqual(600_000);
		await clock({ action: 'speed', speed: 1 });
		await clock({ action: 'resume' });
	});
});
