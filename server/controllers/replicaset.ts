/**
 * The ReplicaSet controller (pkg/controller/replicaset): keeps `spec.replicas` active pods per
 * ReplicaSet. It adopts matching orphans and releases pods that stop matching, creates missing
 * pods in slow-start batches (at most `burstReplicas` per sync), deletes surplus ones in the
 * order of `getPodsToDelete`, waits on expectations so a stale cache never makes it over-create,
 * and writes status (replicas, fullyLabeled, ready, available, observedGeneration, ReplicaFailure).
 * A sync that only needs counts reads them from a tally kept from pod events (replica-tally.ts)
 * instead of walking every pod: the same numbers, without a 10,000-pod walk per sync.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { Expectations } from '../../src/lib/controllers/expectations';
import { OwnWrites } from '../../src/lib/controllers/own-writes';
import { ReplicaTally, type Tally } from '../../src/lib/controllers/replica-tally';
import { isPodActive, isPodReady, podsToDelete } from '../../src/lib/controllers/pods';
import { controllerRef, isConflict, isNotFound, keyOf, RESOURCES, type KubeObject, type OwnerReference } from '../../src/lib/controllers/types';
import { newControllerRef, podFromTemplate, replicaSetStatus, replicaSetStatusOf, sameReplicaSetStatus, selectorOf, selects, slowStartBatch } from '../../src/lib/controllers/workload';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

/** Tunables of kube-controller-manager's ReplicaSet controller. */
export const REPLICASET = {
	/** At most this many creations or deletions per sync (`BurstReplicas`). */
	burstReplicas: 500,
	/** First slow-start batch (`SlowStartInitialBatchSize`). */
	slowStartInitialBatch: 1,
	/** `--concurrent-replicaset-syncs`. */
	workers: 5
};

/** Event reasons, as the real controller's pod control records them. */
export const REASONS = { created: 'SuccessfulCreate', failedCreate: 'FailedCreate', deleted: 'SuccessfulDelete', failedDelete: 'FailedDelete' } as const;

const RS = RESOURCES.replicasets;
const PODS = RESOURCES.pods;

export interface ReplicaSetDeps {
	ctx: ControllerContext;
	expectations: Expectations;
	/** Re-enqueues `key` after `ms` (minReadySeconds checks). */
	enqueueAfter(key: string, ms: number): void;
	/** Our last status writes, for syncs that run before the informer shows them. */
	written?: OwnWrites;
	/** Per-ReplicaSet pod counts kept from pod events (the full pod list only when needed). */
	tally?: ReplicaTally;
}

export const replicaSetController: ControllerDefinition = {
	name: 'replicaset',
	component: 'replicaset-controller',
	create(ctx) {
		const expectations = new Expectations(ctx.clock);
		const deps: ReplicaSetDeps = { ctx, expectations, enqueueAfter: (k, ms) => c.queue.addAfter(k, ms), written: new OwnWrites(), tally: new ReplicaTally() };
		const c: Controller = new Controller(ctx.clock, { name: 'replicaset', workers: REPLICASET.workers, sync: (key) => reconcileReplicaSet(key, deps), log: ctx.log });
		wireHandlers(ctx, expectations, c, deps.tally!);
		return c;
	}
};

