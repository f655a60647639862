/**
 * What a diff hides, each category behind its own toggle (all hidden by default, like Argo CD):
 * status; managedFields; metadata the server sets (uid, resourceVersion, generation,
 * creationTimestamp, deletion*, selfLink); kubectl's last-applied-configuration annotation; the
 * applier's `converge.dev/source` tracking annotation; and defaulted fields — live fields no
 * manager owns (server-side apply does not track defaults, so an unowned field was filled in by
 * the API server's defaulting or admission).
 *
 * @module
 */
import type { KubeObject } from '../controllers/types';
import { serializePE, type FieldSet, type Path } from '../kube/field-set';
import { ownedFields, type ManagerFields } from './owners';
import { fieldPos, isObj, itemPos, safeItemPE, type Obj, type Pos } from './typed';

export interface NormalizeOptions {
	/** true hides the category */
	status: boolean;
	managedFields: boolean;
	serverMetadata: boolean;
	lastApplied: boolean;
	sourceAnnotation: boolean;
	defaults: boolean;
}

export const HIDE_ALL: NormalizeOptions = { status: true, managedFields: true, serverMetadata: true, lastApplied: true, sourceAnnotation: true, defaults: true };

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const SOURCE_ANNOTATION = 'converge.dev/source';
export const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'];

/** True when a field at `path` (a managedFields path) is hidden by `opts`. */
export function hiddenPath(path: Path, opts: NormalizeOptions): boolean {
	const f = (i: number) => (path[i] && 'field' in path[i] ? (path[i] as { field: string }).field : undefined);
	if (f(0) === 'status') return opts.status;
	if (f(0) !== 'metadata') return false;
	if (f(1) === 'managedFields') return opts.managedFields;
	if (SERVER_METADATA.includes(f(1) ?? '')) return opts.serverMetadata;
	if (f(1) === 'annotations' && f(2) === LAST_APPLIED) return opts.lastApplied;
	if (f(1) === 'annotations' && f(2) === SOURCE_ANNOTATION) return opts.sourceAnnotation;
	return false;
}

/** The live object without the hidden categories (a copy). */
export function normalizeLive(live: KubeObject, opts: NormalizeOptions, managers: ManagerFields[], root: Pos): Obj {
	let out: Obj = clone(live);
	if (opts.defaults && managers.length) {
		const owned = ownedFields(managers);
		const meta = out.metadata ?? {};
		const kept = keepOwned(out, root, owned) ?? {};
		// Identity is never owned (kube strips it from managedFields) but always shown.
		kept.metadata = { name: meta.name, ...(meta.namespace ? { namespace: meta.namespace } : {}), ...(kept.metadata ?? {}) };
		for (const k of ['apiVersion', 'kind']) if (out[k] !== undefined) kept[k] = out[k];
		for (const k of SERVER_METADATA.concat('managedFields')) if (meta[k] !== undefined) kept.metadata[k] = meta[k];
		out = kept;
	}
	return stripHidden(out, opts);
}

/** The desired object as a diff shows it: what the applier sends (namespace filled in), hidden categories out. */
export function normalizeDesired(desired: Obj, live: KubeObject | undefined, opts: NormalizeOptions): Obj {
	const out: Obj = clone(desired);
	const ns = live?.metadata?.namespace;
	if (ns && isObj(out.metadata) && !out.metadata.namespace) out.metadata = { name: out.metadata.name, namespace: ns, ...out.metadata };
	return stripHidden(out, opts);
}

const base64 = (s: string): string => {
	let bin = '';
	for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
	return btoa(bin);
};

/**
 * The declared object as the API stores it, where that differs from what was written: a Secret's
 * `stringData` is write-only, merged into `data` base64-encoded (Argo CD folds it the same way).
 */
export function asStored(desired: Obj): Obj {
	if (desired.kind !== 'Secret' || desired.apiVersion !== 'v1' || !isObj(desired.stringData)) return desired;
	const { stringData, ...rest } = desired;
	const data: Obj = { ...(isObj(rest.data) ? rest.data : {}) };
	for (const [k, v] of Object.entries(stringData as Obj)) data[k] = base64(String(v));
	return { ...rest, data };
}

/** A deep copy of JSON data (also of reactive proxies, which structuredClone refuses). */
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function stripHidden(obj: Obj, opts: NormalizeOptions): Obj {
	if (opts.status) delete obj.status;
	const meta = obj.metadata;
	if (!isObj(meta)) return obj;
	if (opts.managedFields) delete meta.managedFields;
	if (opts.serverMetadata) for (const k of SERVER_METADATA) delete meta[k];
	if (isObj(meta.annotations)) {
		if (opts.lastApplied) delete meta.annotations[LAST_APPLIED];
		if (opts.sourceAnnotation) delete meta.annotations[SOURCE_ANNOTATION];
		if (!Object.keys(meta.annotations).length) delete meta.annotations;
	}
	return obj;
}

/** `value` with only what `set` owns (undefined when nothing). */
function keepOwned(value: unknown, pos: Pos, set: FieldSet, path: Path = []): Obj | undefined {
	const pick = (v: unknown, pe: Path[number], childPos: Pos): { keep: boolean; value?: unknown } => {
		const k = serializePE(pe);
		const below = set.children.get(k)?.set;
		const member = set.members.has(k);
		if (below && !below.empty() && (isObj(v) || Array.isArray(v))) {
			const inner = keepOwnedAny(v, childPos, below, [...path, pe]);
			if (inner !== undefined) return { keep: true, value: inner };
			return member ? { keep: true, value: Array.isArray(v) ? [] : {} } : { keep: false };
		}
		return member ? { keep: true, value: v } : { keep: false };
	};
	if (!isObj(value)) return undefined;
	const out: Obj = {};
	for (const [k, v] of Object.entries(value)) {
		const r = pick(v, { field: k }, fieldPos(pos, k));
		if (r.keep) out[k] = r.value;
	}
	return Object.keys(out).length ? out : undefined;

	function keepOwnedAny(v: unknown, p: Pos, s: FieldSet, at: Path): unknown {
		if (isObj(v)) return keepOwned(v, p, s, at);
		if (!Array.isArray(v)) return undefined;
		const items: unknown[] = [];
		const ip = itemPos(p);
		v.forEach((item, i) => {
			const pe = safeItemPE(p, item, i, at) ?? { index: i };
			const k = serializePE(pe);
			const below = s.children.get(k)?.set;
			if (below && !below.empty() && isObj(item)) {
				const inner = keepOwned(item, ip, below, [...at, pe]);
				if (inner !== undefined || s.members.has(k)) items.push(inner ?? {});
			} else if (s.members.has(k)) items.push(item);
		});
		return items.length ? items : undefined;
	}
}
