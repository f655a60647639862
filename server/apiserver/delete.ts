/**
 * DELETE, as kube-apiserver's registry store does it: preconditions (uid, resourceVersion),
 * graceful deletion of pods (deletionTimestamp = now + grace; immediate when the pod is not
 * scheduled, finished, or the grace period is 0), finalizers (the object stays, marked deleted,
 * until they are removed), propagation policies (Foreground adds the `foregroundDeletion`
 * finalizer, Orphan the `orphan` finalizer; the garbage collector that acts on them comes with
 * the controllers), namespaces (kept as Terminating while spec.finalizers remain), dry runs and
 * deletecollection.
 *
 * @module
 */
import { badRequest, conflict, notFound } from '../../src/lib/kube/api-errors';
import { rfc3339 } from '../../src/lib/kube/duration';
import { parseDeleteOptions, type DeleteOptions } from '../../src/lib/kube/write-options';
import { apiVersionOf } from '../../src/lib/kube/kinds';
import { keyOf, makeTarget, served, type Call, type Target } from './context';
import { contentType, parseBody, readBody, sendObject } from './http';
import { listObjects, listOptionsFor, objectBody } from './read';
import { countObject } from './object-count';
import { APISERVER_LIMITS } from './limits';
import type { ApiContext } from './context';
import { serviceAllocations } from './service-alloc';
import { cloneJson } from '../../src/lib/kube/clone-json';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function readDeleteOptions(call: Call): Promise<DeleteOptions> {
	const text = await readBody(call.req);
	let body: Obj | undefined;
	if (text.trim()) {
		const parsed = parseBody(text, contentType(call.req) || 'application/json', (msg) => `the object provided is unrecognized (must be of type DeleteOptions): ${msg}`);
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('the object provided is unrecognized (must be of type DeleteOptions)');
		body = parsed as Obj;
	}
	return parseDeleteOptions(call.query, body);
}

/** The finalizers a propagation policy leaves on the object (kube's deletionFinalizersForGarbageCollection). */
function gcFinalizers(current: string[], opts: DeleteOptions): string[] {
	const orphan = opts.propagationPolicy === 'Orphan' || opts.orphanDependents === true;
	const foreground = opts.propagationPolicy === 'Foreground';
	if (!orphan && !foreground && opts.propagationPolicy === undefined && opts.orphanDependents === undefined) return current;
	const out = current.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
	if (orphan) out.push('orphan');
	if (foreground) out.push('foregroundDeletion');
	return out;
}

/** The grace period a pod deletion gets (0 = remove now). */
function podGrace(pod: Obj, opts: DeleteOptions): number {
	let grace = opts.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
	if (grace < 0) grace = 1;
	if (!pod.spec?.nodeName) return 0;
	const phase = pod.status?.phase;
	if (phase === 'Failed' || phase === 'Succeeded') return 0;
	return grace;
}

export interface DeleteResult {
	/** The object as last stored (the deleted one, or the one now marked for deletion). */
	object: Obj;
	deleted: boolean;
}

function checkPreconditions(t: Target, meta: Obj, pre: DeleteOptions['preconditions']): void {
	if (pre?.uid && pre.uid !== meta.uid)
		throw conflict(t.gr, t.name ?? '', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`);
	if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion)
		throw conflict(t.gr, t.name ?? '', `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`);
}

/** The object marked deleted (deletionTimestamp, grace period, finalizers; namespaces Terminating). */
function markedForDeletion(t: Target, obj: Obj, now: number, grace: number, finalizers: string[]): Obj {
	const next = cloneJson(obj);
	if (!next.metadata.deletionTimestamp) next.metadata.deletionTimestamp = rfc3339(now + grace * 1000);
	const prevGrace = next.metadata.deletionGracePeriodSeconds;
	next.metadata.deletionGracePeriodSeconds = prevGrace === undefined ? grace : Math.min(prevGrace, grace);
	if (finalizers.length) next.metadata.finalizers = finalizers;
	else delete next.metadata.finalizers;
	if (t.stored.kind === 'Namespace') next.status = { ...(next.status ?? {}), phase: 'Terminating' };
	return next;
}

/** Deletes the target object per `opts`; retries on concurrent writes. */
export async function deleteObject(ctx: ApiContext, t: Target, opts: DeleteOptions): Promise<DeleteResult> {
	const key = keyOf(t);
	for (let attempt = 0; attempt < APISERVER_LIMITS.maxUpdateRetries; attempt++) {
		const cur = await ctx.storage.get(key);
		if (!cur) throw notFound(t.gr, t.name ?? '');
		const obj = cur.object;
		checkPreconditions(t, obj.metadata, opts.preconditions);
		const grace = t.stored.graceful ? podGrace(obj, opts) : 0;
		const finalizers = gcFinalizers(obj.metadata.finalizers ?? [], opts);
		const namespaceHeld = t.stored.kind === 'Namespace' && (obj.spec?.finalizers ?? []).length > 0;
		if (grace > 0 || finalizers.length > 0 || namespaceHeld) {
			const next = markedForDeletion(t, obj, ctx.clock.now(), grace, finalizers);
			if (opts.dryRun) return { object: next, deleted: false };
			const rev = await ctx.storage.update(key, next, cur.modRevision);
			if (rev === undefined) continue;
			next.metadata.resourceVersion = String(rev);
			return { object: next, deleted: false };
		}
		if (opts.dryRun) return { object: obj, deleted: true };
		const svc = serviceAllocations(ctx.storage, t);
		if ((svc ? await svc.delete(key, obj, cur.modRevision) : await ctx.storage.delete(key, cur.modRevision)) === undefined) continue;
		countObject(ctx, -1);
		return { object: obj, deleted: true };
	}
	throw conflict(t.gr, t.name ?? '');
}

/** What DELETE answers: the object (pods, or one kept by finalizers/grace), else a Success Status. */
function deleteResponse(call: Call, r: DeleteResult): unknown {
	const t = call.target;
	if (!r.deleted || t.stored.returnDeletedObject) return objectBody(call, r.object);
	const details: Obj = { name: r.object.metadata?.name };
	if (t.resource.group) details.group = t.resource.group;
	details.kind = t.resource.resource;
	details.uid = r.object.metadata?.uid;
	return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

export async function handleDelete(call: Call): Promise<void> {
	const opts = await readDeleteOptions(call);
	const r = await deleteObject(call.ctx, call.target, opts);
	sendObject(call.res, 200, deleteResponse(call, r));
}

export async function handleDeleteCollection(call: Call): Promise<void> {
	const opts = await readDeleteOptions(call);
	const list = await listObjects(call, listOptionsFor(call.target, call.query));
	const items: Obj[] = [];
	for (const s of list.items) {
		const m = s.object.metadata;
		const t = makeTarget(call.target.resource, m.namespace, m.name);
		try {
			const r = await deleteObject(call.ctx, t, opts);
			items.push(served(t, r.object));
		} catch (e) {
			if ((e as { code?: number }).code !== 404) throw e;
		}
	}
	const body = { kind: call.target.resource.listKind, apiVersion: apiVersionOf(call.target.resource), metadata: { resourceVersion: String(list.revision) }, items };
	sendObject(call.res, 200, body);
}
