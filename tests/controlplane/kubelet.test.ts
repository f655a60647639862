import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, tableRows, type KubeRoom } from '../kubectl/harness';
import { startKubeletRoom, type KubeletRoom, type Obj } from './kubelet-room';

let r: KubeletRoom;
let k: KubeRoom;
const getJson = (path: string) => r.getJson(path);
const send = (method: string, path: string, body: unknown) => r.send(method, path, body);
const step = (seconds: number) => r.step(seconds);
const pod = (name: string) => getJson(`/api/v1/namespaces/default/pods/${name}`);

function podManifest(name: string, node: string, extra: Obj = {}, annotations: Obj = {}): Obj {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: { name, namespace: 'default', annotations },
		spec: { nodeName: node, containers: [{ name: 'app', image: 'nginx:1.27' }], ...extra }
	};
}

/** Steps the clock `seconds` at a time until `pred` holds (at most `max` steps). */
async function stepUntil(pred: () => Promise<boolean>, what: string, seconds = 1, max = 400): Promise<void> {
	for (let i = 0; i < max; i++) {
		if (await pred()) return;
		await step(seconds);
	}
	throw new Error(`never: ${what}`);
}

beforeAll(async () => {
	r = await startKubeletRoom();
	k = r.k;
	await send('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1', labels: { 'kubernetes.io/hostname': 'worker-1' } } });
	await eventually(async () => {
		const n = await getJson('/api/v1/nodes/worker-1');
		return !!n.spec?.podCIDR && n.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True');
	}, 'worker-1 registered and Ready');
	await eventually(async () => (await r.status('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/worker-1')) === 200, 'worker-1 Lease');
});

afterAll(async () => {
	await k?.stop();
});

