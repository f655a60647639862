/**
 * `POST pods/<name>/eviction` (policy/v1 Eviction), as kube's EvictionREST does it: a pod that is
 * Pending, finished or already deleting is deleted outright; otherwise the one
 * PodDisruptionBudget selecting it (none: delete; more than one: a 500 Status) must allow a
 * disruption: its `disruptionsAllowed` is decremented and the pod recorded in `disruptedPods`
 * with a write guarded by the PDB's resourceVersion (retried on conflict), or the eviction is
 * refused with 429 TooManyRequests and a `DisruptionBudget` cause. An unready pod is deleted
 * without spending the budget when the application is healthy enough (or the PDB says
 * AlwaysAllow). The pod then gets the DisruptionTarget condition and is deleted with the
 * eviction's DeleteOptions.
 *
 * @module
 */
import { badRequest, conflict, forbidden, KubeError, tooManyRequests } from '../../src/lib/kube/api-errors';
import { rfc3339 } from '../../src/lib/kube/duration';
import { findResource } from '../../src/lib/kube/resources';
import { matchesLabels, selectorFromObject } from '../../src/lib/kube/label-selector';
import { collectionKey } from '../../src/lib/kube/storage-keys';
import { parseDeleteOptions, parseWriteOptions, type DeleteOptions } from '../../src/lib/kube/write-options';
import { readKindBody } from './access-review';
import { keyOf, makeTarget, type Call } from './context';
import { deleteObject } from './delete';
import { sendObject } from './http';
import { getStored } from './read';
import { setPodCondition } from '../../src/lib/kube/pod-condition';
import type { Stored } from './storage';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a create-only REST answers on success (a Status, HTTP 201). */
export const CREATED_STATUS = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

/** kube's MaxDisruptedPodSize. */
const MAX_DISRUPTED_PODS = 2000;
const PDB_RETRIES = 20;
const BUDGET_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";

function budgetRefusal(retryAfterSeconds: number, cause: string): KubeError {
	const err = tooManyRequests(BUDGET_MESSAGE, retryAfterSeconds);
	const details = { ...(retryAfterSeconds ? { retryAfterSeconds } : {}), causes: [{ reason: 'DisruptionBudget', message: cause }] };
	return new KubeError(err.code, err.reason, err.message, details);
}

