/**
 * Deterministic replay (issue 6): the same manifests, seed and actions give the same events and
 * objects. One scenario (nodes, a Deployment and Services applied, a scale, a rolling update, a
 * node failure), on a paused room clock that only the test steps, runs in fresh rooms made with
 * a chosen seed and start time; two runs with one seed must match exactly, a run with another
 * seed must not.
 *
 * @module
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeRoom, type KubeRoom } from '../kubectl/harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const START = Date.parse('2026-01-05T09:00:00Z');
const NODES = ['worker-1', 'worker-2', 'worker-3'];

let k: KubeRoom;

beforeAll(async () => {
	k = await startKubeRoom();
});

afterAll(async () => {
	await k?.stop();
});

/** A fresh room with `seed`, its clock paused at START; the room API as JSON. */
async function seededRoom(seed: number) {
	const meta = await k.converge.rooms.createFrom({ name: `replay ${seed}`, starter: 'blank', seed, clock: { time: START, paused: true, speed: 1 } }, async () => {});
	const call = async (path: string, init: RequestInit = {}): Promise<Obj> => {
		const res = await fetch(k.origin + path, { ...init, headers: { authorization: `Bearer ${meta.tokens.facilitator}`, 'content-type': 'application/json', ...init.headers } });
		const body = (await res.json()) as Obj;
		if (res.status >= 300) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${body.message}`);
		return body;
	};
	const kube = `/rooms/${meta.id}/k8s`;
	return {
		id: meta.id,
		get: (path: string) => call(kube + path),
		send: (method: string, path: string, body: unknown, type = 'application/json') => call(kube + path, { method, headers: { 'content-type': type }, body: JSON.stringify(body) }),
		/** Steps the room clock by `seconds` (timers fire in order, the work they start settled in between). */
		step: (seconds: number) => call(`/api/rooms/${meta.id}/clock`, { method: 'POST', body: JSON.stringify({ action: 'step', seconds }) })
	};
}

type Room = Awaited<ReturnType<typeof seededRoom>>;

const deployment = (image: string) => ({
	apiVersion: 'apps/v1',
	kind: 'Deployment',
	metadata: { name: 'web', namespace: 'default' },
	spec: {
		replicas: 3,
		selector: { matchLabels: { app: 'web' } },
		strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
		template: {
			metadata: { labels: { app: 'web' } },
			spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m' } }, readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5 } }] }
		}
	}
});

const services = [
	{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
	{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-np', namespace: 'default' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] } }
];

/** Steps `seconds` one second at a time until `done` holds; fails if it never does. */
async function stepUntil(r: Room, done: () => Promise<boolean>, what: string, seconds = 120): Promise<void> {
	for (let i = 0; i < seconds; i++) {
		if (await done()) return;
		await r.step(1);
	}
	throw new Error(`not reached in ${seconds} s of room time: ${what}`);
}

const podsOf = async (r: Room) => (await r.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).items as Obj[];
const readyPods = async (r: Room, image: string) =>
	(await podsOf(r)).filter((p) => !p.metadata.deletionTimestamp && p.spec.containers[0].image === image && p.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True')).length;

/** What a run leaves: its events in room-clock order and its objects' identities. */
interface Trace {
	events: string[];
	objects: string[];
}

/**
 * The scenario. Each action is followed by `step(0)`, which settles what it set off at the
 * current instant before the next action: chains of work started at one simulated instant run
 * on wall time, and their interleaving is not replayed (see docs/simulation.md, "Determinism").
 */
async function scenario(seed: number): Promise<Trace> {
	const r = await seededRoom(seed);
	const act = async (method: string, path: string, body: unknown, type?: string) => {
		await r.send(method, path, body, type);
		await r.step(0);
	};
	await r.step(0); // the room loads: the control plane starts and installs what it installs
	for (const name of NODES) await act('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
	for (const s of services) await act('POST', '/api/v1/namespaces/default/services', s);
	await act('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('nginx:1.27'));
	await stepUntil(r, async () => (await readyPods(r, 'nginx:1.27')) === 3, '3 ready pods');
	await act('PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { spec: { replicas: 5 } }, 'application/merge-patch+json');
	await stepUntil(r, async () => (await readyPods(r, 'nginx:1.27')) === 5, '5 ready pods');
	await act('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } } }, 'application/strategic-merge-patch+json');
	await stepUntil(r, async () => (await readyPods(r, 'nginx:1.28')) === 5 && (await podsOf(r)).length === 5, 'rollout to nginx:1.28', 300);
	// worker-2 fails: Unknown after 50 s, its pods evicted 300 s later and recreated elsewhere.
	await act('PATCH', '/api/v1/nodes/worker-2', { metadata: { annotations: { 'sim.converge.dev/kubelet': 'stopped' } } }, 'application/merge-patch+json');
	await r.step(400);
	await stepUntil(r, async () => (await readyPods(r, 'nginx:1.28')) === 5, 'pods replaced');
	const out = await trace(r);
	await k.converge.rooms.delete(r.id);
	return out;
}

/**
 * Events in room-clock order: by the millisecond their name carries (`<object>.<hex ns>`), then
 * by content. Names are compared whole: the nanoseconds below the millisecond come from what the
 * event is, not from the order components recorded the events of one instant in.
 */
function eventOrder(events: Obj[]): string[] {
	const ms = (e: Obj) => BigInt(`0x${e.metadata.name.split('.').pop()}`) / 1_000_000n;
	const line = (e: Obj) => {
		const o = e.involvedObject;
		return `${e.metadata.name} ${e.firstTimestamp} ${e.lastTimestamp} x${e.count} ${e.type} ${e.reason} ${o.kind}/${o.namespace ?? ''}/${o.name} ${o.uid ?? ''} ${e.source?.component ?? ''} ${e.message}`;
	};
	const keyed = events.map((e) => ({ at: ms(e), line: line(e) }));
	keyed.sort((a, b) => (a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.line < b.line ? -1 : a.line > b.line ? 1 : 0));
	return keyed.map((k) => `${k.at} ${k.line}`);
}

async function trace(r: Room): Promise<Trace> {
	const events = eventOrder((await r.get('/api/v1/events')).items as Obj[]);
	const objects: string[] = [];
	for (const path of ['/api/v1/nodes', '/api/v1/pods', '/api/v1/services', '/apis/apps/v1/replicasets', '/apis/apps/v1/deployments', '/api/v1/namespaces', '/apis/discovery.k8s.io/v1/endpointslices']) {
		for (const o of (await r.get(path)).items as Obj[]) {
			const m = o.metadata;
			const extra = [o.spec?.nodeName, o.status?.podIP, o.spec?.clusterIP, o.spec?.podCIDR, ...(o.spec?.ports ?? []).map((p: Obj) => p.nodePort), JSON.stringify(o.status?.addresses ?? ''), JSON.stringify(o.endpoints ?? '')];
			objects.push(`${path} ${m.namespace ?? ''}/${m.name} ${m.uid} ${m.creationTimestamp} ${extra.filter((x) => x !== undefined).join(' ')}`);
		}
	}
	return { events, objects };
}

describe('deterministic replay', () => {
	it('replays a scenario with the same seed to the same events and objects, and another seed differs', async () => {
		const first = await scenario(1234);
		const second = await scenario(1234);
		expect(second.objects).toEqual(first.objects);
		expect(second.events).toEqual(first.events);
		// The scenario did what it says: scaled, rolled out, lost worker-2 and moved its pods.
		for (const what of ['ScalingReplicaSet Deployment/default/web', 'NodeNotReady Node//worker-2', 'TaintManagerEviction Pod/default/web-'])
			expect(first.events.some((e) => e.includes(what))).toBe(true);
		expect(first.objects.filter((o) => o.startsWith('/api/v1/pods ') && o.includes(' worker-2 '))).toHaveLength(2); // Terminating: its kubelet is down
		const other = await scenario(99);
		expect(other.objects).not.toEqual(first.objects);
	});

	it('never gives a uid or a generated name out twice across a restart of the room', async () => {
		const r = await seededRoom(7);
		const cms = '/api/v1/namespaces/default/configmaps';
		const incarnation = async () => {
			const uid = (await r.send('POST', cms, { metadata: { name: 'again' } })).metadata.uid as string;
			await r.send('DELETE', `${cms}/again`, {});
			return uid;
		};
		const generated = async () => {
			const out: string[] = [];
			for (let i = 0; i < 3; i++) out.push((await r.send('POST', cms, { metadata: { generateName: 'gen-' } })).metadata.name);
			return out;
		};
		const uids = [await incarnation(), await incarnation()];
		const names = await generated();
		expect(uids[1]).not.toBe(uids[0]);
		// The server's counters start over after a reload: the store's revision tells the runs apart.
		const rooms = k.converge.rooms;
		(await rooms.get(r.id))!.lastUsed = 0;
		await rooms.sweep();
		expect(rooms.isLoaded(r.id)).toBe(false);
		uids.push(await incarnation());
		expect(new Set(uids).size).toBe(3);
		const after = await generated(); // created: no suffix of before comes back
		expect(new Set([...names, ...after]).size).toBe(6);
		await rooms.delete(r.id);
	});
});
