/**
 * Differences between two states of the room: one object's (the fields that changed, and both
 * versions as YAML for a side-by-side view), and the whole room's between two revisions ("what
 * changed between 10:02 and 10:05": keys created, updated, deleted, each with its field changes).
 *
 * `metadata.resourceVersion` is left out (it is the key's mod revision, always different), and so
 * is `metadata.managedFields` unless asked for (every write rewrites its timestamps).
 *
 * @module
 */
import { stringify } from 'yaml';
import type { KubeObject } from '../controllers/types';
import { ObjectDecoder, valueText } from './decode';
import type { KeyChange, Replica } from './replica';

export interface FieldChange {
	/** Dotted path (`spec.replicas`, `status.conditions[0].status`). */
	path: string;
	before?: unknown;
	after?: unknown;
}

export interface DiffOptions {
	managedFields?: boolean;
}

/** The object without the fields a diff leaves out. */
export function comparable(obj: KubeObject | null | undefined, o: DiffOptions = {}): KubeObject | undefined {
	if (!obj) return undefined;
	const { resourceVersion: _rv, managedFields, ...meta } = (obj.metadata ?? {}) as KubeObject['metadata'] & { managedFields?: unknown };
	return { ...obj, metadata: (o.managedFields && managedFields ? { ...meta, managedFields } : meta) as KubeObject['metadata'] };
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Leaf-level changes from `a` to `b` (arrays compared by index; a whole subtree added or removed is one change). */
export function fieldChanges(a: unknown, b: unknown, path = ''): FieldChange[] {
	if (a === undefined && b === undefined) return [];
	if (a === undefined) return [{ path: path || '.', after: b }];
	if (b === undefined) return [{ path: path || '.', before: a }];
	if (isObject(a) && isObject(b)) {
		const out: FieldChange[] = [];
		const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
		for (const k of [...keys].sort()) out.push(...fieldChanges(a[k], b[k], path ? `${path}.${k}` : k));
		return out;
	}
	if (Array.isArray(a) && Array.isArray(b)) {
		const out: FieldChange[] = [];
		for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...fieldChanges(a[i], b[i], `${path}[${i}]`));
		return out;
	}
	return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: path || '.', before: a, after: b }];
}

/** One object's two versions as YAML (empty for an absent side) and what changed. */
export function objectDiff(before: KubeObject | null | undefined, after: KubeObject | null | undefined, o: DiffOptions = {}) {
	const a = comparable(before, o);
	const b = comparable(after, o);
	return {
		before: a ? stringify(a) : '',
		after: b ? stringify(b) : '',
		changes: fieldChanges(a, b)
	};
}

/** A key change with its meaning for people: the kube object it stores and the fields that changed. */
export interface RoomChange extends KeyChange {
	/** `pods`, `services/specs`, ... (the key below /registry/, without namespace and name). */
	resource: string;
	namespace?: string;
	name: string;
	kind?: string;
	fields: FieldChange[];
}

/** `/registry/pods/default/web` → resource, namespace, name (best effort: the last two segments are namespace and name when the object says it is namespaced). */
export function describeKey(key: string, obj?: KubeObject | null): { resource: string; namespace?: string; name: string } {
	const segs = key.replace(/^\/registry\//, '').split('/');
	const name = segs.pop() ?? key;
	const ns = obj?.metadata?.namespace;
	if (ns && segs[segs.length - 1] === ns) segs.pop();
	return { resource: segs.join('/') || key, ...(ns ? { namespace: ns } : {}), name };
}

/** What changed in the room between two revisions, each key with its field changes. */
export function roomChanges(replica: Replica, from: number, to: number, decoder = new ObjectDecoder(), o: DiffOptions = {}): RoomChange[] {
	return replica.changes(from, to).map((c) => {
		const before = c.before ? decoder.decode(c.before) : undefined;
		const after = c.after ? decoder.decode(c.after) : undefined;
		// A key that came and went in the window: describe it by its first version.
		const first = !after && !before ? replica.get(c.key, c.revisions[0]) : undefined;
		const obj = after ?? before ?? (first && decoder.decode(first));
		let fields: FieldChange[];
		if ((c.before && before === null) || (c.after && after === null)) {
			// Not JSON: the value itself changed.
			fields = [{ path: '.', before: c.before && valueText(c.before.value), after: c.after && valueText(c.after.value) }];
		} else fields = c.type === 'updated' ? fieldChanges(comparable(before, o), comparable(after, o)) : [];
		return { ...c, ...describeKey(c.key, obj), ...(obj?.kind ? { kind: obj.kind } : {}), fields };
	});
}

/** Counts by change type, for a summary line. */
export function changeCounts(changes: RoomChange[]): Record<KeyChange['type'], number> {
	const n = { created: 0, updated: 0, deleted: 0, transient: 0 };
	for (const c of changes) n[c.type]++;
	return n;
}
