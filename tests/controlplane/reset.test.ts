/**
 * "Reset the cluster to the files" with the whole control plane: what kubectl added is gone, the
 * files' objects come back (re-applied by the applier), and the restarted control plane runs
 * them again (pods scheduled and running on the files' nodes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startKubeRoom, type KubeRoom } from '../kubectl/harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

let k: KubeRoom;
beforeAll(async () => {
	k = await startKubeRoom({ starter: 'web-app' });
	await k.api(`/api/rooms/${k.roomId}/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'speed', speed: 'max' }) });
});
afterAll(() => k.stop());

const get = async (path: string): Promise<{ status: number; body: Obj }> => {
	const res = await k.api(`/rooms/${k.roomId}/k8s${path}`);
	return { status: res.status, body: (await res.json()) as Obj };
};
const runningPods = async () => ((await get('/api/v1/namespaces/default/pods')).body.items as Obj[]).filter((p) => p.status?.phase === 'Running' && p.spec.nodeName);

describe('reset the cluster to the files', () => {
	it('deletes what was added live, and the files converge again', async () => {
		await eventually(async () => (await runningPods()).length === 3, 'the starter\'s 3 pods running', 60_000);
		expect((await k.kubectl(['create', 'configmap', 'added-live', '--from-literal=a=b'])).code).toBe(0);
		expect((await k.kubectl(['scale', 'deployment/web', '--replicas=1'])).code).toBe(0);
		const before = (await get('/apis/apps/v1/namespaces/default/deployments/web')).body.metadata.uid as string;

		const res = await k.api(`/api/rooms/${k.roomId}/reset`, { method: 'POST' });
		expect(res.status).toBe(200);
		expect(((await res.json()) as Obj).status).toBe('Success');
		expect((await get('/api/v1/namespaces/default/configmaps/added-live')).status).toBe(404);

		// The applier applies the files again: a new Deployment (new uid) with the files' 3 replicas, on the files' nodes.
		await eventually(async () => {
			const d = await get('/apis/apps/v1/namespaces/default/deployments/web');
			return d.status === 200 && d.body.metadata.uid !== before && d.body.spec.replicas === 3;
		}, 'the Deployment re-applied from its file', 60_000);
		expect(((await get('/api/v1/nodes')).body.items as Obj[]).map((n) => n.metadata.name).sort()).toEqual(['node-1', 'node-2', 'node-3']);
		await eventually(async () => (await runningPods()).length === 3, '3 pods running again', 60_000);
		expect((await get('/api/v1/namespaces/default/configmaps/added-live')).status).toBe(404);
	});
});
