/**
 * Validation of built-in objects on create and update, as kube-apiserver's strategies run it:
 * object metadata (names by kind, labels, annotations, finalizers, owner references), the
 * schema's required fields and enums, each kind's semantic rules, and on update what may not
 * change (`metadata.name: Invalid value: "b": field is immutable`, selectors, clusterIPs...).
 * Returns field errors; the API server wraps them in a 422 `Invalid` Status.
 *
 * @module
 */
import { apiVersionOf, type KindInfo } from './kinds';
import { formatFieldError, forbidden, GoValue, invalid, notSupported, required, tooLong, type FieldError } from './field-errors';
import { deepEqual } from './json-patch';
import { validateName } from './names';
import { qualifiedNameErrors } from './qualified-names';
import { formatPath, validateObject as validateSchema } from './schema';
import { CORE_UPDATE_VALIDATORS, CORE_VALIDATORS, validateLabels } from './validation-core';
import { WORKLOAD_UPDATE_VALIDATORS, WORKLOAD_VALIDATORS } from './validation-workloads';
import { validateCrd, validateCrdUpdate, validateCustomObject } from './crd';
import type { CustomResourceInfo } from './crd';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

function validateMetadata(info: KindInfo, meta: Obj): FieldError[] {
	const errs: FieldError[] = [];
	if (meta.generateName) {
		const prefix = meta.generateName.length > 1 && meta.generateName.endsWith('-') ? meta.generateName.slice(0, -1) + 'a' : meta.generateName;
		for (const m of validateName(prefix, info.name)) errs.push(invalid('metadata.generateName', meta.generateName, m));
	}
	if (!meta.name) errs.push(required('metadata.name', 'name or generateName is required'));
	else for (const m of validateName(meta.name, info.name)) errs.push(invalid('metadata.name', meta.name, m));
	if (info.namespaced) {
		if (!meta.namespace) errs.push(required('metadata.namespace'));
		else for (const m of validateName(meta.namespace, 'label')) errs.push(invalid('metadata.namespace', meta.namespace, m));
	} else if (meta.namespace) errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
	if (typeof meta.generation === 'number' && meta.generation < 0) errs.push(invalid('metadata.generation', meta.generation, 'must be greater than or equal to 0'));
	errs.push(...validateLabels(meta.labels, 'metadata.labels'));
	const annotations: Obj = meta.annotations ?? {};
	for (const k of Object.keys(annotations)) for (const m of qualifiedNameErrors(k.toLowerCase())) errs.push(invalid('metadata.annotations', k, m));
	let size = 0;
	for (const [k, v] of Object.entries(annotations)) size += k.length + String(v).length;
	if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong('metadata.annotations', TOTAL_ANNOTATION_SIZE_LIMIT));
	const finalizers: unknown[] = Array.isArray(meta.finalizers) ? meta.finalizers : [];
	for (const f of finalizers) {
		const name = String(f);
		for (const m of qualifiedNameErrors(name)) errs.push(invalid('metadata.finalizers', name, m));
		if (!name.includes('/') && !STANDARD_FINALIZERS.has(name))
			errs.push(invalid('metadata.finalizers', name, 'name is neither a standard finalizer name nor is it fully qualified'));
	}
	if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion'))
		errs.push(invalid('metadata.finalizers', finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
	const refs: Obj[] = Array.isArray(meta.ownerReferences) ? meta.ownerReferences : [];
	refs.forEach((r) => {
		const version = String(r.apiVersion ?? '').split('/').pop();
		if (!version) errs.push(invalid('metadata.ownerReferences.apiVersion', r.apiVersion ?? '', 'version must not be empty'));
		if (!r.kind) errs.push(invalid('metadata.ownerReferences.kind', r.kind ?? '', 'kind must not be empty'));
		if (!r.name) errs.push(invalid('metadata.ownerReferences.name', r.name ?? '', 'name must not be empty'));
		if (!r.uid) errs.push(invalid('metadata.ownerReferences.uid', r.uid ?? '', 'uid must not be empty'));
	});
	if (refs.filter((r) => r.controller === true).length > 1)
		errs.push(invalid('metadata.ownerReferences', new GoValue('[]v1.OwnerReference{...}'), 'Only one reference can have Controller set to true'));
	return errs;
}

/** The schema's required-field and enum errors (types and unknown fields are the decoder's). */
function schemaErrors(info: KindInfo, obj: Obj): FieldError[] {
	const out: FieldError[] = [];
	for (const e of validateSchema(obj, apiVersionOf(info), info.kind)) {
		// Status is written by controllers and kubelets piece by piece; kube-apiserver's hand-written
		// validation requires none of the fields the schema marks (e.g. a Node's status.nodeInfo.*).
		if (e.path[0] === 'status') continue;
		const field = formatPath(e.path);
		if (e.reason === 'required') out.push(required(field));
		else if (e.reason === 'unsupported') {
			const value = e.path.reduce<unknown>((cur, step) => (cur as Obj | undefined)?.[step as string], obj);
			const supported = (e.message.split(': supported values: ')[1] ?? '').split(', ').map((s) => JSON.parse(s) as string);
			out.push(notSupported(field, value, supported));
		}
	}
	return out;
}

/** Keeps the first error per field and type (hand-written rules come before the schema's). */
function dedup(errs: FieldError[]): FieldError[] {
	const seen = new Set<string>();
	const bySlot = new Set<string>();
	const out: FieldError[] = [];
	for (const e of errs) {
		const key = formatFieldError(e);
		const slot = `${e.field}\0${e.type}`;
		if (seen.has(key) || (e.type === 'Required' && bySlot.has(slot))) continue;
		seen.add(key);
		bySlot.add(slot);
		out.push(e);
	}
	return out;
}

const key = (info: KindInfo) => `${apiVersionOf(info)}/${info.kind}`;
const CRD_KEY = 'apiextensions.k8s.io/v1/CustomResourceDefinition';
const customOf = (info: KindInfo) => (info as { custom?: CustomResourceInfo }).custom;

/** Errors of an object about to be created. */
export function validateCreate(info: KindInfo, obj: Obj): FieldError[] {
	const k = key(info);
	const errs = [...validateMetadata(info, obj.metadata ?? {})];
	// Custom objects: ObjectMeta plus the CRD version's structural schema.
	const custom = customOf(info);
	if (custom) return dedup([...errs, ...validateCustomObject(custom.schema, obj)]);
	if (k === CRD_KEY) errs.push(...validateCrd(obj));
	errs.push(...(WORKLOAD_VALIDATORS[k]?.(obj) ?? []), ...(CORE_VALIDATORS[k]?.(obj) ?? []));
	errs.push(...schemaErrors(info, obj));
	return dedup(errs);
}

/** ValidateObjectMetaUpdate: identity fields never change; no new finalizers while deleting. */
function validateMetadataUpdate(meta: Obj, old: Obj): FieldError[] {
	const errs: FieldError[] = [];
	for (const f of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds']) {
		if (!deepEqual(meta[f], old[f])) errs.push(invalid(`metadata.${f}`, meta[f] ?? '', 'field is immutable'));
	}
	if (old.deletionTimestamp) {
		const added = (meta.finalizers ?? []).filter((f: string) => !(old.finalizers ?? []).includes(f));
		if (added.length)
			errs.push(forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f: string) => JSON.stringify(f)).join(', ')}}`));
	}
	return errs;
}

/** Errors of an update from `old` to `obj` (both whole objects; `status` true for /status writes). */
export function validateUpdate(info: KindInfo, obj: Obj, old: Obj, status = false): FieldError[] {
	const k = key(info);
	const errs = validateMetadataUpdate(obj.metadata ?? {}, old.metadata ?? {});
	const custom = customOf(info);
	// A custom object's /status write is validated against the schema too (kube's status strategy).
	if (status && custom) return dedup([...errs, ...validateCustomObject(custom.schema, obj)]);
	if (status) return dedup(errs);
	if (k === CRD_KEY) return dedup([...errs, ...validateMetadata(info, obj.metadata ?? {}), ...validateCrdUpdate(obj, old), ...schemaErrors(info, obj)]);
	errs.push(...validateCreate(info, obj));
	errs.push(...(WORKLOAD_UPDATE_VALIDATORS[k]?.(obj, old) ?? []), ...(CORE_UPDATE_VALIDATORS[k]?.(obj, old) ?? []));
	return dedup(errs);
}

/** Validation of an autoscaling/v1 Scale written to a /scale subresource. */
export function validateScale(scale: Obj): FieldError[] {
	const r = scale.spec?.replicas;
	return typeof r === 'number' && r < 0 ? [invalid('spec.replicas', r, 'must be greater than or equal to 0')] : [];
}
