/**
 * The DaemonSet controller (pkg/controller/daemon): one pod per node that should run it. Pods
 * are created with a required node affinity on `metadata.name` (the scheduler binds them) and the
 * daemon tolerations; surplus pods on a node, pods on nodes that no longer qualify (or are gone)
 * and failed pods are deleted. RollingUpdate replaces pods of an old template (by
 * `controller-revision-hash`) at most maxUnavailable at a time, or maxSurge ahead of the old pod;
 * OnDelete waits for the user. Status counts as the real one does. Each template is kept as a
 * ControllerRevision (server/controllers/history.ts) for `kubectl rollout history|undo daemonset`.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { CONTROLLER_REVISION_HASH, daemonTolerations, nodeShouldRunDaemonPod, pinnedAffinity, targetNode, TEMPLATE_GENERATION } from '../../src/lib/controllers/daemonset';
import { canonicalJson, podTemplateHash, scaledValue } from '../../src/lib/controllers/deployment-util';
import { Expectations } from '../../src/lib/controllers/expectations';
import { isPodAvailable, isPodReady } from '../../src/lib/controllers/pods';
import { REFS } from '../../src/lib/controllers/refs';
import { controllerRef, isNotFound, keyOf, RESOURCES, type KubeObject } from '../../src/lib/controllers/types';
import { newControllerRef, podFromTemplate } from '../../src/lib/controllers/workload';
import { syncHistory } from './history';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

const DS = REFS.daemonsets;
const PODS = RESOURCES.pods;

export interface DaemonSetDeps {
	ctx: ControllerContext;
	expectations: Expectations;
	enqueueAfter(key: string, ms: number): void;
}

export const daemonSetController: ControllerDefinition = {
	name: 'daemonset',
	component: 'daemonset-controller',
	create(ctx) {
		const deps: DaemonSetDeps = { ctx, expectations: new Expectations(ctx.clock), enqueueAfter: (k, ms) => c.queue.addAfter(k, ms) };
		const c: Controller = new Controller(ctx.clock, { name: 'daemonset', workers: 2, sync: (key) => reconcileDaemonSet(key, deps), log: ctx.log });
		const dss = ctx.informer(DS);
		const enqueue = (o: KubeObject) => c.queue.add(keyOf(o));
		dss.addEventHandler({ add: enqueue, update: (_, o) => enqueue(o), delete: (o) => (deps.expectations.delete(keyOf(o)), enqueue(o)) });
		const forPod = (pod: KubeObject, added: boolean) => {
			const ref = controllerRef(pod);
			if (ref?.kind !== 'DaemonSet') return;
			const ds = dss.store.get(`${pod.metadata.namespace}/${ref.name}`);
			if (ds?.metadata.uid !== ref.uid) return;
			if (added) deps.expectations.creationObserved(keyOf(ds));
			enqueue(ds);
		};
		ctx.informer(PODS).addEventHandler({ add: (p) => forPod(p, true), update: (_, p) => forPod(p, false), delete: (p) => forPod(p, false) });
		ctx.informer(REFS.controllerrevisions);
		// Node added, relabelled, tainted or removed: every DaemonSet looks again.
		const all = () => dss.store.list().forEach(enqueue);
		ctx.informer(REFS.nodes).addEventHandler({ add: all, update: (o, n) => canonicalJson([o.metadata.labels, o.spec]) !== canonicalJson([n.metadata.labels, n.spec]) && all(), delete: all });
		return c;
	}
};

const hashOf = (ds: KubeObject) => podTemplateHash(ds.spec?.template, ds.status?.collisionCount);

/** `syncDaemonSet`: the pods each node needs, then the rolling update, then status. */
export async function reconcileDaemonSet(key: string, deps: DaemonSetDeps): Promise<void> {
	const { ctx, expectations } = deps;
	const ds = ctx.informer(DS).store.get(key);
	if (!ds) return void expectations.delete(key);
	const now = ctx.clock.now();
	const hash = hashOf(ds);
	const minReady = ds.spec?.minReadySeconds ?? 0;
	const nodes = ctx.informer(REFS.nodes).store.list().sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
	const owned = ctx.informer(PODS).store.byOwner(ds.metadata.uid!).filter((p) => controllerRef(p)?.uid === ds.metadata.uid);
	const byNode = new Map<string, KubeObject[]>();
	for (const p of owned) {
		const n = targetNode(p) ?? '';
		byNode.set(n, [...(byNode.get(n) ?? []), p]);
	}
	const create: string[] = [];
	const remove: KubeObject[] = [];
	const stats = { desired: 0, current: 0, misscheduled: 0, ready: 0, available: 0, updated: 0 };
	const oldAvailable: KubeObject[] = [];
	const oldUnavailable: KubeObject[] = [];
	let unavailable = 0;
	let surges = 0;
	for (const node of nodes) {
		const name = node.metadata.name!;
		const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(ds, node);
		const pods = (byNode.get(name) ?? []).filter((p) => !p.metadata.deletionTimestamp);
		byNode.delete(name);
		const failed = pods.filter((p) => p.status?.phase === 'Failed');
		remove.push(...failed);
		const live = pods.filter((p) => p.status?.phase !== 'Failed').sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
		if (shouldRun) stats.desired++;
		if (live.length && !shouldRun) stats.misscheduled++;
		if (shouldRun && live.length) stats.current++;
		if (shouldRun && !live.length) create.push(name);
		if (!shouldContinueRunning) remove.push(...live);
		else if (live.length > 1) {
			// Keep the current-template pod if there is one, else the oldest; a surge pod replaces the old one once available.
			const keep = live.find((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash) ?? live[0];
			const surging = keep.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash && live.some((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] !== hash);
			if (surging) surges++;
			if (!surging || isPodAvailable(keep, minReady, now)) remove.push(...live.filter((p) => p !== keep));
		}
		if (!shouldRun || !live.length) {
			if (shouldRun) unavailable++;
			continue;
		}
		const pod = live.find((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash) ?? live[0];
		const updated = pod.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash;
		if (isPodReady(pod)) stats.ready++;
		if (isPodAvailable(pod, minReady, now)) stats.available++;
		else unavailable++;
		if (updated) stats.updated++;
		else if (live.length === 1) (isPodAvailable(pod, minReady, now) ? oldAvailable : oldUnavailable).push(pod);
	}
	// Pods on nodes that are gone (or never pinned to one).
	for (const pods of byNode.values()) remove.push(...pods.filter((p) => !p.metadata.deletionTimestamp));

	if (!ds.metadata.deletionTimestamp) {
		const inUse = new Set(owned.map((p) => `${ds.metadata.name}-${p.metadata.labels?.[CONTROLLER_REVISION_HASH]}`));
		await syncHistory(ctx, ds, DS, hash, inUse, { [CONTROLLER_REVISION_HASH]: hash });
	}
	if (expectations.satisfied(key) && !ds.metadata.deletionTimestamp) {
		if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
			const ru = ds.spec?.updateStrategy?.rollingUpdate ?? {};
			const maxSurge = scaledValue(ru.maxSurge ?? 0, stats.desired, true);
			const maxUnavailable = maxSurge > 0 ? scaledValue(ru.maxUnavailable ?? 0, stats.desired, true) : Math.max(1, scaledValue(ru.maxUnavailable ?? 1, stats.desired, true));
			// Unavailable old pods go first: replacing them costs no availability.
			remove.push(...oldUnavailable);
			if (maxSurge > 0) {
				for (const pod of oldAvailable.slice(0, Math.max(0, maxSurge - surges))) create.push(targetNode(pod)!);
			} else {
				for (const pod of oldAvailable) {
					if (unavailable >= maxUnavailable) break;
					remove.push(pod);
					unavailable++;
				}
			}
		}
		await manage(ds, hash, create, remove, deps);
	}
	await writeStatus(ds, stats, ctx);
	if (minReady > 0 && stats.ready !== stats.available) deps.enqueueAfter(key, minReady * 1000);
}

async function manage(ds: KubeObject, hash: string, nodes: string[], remove: KubeObject[], deps: DaemonSetDeps): Promise<void> {
	const { ctx, expectations } = deps;
	const key = keyOf(ds);
	expectations.expect(key, nodes.length);
	const ref = newControllerRef(ds, DS);
	let firstError: unknown;
	for (const node of nodes) {
		const pod = podFromTemplate(ds.spec?.template, ds, ref);
		pod.metadata.labels = { ...pod.metadata.labels, [CONTROLLER_REVISION_HASH]: hash, [TEMPLATE_GENERATION]: String(ds.metadata.generation ?? 1) };
		pod.spec.affinity = pinnedAffinity(pod.spec.affinity, node);
		pod.spec.tolerations = daemonTolerations(pod.spec.tolerations, !!pod.spec.hostNetwork);
		try {
			const made = await ctx.client.create(PODS, pod);
			ctx.recorder.event(DS, ds, 'Normal', 'SuccessfulCreate', `Created pod: ${made.metadata.name}`);
		} catch (e) {
			expectations.creationObserved(key);
			if (/because it is being terminated/.test((e as Error).message)) continue;
			ctx.recorder.event(DS, ds, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
			firstError ??= e;
		}
	}
	for (const pod of remove) {
		try {
			await ctx.client.delete(PODS, pod.metadata.namespace, pod.metadata.name!);
			ctx.recorder.event(DS, ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
		} catch (e) {
			if (!isNotFound(e)) firstError ??= e;
		}
	}
	if (firstError) throw firstError;
}

async function writeStatus(ds: KubeObject, s: { desired: number; current: number; misscheduled: number; ready: number; available: number; updated: number }, ctx: ControllerContext): Promise<void> {
	const status = {
		...(ds.status ?? {}),
		currentNumberScheduled: s.current,
		numberMisscheduled: s.misscheduled,
		desiredNumberScheduled: s.desired,
		numberReady: s.ready,
		observedGeneration: ds.metadata.generation,
		updatedNumberScheduled: s.updated,
		numberAvailable: s.available,
		numberUnavailable: s.desired - s.available
	};
	for (const k of ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const) if (!status[k]) delete status[k];
	if (canonicalJson(ds.status ?? {}) === canonicalJson(status)) return;
	await ctx.client.updateStatus(DS, { apiVersion: 'apps/v1', kind: 'DaemonSet', ...ds, status });
}
