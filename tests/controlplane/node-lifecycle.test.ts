import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, tableRows, type KubeRoom } from '../kubectl/harness';
import { startKubeletRoom, type KubeletRoom, type Obj } from './kubelet-room';

let r: KubeletRoom;
let k: KubeRoom;
const getJson = (path: string) => r.getJson(path);
const send = (method: string, path: string, body: unknown) => r.send(method, path, body);
const step = (seconds: number) => r.step(seconds);
const now = () => r.now();
const node = () => getJson('/api/v1/nodes/edge-1');
const ready = (n: Obj) => n.status?.conditions?.find((c: Obj) => c.type === 'Ready');

beforeAll(async () => {
	r = await startKubeletRoom();
	k = r.k;
	await send('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'edge-1' } });
	await eventually(async () => ready(await node())?.status === 'True', 'edge-1 Ready');
	await send('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'victim' }, spec: { nodeName: 'edge-1', containers: [{ name: 'app', image: 'nginx:1.27' }] } });
	for (let i = 0; i < 20 && (await getJson('/api/v1/namespaces/default/pods/victim')).status?.phase !== 'Running'; i++) await step(0.5);
});

afterAll(async () => {
	await k?.stop();
});

describe('node lifecycle', () => {
	it('gives pods the default not-ready and unreachable tolerations of 300 s', async () => {
		const p = await getJson('/api/v1/namespaces/default/pods/victim');
		expect(p.spec.tolerations).toEqual([
			{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
			{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }
		]);
		expect(p.status.phase).toBe('Running');
	});

	it('marks a node whose kubelet stopped Unknown after the 50 s grace period, taints it, and evicts its pods after 300 s', async () => {
		const res = await k.kubectl(['annotate', 'node', 'edge-1', 'sim.converge.dev/kubelet=stopped']);
		expect(res.stderr).toBe('');
		const stoppedAt = await now();
		const lastBeat = Date.parse((await getJson('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/edge-1')).spec.renewTime);
		expect(stoppedAt - lastBeat).toBeLessThan(10_000);
		// Not before the grace period...
		await step(Math.floor((lastBeat + 50_000 - stoppedAt) / 1000) - 1);
		expect(ready(await node()).status).toBe('True');
		// ...and within one monitor period (5 s) after it.
		await step(Math.ceil((lastBeat + 56_000 - (await now())) / 1000));
		const n = await node();
		expect(ready(n)).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
		for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) expect(n.status.conditions.find((c: Obj) => c.type === type).status).toBe('Unknown');
		await eventually(async () => (await node()).spec.taints?.length === 2, 'taints');
		const taints = (await node()).spec.taints;
		expect(taints).toEqual([
			{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
			{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: expect.any(String) }
		]);
		const get = await k.kubectl(['get', 'node', 'edge-1', '--no-headers']);
		expect(tableRows(get.stdout)[0][1]).toBe('NotReady');
		const p = await getJson('/api/v1/namespaces/default/pods/victim');
		expect(p.status.conditions.find((c: Obj) => c.type === 'Ready').status).toBe('False');

		// The pod tolerates the taint for 300 s from timeAdded: not deleted before, deleted then.
		const added = Date.parse(taints[1].timeAdded);
		await step(Math.floor((added + 300_000 - (await now())) / 1000) - 1);
		expect((await getJson('/api/v1/namespaces/default/pods/victim')).metadata.deletionTimestamp).toBeUndefined();
		await step(2);
		const evicted = await getJson('/api/v1/namespaces/default/pods/victim');
		expect(evicted.metadata.deletionTimestamp).toBeDefined();
		expect(evicted.status.conditions.find((c: Obj) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByTaintManager' });
		const events = (await getJson('/api/v1/namespaces/default/events')).items.filter((e: Obj) => e.reason === 'TaintManagerEviction');
		expect(events[0].message).toBe('Marking for deletion Pod default/victim');
		// The kubelet is down, so nobody finishes the deletion: the pod stays Terminating.
		await step(60);
		expect((await r.status('/api/v1/namespaces/default/pods/victim'))).toBe(200);
	});

	it('recovers: the kubelet posts Ready again, the taints go, the terminating pod is removed', async () => {
		const res = await k.kubectl(['annotate', 'node', 'edge-1', 'sim.converge.dev/kubelet-']);
		expect(res.stderr).toBe('');
		await eventually(async () => ready(await node())?.status === 'True', 'Ready again');
		await step(5);
		await eventually(async () => !(await node()).spec.taints, 'taints removed');
		await eventually(async () => (await r.status('/api/v1/namespaces/default/pods/victim')) === 404, 'victim removed');
	});
});

describe('pod garbage collector', () => {
	it("removes a deleted node's pods after the 40 s quarantine, not before", async () => {
		await send('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'edge-2' } });
		await eventually(async () => ready(await getJson('/api/v1/nodes/edge-2'))?.status === 'True', 'edge-2 Ready');
		await send('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan' }, spec: { nodeName: 'edge-2', containers: [{ name: 'app', image: 'nginx:1.27' }] } });
		for (let i = 0; i < 20 && (await getJson('/api/v1/namespaces/default/pods/orphan')).status?.phase !== 'Running'; i++) await step(0.5);
		expect((await k.kubectl(['delete', 'node', 'edge-2'])).code).toBe(0);
		// Nobody runs the pod any more, but a node may come back: the pod stays through the quarantine.
		await step(35);
		expect((await getJson('/api/v1/namespaces/default/pods/orphan')).status.phase).toBe('Running');
		await step(50);
		await eventually(async () => (await r.status('/api/v1/namespaces/default/pods/orphan')) === 404, 'orphan removed');
	});
});
