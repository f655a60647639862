/**
 * Field management on the request path: every create, update and patch records its manager's
 * Update entry in managedFields (`trackCreate`, `trackUpdate`, called by write.ts), and
 * `application/apply-patch+yaml` PATCHes are server-side applies (`handleApply`): the applied
 * configuration merged onto the live object by its structure, owned by `?fieldManager=`,
 * conflicts answered 409 unless `?force=true`, a missing object created (201), `/status` and
 * `/scale` applied as their subresource. The manager of a non-apply write is `?fieldManager=`
 * or, like kube, the User-Agent up to its first `/`.
 *
 * @module
 */
import { badRequest, KubeError, notFound } from '../../src/lib/kube/api-errors';
import { checkDeclared, TypedValueError } from '../../src/lib/kube/apply';
import { applyDefaults } from '../../src/lib/kube/defaults';
import { cloneJson } from '../../src/lib/kube/clone-json';
import { FieldSet, fieldPE } from '../../src/lib/kube/field-set';
import { FieldType } from '../../src/lib/kube/field-types';
import { apiVersionOf } from '../../src/lib/kube/kinds';
import { managedForUpdate, managerFromUserAgent, recordApply, recordCreate, recordUpdate, type FieldManagerWrite } from '../../src/lib/kube/managed-fields';
import { prepareStatusUpdate, prepareUpdate } from '../../src/lib/kube/strategy';
import type { WriteOptions } from '../../src/lib/kube/write-options';
import { keyOf, served, toStored, type Call } from './context';
import { decodeWrite } from './decode-body';
import { sendObject } from './http';
import { objectBody } from './read';
import { applyScale, scaleOf } from './scale';
import { createObject, guaranteedUpdate } from './write';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the write hooks need of a call (internal callers may have no request). */
type Caller = Pick<Call, 'ctx' | 'target'> & Partial<Pick<Call, 'req' | 'query'>>;

/** `?fieldManager=`, else the User-Agent's prefix (kube's managerOrUserAgent). */
export function fieldManagerOf(call: Caller): string {
	return call.query?.get('fieldManager') || managerFromUserAgent(call.req?.headers['user-agent']);
}

const STATUS = FieldSet.of([fieldPE('status')]);

/** Where a Scale's replicas live in the object (custom resources name the path in their CRD). */
function replicasPath(call: Caller): string[] {
	const custom = call.target.resource.custom?.scaleSubresource?.specReplicasPath;
	return custom ? custom.split('.').filter(Boolean) : ['spec', 'replicas'];
}

/** What a write through the call's endpoint may own: not status on the main resource (kube's reset fields). */
function filterFor(call: Caller): (s: FieldSet) => FieldSet {
	const t = call.target;
	if (t.subresource === 'status') return (s) => s.only(fieldPE('status'));
	if (t.subresource === 'scale') return (s) => within(s, replicasPath(call));
	return t.stored.status ? (s) => s.recursiveDifference(STATUS) : (s) => s;
}

/** The paths of `s` at or below the field path `path`, kept at their place. */
function within(s: FieldSet, path: string[]): FieldSet {
	const [head, ...rest] = path;
	if (!rest.length) return s.only(fieldPE(head));
	const below = within(s.withPrefix(fieldPE(head)), rest);
	const out = new FieldSet();
	if (!below.empty()) out.children.set(`f:${head}`, { pe: fieldPE(head), set: below });
	return out;
}

function writeFor(call: Caller, manager: string): FieldManagerWrite {
	const t = call.target;
	return {
		type: FieldType.forKind(apiVersionOf(t.stored), t.stored.kind, t.stored.custom?.schema),
		apiVersion: apiVersionOf(t.resource),
		filter: filterFor(call),
		manager,
		subresource: t.subresource,
		now: call.ctx.clock.now()
	};
}

function setManagedFields(obj: Obj, entries: Obj[] | undefined): void {
	obj.metadata ??= {};
	if (entries) obj.metadata.managedFields = entries;
	else delete obj.metadata.managedFields;
}

/**
 * Fields admission plugins set after kube's field manager has run on a create (Priority,
 * DefaultTolerationSeconds): converge's defaulting sets them, but nobody owns them.
 */
const ADMISSION_SET: Record<string, string[][]> = {
	'v1/Pod': [
		['spec', 'tolerations'],
		['spec', 'priority'],
		['spec', 'preemptionPolicy']
	]
};

/** Records a create's Update entry in `obj` (its defaulted fields, diffed from the kind's zero object). */
export function trackCreate(call: Caller, obj: Obj): void {
	const t = call.target;
	const w = writeFor(call, fieldManagerOf(call));
	const requested = obj.metadata?.managedFields;
	const defaulted = cloneJson(obj);
	applyDefaults(t.stored, defaulted);
	for (const [field, name] of ADMISSION_SET[`${apiVersionOf(t.stored)}/${t.stored.kind}`] ?? [])
		if (obj[field]?.[name] === undefined && defaulted[field]) delete defaulted[field][name];
	// Built-in kinds' types are shared per kind (a CRD's come and go with its schema); the filter follows the endpoint.
	if (requested === undefined && !t.stored.custom) return noErrors(obj, () => recordCreate(w, `${t.subresource ?? ''}/${!!t.stored.status}`, defaulted));
	noErrors(obj, () => recordUpdate(w, managedForUpdate(undefined, requested), w.type.zero(), defaulted));
}

