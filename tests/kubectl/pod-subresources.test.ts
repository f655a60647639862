/**
 * The core subresources with their own REST: pods/binding (raw POSTs, as the scheduler sends
 * them), pods/eviction (raw POSTs and `kubectl drain`, with and without a PodDisruptionBudget
 * whose status is set through `--subresource=status`), pods/log (`kubectl logs` before a
 * kubelet exists) and namespaces/finalize.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeRoom, type KubeRoom } from './harness';

let room: KubeRoom;
const jsonpath = async (args: string[], path: string) => (await room.kubectl([...args, '-o', `jsonpath=${path}`])).stdout;
const podPath = (name: string, sub: string) => `/rooms/${room.roomId}/k8s/api/v1/namespaces/default/pods/${name}/${sub}`;
const post = async (path: string, body: unknown) => {
	const res = await room.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const binding = (pod: string, node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: pod }, target: { apiVersion: 'v1', kind: 'Node', name: node } });
const eviction = (pod: string) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: 'default' } });
const SUCCESS = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

/** A pod bound to node-a and reported Running and Ready (what a kubelet would have done). */
async function runningPod(name: string, labels = 'app=x'): Promise<void> {
	expect((await room.kubectl(['run', name, '--image=nginx', `--labels=${labels}`])).code).toBe(0);
	expect((await post(podPath(name, 'binding'), binding(name, 'node-a'))).status).toBe(201);
	const status = '{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}';
	expect((await room.kubectl(['patch', 'pod', name, '--subresource=status', '--type=merge', '-p', status])).code).toBe(0);
}

async function setBudget(name: string, allowed: number, healthy: number): Promise<void> {
	const status = { status: { disruptionsAllowed: allowed, currentHealthy: healthy, desiredHealthy: 1, expectedPods: healthy, observedGeneration: 1 } };
	expect((await room.kubectl(['patch', 'pdb', name, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)])).code).toBe(0);
}

beforeAll(async () => {
	room = await startKubeRoom();
	const r = await room.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } }) });
	if (r.code !== 0) throw new Error(r.stderr);
});
afterAll(async () => {
	await room?.stop();
});

describe('pods/binding', () => {
	it('assigns the pod to the node once, with the PodScheduled condition', async () => {
		expect((await room.kubectl(['run', 'bound', '--image=nginx'])).code).toBe(0);
		expect(await post(podPath('bound', 'binding'), binding('bound', 'node-a'))).toEqual({ status: 201, body: SUCCESS });
		expect(await jsonpath(['get', 'pod', 'bound'], '{.spec.nodeName} {.status.conditions[0].type}={.status.conditions[0].status}')).toBe('node-a PodScheduled=True');
		const before = await jsonpath(['get', 'pod', 'bound'], '{.metadata.resourceVersion}');
		const again = await post(podPath('bound', 'binding'), binding('bound', 'node-b'));
		expect(again.status).toBe(409);
		expect(again.body.message).toBe('Operation cannot be fulfilled on pods/binding "bound": pod bound is already assigned to node "node-a"');
		expect(await jsonpath(['get', 'pod', 'bound'], '{.metadata.resourceVersion}')).toBe(before);
	});

	it('validates the Binding like kube', async () => {
		expect((await post(podPath('bound', 'binding'), { ...binding('other', 'node-a') })).body.message).toBe('name in URL does not match name in Binding object');
		expect((await post(podPath('bound', 'binding'), { ...binding('bound', ''), target: { kind: 'Node' } })).body).toMatchObject({ code: 500, message: 'target.name: Required value' });
		expect((await post(podPath('missing', 'binding'), binding('missing', 'node-a'))).body).toMatchObject({ code: 404, message: 'pods "missing" not found' });
	});
});

