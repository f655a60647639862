/**
 * Node lifecycle (pkg/controller/nodelifecycle) and NoExecute taint eviction
 * (pkg/controller/tainteviction), as in kube-controller-manager 1.32:
 *
 * - every `nodeMonitorPeriod` (5 s) each Node's heartbeat (its Lease's renewTime, or its Ready
 *   condition's lastHeartbeatTime) is checked; after `nodeMonitorGracePeriod` (50 s since 1.32)
 *   without one, its conditions become Unknown (`Kubelet stopped posting node status.`), its
 *   pods' Ready condition False, and it records `NodeNotReady`;
 * - the Ready condition maps to taints: Unknown → `node.kubernetes.io/unreachable`, False →
 *   `node.kubernetes.io/not-ready`, each NoExecute (with timeAdded) and NoSchedule; True → none;
 * - the taint eviction controller deletes pods on NoExecute-tainted nodes once their
 *   tolerationSeconds (300 by default, from the DefaultTolerationSeconds admission) run out, and
 *   at once those that do not tolerate the taint.
 *
 * @module
 */
import { every } from '../../src/lib/clock/clock';
import { Controller } from '../../src/lib/controllers/controller';
import { isConflict, isNotFound, keyOf, RESOURCES, type KubeObject } from '../../src/lib/controllers/types';
import { rfc3339 } from '../../src/lib/kube/duration';
import { setPodCondition } from '../../src/lib/kube/pod-condition';
import { LEASES, NODE_LEASE_NAMESPACE, NODES } from '../../src/lib/kubelet/refs';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const NODE_LIFECYCLE = {
	/** `--node-monitor-period` */
	monitorPeriodMs: 5_000,
	/** `--node-monitor-grace-period` (50 s since Kubernetes 1.32, 40 s before). */
	gracePeriodMs: 50_000
};

export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
const NODE_CONDITION_TYPES = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
/** Condition → the NoSchedule taint the node controller keeps while it is True. */
const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const PRESSURE_TAINTS: Record<string, string> = { MemoryPressure: 'node.kubernetes.io/memory-pressure', DiskPressure: 'node.kubernetes.io/disk-pressure', PIDPressure: 'node.kubernetes.io/pid-pressure' };
const PODS = RESOURCES.pods;

const ms = (t: unknown) => (typeof t === 'string' ? Date.parse(t) : NaN);

export const nodeLifecycleController: ControllerDefinition = {
	name: 'nodelifecycle',
	component: 'node-controller',
	create(ctx) {
		const registered = new Set<string>();
		const c: Controller = new Controller(ctx.clock, { name: 'nodelifecycle', workers: 1, sync: (key) => monitorNode(key, ctx, registered), log: ctx.log });
		const enqueue = (n: KubeObject) => c.queue.add(n.metadata.name!);
		ctx.informer(NODES).addEventHandler({ add: enqueue, update: (_, n) => enqueue(n) });
		ctx.informer(LEASES).addEventHandler({ update: (_, l) => l.metadata.namespace === NODE_LEASE_NAMESPACE && c.queue.add(l.metadata.name!) });
		ctx.informer(PODS);
		const stopMonitor = every(ctx.clock, NODE_LIFECYCLE.monitorPeriodMs, () => {
			for (const n of ctx.informer(NODES).store.list()) enqueue(n);
		});
		const stop = c.stop.bind(c);
		c.stop = async () => {
			stopMonitor();
			await stop();
		};
		return c;
	}
};

