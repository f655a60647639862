/**
 * The Deployment controller (pkg/controller/deployment): owns ReplicaSets, one per pod template
 * (`<name>-<pod-template-hash>`), and moves replicas from the old ones to the new one —
 * RollingUpdate within maxSurge/maxUnavailable, or Recreate (all old pods gone first) — with
 * revision annotations, proportional scaling mid-rollout, pause, history cleanup
 * (revisionHistoryLimit) and the Available/Progressing/ReplicaFailure conditions, including
 * ProgressDeadlineExceeded on the room clock. `kubectl rollout undo` works as on a real cluster:
 * kubectl copies an old template back and the old ReplicaSet becomes the new one.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import * as du from '../../src/lib/controllers/deployment-util';
import { controllerRef, isConflict, isNotFound, keyOf, RESOURCES, type KubeObject } from '../../src/lib/controllers/types';
import { newControllerRef, selectorOf, selects } from '../../src/lib/controllers/workload';
import { allReplicaSets, syncStatus, writeStatus, type Sync } from './deployment-sync';
import { cleanup, rolloutRecreate, rolloutRolling, scale } from './deployment-rollout';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

const DEPLOY = RESOURCES.deployments;
const RS = RESOURCES.replicasets;
const PODS = RESOURCES.pods;

export const DEPLOYMENT = {
	/** `--concurrent-deployment-syncs`. */
	workers: 5
};

export const deploymentController: ControllerDefinition = {
	name: 'deployment',
	component: 'deployment-controller',
	create(ctx) {
		const c: Controller = new Controller(ctx.clock, {
			name: 'deployment',
			workers: DEPLOYMENT.workers,
			log: ctx.log,
			sync: (key) => reconcileDeployment(key, ctx, (k, ms) => c.queue.addAfter(k, ms), (k) => c.queue.addRateLimited(k))
		});
		wireHandlers(ctx, c);
		return c;
	}
};

function wireHandlers(ctx: ControllerContext, c: Controller): void {
	const deployments = ctx.informer(DEPLOY).store;
	const enqueue = (d: KubeObject) => c.queue.add(keyOf(d));
	ctx.informer(DEPLOY).addEventHandler({ add: enqueue, update: (_, d) => enqueue(d), delete: enqueue });
	const owner = (o: KubeObject) => {
		const ref = controllerRef(o);
		if (!ref || ref.kind !== 'Deployment') return undefined;
		const d = deployments.get(`${o.metadata.namespace}/${ref.name}`);
		return d?.metadata.uid === ref.uid ? d : undefined;
	};
	const matching = (rs: KubeObject) => {
		for (const d of deployments.byNamespace(rs.metadata.namespace!)) if (selects(selectorOf(d), rs)) enqueue(d);
	};
	const onRS = (rs: KubeObject) => {
		const d = owner(rs);
		if (d) enqueue(d);
		else if (!controllerRef(rs)) matching(rs);
	};
	ctx.informer(RS).addEventHandler({
		add: onRS,
		update: (old, rs) => {
			const o = owner(old);
			if (o && controllerRef(old)?.uid !== controllerRef(rs)?.uid) enqueue(o);
			onRS(rs);
		},
		delete: (rs) => {
			const d = owner(rs);
			if (d) enqueue(d);
		}
	});
	// Recreate waits for the old pods to be gone: their deletion is news.
	ctx.informer(PODS).addEventHandler({
		delete: (pod) => {
			const ref = controllerRef(pod);
			const rs = ref && ctx.informer(RS).store.get(`${pod.metadata.namespace}/${ref.name}`);
			const d = rs && owner(rs);
			if (d && d.spec?.strategy?.type === 'Recreate') enqueue(d);
		}
	});
}

/** `syncDeployment`. */
export async function reconcileDeployment(key: string, ctx: ControllerContext, enqueueAfter: (key: string, ms: number) => void, enqueueRateLimited: (key: string) => void): Promise<void> {
	const cached = ctx.informer(DEPLOY).store.get(key);
	if (!cached) return;
	const s: Sync = { ctx, d: structuredClone(cached), enqueueAfter: (ms) => enqueueAfter(key, ms), enqueueRateLimited: () => enqueueRateLimited(key) };
	const d = s.d;
	d.apiVersion = 'apps/v1';
	d.kind = 'Deployment';
	const sel = d.spec?.selector;
	if (sel && !Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) {
		ctx.recorder.event(DEPLOY, d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
		if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) await writeStatus(s, { ...(d.status ?? {}), observedGeneration: d.metadata.generation });
		return;
	}
	const rsList = await claimReplicaSets(s);
	if (d.metadata.deletionTimestamp) return syncStatusOnly(s, rsList);
	await checkPausedConditions(s);
	if (d.spec?.paused) return scaleSync(s, rsList);
	if (isScalingEvent(s, rsList)) return scaleSync(s, rsList);
	if (d.spec?.strategy?.type === 'Recreate') return rolloutRecreate(s, rsList);
	return rolloutRolling(s, rsList);
}

