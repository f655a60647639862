import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type KubeRoom } from '../kubectl/harness';
import { startKubeletRoom, type KubeletRoom, type Obj } from './kubelet-room';

let r: KubeletRoom;
let k: KubeRoom;
const getJson = (path: string) => r.getJson(path);
const send = (method: string, path: string, body: unknown) => r.send(method, path, body);
const step = (seconds: number) => r.step(seconds);
const node = (name: string) => getJson(`/api/v1/nodes/${name}`);
const pod = (name: string) => getJson(`/api/v1/namespaces/default/pods/${name}`);
const condition = (o: Obj, type: string) => o.status?.conditions?.find((c: Obj) => c.type === type);

/** The rooms API of faults (`/api/rooms/<id>/faults...`), with the editor's token unless told. */
async function faults(method: string, sub = '', body?: unknown, token?: string): Promise<{ status: number; body: Obj }> {
	const res = await k.api(`/api/rooms/${k.roomId}/faults${sub}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}), ...(token ? { token } : {}) });
	return { status: res.status, body: (await res.json()) as Obj };
}

async function inject(spec: Obj): Promise<Obj> {
	const res = await faults('POST', '', spec);
	expect(res.status, JSON.stringify(res.body)).toBe(201);
	return res.body;
}

async function faultEvents(reason: string, name: string): Promise<Obj[]> {
	const items: Obj[] = (await getJson('/api/v1/namespaces/default/events')).items;
	return items.filter((e) => e.reason === reason && e.involvedObject.name === name);
}

async function stepUntil(pred: () => Promise<boolean>, what: string, seconds = 1, max = 200): Promise<void> {
	for (let i = 0; i < max; i++) {
		if (await pred()) return;
		await step(seconds);
	}
	throw new Error(`never: ${what}`);
}

async function addNode(name: string): Promise<void> {
	await send('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name } });
	await eventually(async () => condition(await node(name), 'Ready')?.status === 'True' && !!(await node(name)).spec?.podCIDR, `${name} Ready`);
}

async function runPod(name: string, nodeName: string, extra: Obj = {}, labels: Obj = {}): Promise<void> {
	await send('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { nodeName, containers: [{ name: 'app', image: 'nginx:1.27' }], ...extra } });
	await stepUntil(async () => (await pod(name)).status?.phase === 'Running', `${name} Running`, 0.5);
}

beforeAll(async () => {
	r = await startKubeletRoom();
	k = r.k;
	for (const n of ['node-1', 'node-2', 'node-3', 'node-4']) await addNode(n);
}, 60_000);

afterAll(async () => {
	await k?.stop();
});

describe('faults API', () => {
	it('refuses viewers (403) and invalid faults (422), lists nothing at first', async () => {
		const denied = await faults('POST', '', { fault: 'NodeFailure', node: 'node-1' }, k.tokens.viewer);
		expect(denied.status).toBe(403);
		expect(denied.body.kind).toBe('Status');
		const bad = await faults('POST', '', { fault: 'NodeFull', node: 'node-1', resource: 'cpu' });
		expect(bad.status).toBe(422);
		expect(bad.body.message).toBe('resource: Unsupported value: "cpu": supported values: "disk", "memory", "pids"');
		const missing = await faults('POST', '', { fault: 'NodeFailure', node: 'nope' });
		expect(missing.status).toBe(404);
		expect(missing.body.message).toBe('nodes "nope" not found');
		const list = await faults('GET');
		expect(list.status).toBe(200);
		expect(list.body.active).toEqual([]);
	});
});

describe('NodeFailure', () => {
	it('stops the node: Unknown after the grace period, unreachable taints, eviction after 300 s; recovery is an Event too', async () => {
		await runPod('on-2', 'node-2');
		const f = await inject({ fault: 'NodeFailure', node: 'node-2' });
		expect(f).toMatchObject({ id: expect.stringMatching(/^f\d+$/), fault: 'NodeFailure', node: 'node-2', source: 'api' });
		expect((await node('node-2')).metadata.annotations['sim.converge.dev/kubelet']).toBe('down');
		await eventually(async () => (await faultEvents('FaultInjected', 'node-2')).length === 1, 'FaultInjected event');
		const ev = (await faultEvents('FaultInjected', 'node-2'))[0];
		expect(ev).toMatchObject({ type: 'Warning', message: 'Injected NodeFailure of node node-2', involvedObject: { kind: 'Node', name: 'node-2' }, source: { component: 'converge.dev/faults' }, reportingComponent: 'converge.dev/faults' });

		await step(60);
		const n = await node('node-2');
		expect(condition(n, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
		await eventually(async () => (await node('node-2')).spec.taints?.some((t: Obj) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'), 'unreachable taint');
		const added = Date.parse((await node('node-2')).spec.taints.find((t: Obj) => t.effect === 'NoExecute').timeAdded);
		await step(Math.floor((added + 300_000 - (await r.now())) / 1000) - 1);
		expect((await pod('on-2')).metadata.deletionTimestamp).toBeUndefined();
		await step(2);
		await eventually(async () => (await pod('on-2')).metadata.deletionTimestamp !== undefined, 'on-2 evicted');

		const rec = await faults('POST', `/${f.id}/recover`);
		expect(rec.status).toBe(200);
		expect(rec.body.id).toBe(f.id);
		expect((await node('node-2')).metadata.annotations?.['sim.converge.dev/kubelet']).toBeUndefined();
		await eventually(async () => (await faultEvents('FaultRecovered', 'node-2')).length === 1, 'FaultRecovered event');
		await eventually(async () => condition(await node('node-2'), 'Ready')?.status === 'True', 'node-2 Ready again');
		// The machine was off: nobody finished the deletion until it booted.
		await eventually(async () => (await r.status('/api/v1/namespaces/default/pods/on-2')) === 404, 'on-2 removed');
		expect((await faults('POST', `/${f.id}/recover`)).status).toBe(404);
	});
});

describe('NetworkPartition', () => {
	it('stops the heartbeats while the pods keep running; healing makes the node Ready again', async () => {
		await runPod('on-3', 'node-3');
		const f = await inject({ fault: 'NetworkPartition', node: 'node-3', recoverAfter: '2m' });
		expect(f.recoverAt - f.injectedAt).toBe(120_000);
		expect((await node('node-3')).metadata.annotations['sim.converge.dev/kubelet']).toBe('partitioned');
		await step(60);
		expect(condition(await node('node-3'), 'Ready').status).toBe('Unknown');
		expect((await pod('on-3')).status.phase).toBe('Running');
		await step(61);
		await eventually(async () => (await node('node-3')).metadata.annotations?.['sim.converge.dev/kubelet'] === undefined, 'partition healed');
		await eventually(async () => condition(await node('node-3'), 'Ready')?.status === 'True', 'node-3 Ready');
		await eventually(async () => condition(await pod('on-3'), 'Ready')?.status === 'True', 'on-3 Ready again');
		expect((await faultEvents('FaultRecovered', 'node-3'))[0].message).toBe('Recovered from NetworkPartition of node node-3 for 2m0s');
	});
});

describe('NodeFull', () => {
	it('puts the node under disk pressure: condition, NoSchedule taint, evictions, refused pods', async () => {
		await runPod('disk-victim', 'node-4');
		const f = await inject({ fault: 'NodeFull', node: 'node-4', resource: 'disk' });
		await eventually(async () => condition(await node('node-4'), 'DiskPressure')?.status === 'True', 'DiskPressure');
		expect(condition(await node('node-4'), 'DiskPressure')).toMatchObject({ reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' });
		expect(condition(await node('node-4'), 'Ready').status).toBe('True');
		await eventually(async () => (await node('node-4')).spec.taints?.some((t: Obj) => t.key === 'node.kubernetes.io/disk-pressure' && t.effect === 'NoSchedule'), 'disk-pressure taint');
		await stepUntil(async () => (await pod('disk-victim')).status.phase === 'Failed', 'disk-victim evicted');
		const p = await pod('disk-victim');
		expect(p.status.reason).toBe('Evicted');
		expect(p.status.message).toBe('The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 0. ');
		expect(condition(p, 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'TerminationByKubelet' });
		await send('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'late' }, spec: { nodeName: 'node-4', containers: [{ name: 'app', image: 'nginx:1.27' }] } });
		await eventually(async () => (await pod('late')).status?.reason === 'Evicted', 'late refused');
		expect((await pod('late')).status).toMatchObject({ phase: 'Failed', message: 'The node had condition: [DiskPressure]. ' });

		await faults('DELETE', `/${f.id}`);
		await eventually(async () => condition(await node('node-4'), 'DiskPressure')?.status === 'False', 'pressure relieved');
		await eventually(async () => !(await node('node-4')).spec.taints, 'taint removed');
	});
});

describe('ImageUnavailable', () => {
	it('fails pulls of the image with the registry error: ErrImagePull, then ImagePullBackOff', async () => {
		await inject({ fault: 'ImageUnavailable', image: 'redis', for: '10m' });
		await send('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cache' }, spec: { nodeName: 'node-1', containers: [{ name: 'redis', image: 'redis:7.4' }] } });
		await stepUntil(async () => (await pod('cache')).status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull', 'ErrImagePull', 0.5);
		expect((await pod('cache')).status.containerStatuses[0].state.waiting.message).toBe(
			'rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/redis:7.4": failed to resolve reference "docker.io/library/redis:7.4": unexpected status from HEAD request to https://registry-1.docker.io/v2/library/redis/manifests/7.4: 503 Service Unavailable'
		);
		await stepUntil(async () => (await pod('cache')).status.containerStatuses[0].state.waiting?.reason === 'ImagePullBackOff', 'ImagePullBackOff', 0.5);
		const injected = (await getJson('/api/v1/namespaces/default/events')).items.filter((e: Obj) => e.reason === 'FaultInjected' && e.involvedObject.kind === 'Namespace');
		expect(injected.map((e: Obj) => e.message)).toContain('Injected ImageUnavailable of image redis for 10m0s');
	});
});

describe('PodCrashRate', () => {
	it('crashes the selected pods: restarts with CrashLoopBackOff', async () => {
		await runPod('crashy', 'node-1', {}, { app: 'crashy' });
		await runPod('calm', 'node-1', {}, { app: 'calm' });
		await inject({ fault: 'PodCrashRate', selector: 'app=crashy', rate: 1, crashAfter: '2s' });
		await stepUntil(async () => (await pod('crashy')).status.containerStatuses[0].state.waiting?.reason === 'CrashLoopBackOff', 'CrashLoopBackOff', 1, 60);
		const s = (await pod('crashy')).status.containerStatuses[0];
		expect(s.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
		expect(s.restartCount).toBeGreaterThanOrEqual(1);
		expect((await pod('calm')).status.containerStatuses[0].restartCount).toBe(0);
	});
});

describe('FaultSchedule file', () => {
	it('shows schedule errors as diagnostics of the file, and skips the document when applying', async () => {
		const bad = 'apiVersion: converge.dev/v1alpha1\nkind: FaultSchedule\nmetadata:\n  name: broken\nspec:\n  faults:\n  - at: soon\n    fault: NodeFailure\n';
		const res = await k.api(`/api/rooms/${k.roomId}/files`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: 'broken.yaml', content: bad }) });
		expect(res.status).toBe(201);
		await eventually(async () => {
			const a = (await (await k.api(`/api/rooms/${k.roomId}/analysis`)).json()) as Obj;
			return (a.diagnostics['broken.yaml'] ?? []).filter((d: Obj) => d.source === 'shape').length === 2;
		}, 'diagnostics');
		const a = (await (await k.api(`/api/rooms/${k.roomId}/analysis`)).json()) as Obj;
		expect(a.diagnostics['broken.yaml'].filter((d: Obj) => d.source === 'shape').map((d: Obj) => [d.line, d.message])).toEqual([
			[7, 'spec.faults[0].node: Required value'],
			[7, 'spec.faults[0].at: Invalid value: "soon": must be a duration such as 30s (time after the schedule is applied)']
		]);
		expect(a.objects.filter((o: Obj) => o.path === 'broken.yaml')).toEqual([]);
	});

	it('runs a schedule on the room clock, relative to when it was applied', async () => {
		const text = 'apiVersion: converge.dev/v1alpha1\nkind: FaultSchedule\nmetadata:\n  name: outage\nspec:\n  faults:\n  - at: 30s\n    fault: NodeFailure\n    node: node-3\n    recoverAfter: 60s\n';
		const res = await k.api(`/api/rooms/${k.roomId}/files`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: 'faults.yaml', content: text }) });
		expect(res.status).toBe(201);
		await eventually(async () => (await faults('GET')).body.schedules.some((s: Obj) => s.name === 'outage' && s.appliedAt !== undefined), 'schedule seen');
		const view = (await faults('GET')).body.schedules.find((s: Obj) => s.name === 'outage');
		expect(view.faults[0]).toMatchObject({ fault: 'NodeFailure', node: 'node-3', atMs: 30_000, recoverAfterMs: 60_000, state: 'pending', dueAt: view.appliedAt + 30_000 });
		await step(Math.floor((view.appliedAt + 30_000 - (await r.now())) / 1000) - 1);
		expect((await node('node-3')).metadata.annotations?.['sim.converge.dev/kubelet']).toBeUndefined();
		await step(2);
		await eventually(async () => (await node('node-3')).metadata.annotations?.['sim.converge.dev/kubelet'] === 'down', 'scheduled failure');
		await eventually(async () => (await faultEvents('FaultInjected', 'node-3')).length === 2, 'second FaultInjected on node-3');
		const msgs = (await faultEvents('FaultInjected', 'node-3')).map((e) => e.message);
		expect(msgs).toContain('Injected NodeFailure of node node-3 for 1m0s (schedule outage, entry 0)');
		expect((await faults('GET')).body.schedules.find((s: Obj) => s.name === 'outage').faults[0].state).toBe('active');
		await step(60);
		await eventually(async () => (await node('node-3')).metadata.annotations?.['sim.converge.dev/kubelet'] === undefined, 'scheduled recovery');
		expect((await faults('GET')).body.schedules.find((s: Obj) => s.name === 'outage').faults[0].state).toBe('recovered');
		// The state lives in the cluster, like everything else.
		const cm = await getJson('/api/v1/namespaces/kube-system/configmaps/converge-faults');
		expect(JSON.parse(cm.data['state.json']).schedules.outage.fired).toEqual([0]);
	});
});

describe('recovery from a NodeFailure is a reboot', () => {
	it('boots with a new boot id (a Rebooted event), restarts the pods still bound there, and leaves a Never pod exited', async () => {
		await addNode('node-5');
		await runPod('boot-a', 'node-5');
		await runPod('boot-never', 'node-5', { restartPolicy: 'Never' });
		const bootBefore = (await node('node-5')).status.nodeInfo.bootID;
		const before = (await pod('boot-a')).status.containerStatuses[0];
		const startTime = (await pod('boot-a')).status.startTime;
		expect(before).toMatchObject({ restartCount: 0, state: { running: {} } });
		const neverBefore = (await pod('boot-never')).status.containerStatuses[0];

		const f = await inject({ fault: 'NodeFailure', node: 'node-5' });
		await step(60);
		expect(condition(await node('node-5'), 'Ready').status).toBe('Unknown');
		const bootedAt = new Date(await r.now()).toISOString().replace(/\.\d+Z$/, 'Z');
		expect((await faults('POST', `/${f.id}/recover`)).status).toBe(200);
		await eventually(async () => condition(await node('node-5'), 'Ready')?.status === 'True', 'node-5 Ready again');

		// The machine booted: a new boot id, which the kubelet announces like the real one.
		const bootAfter = (await node('node-5')).status.nodeInfo.bootID;
		expect(bootAfter).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
		expect(bootAfter).not.toBe(bootBefore);
		await eventually(async () => (await faultEvents('Rebooted', 'node-5')).length === 1, 'Rebooted event');
		expect((await faultEvents('Rebooted', 'node-5'))[0]).toMatchObject({ type: 'Warning', message: `Node node-5 has been rebooted, boot id: ${bootAfter}`, source: { component: 'kubelet', host: 'node-5' }, involvedObject: { kind: 'Node', name: 'node-5' } });
		expect((await faultEvents('NodeReady', 'node-5')).map((e) => e.message)).toEqual(['Node node-5 status is now: NodeReady']);
		expect((await faultEvents('NodeReady', 'node-5'))[0].count).toBe(2);

		// The pod's container died with the machine (containerd's unknown exit) and was started again.
		await stepUntil(async () => (await pod('boot-a')).status.containerStatuses[0].state.running !== undefined && (await pod('boot-a')).status.containerStatuses[0].restartCount === 1, 'boot-a restarted', 0.5);
		const after = (await pod('boot-a')).status.containerStatuses[0];
		expect(after.lastState.terminated).toEqual({ exitCode: 255, reason: 'Unknown', startedAt: before.state.running.startedAt, finishedAt: bootedAt, containerID: before.containerID });
		expect(after.containerID).not.toBe(before.containerID);
		expect(Date.parse(after.state.running.startedAt)).toBeGreaterThanOrEqual(Date.parse(bootedAt));
		expect((await pod('boot-a')).status.startTime).toBe(startTime);
		const podEvents: Obj[] = (await getJson('/api/v1/namespaces/default/events')).items.filter((e: Obj) => e.involvedObject.name === 'boot-a');
		expect(podEvents.map((e) => `${e.reason}: ${e.message}`)).toContain('SandboxChanged: Pod sandbox changed, it will be killed and re-created.');
		await stepUntil(async () => condition(await pod('boot-a'), 'Ready')?.status === 'True', 'boot-a Ready', 0.5);

		// restartPolicy Never: the kubelet does not start it again; it failed with the machine.
		await stepUntil(async () => (await pod('boot-never')).status.phase === 'Failed', 'boot-never Failed', 0.5);
		const never = (await pod('boot-never')).status.containerStatuses[0];
		expect(never).toMatchObject({ restartCount: 0, ready: false, state: { terminated: { exitCode: 255, reason: 'Unknown', containerID: neverBefore.containerID } } });
	});
});

describe('after the room reloads', () => {
	it('tells clients the active faults on connect, before anything changes', async () => {
		const f = await inject({ fault: 'NetworkPartition', node: 'node-4', recoverAfter: '10m' });
		const rooms = k.converge.rooms;
		(await rooms.get(k.roomId))!.lastUsed = 0;
		await rooms.sweep();
		expect(rooms.isLoaded(k.roomId)).toBe(false);
		const room = (await rooms.get(k.roomId))!;
		await eventually(async () => {
			const ev = room.initialEvents().find((e) => e.type === 'faults') as { active?: Obj[] } | undefined;
			return !!ev?.active?.some((a) => a.id === f.id);
		}, 'the faults event of the reloaded room');
	});
});