/** The last heartbeat of a node: its Lease's renewTime or its Ready condition's heartbeat. */
function lastHeartbeat(node: KubeObject, ctx: ControllerContext): number {
	const lease = ctx.informer(LEASES).store.get(`${NODE_LEASE_NAMESPACE}/${node.metadata.name}`);
	const ready = (node.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
	const beats = [ms(lease?.spec?.renewTime), ms(ready?.lastHeartbeatTime), ms(node.metadata.creationTimestamp)].filter((t) => !Number.isNaN(t));
	return Math.max(...beats, 0);
}

/** monitorNodeHealth + the tainting passes for one node. */
async function monitorNode(name: string, ctx: ControllerContext, registered: Set<string>): Promise<void> {
	let node = ctx.informer(NODES).store.get(name);
	if (!node) {
		registered.delete(name);
		return;
	}
	if (!registered.has(name)) {
		registered.add(name);
		ctx.recorder.event(NODES, node, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
	}
	const now = ctx.clock.now();
	const conditions: Obj[] = node.status?.conditions ?? [];
	const ready = conditions.find((c) => c.type === 'Ready');
	if (now - lastHeartbeat(node, ctx) > NODE_LIFECYCLE.gracePeriodMs && ready?.status !== 'Unknown') {
		const never = !ready;
		const reason = never ? 'NodeStatusNeverUpdated' : 'NodeStatusUnknown';
		const message = never ? 'Kubelet never posted node status.' : 'Kubelet stopped posting node status.';
		const next = NODE_CONDITION_TYPES.map((type) => {
			const prev = conditions.find((c) => c.type === type);
			if (prev?.status === 'Unknown') return prev;
			return { type, status: 'Unknown', lastHeartbeatTime: prev?.lastHeartbeatTime ?? node!.metadata.creationTimestamp, lastTransitionTime: rfc3339(now), reason, message };
		});
		const others = conditions.filter((c) => !NODE_CONDITION_TYPES.includes(c.type));
		node = await ctx.client.patch(NODES, undefined, name, 'merge', { status: { conditions: [...others, ...next] } }, 'status');
		if (ready?.status === 'True') {
			ctx.recorder.event(NODES, node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
			await markPodsNotReady(name, ctx);
		}
	}
	await reconcileTaints(node, ctx, now);
}

/** MarkPodsNotReady: Ready=False on every pod of the node, with a `NodeNotReady` event each. */
async function markPodsNotReady(nodeName: string, ctx: ControllerContext): Promise<void> {
	for (const pod of ctx.informer(PODS).store.list()) {
		if (pod.spec?.nodeName !== nodeName) continue;
		const ready = (pod.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
		if (!ready || ready.status === 'False') continue;
		const next = structuredClone(pod);
		setPodCondition(next, { type: 'Ready', status: 'False' }, ctx.clock.now());
		try {
			await ctx.client.updateStatus(PODS, { ...next, apiVersion: 'v1', kind: 'Pod' });
			ctx.recorder.event(PODS, pod, 'Warning', 'NodeNotReady', 'Node is not ready');
		} catch (e) {
			if (!isNotFound(e) && !isConflict(e)) throw e;
		}
	}
}

/** The node-controller taints the node's conditions and `spec.unschedulable` ask for. */
export function desiredTaints(node: KubeObject, now: number): Obj[] {
	const ready = (node.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
	const key = ready?.status === 'Unknown' ? TAINT_UNREACHABLE : ready?.status === 'False' ? TAINT_NOT_READY : undefined;
	// doNoScheduleTaintingPass: a pressure condition True taints the node NoSchedule.
	const pressure: Obj[] = Object.entries(PRESSURE_TAINTS)
		.filter(([type]) => (node.status?.conditions ?? []).some((c: Obj) => c.type === type && c.status === 'True'))
		.map(([, k]) => ({ key: k, effect: 'NoSchedule' }));
	// ... and a cordoned node (spec.unschedulable, `kubectl cordon`) gets the unschedulable taint.
	if (node.spec?.unschedulable) {
		const had = (node.spec?.taints ?? []).find((t: Obj) => t.key === TAINT_UNSCHEDULABLE && t.effect === 'NoSchedule');
		pressure.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule', timeAdded: had?.timeAdded ?? rfc3339(now) });
	}
	if (!key) return pressure;
	const had = (node.spec?.taints ?? []).find((t: Obj) => t.key === key && t.effect === 'NoExecute');
	return [
		{ key, effect: 'NoSchedule' },
		...pressure,
		{ key, effect: 'NoExecute', timeAdded: had?.timeAdded ?? rfc3339(now) }
	];
}

async function reconcileTaints(node: KubeObject, ctx: ControllerContext, now: number): Promise<void> {
	const current: Obj[] = node.spec?.taints ?? [];
	const managed = (t: Obj) => t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY || t.key === TAINT_UNSCHEDULABLE || Object.values(PRESSURE_TAINTS).includes(t.key);
	const want = [...current.filter((t) => !managed(t)), ...desiredTaints(node, now)];
	if (JSON.stringify(want) === JSON.stringify(current)) return;
	await ctx.client.patch(NODES, undefined, node.metadata.name!, 'merge', { spec: { taints: want.length ? want : null } });
}

/** v1helper.TolerationsTolerateTaint for one toleration. */
export function tolerates(t: Obj, taint: Obj): boolean {
	if (t.effect && t.effect !== taint.effect) return false;
	if (t.operator === 'Exists') return !t.key || t.key === taint.key;
	return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

/**
 * When the taint eviction controller deletes the pod: `now` if a NoExecute taint is not
 * tolerated, else the earliest timeAdded + tolerationSeconds, or undefined (tolerated forever).
 */
export function evictionTime(pod: KubeObject, taints: Obj[], now: number): number | undefined {
	let at: number | undefined;
	for (const taint of taints.filter((t) => t.effect === 'NoExecute')) {
		const tols: Obj[] = (pod.spec?.tolerations ?? []).filter((t: Obj) => tolerates(t, taint));
		if (!tols.length) return now;
		const secs = tols.map((t) => t.tolerationSeconds).filter((s): s is number => typeof s === 'number');
		if (secs.length < tols.length) continue;
		const added = ms(taint.timeAdded);
		const t = (Number.isNaN(added) ? now : added) + Math.max(0, Math.min(...secs)) * 1000;
		at = at === undefined ? t : Math.min(at, t);
	}
	return at;
}

export const taintEvictionController: ControllerDefinition = {
	name: 'taint-eviction-controller',
	component: 'taint-eviction-controller',
	create(ctx) {
		const c: Controller = new Controller(ctx.clock, {
			name: 'taint-eviction-controller',
			workers: 2,
			sync: (key) => evictIfDue(key, ctx, (k, delay) => c.queue.addAfter(k, delay)),
			log: ctx.log
		});
		const pods = ctx.informer(PODS);
		const podOf = (p: KubeObject) => p.spec?.nodeName && c.queue.add(keyOf(p));
		// podUpdated: only a new node or new tolerations change when the pod must go (not its status).
		const moved = (old: KubeObject, p: KubeObject) => old.spec?.nodeName !== p.spec?.nodeName || JSON.stringify(old.spec?.tolerations ?? []) !== JSON.stringify(p.spec?.tolerations ?? []);
		pods.addEventHandler({ add: podOf, update: (old, p) => moved(old, p) && podOf(p) });
		const nodeChanged = (n: KubeObject) => {
			for (const p of pods.store.list()) if (p.spec?.nodeName === n.metadata.name) c.queue.add(keyOf(p));
		};
		ctx.informer(NODES).addEventHandler({
			add: nodeChanged,
			update: (old, n) => JSON.stringify(old.spec?.taints ?? []) !== JSON.stringify(n.spec?.taints ?? []) && nodeChanged(n)
		});
		return c;
	}
};

async function evictIfDue(key: string, ctx: ControllerContext, after: (key: string, ms: number) => void): Promise<void> {
	const pod = ctx.informer(PODS).store.get(key);
	if (!pod || pod.metadata.deletionTimestamp || !pod.spec?.nodeName) return;
	const node = ctx.informer(NODES).store.get(pod.spec.nodeName);
	const now = ctx.clock.now();
	const at = evictionTime(pod, node?.spec?.taints ?? [], now);
	if (at === undefined) return;
	if (at > now) return after(key, at - now);
	ctx.recorder.event(PODS, pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
	const marked = structuredClone(pod);
	setPodCondition(marked, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' }, now);
	try {
		await ctx.client.updateStatus(PODS, { ...marked, apiVersion: 'v1', kind: 'Pod' });
		await ctx.client.delete(PODS, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
	} catch (e) {
		if (!isNotFound(e)) throw e;
	}
}