/** `getReplicaSetsForDeployment`: adopt matching orphans, release owned ones that stopped matching. */
async function claimReplicaSets(s: Sync): Promise<KubeObject[]> {
	const { ctx, d } = s;
	const sel = selectorOf(d);
	const out: KubeObject[] = [];
	let fresh: boolean | undefined;
	for (const rs of ctx.informer(RS).store.byNamespace(d.metadata.namespace!)) {
		const ref = controllerRef(rs);
		if (ref) {
			if (ref.uid !== d.metadata.uid) continue;
			if (selects(sel, rs)) out.push(rs);
			else if (!d.metadata.deletionTimestamp) await patchOwner(ctx, rs, { $patch: 'delete', uid: d.metadata.uid });
			continue;
		}
		if (!selects(sel, rs) || d.metadata.deletionTimestamp || rs.metadata.deletionTimestamp) continue;
		fresh ??= await stillOurs(s);
		if (fresh && (await patchOwner(ctx, rs, newControllerRef(d, DEPLOY)))) out.push(rs);
	}
	return out;
}

async function stillOurs(s: Sync): Promise<boolean> {
	try {
		const now = await s.ctx.client.get(DEPLOY, s.d.metadata.namespace, s.d.metadata.name!);
		return now.metadata.uid === s.d.metadata.uid && !now.metadata.deletionTimestamp;
	} catch (e) {
		if (isNotFound(e)) return false;
		throw e;
	}
}

async function patchOwner(ctx: ControllerContext, rs: KubeObject, ref: object): Promise<boolean> {
	try {
		await ctx.client.patch(RS, rs.metadata.namespace, rs.metadata.name!, 'strategic', { metadata: { ownerReferences: [ref], uid: rs.metadata.uid } });
		return true;
	} catch (e) {
		if (isNotFound(e) || isConflict(e)) return false;
		throw e;
	}
}

/** `checkPausedConditions`: Progressing Unknown DeploymentPaused / DeploymentResumed. */
async function checkPausedConditions(s: Sync): Promise<void> {
	const { d } = s;
	if (!du.hasProgressDeadline(d)) return;
	const cond = du.getCondition(d.status, 'Progressing');
	if (cond?.reason === du.REASONS.timedOut) return;
	const pausedCond = cond?.reason === du.REASONS.paused;
	const status: du.DeploymentStatus = structuredClone(d.status ?? {});
	const now = s.ctx.clock.now();
	if (d.spec?.paused && !pausedCond) du.setCondition(status, du.newCondition('Progressing', 'Unknown', du.REASONS.paused, 'Deployment is paused', now));
	else if (!d.spec?.paused && pausedCond) du.setCondition(status, du.newCondition('Progressing', 'Unknown', du.REASONS.resumed, 'Deployment is resumed', now));
	else return;
	await writeStatus(s, status);
}

/** `isScalingEvent`: an active ReplicaSet's desired-replicas annotation differs from spec.replicas. */
function isScalingEvent(s: Sync, rsList: KubeObject[]): boolean {
	const desired = s.d.spec?.replicas ?? 1;
	return du.activeReplicaSets(rsList).some((rs) => {
		const v = rs.metadata.annotations?.[du.DESIRED_REPLICAS];
		return v !== undefined && Number(v) !== desired;
	});
}

/** `sync`: scale (proportionally mid-rollout), clean up when paused, write status. */
async function scaleSync(s: Sync, rsList: KubeObject[]): Promise<void> {
	const { newRS, oldRSs } = await allReplicaSets(s, rsList, false);
	await scale(s, newRS, oldRSs);
	if (s.d.spec?.paused) await cleanup(s, oldRSs);
	await syncStatus(s, [...oldRSs, ...(newRS ? [newRS] : [])], newRS);
}

async function syncStatusOnly(s: Sync, rsList: KubeObject[]): Promise<void> {
	const { newRS, oldRSs } = await allReplicaSets(s, rsList, false);
	await syncStatus(s, [...oldRSs, ...(newRS ? [newRS] : [])], newRS);
}
