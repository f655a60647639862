/**
 * The disruption controller (pkg/controller/disruption): keeps each PodDisruptionBudget's status
 * (expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, observedGeneration, the
 * DisruptionAllowed condition) from the pods it selects and, for percentages and maxUnavailable,
 * the scale of their controllers (Deployment through its ReplicaSet, ReplicaSet, StatefulSet).
 * It drops disruptedPods entries once their pod is deleted or after 2 minutes, which is how
 * an eviction the kubelet never carried out stops counting.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { canonicalJson } from '../../src/lib/controllers/deployment-util';
import { expectations, liveDisruptions, needsScale, pdbStatus } from '../../src/lib/controllers/disruption';
import { REFS } from '../../src/lib/controllers/refs';
import { controllerRef, isNotFound, keyOf, RESOURCES, splitKey, type KubeObject } from '../../src/lib/controllers/types';
import { selectorOf, selects } from '../../src/lib/controllers/workload';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

const PDBS = REFS.poddisruptionbudgets;
const PODS = RESOURCES.pods;

export interface DisruptionDeps {
	ctx: ControllerContext;
	enqueueAfter(key: string, ms: number): void;
}

export const disruptionController: ControllerDefinition = {
	name: 'disruption',
	component: 'controllermanager',
	create(ctx) {
		const c: Controller = new Controller(ctx.clock, { name: 'disruption', workers: 1, sync: (key) => reconcileDisruptionBudget(key, deps), log: ctx.log });
		const deps: DisruptionDeps = { ctx, enqueueAfter: (k, ms) => c.queue.addAfter(k, ms) };
		const pdbs = ctx.informer(PDBS);
		const enqueue = (o: KubeObject) => c.queue.add(keyOf(o));
		pdbs.addEventHandler({ add: enqueue, update: (_, o) => enqueue(o) });
		const forPod = (pod: KubeObject) => {
			for (const pdb of pdbs.store.byNamespace(pod.metadata.namespace!)) if (selects(selectorOf(pdb), pod)) enqueue(pdb);
		};
		ctx.informer(PODS).addEventHandler({ add: forPod, update: (old, p) => (forPod(p), forPod(old)), delete: forPod });
		// Scale changes move expectedPods.
		for (const r of [RESOURCES.replicasets, RESOURCES.deployments, REFS.statefulsets])
			ctx.informer(r).addEventHandler({ update: (_, o) => pdbs.store.byNamespace(o.metadata.namespace!).forEach(enqueue) });
		return c;
	}
};

/** The summed `spec.replicas` of the pods' controllers (`getExpectedScale`); undefined with a pod no controller owns. */
function controllersScale(pods: KubeObject[], ctx: ControllerContext): number | undefined {
	const seen = new Set<string>();
	let total = 0;
	for (const pod of pods) {
		let owner = controllerRef(pod);
		if (!owner) return undefined;
		let obj: KubeObject | undefined;
		const ns = pod.metadata.namespace;
		if (owner.kind === 'ReplicaSet') {
			obj = ctx.informer(RESOURCES.replicasets).store.get(`${ns}/${owner.name}`);
			const parent = obj && controllerRef(obj);
			if (parent?.kind === 'Deployment') {
				owner = parent;
				obj = ctx.informer(RESOURCES.deployments).store.get(`${ns}/${parent.name}`);
			}
		} else if (owner.kind === 'StatefulSet') obj = ctx.informer(REFS.statefulsets).store.get(`${ns}/${owner.name}`);
		if (!obj || obj.metadata.uid !== owner.uid) return undefined;
		if (seen.has(owner.uid)) continue;
		seen.add(owner.uid);
		total += obj.spec?.replicas ?? 1;
	}
	return total;
}

/** `trySync`: recompute and write the budget's status when it changed. */
export async function reconcileDisruptionBudget(key: string, deps: DisruptionDeps): Promise<void> {
	const { ctx } = deps;
	const pdb = ctx.informer(PDBS).store.get(key);
	if (!pdb) return;
	const now = ctx.clock.now();
	const sel = selectorOf(pdb);
	const pods = ctx.informer(PODS).store.byNamespace(splitKey(key).namespace!).filter((p) => selects(sel, p));
	let scale = pods.length;
	if (needsScale(pdb) && pods.length) {
		const s = controllersScale(pods, ctx);
		if (s === undefined) {
			// kube's failSafe: no disruption allowed while the expected scale is unknown.
			ctx.recorder.event(PDBS, pdb, 'Warning', 'CalculateExpectedPodCountFailed', 'Failed to calculate the number of expected pods: found no controllers for pod');
			return write(pdb, { ...pdbStatus(pdb, pods, 0, 0, {}, now), disruptionsAllowed: 0 }, ctx);
		}
		scale = s;
	}
	const { expected, desired } = expectations(pdb, pods.length, scale);
	const { kept, nextExpiry } = liveDisruptions(pdb.status?.disruptedPods ?? {}, pods, now);
	await write(pdb, pdbStatus(pdb, pods, expected, desired, kept, now), ctx);
	if (nextExpiry !== undefined) deps.enqueueAfter(key, nextExpiry - now);
}

async function write(pdb: KubeObject, status: KubeObject['status'], ctx: ControllerContext): Promise<void> {
	if (canonicalJson(pdb.status ?? {}) === canonicalJson(status)) return;
	try {
		await ctx.client.updateStatus(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', ...pdb, status });
	} catch (e) {
		if (!isNotFound(e)) throw e;
	}
}
