/**
 * Server-side apply's merge with field ownership, as structured-merge-diff v4 (the `typed` and
 * `merge` packages kube-apiserver 1.32 uses) does it, over plain JSON objects and FieldTypes:
 *
 * - `toFieldSet`: the fields an applied configuration sets (leaves, list items, map entries);
 * - `compareObjects`: what changed between two objects (added, removed, modified fields);
 * - `mergeObjects`: an applied configuration merged onto the live object (associative lists by
 *   key, sets by value, atomic values replaced, list order kept like kube's);
 * - `removeItems`: fields taken out of an object;
 * - `updateFields` (a non-apply write: the writer takes what it changed) and `applyFields` (an
 *   apply: the applier owns exactly what it applied; fields it applied before and no longer
 *   applies are removed unless someone else owns them; changing a value another manager owns
 *   is a conflict unless forced, which takes the field away from them).
 *
 * Pure: no clock, no I/O. Managers are the opaque identifiers of managed-fields.ts.
 *
 * @module
 */
import { FieldSet, pathString, serializePE, type Path, type PathElement } from './field-set';
import type { FieldType } from './field-types';
import { deepEqual } from './json-patch';

type Json = unknown;
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const isObj = (v: Json): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const isEmpty = (v: Json): boolean => v === undefined || v === null || (Array.isArray(v) ? !v.length : isObj(v) && !Object.keys(v).length);

/** A value that does not fit its structure (kube: "failed to create typed ... object"). */
export class TypedValueError extends Error {
	override name = 'TypedValueError';
}