/** Records an update's Update entry in `next` (what changed from `live`). */
export function trackUpdate(call: Caller, live: Obj, next: Obj): void {
	const w = writeFor(call, fieldManagerOf(call));
	const managed = managedForUpdate(live, next.metadata?.managedFields, call.target.subresource);
	noErrors(next, () => recordUpdate(w, managed, live, next));
}

/** kube's UpdateNoErrors: an object its structure cannot describe goes on without managedFields (validation speaks). */
function noErrors(obj: Obj, record: () => Obj[] | undefined): void {
	let entries: Obj[] | undefined;
	try {
		entries = record();
	} catch (e) {
		if (!(e instanceof TypedValueError)) throw e;
	}
	setManagedFields(obj, entries);
}

/** `apps/v1, Kind=Deployment`, `/v1, Kind=Pod` (Go's GroupVersionKind.String). */
function gvkString(apiVersion: string, kind: string): string {
	const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
	return `${gv}, Kind=${kind}`;
}

/** The applied configuration, checked like kube's apply patcher and decoded like a write body. */
function configOf(call: Call, patch: unknown, opts: WriteOptions): { config: Obj; warnings: string[] } {
	const t = call.target;
	if (!patch || typeof patch !== 'object' || Array.isArray(patch)) {
		const got = Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch;
		throw badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${got} into Go value of type map[string]interface {}`);
	}
	const p = patch as Obj;
	const [apiVersion, kind] = t.subresource === 'scale' ? ['autoscaling/v1', 'Scale'] : [apiVersionOf(t.resource), t.resource.kind];
	if (p.apiVersion !== apiVersion || p.kind !== kind) throw badRequest(`invalid object type: ${gvkString(String(p.apiVersion ?? ''), String(p.kind ?? ''))}`);
	if (p.metadata?.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
	const name = p.metadata?.name ?? '';
	if (name !== t.name) throw badRequest(`the name of the object (${name}) does not match the name on the URL (${t.name})`);
	if (t.namespace && p.metadata?.namespace && p.metadata.namespace !== t.namespace)
		throw badRequest(`the namespace of the object (${p.metadata.namespace}) does not match the namespace on the request (${t.namespace})`);
	if (t.subresource === 'scale') {
		// A Scale applies its replicas to the object's replicas field.
		const metadata: Obj = p.metadata?.resourceVersion ? { name, resourceVersion: p.metadata.resourceVersion } : { name };
		const config: Obj = { apiVersion: apiVersionOf(t.resource), kind: t.resource.kind, metadata };
		if (p.spec?.replicas !== undefined) {
			const path = replicasPath(call);
			let at = config;
			for (const f of path.slice(0, -1)) at = at[f] ??= {};
			at[path[path.length - 1]] = p.spec.replicas;
		}
		return { config, warnings: [] };
	}
	typed(call, p, () => checkDeclared(p, writeFor(call, '').type));
	const decoded = decodeWrite(t.resource, p, opts.fieldValidation, true);
	return { config: decoded.object, warnings: decoded.warnings };
}

/** Runs `fn`, answering structure errors like kube: an untyped 500 naming the applied object. */
function typed<T>(call: Call, config: Obj, fn: () => T): T {
	try {
		return fn();
	} catch (e) {
		if (!(e instanceof TypedValueError)) throw e;
		const t = call.target;
		const what = `${config.metadata?.namespace ?? ''}/${t.name}; ${gvkString(apiVersionOf(t.resource), t.resource.kind)}`;
		throw new KubeError(500, undefined, `failed to create typed patch object (${what}): ${e.message}`);
	}
}

/** PATCH with `application/apply-patch+yaml`. */
export async function handleApply(call: Call, patch: unknown, opts: WriteOptions): Promise<void> {
	const t = call.target;
	const { config, warnings } = configOf(call, patch, opts);
	const w = writeFor(call, opts.fieldManager ?? '');
	const yaml = call.wanted.as === 'object' && call.wanted.yaml;
	if (!(await call.ctx.storage.get(keyOf(t)))) {
		if (t.subresource) throw notFound(t.gr, t.name ?? '');
		const out = typed(call, config, () => recordApply(w, w.type.zero(), config, opts.force));
		const obj = out.object ?? config;
		setManagedFields(obj, out.managedFields);
		const created = await createObject(call, decodeWrite(t.resource, obj, 'Ignore', true).object, { dryRun: opts.dryRun, applied: true });
		return sendObject(call.res, 201, objectBody(call, created), { warnings, yaml });
	}
	const result = await guaranteedUpdate(call, { dryRun: opts.dryRun, status: t.subresource === 'status', applied: true }, (cur) => {
		const live = served(t, cur);
		const out = typed(call, config, () => recordApply(w, live, config, opts.force));
		let next: Obj;
		if (t.subresource === 'scale') {
			const merged = toStored(t, out.object ?? live);
			next = applyScale(t, cur, { ...scaleOf(t, merged), metadata: { name: t.name } });
		} else {
			const merged = toStored(t, decodeWrite(t.resource, out.object ?? live, 'Ignore', true).object);
			next = t.subresource === 'status' ? prepareStatusUpdate(merged, cur, t.stored) : prepareUpdate(t.stored, merged, cur);
		}
		setManagedFields(next, out.managedFields);
		next.metadata.resourceVersion = config.metadata?.resourceVersion || cur.metadata.resourceVersion;
		return next;
	});
	if (t.subresource === 'scale') return sendObject(call.res, 200, scaleOf(t, result.object));
	sendObject(call.res, 200, objectBody(call, result.object), { warnings, yaml });
}