/** Handlers only turn events into ReplicaSet keys (and count observed creations and deletions). */
function wireHandlers(ctx: ControllerContext, expectations: Expectations, c: Controller, tally: ReplicaTally): void {
	const rsStore = ctx.informer(RS).store;
	const enqueue = (rs: KubeObject) => c.queue.add(keyOf(rs));
	ctx.informer(RS).addEventHandler({
		add: enqueue,
		update: (_, rs) => enqueue(rs),
		delete: (rs) => {
			expectations.delete(keyOf(rs));
			tally.forget(rs.metadata.uid!);
			enqueue(rs);
		}
	});
	const resolve = (ns: string | undefined, ref: OwnerReference | undefined) => {
		if (!ref || ref.kind !== 'ReplicaSet') return undefined;
		const rs = rsStore.get(`${ns}/${ref.name}`);
		return rs?.metadata.uid === ref.uid ? rs : undefined;
	};
	/** Orphans: every ReplicaSet whose selector matches may adopt it. */
	const enqueueMatching = (pod: KubeObject) => {
		for (const rs of rsStore.byNamespace(pod.metadata.namespace!)) if (selects(selectorOf(rs), pod)) enqueue(rs);
	};
	const deleted = (pod: KubeObject) => {
		const rs = resolve(pod.metadata.namespace, controllerRef(pod));
		if (!rs) return;
		expectations.deletionObserved(keyOf(rs), keyOf(pod));
		enqueue(rs);
	};
	ctx.informer(PODS).addEventHandler({
		add(pod) {
			tally.touched(pod);
			if (pod.metadata.deletionTimestamp) return deleted(pod);
			const ref = controllerRef(pod);
			if (ref) {
				const rs = resolve(pod.metadata.namespace, ref);
				if (!rs) return;
				expectations.creationObserved(keyOf(rs));
				return enqueue(rs);
			}
			enqueueMatching(pod);
		},
		update(old, pod) {
			tally.touched(pod, old);
			const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {});
			if (pod.metadata.deletionTimestamp) {
				deleted(pod);
				if (labelsChanged) deleted(old);
				return;
			}
			const oldRef = controllerRef(old);
			const ref = controllerRef(pod);
			const refChanged = JSON.stringify(oldRef) !== JSON.stringify(ref);
			if (refChanged && oldRef) {
				const rs = resolve(old.metadata.namespace, oldRef);
				if (rs) enqueue(rs);
			}
			if (ref) {
				const rs = resolve(pod.metadata.namespace, ref);
				if (!rs) return;
				enqueue(rs);
				const minReady = rs.spec?.minReadySeconds ?? 0;
				// Becomes available minReadySeconds after it became ready: look again then.
				if (!isPodReady(old) && isPodReady(pod) && minReady > 0) c.queue.addAfter(keyOf(rs), minReady * 1000 + 1000);
				return;
			}
			if (labelsChanged || refChanged) enqueueMatching(pod);
		},
		delete: (pod) => {
			tally.touched(pod);
			deleted(pod);
		}
	});
}

/** Syncs one ReplicaSet (`syncReplicaSet`): claim pods, create or delete the difference, write status. */
export async function reconcileReplicaSet(key: string, deps: ReplicaSetDeps): Promise<void> {
	const { ctx, expectations } = deps;
	const cached = ctx.informer(RS).store.get(key);
	if (!cached) {
		expectations.delete(key);
		deps.written?.forget(key);
		return;
	}
	const rs = deps.written?.fresher(key, cached) ?? cached;
	const needsSync = expectations.satisfied(key);
	const counted = tallied(rs, deps);
	const pods = counted ? undefined : await claimPods(rs, candidatePods(rs, ctx), ctx);
	const replicas = counted ? counted.replicas : pods!.length;
	let manageError: { message: string; creating: boolean } | undefined;
	let thrown: unknown;
	if (needsSync && !rs.metadata.deletionTimestamp) {
		try {
			await manageReplicas(rs, replicas, pods, deps);
		} catch (e) {
			thrown = e;
			manageError = { message: (e as Error).message, creating: replicas < (rs.spec?.replicas ?? 1) };
		}
	}
	const now = ctx.clock.now();
	const status = counted ? replicaSetStatusOf(rs, counted, manageError, now) : replicaSetStatus(rs, pods!, manageError, now);
	const written = await writeStatus(rs, status, ctx, deps.written);
	const minReady = rs.spec?.minReadySeconds ?? 0;
	const desired = rs.spec?.replicas ?? 1;
	if (!thrown && minReady > 0 && (written.readyReplicas ?? 0) === desired && (written.availableReplicas ?? 0) !== desired)
		deps.enqueueAfter(key, minReady * 1000);
	if (thrown) throw thrown;
}

/**
 * The counts from the pod tally when they are all this sync needs: nothing to adopt or release,
 * no pod to delete, availability without minReadySeconds; otherwise undefined (the full path).
 */
