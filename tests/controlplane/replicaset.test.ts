import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startKubeRoom, type KubeRoom } from '../kubectl/harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

let k: KubeRoom;
const base = () => `/rooms/${k.roomId}/k8s`;

async function getJson(path: string): Promise<Obj> {
	const res = await k.api(base() + path);
	return (await res.json()) as Obj;
}

async function send(method: string, path: string, body: unknown, contentType = 'application/json'): Promise<Obj> {
	const res = await k.api(base() + path, { method, headers: { 'content-type': contentType }, body: JSON.stringify(body) });
	const json = (await res.json()) as Obj;
	if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${json.message}`);
	return json;
}

/** Active pods of the ReplicaSet (not being deleted). */
async function podsOf(rs: string): Promise<Obj[]> {
	const list = await getJson(`/api/v1/namespaces/default/pods?labelSelector=app%3D${rs}`);
	return list.items.filter((p: Obj) => !p.metadata.deletionTimestamp);
}

const replicaSet = (name: string, replicas: number) => ({
	apiVersion: 'apps/v1',
	kind: 'ReplicaSet',
	metadata: { name, namespace: 'default' },
	spec: {
		replicas,
		selector: { matchLabels: { app: name } },
		template: { metadata: { labels: { app: name, tier: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } }
	}
});

beforeAll(async () => {
	// This test plays the kubelet itself (it sets pod status): no scheduler or kubelets racing it.
	k = await startKubeRoom({ controllers: '*,-kube-scheduler,-kubelet' });
});

afterAll(async () => {
	await k?.stop();
});

describe('ServiceAccount and root CA publishers', () => {
	it('gives every namespace, new ones included, a default ServiceAccount and kube-root-ca.crt', async () => {
		await eventually(async () => (await k.api(base() + '/api/v1/namespaces/default/serviceaccounts/default')).status === 200, 'default/default ServiceAccount');
		await send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
		await eventually(async () => (await k.api(base() + '/api/v1/namespaces/team-a/serviceaccounts/default')).status === 200, 'team-a/default ServiceAccount');
		await eventually(async () => (await k.api(base() + '/api/v1/namespaces/team-a/configmaps/kube-root-ca.crt')).status === 200, 'team-a root CA');
		const cm = await getJson('/api/v1/namespaces/team-a/configmaps/kube-root-ca.crt');
		expect(cm.data['ca.crt']).toContain('BEGIN CERTIFICATE');
		expect(cm.metadata.annotations['kubernetes.io/description']).toMatch(/^Contains a CA bundle/);
		// Deleted, it comes back (the controller watches its ServiceAccounts too).
		const r = await k.kubectl(['delete', 'serviceaccount', 'default', '-n', 'team-a']);
		expect(r.stderr).toBe('');
		await eventually(async () => (await k.api(base() + '/api/v1/namespaces/team-a/serviceaccounts/default')).status === 200, 'recreated ServiceAccount');
	});
});

describe('ReplicaSet controller', () => {
	it('creates the replicas with controller owner references, template labels and generated names', async () => {
		const rs = await send('POST', '/apis/apps/v1/namespaces/default/replicasets', replicaSet('web', 3));
		await eventually(async () => (await podsOf('web')).length === 3, '3 pods');
		const pods = await podsOf('web');
		for (const p of pods) {
			expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
			expect(p.metadata.labels).toEqual({ app: 'web', tier: 'web' });
			expect(p.metadata.ownerReferences).toEqual([
				{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }
			]);
			expect(p.spec.containers[0].image).toBe('nginx:1.27');
		}
		await eventually(async () => (await getJson('/apis/apps/v1/namespaces/default/replicasets/web')).status?.replicas === 3, 'status written');
		const status = (await getJson('/apis/apps/v1/namespaces/default/replicasets/web')).status;
		expect(status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
		await new Promise((r) => setTimeout(r, 300));
		expect((await podsOf('web')).length).toBe(3);
		const events = await getJson('/api/v1/namespaces/default/events');
		const created = events.items.filter((e: Obj) => e.involvedObject.name === 'web' && e.reason === 'SuccessfulCreate');
		expect(created.map((e: Obj) => e.message).sort()).toEqual(pods.map((p) => `Created pod: ${p.metadata.name}`).sort());
		expect(created[0].source).toEqual({ component: 'replicaset-controller' });
	});

	it('recreates a deleted pod', async () => {
		const [victim] = await podsOf('web');
		const r = await k.kubectl(['delete', 'pod', victim.metadata.name, '--wait=false']);
		expect(r.code).toBe(0);
		await eventually(async () => {
			const pods = await podsOf('web');
			return pods.length === 3 && !pods.some((p) => p.metadata.name === victim.metadata.name);
		}, 'a replacement pod');
	});

	it('scales down with kubectl, deleting the pods the real controller would delete first', async () => {
		const [ready, cheap, other] = await podsOf('web');
		// One pod Running and Ready (deleted last), one with a low pod-deletion-cost (deleted first).
		const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
		await send('PUT', `/api/v1/namespaces/default/pods/${ready.metadata.name}/status`, {
			...ready,
			status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] }
		});
		await send('PATCH', `/api/v1/namespaces/default/pods/${cheap.metadata.name}`, { metadata: { annotations: { 'controller.kubernetes.io/pod-deletion-cost': '-10' } } }, 'application/merge-patch+json');
		await eventually(async () => (await getJson('/apis/apps/v1/namespaces/default/replicasets/web')).status?.readyReplicas === 1, 'readyReplicas 1');

		const scaled = await k.kubectl(['scale', 'rs', 'web', '--replicas=2']);
		expect(scaled.stdout.trim()).toBe('replicaset.apps/web scaled');
		await eventually(async () => (await podsOf('web')).length === 2, '2 pods');
		expect((await podsOf('web')).map((p) => p.metadata.name).sort()).toEqual([ready.metadata.name, other.metadata.name].sort());

		await k.kubectl(['scale', 'rs', 'web', '--replicas=1']);
		await eventually(async () => (await podsOf('web')).length === 1, '1 pod');
		expect((await podsOf('web'))[0].metadata.name).toBe(ready.metadata.name);
		await eventually(async () => {
			const s = (await getJson('/apis/apps/v1/namespaces/default/replicasets/web')).status;
			return s.replicas === 1 && s.observedGeneration === 3;
		}, 'status after scale down');
		const get = await k.kubectl(['get', 'rs', 'web', '--no-headers']);
		expect(get.stdout.trim().split(/\s+/).slice(0, 4)).toEqual(['web', '1', '1', '1']);
	});

	it('adopts a matching orphan instead of creating a pod', async () => {
		await send('POST', '/api/v1/namespaces/default/pods', {
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: { name: 'stray', labels: { app: 'api' } },
			spec: { containers: [{ name: 'app', image: 'nginx' }] }
		});
		await send('POST', '/apis/apps/v1/namespaces/default/replicasets', replicaSet('api', 1));
		await eventually(async () => (await getJson('/api/v1/namespaces/default/pods/stray')).metadata.ownerReferences?.[0]?.name === 'api', 'adoption');
		await new Promise((r) => setTimeout(r, 300));
		expect((await podsOf('api')).map((p) => p.metadata.name)).toEqual(['stray']);
	});
});
