/**
 * Desired (what a file declares) against live (what the API serves), field by field, the way
 * server-side apply sees an object: only the fields the file declares count (defaults and fields
 * others add live are drift, not differences — see drift.ts); associative lists match items by
 * their merge keys (containers by name, ports by containerPort/protocol, env by name), sets by
 * value, atomic lists and maps as a whole; Quantities compare by value (`0.5` = `500m`,
 * `1Gi` = `1024Mi`); a zero value (`false`, `0`, `""`, `{}`, `[]`) equals an omitted field, as Go's
 * `omitempty` serialization drops it.
 *
 * @module
 */
import type { KubeObject } from '../controllers/types';
import type { Path } from '../kube/field-set';
import { quantityValue } from '../kube/quantity';
import { driftOf } from './drift';
import { asStored } from './normalize';
import { managersOf, ownersAt, type ManagerFields } from './owners';
import { fieldPos, humanPath, isObj, isQuantity, itemPos, rootPos, safeItemPE, type Obj, type Pos } from './typed';
import type { CompareResult, FieldDifference } from './types';

/** Top-level and metadata fields that identify the object or are the server's (never compared). */
const SKIP_TOP = new Set(['apiVersion', 'kind', 'status']);
const SKIP_META = new Set(['name', 'namespace', 'generateName', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink']);

const isZero = (v: unknown): boolean =>
	v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && !v.length) || (isObj(v) && !Object.keys(v).length);

/** Equal scalars, Quantities by value. */
function scalarEqual(d: unknown, l: unknown, pos: Pos): boolean {
	if (d === l) return true;
	if (l === undefined || l === null) return isZero(d);
	if (isQuantity(pos)) {
		const a = quantityValue(d);
		const b = quantityValue(l);
		return !Number.isNaN(a) && a === b;
	}
	return false;
}

/** Deep equality of a whole (atomic) value, with the same scalar rules. */
function valueEqual(d: unknown, l: unknown, pos: Pos): boolean {
	if (isObj(d) || isObj(l)) {
		if (!isObj(d) || !isObj(l)) return isZero(d) && isZero(l);
		const keys = new Set([...Object.keys(d), ...Object.keys(l)]);
		for (const k of keys) if (!valueEqual(d[k], l[k], fieldPos(pos, k))) return false;
		return true;
	}
	if (Array.isArray(d) || Array.isArray(l)) {
		if (!Array.isArray(d) || !Array.isArray(l)) return isZero(d) && isZero(l);
		const ip = itemPos(pos);
		return d.length === l.length && d.every((x, i) => valueEqual(x, l[i], ip));
	}
	return scalarEqual(d, l, pos) || (d === undefined && isZero(l));
}

/** Collects differences and returns `d` rewritten with live's spelling where equal (`0.5` → `500m`), for diff texts. */
export class DeclaredWalk {
	readonly differences: FieldDifference[] = [];

	constructor(private readonly managers: ManagerFields[]) {}

	private add(path: Path, d: unknown, l: unknown): void {
		const kind = l === undefined ? 'missing' : 'changed';
		this.differences.push({ path: humanPath(path), fieldPath: [...path], desired: d, live: l, kind, owners: kind === 'changed' ? ownersAt(this.managers, path) : [] });
	}

	walk(d: unknown, l: unknown, pos: Pos, path: Path): unknown {
		if (d === undefined) return d;
		if (d === null) {
			if (l !== undefined && l !== null) this.add(path, d, l);
			return d;
		}
		if (isObj(d)) {
			if (!isObj(l)) {
				if (!(isZero(d) && (l === undefined || l === null))) this.add(path, d, l);
				return d;
			}
			if (pos.type.atomic(d)) {
				if (!valueEqual(d, l, pos)) this.add(path, d, l);
				return d;
			}
			const out: Obj = {};
			for (const [k, v] of Object.entries(d)) out[k] = this.walk(v, l[k], fieldPos(pos, k), [...path, { field: k }]);
			return out;
		}
		if (Array.isArray(d)) return this.walkList(d, l, pos, path);
		if (!scalarEqual(d, l, pos)) {
			this.add(path, d, l);
			return d;
		}
		return l === undefined || l === null ? d : l;
	}

	private walkList(d: unknown[], l: unknown, pos: Pos, path: Path): unknown {
		if (!Array.isArray(l)) {
			if (d.length || (l !== undefined && l !== null)) this.add(path, d, l);
			return d;
		}
		const list = pos.type.list;
		const ip = itemPos(pos);
		if (list?.type === 'map' && list.keys?.length && !pos.type.atomic(d)) {
			const live = new Map<string, unknown>();
			l.forEach((item, i) => {
				const pe = safeItemPE(pos, item, i, path);
				if (pe) live.set(JSON.stringify(pe), item);
			});
			return d.map((item, i) => {
				const pe = safeItemPE(pos, item, i, path);
				const li = pe ? live.get(JSON.stringify(pe)) : undefined;
				if (!pe) return item;
				if (li === undefined) {
					this.add([...path, pe], item, undefined);
					return item;
				}
				return this.walk(item, li, ip, [...path, pe]);
			});
		}
		if (list?.type === 'set') {
			for (const item of d) if (!l.some((x) => valueEqual(item, x, ip))) this.add([...path, { value: item }], item, undefined);
			return d;
		}
		if (!valueEqual(d, l, pos)) {
			this.add(path, d, l);
			return d;
		}
		return l;
	}

	/** The declared object's fields (identity, status and server metadata left out). */
	walkObject(desired: Obj, live: Obj, root: Pos): Obj {
		const out: Obj = {};
		for (const [k, v] of Object.entries(desired)) {
			if (SKIP_TOP.has(k)) continue;
			const pos = fieldPos(root, k);
			if (k === 'metadata' && isObj(v)) {
				const meta: Obj = {};
				for (const [mk, mv] of Object.entries(v)) if (!SKIP_META.has(mk)) meta[mk] = this.walk(mv, live.metadata?.[mk], fieldPos(pos, mk), [{ field: 'metadata' }, { field: mk }]);
				out.metadata = meta;
			} else out[k] = this.walk(v, live[k], pos, [{ field: k }]);
		}
		return out;
	}
}

/** Sync status of one declared object, the fields that differ, and the live-only fields with their owners. */
export function compareObject(desired: Record<string, unknown>, live: KubeObject | undefined): CompareResult {
	if (!live) return { sync: 'Missing', differences: [], drift: [] };
	desired = asStored(desired);
	const managers = managersOf(live);
	const w = new DeclaredWalk(managers);
	w.walkObject(desired as Obj, live, rootPos(desired.apiVersion ?? live.apiVersion, desired.kind ?? live.kind));
	// Drift is computed when read: the applier asks only for sync and differences.
	let drift: FieldDifference[] | undefined;
	const d = desired;
	return {
		sync: w.differences.length ? 'OutOfSync' : 'Synced',
		differences: w.differences,
		get drift() {
			return (drift ??= driftOf(d, live, managers));
		}
	};
}