function tallied(rs: KubeObject, deps: ReplicaSetDeps): Tally | undefined {
	const { ctx, tally } = deps;
	if (!tally || rs.metadata.deletionTimestamp || (rs.spec?.minReadySeconds ?? 0) > 0) return undefined;
	const store = ctx.informer(PODS).store;
	const counted = tally.count(rs, store);
	if (counted.mismatched > 0 || counted.replicas > (rs.spec?.replicas ?? 1)) return undefined;
	const sel = selectorOf(rs);
	if (store.orphans(rs.metadata.namespace!).some((p) => isPodActive(p) && selects(sel, p))) return undefined;
	return counted;
}

/**
 * The active pods `claimPods` looks at: those referring to this ReplicaSet and the namespace's
 * orphans (a pod another controller owns is never claimed), from the informer's indexes rather
 * than every pod of the namespace.
 */
function candidatePods(rs: KubeObject, ctx: ControllerContext): KubeObject[] {
	const store = ctx.informer(PODS).store;
	const ns = rs.metadata.namespace!;
	const owned = store.byOwner(rs.metadata.uid!).filter((p) => p.metadata.namespace === ns);
	let orphans = store.orphans(ns);
	// An orphan may refer to this ReplicaSet without being controlled by it: list it once.
	if (orphans.length && owned.length) {
		const seen = new Set(owned);
		orphans = orphans.filter((p) => !seen.has(p));
	}
	return [...owned, ...orphans].filter(isPodActive);
}

/**
 * `claimPods` (ControllerRefManager): the active pods this ReplicaSet controls, adopting matching
 * orphans (unless it is being deleted) and releasing owned pods that no longer match.
 */
async function claimPods(rs: KubeObject, active: KubeObject[], ctx: ControllerContext): Promise<KubeObject[]> {
	const sel = selectorOf(rs);
	const uid = rs.metadata.uid;
	const claimed: KubeObject[] = [];
	const orphans: KubeObject[] = [];
	for (const pod of active) {
		const ref = controllerRef(pod);
		if (ref) {
			if (ref.uid !== uid) continue;
			if (selects(sel, pod)) claimed.push(pod);
			else if (!rs.metadata.deletionTimestamp) await release(rs, pod, ctx);
		} else if (selects(sel, pod) && !rs.metadata.deletionTimestamp) orphans.push(pod);
	}
	if (orphans.length && (await canAdopt(rs, ctx))) {
		for (const pod of orphans) if (await adopt(rs, pod, ctx)) claimed.push(pod);
	}
	return claimed;
}

/** Adoption re-reads the owner from the API (not the cache) first: `RecheckDeletionTimestamp`. */
async function canAdopt(rs: KubeObject, ctx: ControllerContext): Promise<boolean> {
	try {
		const fresh = await ctx.client.get(RS, rs.metadata.namespace, rs.metadata.name!);
		return fresh.metadata.uid === rs.metadata.uid && !fresh.metadata.deletionTimestamp;
	} catch (e) {
		if (isNotFound(e)) return false;
		throw e;
	}
}

async function adopt(rs: KubeObject, pod: KubeObject, ctx: ControllerContext): Promise<boolean> {
	const patch = { metadata: { ownerReferences: [newControllerRef(rs, RS)], uid: pod.metadata.uid } };
	try {
		await ctx.client.patch(PODS, pod.metadata.namespace, pod.metadata.name!, 'strategic', patch);
		return true;
	} catch (e) {
		// Gone, or changed under us (uid precondition): the next sync sees the truth.
		if (isNotFound(e) || isConflict(e)) return false;
		throw e;
	}
}

async function release(rs: KubeObject, pod: KubeObject, ctx: ControllerContext): Promise<void> {
	const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: rs.metadata.uid }], uid: pod.metadata.uid } };
	try {
		await ctx.client.patch(PODS, pod.metadata.namespace, pod.metadata.name!, 'strategic', patch);
	} catch (e) {
		if (!isNotFound(e) && !isConflict(e)) throw e;
	}
}

