/**
 * Who owns which live field, from `metadata.managedFields`: each entry's fieldsV1 parsed into a
 * FieldSet (kube's own codec), kept with its manager, operation, time and subresource, so a
 * diff can say "changed by `kubectl` (Update, scale) at 01:02:03".
 *
 * @module
 */
import type { KubeObject } from '../controllers/types';
import { FieldSet, serializePE, type Path } from '../kube/field-set';
import type { FieldOwner } from './types';

export interface ManagerFields {
	owner: FieldOwner;
	set: FieldSet;
}

/** The managers of a live object; entries kube would not decode are skipped. */
export function managersOf(live: KubeObject | undefined): ManagerFields[] {
	const entries: unknown = (live?.metadata as { managedFields?: unknown } | undefined)?.managedFields;
	if (!Array.isArray(entries)) return [];
	const out: ManagerFields[] = [];
	for (const e of entries) {
		if (!e || typeof e !== 'object' || e.fieldsType !== 'FieldsV1') continue;
		let set: FieldSet;
		try {
			set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {});
		} catch {
			continue;
		}
		const owner: FieldOwner = { manager: String(e.manager ?? ''), operation: String(e.operation ?? '') };
		if (e.time) owner.time = e.time;
		if (e.subresource) owner.subresource = e.subresource;
		out.push({ owner, set });
	}
	return out;
}

/**
 * True when `set` owns `path`: the path itself, something below it, or an ancestor that is a
 * leaf member (an atomic map or list owned as a whole).
 */
export function touches(set: FieldSet, path: Path): boolean {
	let node: FieldSet | undefined = set;
	for (let i = 0; i < path.length; i++) {
		const k = serializePE(path[i]);
		const child: FieldSet | undefined = node.children.get(k)?.set;
		if (i === path.length - 1) return node.members.has(k) || (!!child && !child.empty());
		if (!child) return node.members.has(k);
		node = child;
	}
	return false;
}

/** The owners of a live field (several when shared). */
export function ownersAt(managers: ManagerFields[], path: Path): FieldOwner[] {
	return managers.filter((m) => touches(m.set, path)).map((m) => m.owner);
}

/** All managers' fields together. */
export function ownedFields(managers: ManagerFields[]): FieldSet {
	return managers.reduce((acc, m) => acc.union(m.set), new FieldSet());
}
