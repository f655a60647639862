/**
 * Drift: fields present live that the files do not declare, each with its owners from
 * managedFields (`kubectl-label`, `kubectl-edit`, `kubectl-client-side-apply`, a controller...).
 * Read from the managers' field sets: every member path a manager owns that the declared object
 * does not set, reported at its topmost such path (an added env var as one item, not its name
 * and value). Unowned live-only fields are defaults, not drift.
 *
 * @module
 */
import type { KubeObject } from '../controllers/types';
import { toFieldSet } from '../kube/apply';
import { FieldSet, serializePE, type Path } from '../kube/field-set';
import { HIDE_ALL, hiddenPath, type NormalizeOptions } from './normalize';
import { touches, type ManagerFields } from './owners';
import { fieldPos, humanPath, isObj, itemPos, rootPos, safeItemPE, type Obj, type Pos } from './typed';
import type { FieldDifference } from './types';

/** The fields a declared object sets, as server-side apply would own them. */
export function declaredFields(desired: Obj, root: Pos): FieldSet {
	try {
		return toFieldSet(desired, root.type);
	} catch {
		return new FieldSet();
	}
}

const key = (path: Path): string => path.map(serializePE).join('\u0000');

export function driftOf(desired: Record<string, unknown>, live: KubeObject, managers: ManagerFields[], opts: NormalizeOptions = HIDE_ALL): FieldDifference[] {
	const root = rootPos(desired.apiVersion ?? live.apiVersion, desired.kind ?? live.kind);
	const declared = declaredFields(desired as Obj, root);
	const found = new Map<string, FieldDifference>();
	for (const m of managers) {
		for (const path of m.set.paths()) {
			if (hiddenPath(path, opts) || touches(declared, path) || mapWithFields(m.set, path)) continue;
			const k = key(path);
			const known = found.get(k);
			if (known) {
				known.owners.push(m.owner);
				continue;
			}
			const at = valueAt(live, path, root);
			if (!at) continue; // ownership left over from a field that is gone
			found.set(k, { path: humanPath(path), fieldPath: path, livePath: at.jsonPath, live: at.value, kind: 'extra', owners: [m.owner] });
		}
	}
	// Keep the topmost path of each live-only subtree.
	const keys = new Set(found.keys());
	const out: FieldDifference[] = [];
	for (const [k, d] of found) {
		let covered = false;
		for (let i = 1; i < d.fieldPath.length && !covered; i++) covered = keys.has(key(d.fieldPath.slice(0, i)));
		if (!covered) out.push(d);
	}
	return out;
}

/**
 * A struct or map that is a member only because its manager created it (`.` next to its fields,
 * as `f:annotations: {.: {}, f:note: {}}`): its fields are reported one by one instead. List
 * items with `.` stay whole (an added env var is one change).
 */
function mapWithFields(set: FieldSet, path: Path): boolean {
	const last = path[path.length - 1];
	if (!('field' in last)) return false;
	let node: FieldSet | undefined = set;
	for (const pe of path) node = node?.children.get(serializePE(pe))?.set;
	return !!node && !node.empty();
}

/** The live value at a managedFields path and where it sits (object keys, list indexes). */
export function valueAt(obj: unknown, path: Path, root: Pos): { value: unknown; jsonPath: (string | number)[] } | undefined {
	let cur: unknown = obj;
	let pos = root;
	const jsonPath: (string | number)[] = [];
	for (let i = 0; i < path.length; i++) {
		const pe = path[i];
		if ('field' in pe) {
			if (!isObj(cur) || !(pe.field in cur)) return undefined;
			cur = cur[pe.field];
			pos = fieldPos(pos, pe.field);
			jsonPath.push(pe.field);
			continue;
		}
		if (!Array.isArray(cur)) return undefined;
		const want = serializePE(pe);
		const list = cur;
		const idx = 'index' in pe ? pe.index : list.findIndex((item, j) => {
			const got = safeItemPE(pos, item, j, path.slice(0, i));
			return !!got && serializePE(got) === want;
		});
		if (idx < 0 || idx >= list.length) return undefined;
		cur = list[idx];
		pos = itemPos(pos);
		jsonPath.push(idx);
	}
	return { value: cur, jsonPath };
}
