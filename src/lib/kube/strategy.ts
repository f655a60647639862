/**
 * What kube-apiserver's registry strategies do to an object before storing it, as pure
 * functions: on create, server-owned metadata (uid, creationTimestamp, generation 1), the
 * initial status, defaults, the namespace finalizer, a Job's selector; on update, identity and
 * status carried over from the stored object, defaults, and `generation` bumped only when the
 * spec changed; on a /status write, only the status taken from the request.
 *
 * @module
 */
import { apiVersionOf } from './kinds';
import { applyDefaults, generateJobSelector } from './defaults';
import { rfc3339 } from './duration';
import { cloneJson } from './clone-json';
import { deepEqual } from './json-patch';
import type { ResourceInfo } from './resources';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CreateContext {
	now: number;
	uid: string;
	/** The namespace of the request URL (namespaced kinds). */
	namespace?: string;
}

const SERVER_OWNED = ['resourceVersion', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/** Reads a dotted path (`metadata.annotations`). */
const at = (o: Obj, path: string): unknown => path.split('.').reduce<unknown>((cur, p) => (cur && typeof cur === 'object' ? (cur as Obj)[p] : undefined), o);

/** The object to store for a create (a new object; the input is not changed). */
export function prepareCreate(info: ResourceInfo, input: Obj, ctx: CreateContext): Obj {
	const obj: Obj = cloneJson(input);
	obj.apiVersion = apiVersionOf(info);
	obj.kind = info.kind;
	const meta: Obj = (obj.metadata = obj.metadata && typeof obj.metadata === 'object' ? obj.metadata : {});
	for (const f of SERVER_OWNED) delete meta[f];
	if (info.namespaced) meta.namespace = ctx.namespace ?? meta.namespace;
	else delete meta.namespace;
	meta.uid = ctx.uid;
	meta.creationTimestamp = rfc3339(ctx.now);
	if (info.generation) meta.generation = 1;
	else delete meta.generation;
	if (info.initialStatus) obj.status = info.initialStatus(obj);
	if (info.kind === 'Namespace' && info.group === '') obj.spec = { ...(obj.spec ?? {}), finalizers: ['kubernetes'] };
	if (info.kind === 'Job' && info.group === 'batch') generateJobSelector(obj);
	applyDefaults(info, obj);
	return obj;
}

/** Copies what the Service REST layer keeps from the stored Service when a write leaves it out. */
function keepAllocated(obj: Obj, old: Obj): void {
	const spec = obj.spec;
	const was = old.spec;
	if (!spec || !was || spec.type === 'ExternalName') return;
	if (!spec.clusterIP && was.clusterIP) spec.clusterIP = was.clusterIP;
	if (!spec.clusterIPs && was.clusterIPs && spec.clusterIP === was.clusterIP) spec.clusterIPs = was.clusterIPs;
	for (const p of spec.ports ?? []) {
		if (p.nodePort) continue;
		const prev = (was.ports ?? []).find((q: Obj) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
		if (prev?.nodePort && (spec.type === 'NodePort' || spec.type === 'LoadBalancer')) p.nodePort = prev.nodePort;
	}
}

/** The object to store for an update of `old` with `input` (a new object). */
export function prepareUpdate(info: ResourceInfo, input: Obj, old: Obj): Obj {
	const obj: Obj = cloneJson(input);
	obj.apiVersion = apiVersionOf(info);
	obj.kind = info.kind;
	const meta: Obj = (obj.metadata = obj.metadata && typeof obj.metadata === 'object' ? obj.metadata : {});
	const was: Obj = old.metadata ?? {};
	if (!info.namespaced) delete meta.namespace;
	if (!meta.uid) meta.uid = was.uid;
	meta.creationTimestamp = was.creationTimestamp;
	if (was.deletionTimestamp) meta.deletionTimestamp = was.deletionTimestamp;
	else delete meta.deletionTimestamp;
	if (was.deletionGracePeriodSeconds !== undefined && meta.deletionGracePeriodSeconds === undefined) meta.deletionGracePeriodSeconds = was.deletionGracePeriodSeconds;
	if (was.generation !== undefined) meta.generation = was.generation;
	else delete meta.generation;
	if (info.status) {
		if (old.status !== undefined) obj.status = cloneJson(old.status);
		else delete obj.status;
	}
	if (info.kind === 'Namespace' && info.group === '') obj.spec = { ...(obj.spec ?? {}), finalizers: old.spec?.finalizers ?? [] };
	if (info.kind === 'Service' && info.group === '') keepAllocated(obj, old);
	applyDefaults(info, obj);
	if (info.generation && info.generation.some((f) => !deepEqual(at(obj, f), at(old, f)))) meta.generation = (was.generation ?? 0) + 1;
	return obj;
}

/**
 * Metadata a kind's status strategy takes from the stored object on a /status write (kube's
 * `PrepareForUpdate` of each `*StatusStrategy`). Deployments keep their labels (the controller
 * writes its revision annotation through /status); pods keep owner references (old kubelets
 * corrupted them); custom resources keep everything but what `ResetObjectMetaForStatus` allows.
 */
function statusResetsMeta(info: ResourceInfo | undefined): readonly string[] {
	if (!info) return ['labels', 'annotations', 'finalizers', 'ownerReferences'];
	if (info.custom) return ['labels', 'annotations', 'finalizers', 'ownerReferences'];
	if (info.group === 'apps' && info.kind === 'Deployment') return ['labels'];
	if (info.group === '' && info.kind === 'Pod') return ['ownerReferences'];
	return [];
}

/**
 * A /status write: the request's status and metadata (with the identity rules of any update),
 * everything else (spec) from the stored object. Without `info`, only the status is taken.
 */
export function prepareStatusUpdate(input: Obj, old: Obj, info?: ResourceInfo): Obj {
	const obj: Obj = cloneJson(old);
	if (input.status === undefined) delete obj.status;
	else obj.status = cloneJson(input.status);
	const meta: Obj = input.metadata && typeof input.metadata === 'object' ? cloneJson(input.metadata) : {};
	const was: Obj = old.metadata ?? {};
	for (const f of [...IDENTITY, ...statusResetsMeta(info)]) {
		if (was[f] === undefined) delete meta[f];
		else meta[f] = cloneJson(was[f]);
	}
	if (meta.resourceVersion === undefined && was.resourceVersion !== undefined) meta.resourceVersion = was.resourceVersion;
	obj.metadata = meta;
	return obj;
}

/** What no update may change: identity, server-owned timestamps, generation, field ownership. */
const IDENTITY = ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'managedFields'];
