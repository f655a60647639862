import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startKubeRoom, type KubeRoom } from '../kubectl/harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

let k: KubeRoom;
const base = () => `/rooms/${k.roomId}/k8s`;
const getJson = async (path: string): Promise<Obj> => (await (await k.api(base() + path)).json()) as Obj;

/**
 * Stands in for scheduler and kubelet: binds the pod to `node` (no Node object, so no simulated
 * kubelet takes the pod over) and gives it an IP and readiness.
 */
async function runPod(name: string, node: string, ip: string, ready: boolean): Promise<void> {
	const p = await getJson(`/api/v1/namespaces/ep/pods/${name}`);
	await k.api(`${base()}/api/v1/namespaces/ep/pods/${name}/binding`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: node } })
	});
	const fresh = await getJson(`/api/v1/namespaces/ep/pods/${name}`);
	const res = await k.api(`${base()}/api/v1/namespaces/ep/pods/${name}/status`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			...fresh,
			status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: ready ? '2030-01-01T00:00:00Z' : '2029-01-01T00:00:00Z' }] }
		})
	});
	expect(res.status, `${p.metadata.name} status`).toBe(200);
}

const manifests = `
apiVersion: v1
kind: Service
metadata: { name: web, namespace: ep, labels: { tier: front } }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: v1
kind: Pod
metadata: { name: web-1, namespace: ep, labels: { app: web } }
spec: { containers: [{ name: app, image: nginx, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Pod
metadata: { name: web-2, namespace: ep, labels: { app: web } }
spec: { containers: [{ name: app, image: nginx, ports: [{ name: http, containerPort: 8080 }] }] }
`;

beforeAll(async () => {
	k = await startKubeRoom();
	await k.kubectl(['create', 'namespace', 'ep']);
	const r = await k.kubectl(['apply', '-f', '-'], { input: manifests });
	expect(r.code, r.stderr).toBe(0);
});

afterAll(async () => {
	await k?.stop();
});

describe('EndpointSlice and Endpoints controllers', () => {
	it('a Service without ready pods gets an empty slice and empty Endpoints', async () => {
		await eventually(async () => (await getJson('/apis/discovery.k8s.io/v1/namespaces/ep/endpointslices')).items?.length === 1, 'a placeholder slice');
		const ep = await getJson('/api/v1/namespaces/ep/endpoints/web');
		expect(ep.subsets ?? []).toEqual([]);
		expect(ep.metadata.labels).toEqual({ tier: 'front' });
	});

	it('lists ready pods as addresses and not-ready ones as notReadyAddresses, with the named target port resolved', async () => {
		await runPod('web-1', 'node-a', '10.244.0.5', true);
		await runPod('web-2', 'node-a', '10.244.0.6', false);
		await eventually(async () => (await getJson('/api/v1/namespaces/ep/endpoints/web')).subsets?.[0]?.notReadyAddresses?.length === 1, 'Endpoints with both pods');
		const ep = await getJson('/api/v1/namespaces/ep/endpoints/web');
		const pod1 = await getJson('/api/v1/namespaces/ep/pods/web-1');
		expect(ep.subsets).toEqual([
			{
				addresses: [{ ip: '10.244.0.5', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'ep', name: 'web-1', uid: pod1.metadata.uid } }],
				notReadyAddresses: [{ ip: '10.244.0.6', nodeName: 'node-a', targetRef: expect.objectContaining({ name: 'web-2' }) }],
				ports: [{ name: 'http', port: 8080, protocol: 'TCP' }]
			}
		]);
		expect(ep.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time']).toBe('2030-01-01T00:00:00Z');

		await eventually(async () => (await getJson('/apis/discovery.k8s.io/v1/namespaces/ep/endpointslices')).items?.[0]?.endpoints?.length === 2, 'slice with both pods');
		const [slice] = (await getJson('/apis/discovery.k8s.io/v1/namespaces/ep/endpointslices')).items as Obj[];
		const svc = await getJson('/api/v1/namespaces/ep/services/web');
		expect(slice.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
		expect(slice.metadata.labels).toEqual({ tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
		expect(slice.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
		expect(slice.addressType).toBe('IPv4');
		expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
		expect(slice.endpoints.map((e: Obj) => [e.addresses[0], e.conditions, e.nodeName, e.targetRef.name])).toEqual([
			['10.244.0.5', { ready: true, serving: true, terminating: false }, 'node-a', 'web-1'],
			['10.244.0.6', { ready: false, serving: false, terminating: false }, 'node-a', 'web-2']
		]);
	});

	it('kubectl shows the endpoints', async () => {
		const get = await k.kubectl(['get', 'endpoints', 'web', '-n', 'ep', '--no-headers']);
		expect(get.stdout).toMatch(/^web\s+10\.244\.0\.5:8080\s/);
	});

	it('the Endpoints go with the Service, the slices through the garbage collector', async () => {
		await k.kubectl(['delete', 'service', 'web', '-n', 'ep']);
		await eventually(async () => (await k.api(`${base()}/api/v1/namespaces/ep/endpoints/web`)).status === 404, 'Endpoints deleted');
		await eventually(async () => (await getJson('/apis/discovery.k8s.io/v1/namespaces/ep/endpointslices')).items.length === 0, 'slices collected');
	});

	it('leaves the kubernetes Service endpoints to the API server', async () => {
		const ep = await getJson('/api/v1/namespaces/default/endpoints/kubernetes');
		expect(ep.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toBeUndefined();
	});
});
