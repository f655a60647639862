/**
 * Structural defaulting and pruning, as apiextensions-apiserver applies them to every custom
 * object it decodes:
 *
 * - `pruneUnknown` drops fields the schema does not specify (unless a node says
 *   `x-kubernetes-preserve-unknown-fields`) and returns their paths (`spec.foo`,
 *   `spec.items[0].bar`) for fieldValidation Strict/Warn. The root's apiVersion, kind and metadata
 *   always stay (so do an embedded resource's); metadata keeps only ObjectMeta's fields.
 * - `applySchemaDefaults` fills in `default` values of unset properties, top-down, so defaults
 *   inside a defaulted value apply too. A null in a non-nullable property is dropped first (and
 *   then defaulted if it has a default), as kube does.
 *
 * Both mutate the object they are given.
 *
 * @module
 */
import { KUBE_SCHEMA } from '../schema';
import type { JSONSchemaProps } from './types';
import { cloneJson } from '../clone-json';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

const OBJECT_META_FIELDS = new Set(Object.keys(KUBE_SCHEMA.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']?.properties ?? {}));
const TYPE_META = new Set(['apiVersion', 'kind', 'metadata']);

function pruneMetadata(meta: unknown, path: string, out: string[]): void {
	if (!isObject(meta)) return;
	for (const k of Object.keys(meta)) {
		if (OBJECT_META_FIELDS.has(k)) continue;
		out.push(`${path}.${k}`);
		delete meta[k];
	}
}

function prune(s: JSONSchemaProps, v: unknown, path: string, out: string[], withTypeMeta: boolean): void {
	if (Array.isArray(v)) {
		if (s.items) v.forEach((item, i) => prune(s.items!, item, `${path}[${i}]`, out, !!s.items!['x-kubernetes-embedded-resource']));
		return;
	}
	if (!isObject(v)) return;
	const child = (k: string) => (path ? `${path}.${k}` : k);
	const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
	const additional = isObject(s.additionalProperties) ? (s.additionalProperties as JSONSchemaProps) : undefined;
	for (const k of Object.keys(v)) {
		if (withTypeMeta && TYPE_META.has(k)) {
			if (k === 'metadata') pruneMetadata(v[k], child(k), out);
			continue;
		}
		const prop = s.properties?.[k] ?? additional;
		if (prop) prune(prop, v[k], child(k), out, !!prop['x-kubernetes-embedded-resource']);
		else if (!preserve && s.additionalProperties !== true) {
			out.push(child(k));
			delete v[k];
		}
	}
}

/** Drops the fields `schema` does not specify from `obj`; returns their paths in document order. */
export function pruneUnknown(schema: JSONSchemaProps | undefined, obj: Obj): string[] {
	const out: string[] = [];
	if (schema) prune(schema, obj, '', out, true);
	else pruneMetadata(obj.metadata, 'metadata', out);
	return out;
}

function fill(s: JSONSchemaProps, v: unknown): void {
	if (Array.isArray(v)) {
		if (s.items) for (const item of v) fill(s.items, item);
		return;
	}
	if (!isObject(v)) return;
	for (const [k, prop] of Object.entries(s.properties ?? {})) {
		if (v[k] === null && !prop.nullable) delete v[k];
		if (v[k] === undefined && prop.default !== undefined) v[k] = cloneJson(prop.default);
	}
	for (const [k, value] of Object.entries(v)) {
		const prop = s.properties?.[k] ?? (isObject(s.additionalProperties) ? (s.additionalProperties as JSONSchemaProps) : undefined);
		if (prop) fill(prop, value);
	}
}

/** Applies the schema's defaults to `obj` in place. */
export function applySchemaDefaults(schema: JSONSchemaProps | undefined, obj: Obj): void {
	if (schema) fill(schema, obj);
}

const hasDefaultsCache = new WeakMap<JSONSchemaProps, boolean>();

function hasDefaults(s: JSONSchemaProps): boolean {
	let v = hasDefaultsCache.get(s);
	if (v === undefined) {
		const children = [...Object.values(s.properties ?? {}), s.items, isObject(s.additionalProperties) ? (s.additionalProperties as JSONSchemaProps) : undefined];
		v = s.default !== undefined || children.some((c) => !!c && hasDefaults(c));
		hasDefaultsCache.set(s, v);
	}
	return v;
}

/**
 * `obj` as read back from storage: kube defaults custom objects on every read too, so a default
 * added to the CRD later shows up on old objects. Returns `obj` itself when the schema has no
 * defaults, else a defaulted copy.
 */
export function withSchemaDefaults(schema: JSONSchemaProps | undefined, obj: Obj): Obj {
	if (!schema || !hasDefaults(schema)) return obj;
	const copy = cloneJson(obj);
	fill(schema, copy);
	return copy;
}