describe('kubelet: node registration', () => {
	it('posts node status like a real kubelet and heartbeats a Lease', async () => {
		const n = await getJson('/api/v1/nodes/worker-1');
		expect(n.spec.podCIDR).toMatch(/^10\.244\.\d+\.0\/24$/);
		expect(n.spec.podCIDRs).toEqual([n.spec.podCIDR]);
		expect(n.status.capacity).toMatchObject({ cpu: '4', memory: '16Gi', pods: '110' });
		expect(n.status.allocatable).toMatchObject({ cpu: '4', memory: '16Gi', pods: '110' });
		const ready = n.status.conditions.find((c: Obj) => c.type === 'Ready');
		expect(ready).toMatchObject({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
		expect(n.status.conditions.map((c: Obj) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
		expect(n.status.addresses).toEqual([
			{ type: 'InternalIP', address: expect.stringMatching(/^172\.18\.0\.\d+$/) },
			{ type: 'Hostname', address: 'worker-1' }
		]);
		expect(n.status.nodeInfo).toMatchObject({ kubeletVersion: expect.stringMatching(/^v1\.32\./), containerRuntimeVersion: expect.stringMatching(/^containerd:\/\/1\.7\./), architecture: 'amd64' });
		const lease = await getJson('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/worker-1');
		expect(lease.spec).toMatchObject({ holderIdentity: 'worker-1', leaseDurationSeconds: 40 });
		const before = Date.parse(lease.spec.renewTime);
		await step(10);
		const after = Date.parse((await getJson('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/worker-1')).spec.renewTime);
		expect(after - before).toBe(10_000);
		const wide = await k.kubectl(['get', 'node', 'worker-1', '-o', 'wide', '--no-headers']);
		expect(tableRows(wide.stdout)[0].slice(0, 2)).toEqual(['worker-1', 'Ready']);
	});
});

describe('kubelet: pods', () => {
	it('runs a pod: Pending → ContainerCreating → Running, IP from the podCIDR, events, logs', async () => {
		// A first pod shows the watch is established before `web` exists.
		await send('POST', '/api/v1/namespaces/default/pods', { ...podManifest('sentinel', 'worker-1'), metadata: { name: 'sentinel', labels: { watch: 'sentinel' } } });
		await stepUntil(async () => (await pod('sentinel')).status?.phase === 'Running', 'sentinel Running', 0.5);
		const pulls = (await getJson('/api/v1/namespaces/default/events')).items.filter((e: Obj) => e.involvedObject.name === 'sentinel' && e.source.component === 'kubelet');
		expect(pulls.map((e: Obj) => e.reason)).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
		expect(pulls[1].message).toBe('Successfully pulled image "nginx:1.27" in 1.216s (1.216s including waiting). Image size: 72955450 bytes.');
		const watch = k.spawnKubectl(['get', 'pods', '-l', 'watch in (web,sentinel)', '-w']);
		await eventually(() => /sentinel/.test(watch.output()), 'the watch started');
		const node = await getJson('/api/v1/nodes/worker-1');
		const manifest = podManifest('web', 'worker-1');
		manifest.metadata.labels = { watch: 'web' };
		await send('POST', '/api/v1/namespaces/default/pods', manifest);
		await stepUntil(async () => (await pod('web')).status?.phase === 'Running', 'web Running', 0.5);
		const p = await pod('web');
		const prefix = node.spec.podCIDR.replace(/0\/24$/, '');
		expect(p.status.podIP.startsWith(prefix)).toBe(true);
		expect(p.status.podIPs).toEqual([{ ip: p.status.podIP }]);
		expect(p.status.podIP).not.toBe((await pod('sentinel')).status.podIP);
		expect(p.status.hostIP).toBe(node.status.addresses[0].address);
		const cs = p.status.containerStatuses[0];
		expect(cs).toMatchObject({ name: 'app', ready: true, started: true, restartCount: 0, image: 'docker.io/library/nginx:1.27', containerID: expect.stringMatching(/^containerd:\/\/[0-9a-f]{64}$/) });
		expect(cs.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
		expect(p.status.conditions.map((c: Obj) => `${c.type}=${c.status}`)).toEqual(['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
		const events = (await getJson('/api/v1/namespaces/default/events')).items.filter((e: Obj) => e.involvedObject.name === 'web' && e.source.component === 'kubelet');
		expect(events.map((e: Obj) => e.reason)).toEqual(['Pulled', 'Created', 'Started']);
		expect(events[0].message).toBe('Container image "nginx:1.27" already present on machine');
		expect(events[1].message).toBe('Created container: app');
		expect(events[0].involvedObject.fieldPath).toBe('spec.containers{app}');
		expect(events[0].source).toEqual({ component: 'kubelet', host: 'worker-1' });
		const wide = tableRows((await k.kubectl(['get', 'pod', 'web', '-o', 'wide', '--no-headers'])).stdout)[0];
		expect(wide.slice(0, 7)).toEqual(['web', '1/1', 'Running', '0', expect.any(String), p.status.podIP, 'worker-1']);
		const describe = await k.kubectl(['describe', 'pod', 'web']);
		expect(describe.stdout).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container app/);
		const logs = await k.kubectl(['logs', 'web']);
		expect(logs.stdout).toContain('/docker-entrypoint.sh: Configuration complete; ready for start up');
		expect(logs.stdout).toContain('[notice] 1#1: nginx/1.27.0');
		await eventually(() => /Running/.test(watch.output()), 'the watch saw Running');
		await watch.kill();
		const statuses = tableRows(watch.output())
			.filter((r) => r[0] === 'web')
			.map((r) => r[2]);
		expect(statuses.filter((s, i) => s !== statuses[i - 1])).toEqual(['Pending', 'ContainerCreating', 'Running']);
	});

	it('fails to pull an unknown image: ErrImagePull, then ImagePullBackOff', async () => {
		await send('POST', '/api/v1/namespaces/default/pods', podManifest('nope', 'worker-1', { containers: [{ name: 'app', image: 'nginx:doesnotexist' }] }));
		await stepUntil(async () => (await pod('nope')).status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull', 'ErrImagePull', 0.5);
		await stepUntil(async () => (await pod('nope')).status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff', 'ImagePullBackOff', 0.5);
		const get = await k.kubectl(['get', 'pod', 'nope', '--no-headers']);
		expect(tableRows(get.stdout)[0][2]).toBe('ImagePullBackOff');
		const logs = await k.kubectl(['logs', 'nope']);
		expect(logs.stderr).toContain('is waiting to start: trying and failing to pull image');
	});

	it('restarts a crashing container with CrashLoopBackOff delays 10s, 20s, 40s, 80s', async () => {
		await send('POST', '/api/v1/namespaces/default/pods', podManifest('crash', 'worker-1', {}, { 'sim.converge.dev/crash-after-seconds': '5' }));
		const starts = new Map<number, { startedAt: number; lastFinished?: number }>();
		let sawBackOff = '';
		await stepUntil(
			async () => {
				const cs = (await pod('crash')).status?.containerStatuses?.[0];
				if (cs?.state?.running && !starts.has(cs.restartCount))
					starts.set(cs.restartCount, { startedAt: Date.parse(cs.state.running.startedAt), lastFinished: cs.lastState?.terminated && Date.parse(cs.lastState.terminated.finishedAt) });
				if (cs?.state?.waiting?.reason === 'CrashLoopBackOff' && !sawBackOff) sawBackOff = cs.state.waiting.message;
				return starts.has(5);
			},
			'5 restarts',
			1,
			600
		);
		const delays = [1, 2, 3, 4, 5].map((i) => (starts.get(i)!.startedAt - starts.get(i)!.lastFinished!) / 1000);
		// The first restart is immediate (on the kubelet's next look, 1 s); then 10 s doubling.
		expect(delays).toEqual([1, 10, 20, 40, 80]);
		expect(sawBackOff).toMatch(/^back-off 10s restarting failed container=app pod=crash_default\(.+\)$/);
		const last = (await pod('crash')).status.containerStatuses[0].lastState.terminated;
		expect(last).toMatchObject({ exitCode: 1, reason: 'Error' });
		const events = (await getJson('/api/v1/namespaces/default/events')).items.filter((e: Obj) => e.involvedObject.name === 'crash' && e.reason === 'BackOff');
		expect(events[0].message).toMatch(/^Back-off restarting failed container app in pod crash_default\(/);
	});

	it('OOM-kills a container over its memory limit', async () => {
		const spec = { restartPolicy: 'Never', containers: [{ name: 'app', image: 'nginx:1.27', resources: { limits: { memory: '64Mi' } } }] };
		await send('POST', '/api/v1/namespaces/default/pods', podManifest('oom', 'worker-1', spec, { 'sim.converge.dev/memory-mi': '128' }));
		await stepUntil(async () => (await pod('oom')).status?.phase === 'Failed', 'oom Failed', 0.5);
		expect((await pod('oom')).status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
		const get = await k.kubectl(['get', 'pod', 'oom', '--no-headers']);
		expect(tableRows(get.stdout)[0][2]).toBe('OOMKilled');
	});

	it('runs init containers first (Init:0/1 → PodInitializing → Running)', async () => {
		const spec = { initContainers: [{ name: 'setup', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3'] }], containers: [{ name: 'app', image: 'nginx:1.27' }] };
		await send('POST', '/api/v1/namespaces/default/pods', podManifest('init', 'worker-1', spec));
		await stepUntil(async () => (await pod('init')).status?.initContainerStatuses?.[0]?.state?.running !== undefined, 'init running', 0.5);
		expect(tableRows((await k.kubectl(['get', 'pod', 'init', '--no-headers'])).stdout)[0][2]).toBe('Init:0/1');
		expect((await pod('init')).status.conditions.find((c: Obj) => c.type === 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [setup]' });
		await stepUntil(async () => (await pod('init')).status?.phase === 'Running', 'init pod Running', 0.5);
		expect((await pod('init')).status.initContainerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
	});

	it('keeps a pod unready while its readiness probe fails, with Unhealthy events', async () => {
		const spec = { containers: [{ name: 'app', image: 'nginx:1.27', readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5 } }] };
		await send('POST', '/api/v1/namespaces/default/pods', podManifest('unready', 'worker-1', spec, { 'sim.converge.dev/fail-readiness': 'true' }));
		await stepUntil(async () => (await pod('unready')).status?.phase === 'Running', 'unready Running', 0.5);
		await step(20);
		const p = await pod('unready');
		expect(p.status.containerStatuses[0].ready).toBe(false);
		expect(p.status.conditions.find((c: Obj) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
		const events = (await getJson('/api/v1/namespaces/default/events')).items.filter((e: Obj) => e.involvedObject.name === 'unready' && e.reason === 'Unhealthy');
		// One Event, counted like the kubelet's correlator counts repeats (20 s at a 5 s period).
		expect(events.length).toBe(1);
		expect(events[0].message).toBe('Readiness probe failed: HTTP probe failed with statuscode: 503');
		expect(events[0].count).toBeGreaterThanOrEqual(4);
	});

	it('runs a Deployment placed by the scheduler until kubectl rollout status reports success', async () => {
		await send('POST', '/apis/apps/v1/namespaces/default/deployments', {
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: { name: 'api' },
			spec: { replicas: 2, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'nginx:1.27' }] } } }
		});
		await stepUntil(async () => (await getJson('/apis/apps/v1/namespaces/default/deployments/api')).status?.availableReplicas === 2, 'api available', 0.5);
		const rollout = await k.kubectl(['rollout', 'status', 'deployment/api', '--timeout=5s']);
		expect(rollout.stdout.trim().split('\n').pop()).toBe('deployment "api" successfully rolled out');
		const pods = (await getJson('/api/v1/namespaces/default/pods?labelSelector=app%3Dapi')).items;
		expect(pods.map((p: Obj) => [p.spec.nodeName, p.status.phase])).toEqual([
			['worker-1', 'Running'],
			['worker-1', 'Running']
		]);
	});

	it('finishes a graceful deletion at the end of the grace period (SIGKILL)', async () => {
		const spec = { terminationGracePeriodSeconds: 20 };
		await send('POST', '/api/v1/namespaces/default/pods', podManifest('slow', 'worker-1', spec, { 'sim.converge.dev/shutdown-seconds': '100' }));
		await stepUntil(async () => (await pod('slow')).status?.phase === 'Running', 'slow Running', 0.5);
		await k.kubectl(['delete', 'pod', 'slow', '--wait=false']);
		await step(19);
		expect((await r.status('/api/v1/namespaces/default/pods/slow'))).toBe(200);
		const events = (await getJson('/api/v1/namespaces/default/events')).items.filter((e: Obj) => e.involvedObject.name === 'slow' && e.reason === 'Killing');
		expect(events[0].message).toBe('Stopping container app');
		await step(2);
		await eventually(async () => (await r.status('/api/v1/namespaces/default/pods/slow')) === 404, 'slow deleted');
	});
});
