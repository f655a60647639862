/**
 * Sets of field paths, as structured-merge-diff (sigs.k8s.io/structured-merge-diff/v4 `fieldpath`)
 * keeps them for server-side apply: a trie whose nodes are path elements (a struct field or map
 * key, a list item by its key fields, a set item by its value, a list item by index). A path is
 * in the set when it is a *member*; a node may also only lead to members below it.
 *
 * The wire form is `fieldsV1` (`{"f:spec":{"f:replicas":{}}}`, `k:{"name":"nginx"}`, `v:"x"`,
 * `i:0`, and `.` when a node with children is itself a member), written in the element order
 * kube writes it, so `kubectl get --show-managed-fields` shows what a real cluster shows.
 *
 * @module
 */

type Json = unknown;

/** One step of a path: a field (or map key), a list item by its keys, a set item, an index. */
export type PathElement = { field: string } | { key: [string, Json][] } | { value: Json } | { index: number };
export type Path = PathElement[];

export const fieldPE = (field: string): PathElement => ({ field });

/** kube's value.Compare order across types: numbers, strings, booleans, lists, maps, null. */
function typeRank(v: Json): number {
	if (typeof v === 'number') return 0;
	if (typeof v === 'string') return 1;
	if (typeof v === 'boolean') return 2;
	if (Array.isArray(v)) return 3;
	if (v && typeof v === 'object') return 4;
	return 5;
}

const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/** Total order of JSON values (structured-merge-diff's value.Compare). */
export function compareValues(a: Json, b: Json): number {
	const ra = typeRank(a);
	const rb = typeRank(b);
	if (ra !== rb) return ra - rb;
	if (ra <= 2) return cmp(a as string, b as string);
	if (ra === 3) {
		const la = a as Json[];
		const lb = b as Json[];
		for (let i = 0; i < Math.min(la.length, lb.length); i++) {
			const c = compareValues(la[i], lb[i]);
			if (c) return c;
		}
		return la.length - lb.length;
	}
	if (ra === 4) {
		const ka = Object.keys(a as object).sort();
		const kb = Object.keys(b as object).sort();
		for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
			const c = cmp(ka[i], kb[i]) || compareValues((a as Record<string, Json>)[ka[i]], (b as Record<string, Json>)[kb[i]]);
			if (c) return c;
		}
		return ka.length - kb.length;
	}
	return 0;
}

const peRank = (pe: PathElement): number => ('field' in pe ? 0 : 'key' in pe ? 1 : 'value' in pe ? 2 : 3);

/** structured-merge-diff's PathElement order: fields, then keys, then values, then indexes. */
export function comparePE(a: PathElement, b: PathElement): number {
	const ra = peRank(a);
	const rb = peRank(b);
	if (ra !== rb) return ra - rb;
	if ('field' in a) return cmp(a.field, (b as { field: string }).field);
	if ('index' in a) return a.index - (b as { index: number }).index;
	if ('value' in a) return compareValues(a.value, (b as { value: Json }).value);
	const ka = a.key;
	const kb = (b as { key: [string, Json][] }).key;
	for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
		const c = cmp(ka[i][0], kb[i][0]) || compareValues(ka[i][1], kb[i][1]);
		if (c) return c;
	}
	return ka.length - kb.length;
}

/** Serialized elements in element order (fields by name, the common case, without comparePE). */
function compareEntries(a: [string, PathElement], b: [string, PathElement]): number {
	const pa = a[1];
	const pb = b[1];
	if ('field' in pa && 'field' in pb) return cmp(pa.field, pb.field);
	return comparePE(pa, pb);
}