const stillProcessing = (pdb: string) => budgetRefusal(10, `The disruption budget ${pdb} is still being processed by the server.`);
const isReady = (pod: Obj) => (pod.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
const canIgnorePDB = (pod: Obj) => ['Succeeded', 'Failed', 'Pending'].includes(pod.status?.phase) || !!pod.metadata?.deletionTimestamp;
const finishedOrDeleting = (pod: Obj) => ['Succeeded', 'Failed'].includes(pod.status?.phase) || !!pod.metadata?.deletionTimestamp;

/** propagateDryRun: the request's dryRun and the eviction's DeleteOptions must agree. */
function evictionDeleteOptions(call: Call, ev: Obj): DeleteOptions {
	const query = parseWriteOptions(call.query, 'CreateOptions');
	const body = (ev.deleteOptions ?? {}) as Obj;
	const inBody: string[] = Array.isArray(body.dryRun) ? body.dryRun : [];
	const inQuery = call.query.getAll('dryRun');
	if (inBody.length && inQuery.length && JSON.stringify(inBody) !== JSON.stringify(inQuery))
		throw new KubeError(500, undefined, `Non-matching dry-run options in request and content: [${inQuery.join(' ')}] and [${inBody.join(' ')}]`);
	const opts = parseDeleteOptions(new URLSearchParams(), body);
	return { ...opts, dryRun: opts.dryRun || query.dryRun };
}

/** The PDBs of the pod's namespace whose selector matches it (nil selects nothing, `{}` everything). */
async function matchingPDBs(call: Call, pod: Obj): Promise<Stored[]> {
	const info = findResource('policy', 'v1', 'poddisruptionbudgets')!;
	const prefix = collectionKey(info.storagePrefix, pod.metadata.namespace);
	const page = await call.ctx.storage.page(prefix, prefix, 0, 0);
	return page.items.filter(({ object: pdb }) => {
		try {
			return matchesLabels(selectorFromObject(pdb.spec?.selector), pod.metadata.labels ?? {});
		} catch {
			return false;
		}
	});
}

/** checkAndDecrement, retried with a fresh PDB when its write loses a race. */
async function spendBudget(call: Call, pdb: Stored, podName: string, dryRun: boolean): Promise<void> {
	const name = pdb.object.metadata.name;
	for (let attempt = 0; attempt < PDB_RETRIES; attempt++) {
		const p = structuredClone(pdb.object);
		const st = (p.status ??= {});
		if ((st.observedGeneration ?? 0) < (p.metadata.generation ?? 0)) throw stillProcessing(name);
		const allowed = st.disruptionsAllowed ?? 0;
		const fb = { group: 'policy', resource: 'poddisruptionbudget' };
		if (allowed < 0) throw forbidden(fb, name, 'pdb disruptions allowed is negative');
		if (Object.keys(st.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) throw forbidden(fb, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
		if (allowed === 0) throw budgetRefusal(0, `The disruption budget ${name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`);
		st.disruptionsAllowed = allowed - 1;
		if (st.disruptionsAllowed === 0) setDisruptionAllowed(p, call.ctx.clock.now());
		if (dryRun) return;
		st.disruptedPods = { ...(st.disruptedPods ?? {}), [podName]: rfc3339(call.ctx.clock.now()) };
		if ((await call.ctx.storage.update(pdb.key, p, pdb.modRevision)) !== undefined) return;
		const fresh = await call.ctx.storage.get(pdb.key);
		if (!fresh) throw new KubeError(404, 'NotFound', `poddisruptionbudgets.policy "${name}" not found`, { name, group: 'policy', kind: 'poddisruptionbudgets' });
		pdb = fresh;
	}
	throw new KubeError(504, 'Timeout', `couldn't update PodDisruptionBudget "${name}" due to conflicts`, { retryAfterSeconds: 10 });
}

/** pdbhelper.UpdateDisruptionAllowedCondition for a budget that reached 0. */
function setDisruptionAllowed(pdb: Obj, now: number): void {
	const conds: Obj[] = (pdb.status.conditions ??= []);
	const next = { type: 'DisruptionAllowed', status: 'False', observedGeneration: pdb.status.observedGeneration ?? 0, lastTransitionTime: rfc3339(now), reason: 'InsufficientPods', message: '' };
	const i = conds.findIndex((c) => c.type === 'DisruptionAllowed');
	if (i < 0) conds.push(next);
	else conds[i] = { ...next, lastTransitionTime: conds[i].status === 'False' ? conds[i].lastTransitionTime : next.lastTransitionTime };
}

/** addConditionAndDeletePod: the DisruptionTarget condition (not in dry runs), then the delete. */
async function deleteEvicted(call: Call, opts: DeleteOptions): Promise<void> {
	const t = makeTarget(call.target.resource, call.target.namespace, call.target.name);
	if (!opts.dryRun) {
		const cur = await getStored(call);
		const pre = opts.preconditions;
		const podConflict = (why: string) => conflict({ group: '', resource: 'Pod' }, cur.object.metadata.name, why);
		if (pre?.uid && pre.uid !== cur.object.metadata.uid)
			throw podConflict(`the UID in the precondition (${pre.uid}) does not match the UID in record (${cur.object.metadata.uid}). The object might have been deleted and then recreated`);
		if (pre?.resourceVersion && pre.resourceVersion !== cur.object.metadata.resourceVersion)
			throw podConflict(`the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${cur.object.metadata.resourceVersion}). The object might have been modified`);
		const pod = structuredClone(cur.object);
		setPodCondition(pod, { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }, call.ctx.clock.now());
		const rev = await call.ctx.storage.update(keyOf(t), pod, cur.modRevision);
		if (rev === undefined) throw conflict(t.gr, t.name ?? '');
		if (pre?.resourceVersion) opts = { ...opts, preconditions: { ...pre, resourceVersion: String(rev) } };
	}
	await deleteObject(call.ctx, t, opts);
}

const withPodRV = (opts: DeleteOptions, rv: string): DeleteOptions => ({ ...opts, preconditions: { ...(opts.preconditions ?? {}), resourceVersion: rv } });

export async function handleEviction(call: Call): Promise<void> {
	const ev = await readKindBody(call, ['policy/v1/Eviction', 'policy/v1beta1/Eviction']);
	if ((ev.metadata?.name ?? '') !== call.target.name) throw badRequest('name in URL does not match name in Eviction object');
	const opts = evictionDeleteOptions(call, ev);
	const rvSet = !!opts.preconditions?.resourceVersion;
	const pod = (await getStored(call)).object;
	if (canIgnorePDB(pod)) {
		await deleteEvicted(call, !finishedOrDeleting(pod) && !rvSet ? withPodRV(opts, pod.metadata.resourceVersion) : opts);
		return sendObject(call.res, 201, CREATED_STATUS);
	}
	const pdbs = await matchingPDBs(call, pod);
	if (pdbs.length > 1) {
		const message = 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';
		return sendObject(call.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
	}
	let pinRV = false;
	if (pdbs.length === 1) {
		const pdb = pdbs[0].object;
		const st = pdb.status ?? {};
		const healthyEnough = (st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0) && (st.desiredHealthy ?? 0) > 0;
		if (!isReady(pod) && (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' || healthyEnough)) pinRV = true;
		else await spendBudget(call, pdbs[0], pod.metadata.name, opts.dryRun);
	}
	try {
		await deleteEvicted(call, pinRV ? withPodRV(opts, pod.metadata.resourceVersion) : opts);
	} catch (e) {
		if (e instanceof KubeError && e.code === 409 && pinRV && !rvSet) throw stillProcessing(pdbs[0].object.metadata.name);
		throw e;
	}
	sendObject(call.res, 201, CREATED_STATUS);
}
