/**
 * Creates and updates, the way kube-apiserver's registry store does them: decode, namespace
 * admission (`namespaces "x" not found`, terminating namespaces), strategy (defaults, server-owned
 * metadata, status, generation), validation (422 with causes), then one txn guarded by a compare
 * on the key (absent for creates, mod_revision for updates). Updates retry on a lost race unless
 * the client pinned a resourceVersion, which then answers 409 Conflict. Dry runs stop before the
 * txn. A write that changes nothing is not stored (the resourceVersion stays).
 *
 * @module
 */
import { alreadyExists, badRequest, conflict, forbidden, invalid, notFound, unsupportedMediaType } from '../../src/lib/kube/api-errors';
import { summarizeBody } from '../../src/lib/kube/json-syntax';
import { deepEqual } from '../../src/lib/kube/json-patch';
import { cloneJson } from '../../src/lib/kube/clone-json';
import { prepareCreate, prepareStatusUpdate, prepareUpdate } from '../../src/lib/kube/strategy';
import { validateCreate, validateUpdate } from '../../src/lib/kube/validation';
import { parseWriteOptions, type WriteOptions } from '../../src/lib/kube/write-options';
import { collectionKey, objectKey } from '../../src/lib/kube/storage-keys';
import { keyOf, toStored, type Call, type Target } from './context';
import type { Stored } from './storage';
import { servingWatchCache } from './watch-cache';
import { decodeWrite } from './decode-body';
import { contentType, parseBody, readBodyBytes, sendObject } from './http';
import { decodeKubeProtobuf, ProtobufError } from '../../src/lib/kube/protobuf';
import { objectBody } from './read';
import { APISERVER_LIMITS } from './limits';
import { countObject, checkObjectBound } from './object-count';
import { serviceAllocations } from './service-alloc';
import { trackCreate, trackUpdate } from './apply';
import { admitCreate, admitUpdate } from './admission';
import { omitEmptyMeta } from '../../src/lib/kube/omit-empty';
import { getListed } from './lister';
import { canonicalizeQuantities } from '../../src/lib/kube/canonical-quantities';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GENERATE_RETRIES = 8;

