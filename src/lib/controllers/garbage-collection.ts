/**
 * The garbage collector's decisions (pkg/controller/garbagecollector, `attemptToDeleteItem` and
 * `processDeletingDependentsItem`), apart from the API calls: given what became of an object's
 * owners, keep it, drop some owner references, or delete it with the right propagation policy.
 *
 * @module
 */
import type { KubeObject, OwnerReference } from './types';

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

export const hasFinalizer = (obj: KubeObject, f: string): boolean => (obj.metadata.finalizers ?? []).includes(f);

/** Being deleted and waiting for its dependents (foreground deletion). */
export const isDeletingDependents = (obj: KubeObject): boolean => !!obj.metadata.deletionTimestamp && hasFinalizer(obj, FOREGROUND);

/** What became of one owner reference: the owner is gone (or another object of that name), there, or there and waiting on its dependents. */
export type OwnerState = 'dangling' | 'solid' | 'waiting';

export type GcAction =
	| { type: 'none' }
	/** Patch away the owner references with these uids (dangling and waiting ones, when a solid owner remains). */
	| { type: 'removeOwnerRefs'; uids: string[] }
	| { type: 'delete'; propagationPolicy: 'Background' | 'Foreground' | 'Orphan' };

/**
 * `attemptToDeleteItem` for an object with owner references, its owners classified in order.
 * `hasDependents`: something else lists this object as an owner (a foreground delete then
 * cascades).
 */
export function decide(obj: KubeObject, owners: Array<{ ref: OwnerReference; state: OwnerState }>, hasDependents: boolean): GcAction {
	// Already going away, and not waiting on its own dependents: nothing to do.
	if (obj.metadata.deletionTimestamp && !isDeletingDependents(obj)) return { type: 'none' };
	if (!owners.length) return { type: 'none' };
	const solid = owners.filter((o) => o.state === 'solid');
	const waiting = owners.filter((o) => o.state === 'waiting');
	const dangling = owners.filter((o) => o.state === 'dangling');
	if (solid.length) {
		if (!dangling.length && !waiting.length) return { type: 'none' };
		return { type: 'removeOwnerRefs', uids: [...dangling, ...waiting].map((o) => o.ref.uid) };
	}
	if (waiting.length && hasDependents) return { type: 'delete', propagationPolicy: 'Foreground' };
	// No solid owner left: collect it, keeping what its own finalizers asked for.
	if (hasFinalizer(obj, ORPHAN)) return { type: 'delete', propagationPolicy: 'Orphan' };
	if (hasFinalizer(obj, FOREGROUND)) return { type: 'delete', propagationPolicy: 'Foreground' };
	return { type: 'delete', propagationPolicy: 'Background' };
}

/** Dependents that hold up a foreground deletion of `ownerUid` (blockOwnerDeletion: true). */
export function blockingDependents(ownerUid: string, dependents: KubeObject[]): KubeObject[] {
	return dependents.filter((d) => (d.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true));
}

/** The metadata of `obj` without `finalizer`, as a JSON merge patch pinned to its resourceVersion. */
export function withoutFinalizerPatch(obj: KubeObject, finalizer: string): object {
	const rest = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
	return { metadata: { resourceVersion: obj.metadata.resourceVersion, finalizers: rest.length ? rest : null } };
}

/** The metadata of `obj` without the owner references to `uids`, as a JSON merge patch pinned to its resourceVersion. */
export function withoutOwnerRefsPatch(obj: KubeObject, uids: string[]): object {
	const rest = (obj.metadata.ownerReferences ?? []).filter((r) => !uids.includes(r.uid));
	return { metadata: { resourceVersion: obj.metadata.resourceVersion, ownerReferences: rest.length ? rest : null } };
}
