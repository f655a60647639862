/**
 * kube-controller-manager's `podgc` controller: every 20 s of room time it deletes terminated
 * pods beyond the threshold, pods of deleted Nodes (after a 40 s quarantine and a live GET that
 * answers 404, marked Failed with `DisruptionTarget`/`DeletionByPodGC` first), terminating pods
 * that were never scheduled, and terminating pods on out-of-service nodes. Deletions are forced
 * (grace period 0): nothing else would ever finish them. The decisions are in
 * src/lib/controllers/podgc.ts.
 *
 * @module
 */
import { every } from '../../src/lib/clock/clock';
import { Controller } from '../../src/lib/controllers/controller';
import { excessTerminated, isTerminated, missingNodes, outOfServiceTerminating, PODGC, unscheduledTerminating } from '../../src/lib/controllers/podgc';
import { isNotFound, RESOURCES, type KubeObject } from '../../src/lib/controllers/types';
import { setPodCondition } from '../../src/lib/kube/pod-condition';
import { NODES } from '../../src/lib/kubelet/refs';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

const PODS = RESOURCES.pods;
/** The one key of the queue: a GC pass is level-triggered over the whole cache. */
const PASS = 'gc';

class PodGcController extends Controller {
	constructor(
		ctx: ControllerContext,
		private readonly stopTimer: () => void,
		gc: () => Promise<void>
	) {
		super(ctx.clock, { name: 'podgc', workers: 1, sync: gc, log: ctx.log });
	}
	override async stop(): Promise<void> {
		this.stopTimer();
		await super.stop();
	}
}

export const podGcController: ControllerDefinition = {
	name: 'podgc',
	component: 'pod-garbage-collector',
	create(ctx) {
		// Node name → when the cache first missed it.
		const quarantine = new Map<string, number>();
		let c: PodGcController | undefined;
		const stopTimer = every(ctx.clock, PODGC.periodMs, () => c?.queue.add(PASS));
		c = new PodGcController(ctx, stopTimer, () => gc(ctx, quarantine));
		ctx.informer(PODS);
		ctx.informer(NODES);
		return c;
	}
};

async function gc(ctx: ControllerContext, quarantine: Map<string, number>): Promise<void> {
	const pods = ctx.informer(PODS).store.list();
	const nodes = new Map(ctx.informer(NODES).store.list().map((n) => [n.metadata.name!, n]));
	for (const p of excessTerminated(pods)) await forceDelete(ctx, p);
	for (const p of outOfServiceTerminating(pods, nodes)) await forceDelete(ctx, p);
	await gcOrphaned(ctx, pods, nodes, quarantine);
	for (const p of unscheduledTerminating(pods)) await markFailedAndDelete(ctx, p);
}

async function gcOrphaned(ctx: ControllerContext, pods: KubeObject[], nodes: Map<string, KubeObject>, quarantine: Map<string, number>): Promise<void> {
	const now = ctx.clock.now();
	const missing = missingNodes(pods, new Set(nodes.keys()));
	for (const name of quarantine.keys()) if (!missing.has(name)) quarantine.delete(name);
	const gone = new Set<string>();
	for (const name of missing) {
		const since = quarantine.get(name);
		if (since === undefined) quarantine.set(name, now);
		else if (now - since >= PODGC.quarantineMs && (await nodeDeleted(ctx, name))) gone.add(name);
	}
	for (const p of pods) {
		if (!gone.has(p.spec?.nodeName)) continue;
		ctx.log(`podgc: found orphaned Pod ${p.metadata.namespace}/${p.metadata.name} assigned to the Node ${p.spec.nodeName}, deleting`);
		await markFailedAndDelete(ctx, p, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
	}
}

/** The cache may lag: only a 404 from the API makes a node gone. */
async function nodeDeleted(ctx: ControllerContext, name: string): Promise<boolean> {
	try {
		await ctx.client.get(NODES, undefined, name);
		return false;
	} catch (e) {
		if (isNotFound(e)) return true;
		throw e;
	}
}

/** markFailedAndDeletePodWithCondition: a pod that is not terminal yet is recorded as Failed first. */
async function markFailedAndDelete(ctx: ControllerContext, pod: KubeObject, condition?: { type: string; status: string; reason: string; message: string }): Promise<void> {
	if (!isTerminated(pod)) {
		const failed = structuredClone(pod);
		failed.status = { ...(failed.status ?? {}), phase: 'Failed' };
		if (condition) setPodCondition(failed, condition, ctx.clock.now());
		try {
			await ctx.client.updateStatus(PODS, { ...failed, apiVersion: 'v1', kind: 'Pod' });
		} catch (e) {
			if (isNotFound(e)) return;
			throw e;
		}
	}
	await forceDelete(ctx, pod);
}

async function forceDelete(ctx: ControllerContext, pod: KubeObject): Promise<void> {
	try {
		await ctx.client.delete(PODS, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
	} catch (e) {
		if (!isNotFound(e)) throw e;
	}
}