/** Go's encoding/json of a value with map keys sorted (how kube writes keys and values). */
export function canonicalJson(v: Json): string {
	if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
	if (v && typeof v === 'object') {
		const o = v as Record<string, Json>;
		return `{${Object.keys(o)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(v ?? null);
}

/** The fieldsV1 key of an element: `f:name`, `k:{"name":"x"}`, `v:"x"`, `i:0`. */
export function serializePE(pe: PathElement): string {
	if ('field' in pe) return `f:${pe.field}`;
	if ('index' in pe) return `i:${pe.index}`;
	// Keys and values take a canonical encoding: done once per element (elements are never changed).
	let k = SERIALIZED.get(pe);
	if (k === undefined) {
		k = 'key' in pe ? `k:{${pe.key.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}` : `v:${canonicalJson(pe.value)}`;
		SERIALIZED.set(pe, k);
	}
	return k;
}

const SERIALIZED = new WeakMap<PathElement, string>();

export class FieldSetError extends Error {
	override name = 'FieldSetError';
}

/** Parses a fieldsV1 key back into an element. */
export function parsePE(s: string): PathElement {
	const body = s.slice(2);
	try {
		switch (s.slice(0, 2)) {
			case 'f:':
				return { field: body };
			case 'v:':
				return { value: JSON.parse(body) };
			case 'i:': {
				if (!/^-?\d+$/.test(body)) break;
				return { index: Number(body) };
			}
			case 'k:': {
				const o = JSON.parse(body);
				if (!o || typeof o !== 'object' || Array.isArray(o)) break;
				return { key: Object.keys(o).sort().map((k) => [k, o[k]]) };
			}
		}
	} catch {
		// falls through to the error below
	}
	throw new FieldSetError(`unknown path element type: ${JSON.stringify(s)}`);
}

/** Go's value.ToString: strings quoted, the rest as JSON-ish text. */
function valueString(v: Json): string {
	if (v === null || v === undefined) return 'null';
	if (typeof v === 'string') return JSON.stringify(v);
	if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
	if (typeof v === 'object') return `{${Object.entries(v as Record<string, Json>).map(([k, x]) => `${k}=${valueString(x)}`).join(';')}}`;
	return String(v);
}

/** A path as kube prints it in conflicts: `.spec.template.spec.containers[name="nginx"].image`. */
export function pathString(path: Path): string {
	return path
		.map((pe) => {
			if ('field' in pe) return `.${pe.field}`;
			if ('key' in pe) return `[${pe.key.map(([k, v]) => `${k}=${valueString(v)}`).join(',')}]`;
			if ('value' in pe) return `[=${valueString(pe.value)}]`;
			return `[${pe.index}]`;
		})
		.join('');
}

/** A set of paths (a trie of elements; members are the paths in the set). */
export class FieldSet {
	/** serialized element → element, for the members at this level. */
	readonly members = new Map<string, PathElement>();
	/** serialized element → the set below it. */
	readonly children = new Map<string, { pe: PathElement; set: FieldSet }>();

	static of(...paths: Path[]): FieldSet {
		const s = new FieldSet();
		for (const p of paths) s.insert(p);
		return s;
	}

	insert(path: Path): void {
		if (!path.length) return;
		let node: FieldSet = this;
		for (let i = 0; i < path.length - 1; i++) node = node.child(path[i]);
		const last = path[path.length - 1];
		node.members.set(serializePE(last), last);
	}

	/** The set below `pe` (created when missing). */
	child(pe: PathElement): FieldSet {
		const k = serializePE(pe);
		let c = this.children.get(k);
		if (!c) this.children.set(k, (c = { pe, set: new FieldSet() }));
		return c.set;
	}

	has(path: Path): boolean {
		let node: FieldSet | undefined = this;
		for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(serializePE(path[i]))?.set;
		return !!node && path.length > 0 && node.members.has(serializePE(path[path.length - 1]));
	}

	/** The set of paths below `pe` (relative to it), or an empty set. */
	withPrefix(pe: PathElement): FieldSet {
		return this.children.get(serializePE(pe))?.set ?? new FieldSet();
	}

	empty(): boolean {
		if (this.members.size) return false;
		for (const c of this.children.values()) if (!c.set.empty()) return false;
		return true;
	}

	/** Whether both sets hold the same members (empty levels ignored). */
	equals(other: FieldSet): boolean {
		if (this === other) return true;
		if (this.members.size !== other.members.size) return false;
		for (const k of this.members.keys()) if (!other.members.has(k)) return false;
		let n = 0;
		for (const [k, c] of this.children) {
			if (c.set.empty()) continue;
			n++;
			const theirs = other.children.get(k);
			if (!theirs || !c.set.equals(theirs.set)) return false;
		}
		for (const c of other.children.values()) if (!c.set.empty()) n--;
		return n === 0;
	}

	clone(): FieldSet {
		const s = new FieldSet();
		for (const [k, pe] of this.members) s.members.set(k, pe);
		for (const [k, c] of this.children) s.children.set(k, { pe: c.pe, set: c.set.clone() });
		return s;
	}

	/*
	 * Set operations return sets that may share unchanged subtrees with their operands, and the
	 * operand itself when nothing changes (so memos keyed by a set carry over): sets are built by
	 * `insert` and then only combined, never changed in place.
	 */
	union(other: FieldSet): FieldSet {
		if (other.empty()) return this;
		if (this.empty()) return other;
		let s: FieldSet | undefined;
		for (const [k, pe] of other.members) if (!this.members.has(k)) (s ??= this.copy()).members.set(k, pe);
		for (const [k, c] of other.children) {
			const mine = this.children.get(k);
			if (!mine) {
				(s ??= this.copy()).children.set(k, c);
				continue;
			}
			const set = mine.set.union(c.set);
			if (set !== mine.set) (s ??= this.copy()).children.set(k, { pe: c.pe, set });
		}
		return s ?? this;
	}

	/** A set with this one's levels below it shared (to change this level only). */
	private copy(): FieldSet {
		const s = new FieldSet();
		for (const [k, pe] of this.members) s.members.set(k, pe);
		for (const [k, c] of this.children) s.children.set(k, c);
		return s;
	}

	/** Members of this set not in `other` (children compared level by level). */
	difference(other: FieldSet): FieldSet {
		return this.subtract(other, false);
	}

	/** This set without the members of `other` and without everything below them. */
	recursiveDifference(other: FieldSet): FieldSet {
		return this.subtract(other, true);
	}

	private subtract(other: FieldSet, recursive: boolean): FieldSet {
		if (!other.members.size && !other.children.size) return this;
		let s: FieldSet | undefined;
		for (const k of this.members.keys()) if (other.members.has(k)) (s ??= this.copy()).members.delete(k);
		for (const [k, c] of this.children) {
			if (recursive && other.members.has(k)) {
				(s ??= this.copy()).children.delete(k);
				continue;
			}
			const theirs = other.children.get(k);
			if (!theirs) continue;
			const d = c.set.subtract(theirs.set, recursive);
			if (d.empty()) (s ??= this.copy()).children.delete(k);
			else if (d !== c.set) (s ??= this.copy()).children.set(k, { pe: c.pe, set: d });
		}
		return s ?? this;
	}

	intersection(other: FieldSet): FieldSet {
		const s = new FieldSet();
		for (const [k, pe] of this.members) if (other.members.has(k)) s.members.set(k, pe);
		for (const [k, c] of this.children) {
			const theirs = other.children.get(k);
			if (!theirs) continue;
			const i = c.set.intersection(theirs.set);
			if (!i.empty()) s.children.set(k, { pe: c.pe, set: i });
		}
		return s;
	}

	/** Only the paths at or below `pe` (kept under it). */
	only(pe: PathElement): FieldSet {
		const s = new FieldSet();
		const k = serializePE(pe);
		if (this.members.has(k)) s.members.set(k, pe);
		const c = this.children.get(k);
		if (c) s.children.set(k, { pe: c.pe, set: c.set.clone() });
		return s;
	}

	/** Every member path, in kube's order. */
	paths(prefix: Path = []): Path[] {
		const out: Path[] = [];
		const keys = new Map<string, PathElement>([...this.members, ...[...this.children].map(([k, c]) => [k, c.pe] as [string, PathElement])]);
		for (const [k, pe] of [...keys].sort((a, b) => comparePE(a[1], b[1]))) {
			if (this.members.has(k)) out.push([...prefix, pe]);
			const c = this.children.get(k);
			if (c) out.push(...c.set.paths([...prefix, pe]));
		}
		return out;
	}

	/** The fieldsV1 JSON of the set (written into `out`). */
	toFieldsV1(out: Record<string, unknown> = {}): Record<string, unknown> {
		const entries: [string, PathElement][] = [...this.members];
		for (const [k, c] of this.children) if (!this.members.has(k) && !c.set.empty()) entries.push([k, c.pe]);
		if (entries.length > 1) entries.sort(compareEntries);
		for (const [k] of entries) {
			const c = this.children.get(k);
			if (!c || c.set.empty()) out[k] = {};
			else out[k] = c.set.toFieldsV1(this.members.has(k) ? { '.': {} } : {});
		}
		return out;
	}

	/** Parses fieldsV1 JSON; throws FieldSetError on anything else. */
	static fromFieldsV1(json: unknown): FieldSet {
		const s = new FieldSet();
		if (!json || typeof json !== 'object' || Array.isArray(json)) throw new FieldSetError('expected an object');
		for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
			if (k === '.') continue;
			const pe = parsePE(k);
			if (!v || typeof v !== 'object' || Array.isArray(v)) throw new FieldSetError(`expected an object at ${k}`);
			const keys = Object.keys(v);
			const inner = FieldSet.fromFieldsV1(v);
			if (!keys.length || keys.includes('.')) s.members.set(k, pe);
			if (!inner.empty()) s.children.set(k, { pe, set: inner });
		}
		return s;
	}
}
