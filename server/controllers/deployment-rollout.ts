/**
 * The Deployment controller's strategies: RollingUpdate (new ReplicaSet up within maxSurge, old
 * ones down within maxUnavailable, unhealthy replicas first), Recreate (old pods gone before the
 * new ReplicaSet scales up), proportional scaling of a scaling event mid-rollout, and the cleanup
 * of old ReplicaSets beyond revisionHistoryLimit.
 *
 * @module
 */
import * as du from '../../src/lib/controllers/deployment-util';
import { controllerRef, isNotFound, RESOURCES, type KubeObject } from '../../src/lib/controllers/types';
import { selectorOf, selects } from '../../src/lib/controllers/workload';
import { allReplicaSets, syncRolloutStatus, type Sync } from './deployment-sync';

const DEPLOY = RESOURCES.deployments;
const RS = RESOURCES.replicasets;
const PODS = RESOURCES.pods;

/** `scale`: the one active ReplicaSet gets everything; else proportional shares, leftovers to the largest. */
export async function scale(s: Sync, newRS: KubeObject | undefined, oldRSs: KubeObject[]): Promise<void> {
	const { d } = s;
	const desired = d.spec?.replicas ?? 1;
	const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
	if (activeOrLatest) {
		if ((activeOrLatest.spec?.replicas ?? 0) !== desired) await scaleReplicaSet(s, activeOrLatest, desired);
		return;
	}
	if (newRS && isSaturated(d, newRS)) {
		for (const old of du.activeReplicaSets(oldRSs)) await scaleReplicaSet(s, old, 0);
		return;
	}
	if ((d.spec?.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
	const all = du.activeReplicaSets([...oldRSs, ...(newRS ? [newRS] : [])]);
	const allowed = desired > 0 ? desired + du.maxSurge(d) : 0;
	const toAdd = allowed - du.sumReplicas(all);
	const size = (rs: KubeObject) => rs.spec?.replicas ?? 0;
	// Larger first; among equals, newer first when scaling up and older first when scaling down.
	all.sort((a, b) => size(b) - size(a) || (toAdd > 0 ? du.byCreation(b, a) : du.byCreation(a, b)));
	let added = 0;
	const sizes = new Map<KubeObject, number>();
	for (const rs of all) {
		const p = toAdd !== 0 ? du.proportion(rs, d, toAdd, added) : 0;
		sizes.set(rs, size(rs) + p);
		added += p;
	}
	for (const [i, rs] of all.entries()) {
		let n = sizes.get(rs)!;
		if (i === 0 && toAdd !== 0) n = Math.max(0, n + toAdd - added);
		await scaleReplicaSet(s, rs, n, toAdd > 0 ? 'up' : 'down');
	}
}

function findActiveOrLatest(newRS: KubeObject | undefined, oldRSs: KubeObject[]): KubeObject | undefined {
	if (!newRS && !oldRSs.length) return undefined;
	const olds = [...oldRSs].sort((a, b) => du.byCreation(b, a));
	const active = du.activeReplicaSets([...olds, ...(newRS ? [newRS] : [])]);
	if (active.length === 0) return newRS ?? olds[0];
	return active.length === 1 ? active[0] : undefined;
}

function isSaturated(d: KubeObject, rs: KubeObject): boolean {
	const desired = d.spec?.replicas ?? 1;
	return rs.metadata.annotations?.[du.DESIRED_REPLICAS] === String(desired) && rs.spec?.replicas === desired && (rs.status?.availableReplicas ?? 0) === desired;
}

/** `scaleReplicaSet`: new size and the desired/max annotations in one update, with a ScalingReplicaSet event. */
async function scaleReplicaSet(s: Sync, rs: KubeObject, size: number, operation?: 'up' | 'down'): Promise<boolean> {
	const { ctx, d } = s;
	const desired = d.spec?.replicas ?? 1;
	const old = rs.spec?.replicas ?? 0;
	const copy = structuredClone(rs);
	copy.spec.replicas = size;
	const annotationsChanged = du.setReplicasAnnotations(copy, desired, desired + du.maxSurge(d));
	if (old === size && !annotationsChanged) return false;
	const updated = await ctx.client.update(RS, { ...copy, apiVersion: 'apps/v1', kind: 'ReplicaSet' });
	Object.assign(rs, { spec: updated.spec, metadata: updated.metadata });
	if (old === size) return false;
	const op = operation ?? (old < size ? 'up' : 'down');
	ctx.recorder.event(DEPLOY, d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} to ${size} from ${old}`);
	return true;
}

/** `rolloutRolling`. */
export async function rolloutRolling(s: Sync, rsList: KubeObject[]): Promise<void> {
	const { newRS: created, oldRSs } = await allReplicaSets(s, rsList, true);
	const newRS = created!;
	const all = [...oldRSs, newRS];
	const copies = all.map((rs) => structuredClone(rs));
	const [olds, nrs] = [copies.slice(0, -1), copies.at(-1)!];
	if (await reconcileNewReplicaSet(s, copies, nrs)) return syncRolloutStatus(s, copies, nrs);
	if (await reconcileOldReplicaSets(s, copies, du.activeReplicaSets(olds), nrs)) return syncRolloutStatus(s, copies, nrs);
	if (du.deploymentComplete(s.d, s.d.status ?? {})) await cleanup(s, olds);
	return syncRolloutStatus(s, copies, nrs);
}

async function reconcileNewReplicaSet(s: Sync, all: KubeObject[], newRS: KubeObject): Promise<boolean> {
	const desired = s.d.spec?.replicas ?? 1;
	const cur = newRS.spec?.replicas ?? 0;
	if (cur === desired) return false;
	if (cur > desired) return scaleReplicaSet(s, newRS, desired);
	return scaleReplicaSet(s, newRS, du.newRSNewReplicas(s.d, all, newRS));
}

/** `reconcileOldReplicaSets`: scale old ReplicaSets down as far as maxUnavailable allows, unhealthy replicas first. */
async function reconcileOldReplicaSets(s: Sync, all: KubeObject[], oldRSs: KubeObject[], newRS: KubeObject): Promise<boolean> {
	const { d } = s;
	if (du.sumReplicas(oldRSs) === 0) return false;
	const minAvailable = (d.spec?.replicas ?? 1) - du.maxUnavailable(d);
	const newUnavailable = (newRS.spec?.replicas ?? 0) - (newRS.status?.availableReplicas ?? 0);
	const maxScaledDown = du.sumReplicas(all) - minAvailable - newUnavailable;
	if (maxScaledDown <= 0) return false;
	// cleanupUnhealthyReplicas: old replicas that are not available go first.
	let cleaned = 0;
	for (const rs of [...oldRSs].sort(du.byCreation)) {
		if (cleaned >= maxScaledDown) break;
		const replicas = rs.spec?.replicas ?? 0;
		const available = rs.status?.availableReplicas ?? 0;
		if (replicas === 0 || replicas === available) continue;
		const n = Math.min(maxScaledDown - cleaned, replicas - available);
		await scaleReplicaSet(s, rs, replicas - n);
		cleaned += n;
	}
	// scaleDownOldReplicaSetsForRollingUpdate: then available ones, oldest first, keeping minAvailable.
	let scaled = 0;
	const availableNow = du.sumStatus(all, 'availableReplicas');
	if (availableNow > minAvailable) {
		const total = availableNow - minAvailable;
		for (const rs of [...oldRSs].sort(du.byCreation)) {
			if (scaled >= total) break;
			const replicas = rs.spec?.replicas ?? 0;
			if (replicas === 0) continue;
			const n = Math.min(replicas, total - scaled);
			await scaleReplicaSet(s, rs, replicas - n);
			scaled += n;
		}
	}
	return cleaned + scaled > 0;
}

/** `rolloutRecreate`: scale every old ReplicaSet to 0, wait for their pods to go, then the new one up. */
export async function rolloutRecreate(s: Sync, rsList: KubeObject[]): Promise<void> {
	let { newRS, oldRSs } = await allReplicaSets(s, rsList, false);
	oldRSs = oldRSs.map((rs) => structuredClone(rs));
	let scaledDown = false;
	for (const rs of du.activeReplicaSets(oldRSs)) if (await scaleReplicaSet(s, rs, 0)) scaledDown = true;
	const all = () => [...oldRSs, ...(newRS ? [newRS] : [])];
	if (scaledDown || oldPodsRunning(s, newRS, oldRSs)) return syncRolloutStatus(s, all(), newRS);
	if (!newRS) ({ newRS, oldRSs } = await allReplicaSets(s, rsList, true));
	newRS = structuredClone(newRS!);
	await scaleReplicaSet(s, newRS, s.d.spec?.replicas ?? 1);
	if (du.deploymentComplete(s.d, s.d.status ?? {})) await cleanup(s, oldRSs);
	return syncRolloutStatus(s, all(), newRS);
}

function oldPodsRunning(s: Sync, newRS: KubeObject | undefined, oldRSs: KubeObject[]): boolean {
	if (du.sumStatus(oldRSs, 'replicas') > 0) return true;
	const olds = new Set(oldRSs.map((rs) => rs.metadata.uid));
	const sel = selectorOf(s.d);
	return s.ctx.informer(PODS).store.byNamespace(s.d.metadata.namespace!).some((p) => {
		const uid = controllerRef(p)?.uid;
		if (!uid || uid === newRS?.metadata.uid || !olds.has(uid) || !selects(sel, p)) return false;
		return p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded';
	});
}

/** `cleanupDeployment`: deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
export async function cleanup(s: Sync, oldRSs: KubeObject[]): Promise<void> {
	const limit = s.d.spec?.revisionHistoryLimit;
	if (limit === undefined || limit === null) return;
	const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(du.byRevision);
	const diff = cleanable.length - limit;
	for (let i = 0; i < diff; i++) {
		const rs = cleanable[i];
		if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec?.replicas ?? 0) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
		try {
			await s.ctx.client.delete(RS, rs.metadata.namespace, rs.metadata.name!);
		} catch (e) {
			if (!isNotFound(e)) throw e;
		}
	}
}
