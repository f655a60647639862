/**
 * Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) over built-in objects:
 * maps merge recursively and `null` deletes; lists declared `merge` in the type's patch metadata
 * merge by their merge key (containers by name, ports by containerPort, conditions by type) or,
 * for primitive lists (finalizers), as a union; other lists are replaced. Directives:
 * `$patch: replace|delete|merge`, `$retainKeys`, `$deleteFromPrimitiveList/<field>`,
 * `$setElementOrder/<field>`.
 *
 * Patch metadata comes from the schema walk (definition + field → PATCH_META), so the same
 * function serves every built-in kind.
 *
 * @module
 */
import { childSchema, deref, KUBE_SCHEMA, schemaFor, type SchemaNode } from './schema';
import { patchMetaOf, type PatchMeta } from './patch-meta';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** kube's strategic merge patch errors (mergepatch.Err*). */
export const SMP_ERRORS = {
	badPatchFormatForPrimitiveList: 'Invalid patch with primitive list',
	badPatchFormatForRetainKeys: 'invalid patch format of retainKeys',
	badPatchFormatForSetElementOrderList: 'invalid patch format of setElementOrder list',
	noListOfLists: 'lists of lists are not supported',
	unsupportedFormat: 'strategic merge patch format is not supported',
	retainKeysMismatch: 'patch content doesn\'t match retainKeys list'
} as const;

export class StrategicMergeError extends Error {
	override name = 'StrategicMergeError';
	/** 422 (kube's generic "rejected") rather than 400. */
	constructor(
		message: string,
		readonly unprocessable = false
	) {
		super(message);
	}
}

const DIRECTIVE = '$patch';
const RETAIN = '$retainKeys';
const ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

/** Removes directives from a value being inserted as is. */
function clean(v: unknown): unknown {
	if (Array.isArray(v)) return v.filter((x) => !(isObject(x) && x[DIRECTIVE] === 'delete')).map(clean);
	if (!isObject(v)) return v;
	const out: Obj = {};
	for (const [k, x] of Object.entries(v)) {
		if (k === DIRECTIVE || k === RETAIN || k.startsWith(ORDER) || k.startsWith(DELETE_FROM)) continue;
		if (x !== null) out[k] = clean(x);
	}
	return out;
}

function child(node: SchemaNode | undefined, key: string | number): SchemaNode | undefined {
	return node ? childSchema(node, key, KUBE_SCHEMA) : undefined;
}

function mergeMap(original: Obj, patch: Obj, node: SchemaNode | undefined): Obj | undefined {
	const directive = patch[DIRECTIVE];
	if (directive === 'replace') return clean(patch) as Obj;
	if (directive === 'delete') return undefined;
	if (directive !== undefined && directive !== 'merge') throw new StrategicMergeError(`${SMP_ERRORS.unsupportedFormat}: unknown patch type: ${String(directive)}`);
	let out: Obj = { ...original };
	const retain = patch[RETAIN];
	if (retain !== undefined) {
		if (!Array.isArray(retain)) throw new StrategicMergeError(SMP_ERRORS.badPatchFormatForRetainKeys);
		for (const k of Object.keys(patch)) {
			if (k.startsWith('$') || patch[k] === null) continue;
			if (!retain.includes(k)) throw new StrategicMergeError(SMP_ERRORS.retainKeysMismatch, true);
		}
		out = Object.fromEntries(Object.entries(out).filter(([k]) => retain.includes(k)));
	}
	const orders: Array<[string, unknown]> = [];
	for (const [key, value] of Object.entries(patch)) {
		if (key === DIRECTIVE || key === RETAIN) continue;
		if (key.startsWith(ORDER)) {
			orders.push([key.slice(ORDER.length), value]);
			continue;
		}
		if (key.startsWith(DELETE_FROM)) {
			const field = key.slice(DELETE_FROM.length);
			if (!Array.isArray(value)) throw new StrategicMergeError(SMP_ERRORS.badPatchFormatForPrimitiveList);
			if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((x) => !value.includes(x));
			continue;
		}
		if (value === null) {
			delete out[key];
			continue;
		}
		const meta = patchMetaOf(node?.definition ?? (node ? deref(node).definition : undefined), key);
		const sub = child(node, key);
		const cur = out[key];
		if (isObject(value)) {
			if (isObject(cur) && !meta?.strategy.includes('replace')) {
				const merged = mergeMap(cur, value, sub);
				if (merged === undefined) delete out[key];
				else out[key] = merged;
			} else if (value[DIRECTIVE] === 'delete') delete out[key];
			else out[key] = clean(value);
		} else if (Array.isArray(value)) {
			out[key] = meta?.strategy.includes('merge') ? mergeList(Array.isArray(cur) ? cur : [], value, meta, child(sub, 0)) : clean(value);
		} else out[key] = value;
	}
	for (const [field, order] of orders) {
		if (!Array.isArray(order)) throw new StrategicMergeError(SMP_ERRORS.badPatchFormatForSetElementOrderList);
		const meta = patchMetaOf(node?.definition, field);
		if (Array.isArray(out[field])) out[field] = reorder(out[field] as unknown[], order, meta?.mergeKey);
	}
	return out;
}