describe('pods/eviction', () => {
	it('evicts a pod no budget covers: DisruptionTarget, then graceful deletion', async () => {
		await runningPod('free', 'app=free');
		expect(await post(podPath('free', 'eviction'), eviction('free'))).toEqual({ status: 201, body: SUCCESS });
		const after = await jsonpath(['get', 'pod', 'free'], '{.metadata.deletionGracePeriodSeconds} {.status.conditions[?(@.type=="DisruptionTarget")].reason}');
		expect(after).toBe('30 EvictionByEvictionAPI');
	});

	it('refuses while the budget allows no disruption, changing nothing', async () => {
		await runningPod('guarded');
		expect((await room.kubectl(['create', 'pdb', 'x', '--selector=app=x', '--min-available=1'])).code).toBe(0);
		await setBudget('x', 0, 1);
		const pdbRV = await jsonpath(['get', 'pdb', 'x'], '{.metadata.resourceVersion}');
		const r = await post(podPath('guarded', 'eviction'), eviction('guarded'));
		expect(r).toEqual({
			status: 429,
			body: {
				kind: 'Status',
				apiVersion: 'v1',
				metadata: {},
				status: 'Failure',
				message: "Cannot evict pod as it would violate the pod's disruption budget.",
				reason: 'TooManyRequests',
				details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget x needs 1 healthy pods and has 1 currently' }] },
				code: 429
			}
		});
		expect(await jsonpath(['get', 'pdb', 'x'], '{.metadata.resourceVersion}')).toBe(pdbRV);
		expect(await jsonpath(['get', 'pod', 'guarded'], '{.metadata.deletionTimestamp}')).toBe('');
	});

	it('lets kubectl drain evict once the budget allows it, spending the budget', async () => {
		await setBudget('x', 1, 2);
		const r = await room.kubectl(['drain', 'node-a', '--pod-selector=app=x', '--force', '--grace-period=0', '--timeout=20s']);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('pod/guarded evicted');
		expect((await room.kubectl(['get', 'pod', 'guarded'])).stderr.trim()).toBe('Error from server (NotFound): pods "guarded" not found');
		expect(await jsonpath(['get', 'pdb', 'x'], '{.status.disruptionsAllowed} {.status.disruptedPods.guarded}')).toMatch(/^0 \d{4}-\d\d-\d\dT/);
	});

	it('answers 500 when more than one budget covers the pod', async () => {
		await runningPod('double');
		expect((await room.kubectl(['create', 'pdb', 'y', '--selector=app=x', '--max-unavailable=1'])).code).toBe(0);
		const r = await post(podPath('double', 'eviction'), eviction('double'));
		expect(r.body).toMatchObject({ status: 'Failure', code: 500, message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.' });
	});
});

describe('pods/log', () => {
	it('is empty for a pod with no node yet', async () => {
		expect((await room.kubectl(['run', 'waiting', '--image=nginx'])).code).toBe(0);
		const r = await room.kubectl(['logs', 'waiting']);
		expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
	});

	it('says a bound container is waiting to start, and reads a running one', async () => {
		const r = await room.kubectl(['logs', 'bound']);
		expect(r.stderr.trim()).toBe('Error from server (BadRequest): container "bound" in pod "bound" is waiting to start: ContainerCreating');
		const running = '{"status":{"containerStatuses":[{"name":"bound","ready":true,"restartCount":0,"image":"nginx","imageID":"","state":{"running":{"startedAt":"2026-01-01T00:00:00Z"}}}]}}';
		expect((await room.kubectl(['patch', 'pod', 'bound', '--subresource=status', '--type=merge', '-p', running])).code).toBe(0);
		expect(await room.kubectl(['logs', 'bound'])).toMatchObject({ code: 0, stdout: '' });
	});

	it('validates the container parameter', async () => {
		const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'multi' }, spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'nginx' }] } };
		expect((await room.kubectl(['create', '-f', '-'], { input: JSON.stringify(pod) })).code).toBe(0);
		const raw = (q: string) => room.kubectl(['get', '--raw', `/rooms/${room.roomId}/k8s/api/v1/namespaces/default/pods/multi/log${q}`]);
		expect((await raw('')).stderr.trim()).toBe('Error from server (BadRequest): a container name must be specified for pod multi, choose one of: [a b]');
		expect((await raw('?container=nope')).stderr.trim()).toBe('Error from server (BadRequest): container nope is not valid for pod multi');
	});
});

describe('namespaces/finalize', () => {
	it('keeps a deleted namespace Terminating until finalize empties spec.finalizers', async () => {
		expect((await room.kubectl(['create', 'namespace', 'doomed'])).code).toBe(0);
		expect((await room.kubectl(['delete', 'namespace', 'doomed', '--wait=false'])).code).toBe(0);
		expect(await jsonpath(['get', 'ns', 'doomed'], '{.status.phase} {.spec.finalizers}')).toBe('Terminating ["kubernetes"]');
		const created = await room.kubectl(['create', 'configmap', 'late', '-n', 'doomed']);
		expect(created.stderr.trim()).toBe('error: failed to create configmap: configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated');
		const raw = await room.api(`/rooms/${room.roomId}/k8s/api/v1/namespaces/doomed/configmaps`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } })
		});
		expect(((await raw.json()) as { details: unknown }).details).toEqual({
			name: 'late',
			kind: 'configmaps',
			causes: [{ reason: 'NamespaceTerminating', message: 'namespace doomed is being terminated', field: 'metadata.namespace' }]
		});
		// A label change is an ordinary update: the namespace stays.
		expect((await room.kubectl(['label', 'ns', 'doomed', 'x=y'])).code).toBe(0);
		const ns = JSON.parse((await room.kubectl(['get', 'ns', 'doomed', '-o', 'json'])).stdout);
		ns.spec.finalizers = [];
		const path = `/rooms/${room.roomId}/k8s/api/v1/namespaces/doomed/finalize`;
		const res = await room.api(path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ns) });
		expect(res.status).toBe(200);
		expect((await room.kubectl(['get', 'ns', 'doomed'])).stderr.trim()).toBe('Error from server (NotFound): namespaces "doomed" not found');
	});

	it('only accepts PUT, and only valid finalizer names', async () => {
		const path = `/rooms/${room.roomId}/k8s/api/v1/namespaces/default/finalize`;
		expect((await room.api(path, { method: 'POST', body: '{}' })).status).toBe(405);
		const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' }, spec: { finalizers: ['custom'] } };
		const res = await room.api(path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ns) });
		expect(((await res.json()) as { message: string }).message).toBe(
			'Namespace "default" is invalid: spec.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified'
		);
	});
});