/** Media types of write bodies (protobuf for the kinds kubectl's typed clients send). */
export const WRITE_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** Reads and decodes a write body (for messages, kube names the endpoint's kind). */
export async function readWriteBody(call: Call, opts: WriteOptions): Promise<{ object: Obj; warnings: string[] }> {
	const r = call.target.resource;
	const bytes = await readBodyBytes(call.req);
	const type = contentType(call.req);
	const unrecognized = (msg: string, summary: string) => `the object provided is unrecognized (must be of type ${r.kind}): ${msg} (${summary})`;
	if (type === 'application/vnd.kubernetes.protobuf') {
		let body;
		try {
			body = decodeKubeProtobuf(bytes);
		} catch (e) {
			if (e instanceof ProtobufError) throw badRequest(unrecognized(e.message, summarizeBody(bytes.subarray(0, 30).toString('latin1'))));
			throw e;
		}
		return decodeWrite(r, body, opts.fieldValidation);
	}
	if (type && type !== 'application/json' && !type.includes('yaml')) throw unsupportedMediaType(WRITE_MEDIA_TYPES);
	const text = bytes.toString('utf8');
	const body = parseBody(text, type, (msg) => unrecognized(msg, summarizeBody(text)));
	return decodeWrite(r, body, opts.fieldValidation);
}

/** NamespaceLifecycle admission: the namespace must exist and not be terminating. */
export async function admitNamespace(call: Pick<Call, 'ctx' | 'target'>, name: string): Promise<void> {
	const t = call.target;
	if (!t.stored.namespaced || !t.namespace) return;
	const ns = await getListed(call.ctx.storage, 'namespaces', t.namespace);
	if (!ns) throw notFound({ group: '', resource: 'namespaces' }, t.namespace);
	if (ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') {
		const err = forbidden(t.gr, name, `unable to create new content in namespace ${t.namespace} because it is being terminated`);
		err.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${t.namespace} is being terminated`, field: 'metadata.namespace' }];
		throw err;
	}
}

/**
 * What kube-apiserver's decoding into Go types would leave of a written object: empty metadata
 * lists and maps dropped (omitempty), Quantities in canonical form. Quantities are rewritten in
 * place, possibly in maps a `transformCopies` result shares with the freshly read current object;
 * that object is only compared afterwards, and canonical forms compare equal either way.
 */
function asDecoded(obj: Obj): Obj {
	return canonicalizeQuantities(omitEmptyMeta(obj));
}

/**
 * Creates `input` (served form) in the target collection; returns the stored object. `input` is
 * the caller's own fresh copy (a decoded body): it is changed, not copied.
 */
export async function createObject(call: Pick<Call, 'ctx' | 'target'>, input: Obj, opts: { dryRun: boolean; applied?: boolean }): Promise<Obj> {
	const { ctx, target: t } = call;
	const obj = asDecoded(toStored(t, input));
	obj.metadata ??= {};
	if (t.stored.namespaced) {
		if (obj.metadata.namespace && obj.metadata.namespace !== t.namespace)
			throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
	}
	const generate = !obj.metadata.name && typeof obj.metadata.generateName === 'string' && obj.metadata.generateName;
	await admitNamespace(call, obj.metadata.name ?? '');
	await admitCreate(call, obj);
	// managedFields: the creator's Update entry (a server-side apply brings its own).
	if (!opts.applied) trackCreate(call, obj);
	for (let attempt = 0; ; attempt++) {
		if (generate) obj.metadata.name = ctx.ids.generateName(t.namespace, obj.metadata.generateName);
		const uid = ctx.ids.uid(`${t.stored.group}/${t.stored.resource}`, t.namespace, obj.metadata.name ?? '');
		const prepared = prepareCreate(t.stored, obj, { now: ctx.clock.now(), uid, namespace: t.namespace });
		const errs = validateCreate(t.stored, prepared);
		if (errs.length) throw invalid({ group: t.resource.group, kind: t.resource.kind }, prepared.metadata?.name ?? '', errs);
		const name: string = prepared.metadata.name;
		const key = keyOf(t, name);
		const svc = serviceAllocations(ctx.storage, t, ctx.ids.random('services', t.namespace, name));
		if (opts.dryRun) {
			if (await ctx.storage.get(key)) throw alreadyExists(t.gr, name);
			await svc?.dryRunCreate(prepared);
			return prepared;
		}
		await checkObjectBound(ctx, t, name);
		const nsKey = t.stored.namespaced && t.namespace ? objectKey('namespaces', undefined, t.namespace) : undefined;
		const r = svc ? await svc.create(key, prepared, nsKey) : await ctx.storage.create(key, prepared, nsKey);
		if ('revision' in r) {
			countObject(ctx, 1);
			prepared.metadata.resourceVersion = String(r.revision);
			return prepared;
		}
		if (r.failed === 'missing') throw notFound({ group: '', resource: 'namespaces' }, t.namespace ?? '');
		if (!generate || attempt + 1 >= GENERATE_RETRIES) throw alreadyExists(t.gr, name);
	}
}

/** True when an update leaves a deleted object with nothing holding it (kube then deletes it). */
export function finishesDeletion(obj: Obj): boolean {
	const m = obj.metadata ?? {};
	// A namespace also waits for its spec.finalizers (kube's ShouldDeleteNamespaceDuringUpdate).
	const nsHeld = obj.kind === 'Namespace' && (obj.spec?.finalizers ?? []).length > 0;
	return !!m.deletionTimestamp && !(m.finalizers ?? []).length && (m.deletionGracePeriodSeconds ?? 0) === 0 && !nsHeld;
}

export interface UpdateResult {
	object: Obj;
	/** The update removed the object (last finalizer gone during deletion). */
	deleted?: boolean;
	created?: boolean;
}

/**
 * kube's GuaranteedUpdate: read, transform, validate, write with a mod_revision compare, retry
 * on a lost race. `transform` gets the stored object (with its resourceVersion) and returns the
 * new one; a resourceVersion it carries different from the current one is a 409. With
 * `transformCopies` the transform promises not to change its argument (nor return it).
 */
export async function guaranteedUpdate(
	call: Pick<Call, 'ctx' | 'target'>,
	opts: { dryRun: boolean; status?: boolean; applied?: boolean; transformCopies?: boolean },
	transform: (current: Obj) => Obj
): Promise<UpdateResult> {
	const { ctx, target: t } = call;
	const key = keyOf(t);
	const svc = opts.status ? undefined : serviceAllocations(ctx.storage, t, ctx.ids.random('services', t.namespace, t.name ?? ''));
	// kube's Cacher.GuaranteedUpdate: the first attempt starts from the watch cache's copy (no store
	// read, which would wait for the writes in flight to be durable); the txn's mod_revision compare
	// catches a stale copy, and any answer drawn from one is checked against the store first.
	let cached = servingWatchCache(ctx.storage, collectionKey(t.stored.storagePrefix))?.get(key);
	const storeMovedOn = async (was: Stored) => (await ctx.storage.get(key))?.modRevision !== was.modRevision;
	for (let attempt = 0; attempt < APISERVER_LIMITS.maxUpdateRetries; attempt++) {
		const cur = cached ?? (await ctx.storage.get(key));
		if (!cur) throw notFound(t.gr, t.name ?? '');
		let outcome: UpdateResult | undefined;
		try {
			outcome = await updateOnce(call, opts, transform, svc, key, cur);
		} catch (e) {
			// An error drawn from a cached copy stands only if the store still holds that copy.
			if (!cached || !(await storeMovedOn(cached))) throw e;
		}
		// Likewise "nothing changed" and a dry run: neither writes, so no txn compare catches a stale copy.
		const unwritten = outcome !== undefined && (opts.dryRun || outcome.object === cur.object);
		if (outcome && !(cached && unwritten && (await storeMovedOn(cached)))) return outcome;
		cached = undefined;
		// Lost a race: transform again from the new state. A resourceVersion precondition (a PUT's,
		// or one a patch sets) then fails the check above, while a patch or an apply, which carry
		// the current version, land on top of the other writer's change like kube's.
	}
	throw conflict(t.gr, t.name ?? '');
}

/** One attempt of guaranteedUpdate from `cur`: the result, or undefined when the txn lost a race. */
async function updateOnce(
	call: Pick<Call, 'ctx' | 'target'>,
	opts: { dryRun: boolean; status?: boolean; applied?: boolean; transformCopies?: boolean },
	transform: (current: Obj) => Obj,
	svc: ReturnType<typeof serviceAllocations>,
	key: string,
	cur: Stored
): Promise<UpdateResult | undefined> {
	const { ctx, target: t } = call;
	const currentRV = cur.object.metadata.resourceVersion;
	// A transform that builds a new object without touching its argument needs no copy to work on.
	const next = asDecoded(transform(opts.transformCopies ? cur.object : cloneJson(cur.object)));
	const wantedRV = next.metadata?.resourceVersion;
	if (wantedRV && wantedRV !== currentRV) throw conflict(t.gr, t.name ?? '');
	next.metadata = { ...(next.metadata ?? {}), resourceVersion: currentRV };
	if (!opts.applied) trackUpdate(call, cur.object, next);
	if (!opts.status) await admitUpdate(call, next);
	svc?.prepareUpdate(next, cur.object);
	const errs = validateUpdate(t.stored, next, cur.object, opts.status);
	if (errs.length) throw invalid({ group: t.resource.group, kind: t.resource.kind }, t.name ?? '', errs);
	if (finishesDeletion(next)) {
		if (opts.dryRun) return { object: next, deleted: true };
		const rev = svc ? await svc.delete(key, cur.object, cur.modRevision) : await ctx.storage.delete(key, cur.modRevision);
		if (rev === undefined) return undefined;
		countObject(ctx, -1);
		return { object: next, deleted: true };
	}
	if (deepEqual(next, cur.object)) return { object: cur.object };
	if (opts.dryRun) {
		await svc?.dryRunUpdate(next, cur.object);
		return { object: next };
	}
	const rev = svc ? await svc.update(key, next, cur.object, cur.modRevision) : await ctx.storage.update(key, next, cur.modRevision);
	if (rev === undefined) return undefined;
	next.metadata.resourceVersion = String(rev);
	return { object: next };
}

export async function handleCreate(call: Call): Promise<void> {
	const opts = parseWriteOptions(call.query, 'CreateOptions');
	const { object, warnings } = await readWriteBody(call, opts);
	const created = await createObject(call, object, opts);
	sendObject(call.res, 201, objectBody(call, created), { warnings, yaml: call.wanted.as === 'object' && call.wanted.yaml });
}

/** PUT of the object itself. */
export async function handleUpdate(call: Call): Promise<void> {
	const opts = parseWriteOptions(call.query, 'UpdateOptions');
	const { object, warnings } = await readWriteBody(call, opts);
	const t: Target = call.target;
	const bodyName = object.metadata?.name ?? '';
	if (bodyName !== t.name) throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${t.name})`);
	if (t.stored.namespaced && object.metadata?.namespace && object.metadata.namespace !== t.namespace)
		throw badRequest(`the namespace of the provided object (${object.metadata.namespace}) does not match the namespace sent on the request (${t.namespace})`);
	if (t.stored.namespaced) object.metadata.namespace = t.namespace;
	const stored = toStored(t, object);
	if (t.resource.createOnUpdate && !(await call.ctx.storage.get(keyOf(t)))) {
		const created = await createObject(call, object, opts);
		sendObject(call.res, 201, objectBody(call, created), { warnings });
		return;
	}
	const r = await guaranteedUpdate(call, opts, (cur) => prepareUpdate(t.stored, stored, cur));
	sendObject(call.res, 200, objectBody(call, r.object), { warnings, yaml: call.wanted.as === 'object' && call.wanted.yaml });
}


/** PUT of `/status`: only the status of the request is stored. */
export async function handleUpdateStatus(call: Call): Promise<void> {
	const opts = parseWriteOptions(call.query, 'UpdateOptions');
	const { object, warnings } = await readWriteBody(call, opts);
	const t = call.target;
	const bodyName = object.metadata?.name ?? '';
	if (bodyName !== t.name) throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${t.name})`);
	const stored = toStored(t, object);
	const r = await guaranteedUpdate(call, { dryRun: opts.dryRun, status: true }, (cur) => {
		const next = prepareStatusUpdate(stored, cur, t.stored);
		next.metadata.resourceVersion = stored.metadata?.resourceVersion || cur.metadata.resourceVersion;
		return next;
	});
	sendObject(call.res, 200, objectBody(call, r.object), { warnings });
}