/** The path element of list item `index` (a key, a value or an index, by the list's type). */
export function itemPE(list: FieldType, item: Json, index: number, path: Path): PathElement {
	const meta = list.list;
	if (meta?.type === 'set') return { value: item };
	if (meta?.type !== 'map' || !meta.keys?.length) return { index };
	const fail = (msg: string) => new TypedValueError(`${pathString(path)}: element ${index}: ${msg}`);
	if (item === null) throw fail('associative list with keys may not have a null element');
	if (!isObj(item)) throw fail('associative list with keys may not have non-map elements');
	const key: [string, Json][] = [];
	for (const k of meta.keys) {
		if (item[k] !== undefined) key.push([k, item[k]]);
		else if (meta.defaults?.[k] !== undefined) key.push([k, meta.defaults[k]]);
		else throw fail(`associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
	}
	return { key: key.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) };
}

/** A list's items by element, first occurrence of each, in list order. */
function indexList(t: FieldType, list: Json[] | undefined, path: Path): { pes: PathElement[]; items: Map<string, Json> } {
	const pes: PathElement[] = [];
	const items = new Map<string, Json>();
	(list ?? []).forEach((item, i) => {
		const pe = itemPE(t, item, i, path);
		const k = serializePE(pe);
		if (items.has(k)) return;
		items.set(k, item);
		pes.push(pe);
	});
	return { pes, items };
}

/**
 * Fields a typed structure does not declare, as structured-merge-diff's validation reports them
 * (`.spec.foo: field not declared in schema`): an applied configuration must fit its kind.
 */
export function checkDeclared(value: Obj, type: FieldType): void {
	const errors: string[] = [];
	const walk = (v: Json, t: FieldType, path: Path) => {
		const shape = t.shape(v);
		if (shape === 'list' && Array.isArray(v) && !t.atomic(v)) v.forEach((item, i) => walk(item, t.item(), [...path, itemPE(t, item, i, path)]));
		if (shape !== 'map' || !isObj(v)) return;
		for (const [k, child] of Object.entries(v)) {
			const p = [...path, { field: k }];
			if (t.declares(k)) walk(child, t.field(k), p);
			else errors.push(`${pathString(p)}: field not declared in schema`);
		}
	};
	walk(value, type, []);
	if (errors.length) throw new TypedValueError(errors.length === 1 ? errors[0] : ['errors:', ...errors.map((e) => `  ${e}`)].join('\n'));
}

/** The fields `value` sets (structured-merge-diff's ToFieldSet). */
export function toFieldSet(value: Obj, type: FieldType): FieldSet {
	const set = new FieldSet();
	const walk = (v: Json, t: FieldType, path: Path) => {
		const shape = t.shape(v);
		if (shape === 'scalar' || t.atomic(v)) return set.insert(path);
		if (shape === 'list') {
			if (!Array.isArray(v)) return;
			v.forEach((item, i) => {
				const p = [...path, itemPE(t, item, i, path)];
				walk(item, t.item(), p);
				set.insert(p);
			});
			return;
		}
		if (!isObj(v)) return;
		for (const [k, child] of Object.entries(v)) {
			const p = [...path, { field: k }];
			walk(child, t.field(k), p);
			if (child === null || (isObj(child) && !Object.keys(child).length) || !t.hasField(k)) set.insert(p);
		}
	};
	walk(value, type, []);
	return set;
}

export interface Comparison {
	added: FieldSet;
	removed: FieldSet;
	modified: FieldSet;
}

/**
 * What changed from `lhs` to `rhs` (structured-merge-diff's Compare). The walk keeps one path
 * stack (sets copy what they keep) and skips equal subtrees, which hold no changes.
 */
export function compareObjects(lhs: Obj, rhs: Obj, type: FieldType): Comparison {
	const c: Comparison = { added: new FieldSet(), removed: new FieldSet(), modified: new FieldSet() };
	const path: Path = [];
	const leaf = (l: Json, r: Json) => {
		if (l === undefined) c.added.insert(path);
		else if (r === undefined) c.removed.insert(path);
		else if (!deepEqual(l, r)) c.modified.insert(path);
	};
	const child = (l: Json, r: Json, t: FieldType, pe: PathElement) => {
		if (l !== undefined && r !== undefined && deepEqual(l, r)) return;
		path.push(pe);
		walk(l, r, t);
		path.pop();
	};
	const walk = (l: Json, r: Json, t: FieldType) => {
		const v = r !== undefined ? r : l;
		const shape = t.shape(v);
		if (shape === 'scalar' || (l !== undefined && r !== undefined && l !== null && r !== null && t.shape(l) !== shape)) return leaf(l, r);
		if (shape === 'list') {
			const ll = Array.isArray(l) ? l : undefined;
			const rl = Array.isArray(r) ? r : undefined;
			if (t.atomic(v) || (isEmpty(ll) && isEmpty(rl))) return leaf(l, r);
			let li, ri;
			try {
				li = indexList(t, ll, path);
				ri = indexList(t, rl, path);
			} catch {
				return leaf(l, r);
			}
			const item = t.item();
			for (const pe of li.pes) {
				const k = serializePE(pe);
				child(li.items.get(k), ri.items.get(k), item, pe);
			}
			for (const pe of ri.pes) {
				const k = serializePE(pe);
				if (!li.items.has(k)) child(undefined, ri.items.get(k), item, pe);
			}
		} else {
			const lm = isObj(l) ? l : undefined;
			const rm = isObj(r) ? r : undefined;
			if (t.atomic(v) || (isEmpty(lm) && isEmpty(rm))) return leaf(l, r);
			if (lm) for (const k of Object.keys(lm)) child(lm[k], rm?.[k], t.field(k), { field: k });
			if (rm) for (const k of Object.keys(rm)) if (!lm || !Object.prototype.hasOwnProperty.call(lm, k)) child(undefined, rm[k], t.field(k), { field: k });
		}
		if (l === undefined) c.added.insert(path);
		else if (r === undefined) c.removed.insert(path);
	};
	walk(lhs, rhs, type);
	return c;
}

/** `rhs` merged onto `lhs`, rhs winning on leaves (structured-merge-diff's Merge). */
export function mergeObjects(lhs: Obj, rhs: Obj, type: FieldType): Obj {
	return mergeValue(lhs, rhs, type, []) as Obj;
}

function mergeValue(l: Json, r: Json, t: FieldType, path: Path): Json {
	if (l === undefined) return r;
	if (r === undefined) return l;
	const shape = t.shape(r);
	if (shape === 'scalar') return r;
	if (shape === 'list') {
		const ll = Array.isArray(l) ? l : undefined;
		const rl = Array.isArray(r) ? r : undefined;
		if (t.atomic(r) || (isEmpty(ll) && isEmpty(rl))) return r;
		return mergeList(ll, rl, t, path);
	}
	const lm = isObj(l) ? l : undefined;
	const rm = isObj(r) ? r : undefined;
	if (t.atomic(r) || (isEmpty(lm) && isEmpty(rm))) return r;
	const out: Obj = {};
	for (const [k, v] of Object.entries(lm ?? {})) out[k] = rm && k in rm ? mergeValue(v, rm[k], t.field(k), [...path, { field: k }]) : v;
	for (const [k, v] of Object.entries(rm ?? {})) if (!lm || !(k in lm)) out[k] = v;
	return out;
}

/**
 * Merges associative lists keeping both orders where they agree: items only the live list has
 * stay where they were, shared and new items follow the applied order.
 */
function mergeList(ll: Json[] | undefined, rl: Json[] | undefined, t: FieldType, path: Path): Json[] {
	const L = indexList(t, ll, path);
	const R = indexList(t, rl, path);
	const key = serializePE;
	const shared = R.pes.filter((pe) => L.items.has(key(pe)));
	let next: PathElement | undefined = shared.shift();
	const advance = () => (next = shared.shift());
	const mergedR = new Set<string>();
	const out: Json[] = [];
	const item = (pe: PathElement, lv: Json, rv: Json) => {
		const v = mergeValue(lv, rv, t.item(), [...path, pe]);
		if (v !== undefined) out.push(v);
	};
	for (let li = 0, ri = 0; li < L.pes.length || ri < R.pes.length; ) {
		if (li < L.pes.length && ri < R.pes.length) {
			const pe = L.pes[li];
			if (key(pe) === key(R.pes[ri])) {
				mergedR.add(key(pe));
				item(pe, L.items.get(key(pe)), R.items.get(key(pe)));
				li++;
				ri++;
				advance();
				continue;
			}
			if (R.items.has(key(pe)) && next && key(next) !== key(pe)) {
				li++;
				continue;
			}
		}
		if (li < L.pes.length) {
			const pe = L.pes[li];
			if (!R.items.has(key(pe))) {
				item(pe, L.items.get(key(pe)), undefined);
				li++;
				continue;
			}
			if (mergedR.has(key(pe))) {
				li++;
				continue;
			}
		}
		if (ri < R.pes.length) {
			const pe = R.pes[ri];
			mergedR.add(key(pe));
			item(pe, L.items.get(key(pe)), R.items.get(key(pe)));
			ri++;
			if (next && key(next) === key(pe)) advance();
		}
	}
	return out;
}

/** `value` without the members of `set` (and everything below them). */
export function removeItems(value: Obj, set: FieldSet, type: FieldType): Obj {
	return (removeValue(value, set, type, []) as Obj | undefined) ?? {};
}

function removeValue(v: Json, set: FieldSet, t: FieldType, path: Path): Json {
	const shape = t.shape(v);
	if (shape === 'scalar') return v;
	if (shape === 'list') {
		if (!Array.isArray(v) || !v.length) return v;
		if (t.atomic(v)) return undefined;
		const out: Json[] = [];
		v.forEach((item, i) => {
			const pe = itemPE(t, item, i, path);
			if (set.has([pe])) return;
			const sub = set.withPrefix(pe);
			out.push(sub.empty() ? item : removeValue(item, sub, t.item(), [...path, pe]));
		});
		return out.length ? out : undefined;
	}
	if (!isObj(v) || !Object.keys(v).length) return v;
	if (t.atomic(v)) return undefined;
	const out: Obj = {};
	for (const [k, child] of Object.entries(v)) {
		const pe = { field: k };
		if (set.has([pe])) continue;
		const sub = set.withPrefix(pe);
		const kept = sub.empty() ? child : removeValue(child, sub, t.field(k), [...path, pe]);
		if (kept !== undefined) out[k] = kept;
	}
	return Object.keys(out).length ? out : undefined;
}

/** The set plus the struct fields on the way to its members (which plain sets leave out). */
export function ensureNamedFieldsAreMembers(set: FieldSet, t: FieldType): FieldSet {
	const out = new FieldSet();
	for (const [k, pe] of set.members) out.members.set(k, pe);
	for (const [k, c] of set.children) {
		const isField = 'field' in c.pe;
		if (isField && t.hasField((c.pe as { field: string }).field)) out.members.set(k, c.pe);
		out.children.set(k, { pe: c.pe, set: ensureNamedFieldsAreMembers(c.set, isField ? t.field((c.pe as { field: string }).field) : t.item()) });
	}
	return out;
}

/** What one manager owns, at the API version it wrote with; `applied` for appliers. */
export interface VersionedSet {
	set: FieldSet;
	apiVersion: string;
	applied: boolean;
}

/** Manager identifier → its fields. */
export type ManagedFields = Map<string, VersionedSet>;

export interface Conflict {
	manager: string;
	path: Path;
}

/** An apply that would change fields other managers own. */
export class ApplyConflicts extends Error {
	override name = 'ApplyConflicts';
	constructor(readonly conflicts: Conflict[]) {
		super(`${conflicts.length} conflict(s)`);
	}
}

export interface WriteContext {
	type: FieldType;
	apiVersion: string;
	/** What a write through this endpoint may own (the strategy's reset fields taken out). */
	filter: (s: FieldSet) => FieldSet;
}

/**
 * Takes what changed from `live` to `next` away from every manager but `workflow` (a conflict
 * when not forced) and drops removed fields from all of them (structured-merge-diff's update).
 */
function takeChanges(ctx: WriteContext, live: Obj, next: Obj, managers: ManagedFields, workflow: string, force: boolean): Comparison {
	const raw = compareObjects(live, next, ctx.type);
	const c = { added: ctx.filter(raw.added), removed: ctx.filter(raw.removed), modified: ctx.filter(raw.modified) };
	const changed = c.modified.union(c.added);
	const conflicts: Conflict[] = [];
	const taken = new Map<string, FieldSet>();
	for (const [m, vs] of managers) {
		if (m === workflow) continue;
		const clash = vs.set.intersection(changed);
		if (!clash.empty()) {
			taken.set(m, clash);
			if (!force) for (const path of clash.paths()) conflicts.push({ manager: m, path });
		}
	}
	if (!force && conflicts.length) throw new ApplyConflicts(conflicts);
	for (const [m, vs] of managers) {
		if (m === workflow) continue;
		let set = vs.set;
		const clash = taken.get(m);
		if (clash) set = set.difference(clash);
		if (!c.removed.empty()) set = set.difference(c.removed);
		if (set.empty()) managers.delete(m);
		else managers.set(m, { ...vs, set });
	}
	return c;
}

/** A non-apply write by `manager`: it owns what it changed; others lose what it changed or removed. */
export function updateFields(ctx: WriteContext, live: Obj, next: Obj, managers: ManagedFields, manager: string): ManagedFields {
	const out: ManagedFields = new Map(managers);
	const c = takeChanges(ctx, live, next, out, manager, true);
	const prev = out.get(manager)?.set ?? new FieldSet();
	const set = ctx.filter(prev.difference(c.removed).union(c.modified).union(c.added));
	if (set.empty()) out.delete(manager);
	else out.set(manager, { set, apiVersion: ctx.apiVersion, applied: false });
	return out;
}

export interface ApplyResult {
	/** The merged object; undefined when the apply changes nothing. */
	object?: Obj;
	managers: ManagedFields;
}

/**
 * An apply of `config` by `manager` onto `live` (structured-merge-diff's Apply): merge, own what
 * was applied, prune what this manager applied before and nobody owns now, then take changed
 * fields from other managers (ApplyConflicts unless `force`).
 */
export function applyFields(ctx: WriteContext, live: Obj, config: Obj, managers: ManagedFields, manager: string, force: boolean): ApplyResult {
	const out: ManagedFields = new Map(managers);
	const merged = mergeObjects(live, config, ctx.type);
	const last = out.get(manager);
	out.set(manager, { set: ctx.filter(toFieldSet(config, ctx.type)), apiVersion: ctx.apiVersion, applied: true });
	const pruned = last && !last.set.empty() ? prune(ctx.type, merged, out, last.set) : merged;
	takeChanges(ctx, live, pruned, out, manager, force);
	return { object: deepEqual(live, pruned) ? undefined : pruned, managers: out };
}

/** Removes what the applier applied last time (`last`) that no manager owns any more. */
function prune(type: FieldType, merged: Obj, managers: ManagedFields, last: FieldSet): Obj {
	let owned = new FieldSet();
	for (const vs of managers.values()) owned = owned.union(vs.set);
	const gone = ensureNamedFieldsAreMembers(last, type).difference(ensureNamedFieldsAreMembers(owned, type));
	return gone.empty() ? merged : removeItems(merged, gone, type);
}
