import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startKubeRoom, type KubeRoom } from '../kubectl/harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

let k: KubeRoom;
const base = () => `/rooms/${k.roomId}/k8s`;
const list = async (path: string): Promise<Obj[]> => ((await (await k.api(base() + path)).json()) as Obj).items;
const status = async (path: string): Promise<number> => (await k.api(base() + path)).status;

const deployment = (name: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: gc }
spec:
  replicas: 2
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: app, image: nginx }] }
`;

/** Applies a Deployment and waits for its ReplicaSet and 2 pods. */
async function deploy(name: string): Promise<void> {
	const r = await k.kubectl(['apply', '-f', '-'], { input: deployment(name) });
	expect(r.stderr).toBe('');
	await eventually(async () => (await list(`/api/v1/namespaces/gc/pods?labelSelector=app%3D${name}`)).length === 2, `2 pods of ${name}`);
}

beforeAll(async () => {
	k = await startKubeRoom();
	await k.kubectl(['create', 'namespace', 'gc']);
});

afterAll(async () => {
	await k?.stop();
});

describe('garbage collector through kubectl delete', () => {
	it('background (the default): the ReplicaSet and its pods go with the Deployment', async () => {
		await deploy('bg');
		const del = await k.kubectl(['delete', 'deployment', 'bg', '-n', 'gc']);
		expect(del.stdout.trim()).toBe('deployment.apps "bg" deleted');
		await eventually(async () => (await list('/apis/apps/v1/namespaces/gc/replicasets')).every((r) => r.metadata.labels?.app !== 'bg'), 'ReplicaSet collected');
		await eventually(async () => (await list('/api/v1/namespaces/gc/pods?labelSelector=app%3Dbg')).length === 0, 'pods collected');
	});

	it('foreground: the pods are gone before the Deployment disappears', async () => {
		await deploy('fg');
		// Record the order of deletions seen by a watch.
		const order: string[] = [];
		let watching = true;
		const sampler = (async () => {
			while (watching) {
				const pods = await list('/api/v1/namespaces/gc/pods?labelSelector=app%3Dfg');
				const dep = await status('/apis/apps/v1/namespaces/gc/deployments/fg');
				if (!pods.length && !order.includes('pods')) order.push('pods');
				if (dep === 404 && !order.includes('deployment')) order.push('deployment');
				await new Promise((r) => setTimeout(r, 10));
			}
		})();
		const del = await k.kubectl(['delete', 'deployment', 'fg', '-n', 'gc', '--cascade=foreground']);
		expect(del.stdout.trim()).toBe('deployment.apps "fg" deleted');
		await eventually(async () => (await status('/apis/apps/v1/namespaces/gc/deployments/fg')) === 404, 'Deployment gone');
		watching = false;
		await sampler;
		expect(order).toEqual(['pods', 'deployment']);
		expect((await list('/apis/apps/v1/namespaces/gc/replicasets')).filter((r) => r.metadata.labels?.app === 'fg')).toEqual([]);
	});

	it('orphan: the ReplicaSet stays, without owner references, and keeps its pods', async () => {
		await deploy('or');
		const del = await k.kubectl(['delete', 'deployment', 'or', '-n', 'gc', '--cascade=orphan']);
		expect(del.stdout.trim()).toBe('deployment.apps "or" deleted');
		await eventually(async () => (await status('/apis/apps/v1/namespaces/gc/deployments/or')) === 404, 'Deployment gone');
		const rs = (await list('/apis/apps/v1/namespaces/gc/replicasets')).filter((r) => r.metadata.labels?.app === 'or');
		expect(rs.length).toBe(1);
		expect(rs[0].metadata.ownerReferences).toBeUndefined();
		expect((await list('/api/v1/namespaces/gc/pods?labelSelector=app%3Dor')).length).toBe(2);
	});

	it('a dependent created with an owner that does not exist is collected', async () => {
		const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray', namespace: 'gc', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'nobody', uid: '00000000-0000-0000-0000-000000000000' }] } };
		const r = await k.kubectl(['create', '-f', '-'], { input: JSON.stringify(cm) });
		expect(r.code).toBe(0);
		await eventually(async () => (await status('/api/v1/namespaces/gc/configmaps/stray')) === 404, 'stray ConfigMap collected');
	});
});

describe('namespace controller', () => {
	it('kubectl delete namespace removes the content, then the namespace', async () => {
		await k.kubectl(['create', 'namespace', 'doomed']);
		await k.kubectl(['create', 'deployment', 'app', '--image=nginx', '--replicas=2', '-n', 'doomed']);
		await k.kubectl(['create', 'configmap', 'settings', '--from-literal=a=b', '-n', 'doomed']);
		await eventually(async () => (await list('/api/v1/namespaces/doomed/pods')).length === 2, '2 pods');
		const del = await k.kubectl(['delete', 'namespace', 'doomed'], { timeoutMs: 60_000 });
		expect(del.stdout.trim()).toBe('namespace "doomed" deleted');
		// kubectl waits for the namespace to be gone: by then the content is gone, too.
		expect(await status('/api/v1/namespaces/doomed')).toBe(404);
		for (const path of ['/api/v1/namespaces/doomed/pods', '/api/v1/namespaces/doomed/configmaps', '/apis/apps/v1/namespaces/doomed/deployments', '/apis/apps/v1/namespaces/doomed/replicasets'])
			expect(await list(path)).toEqual([]);
	});

	it('a finalizer on the content keeps the namespace Terminating with the real conditions', async () => {
		await k.kubectl(['create', 'namespace', 'held']);
		const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept', namespace: 'held', finalizers: ['example.com/keep'] } };
		await k.kubectl(['create', '-f', '-'], { input: JSON.stringify(cm) });
		await k.kubectl(['delete', 'namespace', 'held', '--wait=false']);
		const conditions = async () => (((await (await k.api(`${base()}/api/v1/namespaces/held`)).json()) as Obj).status?.conditions ?? []) as Obj[];
		await eventually(async () => (await conditions()).some((c) => c.type === 'NamespaceFinalizersRemaining' && c.status === 'True'), 'NamespaceFinalizersRemaining');
		const byType = Object.fromEntries((await conditions()).map((c) => [c.type, `${c.status} ${c.reason}: ${c.message}`]));
		expect(byType).toEqual({
			NamespaceDeletionDiscoveryFailure: 'False ResourcesDiscovered: All resources successfully discovered',
			NamespaceDeletionGroupVersionParsingFailure: 'False ParsedGroupVersions: All legacy kube types successfully parsed',
			NamespaceDeletionContentFailure: 'False ContentDeleted: All content successfully deleted, may be waiting on finalization',
			NamespaceContentRemaining: 'True SomeResourcesRemain: Some resources are remaining: configmaps. has 1 resource instances',
			NamespaceFinalizersRemaining: 'True SomeFinalizersRemain: Some content in the namespace has finalizers remaining: example.com/keep in 1 resource instances'
		});
		const get = await k.kubectl(['get', 'namespace', 'held', '--no-headers']);
		expect(get.stdout).toMatch(/^held\s+Terminating/);
		await k.kubectl(['patch', 'configmap', 'kept', '-n', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
		await eventually(async () => (await status('/api/v1/namespaces/held')) === 404, 'namespace gone once the finalizer is removed', 30_000);
	});
});