function mergeList(original: unknown[], patch: unknown[], meta: PatchMeta, itemNode: SchemaNode | undefined): unknown[] {
	if (patch.some(Array.isArray)) throw new StrategicMergeError(SMP_ERRORS.noListOfLists, true);
	const key = meta.mergeKey;
	if (!key || !patch.every(isObject)) {
		// A primitive list with strategy merge: the union, original order first.
		if (patch.some(isObject)) throw new StrategicMergeError(SMP_ERRORS.badPatchFormatForPrimitiveList);
		const out = [...original];
		for (const v of patch) if (!out.includes(v)) out.push(v);
		return out;
	}
	if (patch.some((p) => (p as Obj)[DIRECTIVE] === 'replace')) return patch.filter((p) => (p as Obj)[DIRECTIVE] !== 'replace').map(clean);
	const out = original.map((x) => x);
	for (const p of patch as Obj[]) {
		const idx = out.findIndex((o) => isObject(o) && o[key] === p[key]);
		if (p[DIRECTIVE] === 'delete') {
			if (idx >= 0) out.splice(idx, 1);
			continue;
		}
		if (idx >= 0 && isObject(out[idx])) {
			const merged = mergeMap(out[idx] as Obj, p, itemNode);
			if (merged === undefined) out.splice(idx, 1);
			else out[idx] = merged;
		} else out.push(clean(p));
	}
	return out;
}

/** Orders `list` like `order` (items named there first, in that order), keeping the others after. */
function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
	const id = (v: unknown) => (key && isObject(v) ? v[key] : v);
	const wanted = order.map(id);
	const ranked = list.map((v, i) => ({ v, i, r: wanted.findIndex((w) => w === id(v)) }));
	ranked.sort((a, b) => {
		if (a.r >= 0 && b.r >= 0) return a.r - b.r;
		if (a.r >= 0) return -1;
		if (b.r >= 0) return 1;
		return a.i - b.i;
	});
	return ranked.map((x) => x.v);
}

/**
 * Applies a strategic merge patch to an object of a built-in kind. Throws StrategicMergeError
 * for malformed directives. Kinds without a schema get the patch's map semantics with every
 * list replaced (as for custom resources, where kube refuses strategic patches anyway).
 */
export function strategicMerge(original: Obj, patch: unknown, apiVersion: string, kind: string): Obj {
	if (!isObject(patch)) throw new StrategicMergeError('json: cannot unmarshal non-object into Go value of type map[string]interface {}');
	const root = schemaFor(apiVersion, kind);
	return mergeMap(original, patch, root) ?? {};
}