/** `manageReplicas`: creates or deletes the difference; throws the first failure. */
async function manageReplicas(rs: KubeObject, replicas: number, pods: KubeObject[] | undefined, deps: ReplicaSetDeps): Promise<void> {
	const { ctx, expectations } = deps;
	const key = keyOf(rs);
	const diff = replicas - (rs.spec?.replicas ?? 1);
	if (diff < 0) {
		const n = Math.min(-diff, REPLICASET.burstReplicas);
		expectations.expect(key, n);
		const ref = newControllerRef(rs, RS);
		const { successes, error } = await slowStartBatch(n, REPLICASET.slowStartInitialBatch, () => createPod(rs, ref, ctx));
		// The informer will never see the creations that were not made: stop waiting for them.
		for (let i = successes; i < n; i++) expectations.creationObserved(key);
		if (error) throw error;
	} else if (diff > 0) {
		const n = Math.min(diff, REPLICASET.burstReplicas);
		// The tally never leaves a surplus to this point: deleting ranks the full list.
		const victims = podsToDelete(pods!, relatedPods(rs, ctx), n, ctx.clock.now());
		expectations.expect(key, 0, victims.map(keyOf));
		const results = await Promise.allSettled(victims.map((p) => deletePod(rs, p, ctx)));
		results.forEach((r, i) => {
			if (r.status === 'rejected') expectations.deletionObserved(key, keyOf(victims[i]));
		});
		const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isNotFound(r.reason));
		if (failed) throw failed.reason;
	}
}

async function createPod(rs: KubeObject, ref: OwnerReference, ctx: ControllerContext): Promise<void> {
	try {
		const pod = await ctx.client.create(PODS, podFromTemplate(rs.spec?.template, rs, ref));
		ctx.recorder.event(RS, rs, 'Normal', REASONS.created, `Created pod: ${pod.metadata.name}`);
	} catch (e) {
		// A namespace being deleted refuses creates; nothing more to do there.
		if (/because it is being terminated/.test((e as Error).message)) return;
		ctx.recorder.event(RS, rs, 'Warning', REASONS.failedCreate, `Error creating: ${(e as Error).message}`);
		throw e;
	}
}

async function deletePod(rs: KubeObject, pod: KubeObject, ctx: ControllerContext): Promise<void> {
	try {
		await ctx.client.delete(PODS, pod.metadata.namespace, pod.metadata.name!);
		ctx.recorder.event(RS, rs, 'Normal', REASONS.deleted, `Deleted pod: ${pod.metadata.name}`);
	} catch (e) {
		if (!isNotFound(e)) ctx.recorder.event(RS, rs, 'Warning', REASONS.failedDelete, `Error deleting: ${(e as Error).message}`);
		throw e;
	}
}

/**
 * `getIndirectlyRelatedPods`: pods selected by any ReplicaSet with the same controlling owner (the
 * Deployment's), for ranking by node; a ReplicaSet without an owner has none.
 */
function relatedPods(rs: KubeObject, ctx: ControllerContext): KubeObject[] {
	const owner = controllerRef(rs);
	if (!owner) return [];
	const podStore = ctx.informer(PODS).store;
	const seen = new Set<string>();
	const related: KubeObject[] = [];
	for (const sibling of ctx.informer(RS).store.byOwner(owner.uid)) {
		if (controllerRef(sibling)?.uid !== owner.uid) continue;
		const sel = selectorOf(sibling);
		for (const pod of podStore.byNamespace(sibling.metadata.namespace!))
			if (!seen.has(pod.metadata.uid!) && selects(sel, pod)) {
				seen.add(pod.metadata.uid!);
				related.push(pod);
			}
	}
	return related;
}

/** `updateReplicaSetStatus`: writes when anything changed; on a conflict, re-reads and retries once. */
async function writeStatus(rs: KubeObject, status: ReturnType<typeof replicaSetStatus>, ctx: ControllerContext, own?: OwnWrites): Promise<ReturnType<typeof replicaSetStatus>> {
	if (sameReplicaSetStatus(rs.status, status)) return status;
	let current = rs;
	for (let attempt = 0; ; attempt++) {
		try {
			const written = await ctx.client.updateStatus(RS, { ...current, apiVersion: 'apps/v1', kind: 'ReplicaSet', status });
			if (written?.metadata) own?.remember(keyOf(rs), written);
			return status;
		} catch (e) {
			if (!isConflict(e) || attempt >= 1) throw e;
			current = await ctx.client.get(RS, rs.metadata.namespace, rs.metadata.name!);
		}
	}
}
