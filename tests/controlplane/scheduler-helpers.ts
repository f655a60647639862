/**
 * Helpers of the scheduler suites: nodes with allocatable resources (created with kubectl, status
 * patched through the status subresource like a kubelet would), pods and their events read back
 * through the API.
 *
 * @module
 */
import { afterAll, beforeAll } from 'vitest';
import { eventually, startKubeRoom, type KubeRoom } from '../kubectl/harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export function api(k: KubeRoom) {
	const base = `/rooms/${k.roomId}/k8s`;
	const getJson = async (path: string): Promise<Obj> => (await (await k.api(base + path)).json()) as Obj;
	const send = async (method: string, path: string, body: unknown, contentType = 'application/json'): Promise<Obj> => {
		const res = await k.api(base + path, { method, headers: { 'content-type': contentType }, body: JSON.stringify(body) });
		const json = (await res.json()) as Obj;
		if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${json.message}`);
		return json;
	};
	const pod = (name: string, ns = 'default') => getJson(`/api/v1/namespaces/${ns}/pods/${name}`);
	return {
		getJson,
		send,
		pod,
		/** Applies YAML with kubectl; throws on a non-zero exit. */
		async apply(yaml: string): Promise<void> {
			const r = await k.kubectl(['apply', '-f', '-'], { input: yaml });
			if (r.code !== 0) throw new Error(`kubectl apply: ${r.stderr}\nserver log:\n${k.logTail()}`);
		},
		/** A Node with allocatable cpu/memory/pods, as a kubelet would report it. */
		async node(name: string, cpu: string, opts: { labels?: Record<string, string>; taints?: Obj[]; memory?: string } = {}): Promise<void> {
			const labels = { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...opts.labels };
			const r = await k.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints: opts.taints } }) });
			if (r.code !== 0) throw new Error(`node ${name}: ${r.stderr}\nserver log:\n${k.logTail()}`);
			const res = { cpu, memory: opts.memory ?? '4Gi', pods: '110' };
			const p = await k.kubectl(['patch', 'node', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { capacity: res, allocatable: res } })]);
			if (p.code !== 0) throw new Error(`node ${name} status: ${p.stderr}`);
		},
		/** Waits until the pod is bound; returns its node. */
		async boundNode(name: string, ns = 'default'): Promise<string> {
			let node = '';
			await eventually(async () => !!(node = (await pod(name, ns)).spec?.nodeName ?? ''), `${ns}/${name} bound`);
			return node;
		},
		/** The events about an object, oldest first. */
		async events(name: string, ns = 'default'): Promise<Obj[]> {
			const list = await getJson(`/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name%3D${name}`);
			return (list.items as Obj[]).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
		},
		/** Deletes a pod at once (the kubelet's part when there is none). */
		async forceDelete(name: string, ns = 'default'): Promise<void> {
			await k.kubectl(['delete', 'pod', name, '-n', ns, '--force', '--grace-period=0', '--ignore-not-found']);
		}
	};
}

/** A bare pod manifest with a cpu request. */
export function podYaml(name: string, cpu: string, extra = ''): string {
	return `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: default, labels: { app: ${name} } }
spec:
  containers: [{ name: app, image: nginx:1.27, resources: { requests: { cpu: ${cpu} } } }]
${extra}`;
}

export type Api = ReturnType<typeof api>;

/** A room for the whole file (started before, stopped after), with `setup` run once it is up. */
export function schedulerRoom(setup: (a: Api, k: KubeRoom) => Promise<void>): { k: KubeRoom; a: Api } {
	const room = {} as { k: KubeRoom; a: Api };
	beforeAll(async () => {
		room.k = await startKubeRoom();
		room.a = api(room.k);
		await setup(room.a, room.k);
	});
	afterAll(async () => {
		await room.k?.stop();
	});
	return room;
}
