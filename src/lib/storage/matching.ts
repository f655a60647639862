/**
 * Which PersistentVolume fits a claim (pkg/controller/volume/persistentvolume/util
 * `FindMatchingVolume`, `CheckVolumeModeMismatches`, `IsVolumeBoundToClaim`), shared by the PV
 * controller (no node; delay-binding claims are left to the scheduler) and the scheduler's
 * VolumeBinding plugin (with the candidate node, whose labels the PV's node affinity must allow).
 *
 * @module
 */
import { matchesLabels, selectorFromObject } from '../kube/label-selector';
import { quantityValue } from '../kube/quantity';
import { nodeSelectorMatches } from '../scheduler/helpers';
import type { NodeSelector as SchedSelector, Node as SchedNode } from '../scheduler/types';
import { ANN_BETA_STORAGE_CLASS, type Lookup, type Node, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from './types';

/** storagehelpers.GetPersistentVolumeClaimClass: the beta annotation wins, then spec.storageClassName. */
export function claimClass(pvc: PersistentVolumeClaim): string {
	return pvc.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] ?? pvc.spec.storageClassName ?? '';
}

/** storagehelpers.GetPersistentVolumeClass. */
export function volumeClass(pv: PersistentVolume): string {
	return pv.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] ?? pv.spec.storageClassName ?? '';
}

/** The claim's storage request in bytes (0 when absent). */
export function requestedBytes(pvc: PersistentVolumeClaim): number {
	return quantityValue(pvc.spec.resources?.requests?.storage ?? 0) || 0;
}

export function capacityBytes(pv: PersistentVolume): number {
	return quantityValue(pv.spec.capacity?.storage ?? 0) || 0;
}

/** IsDelayBindingMode: the claim's class exists and binds WaitForFirstConsumer. */
export function isDelayBinding(pvc: PersistentVolumeClaim, classes: Lookup<StorageClass>): boolean {
	const name = claimClass(pvc);
	return !!name && classes.get(name)?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** IsVolumeBoundToClaim: the PV's claimRef names this claim (and its uid, when the ref has one). */
export function isVolumeBoundToClaim(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
	const ref = pv.spec.claimRef;
	if (!ref) return false;
	if (ref.name !== pvc.metadata.name || (ref.namespace ?? '') !== (pvc.metadata.namespace ?? 'default')) return false;
	return !ref.uid || ref.uid === pvc.metadata.uid;
}

/** CheckVolumeModeMismatches: both default to Filesystem. */
export function volumeModeMismatch(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
	return (pvc.spec.volumeMode ?? 'Filesystem') !== (pv.spec.volumeMode ?? 'Filesystem');
}

/** CheckNodeAffinity: a PV without required node affinity fits every node. */
export function pvAllowsNode(pv: PersistentVolume, node: Node): boolean {
	const req = pv.spec.nodeAffinity?.required;
	return !req || nodeSelectorMatches(req as SchedSelector, node as unknown as SchedNode);
}

const hasAllModes = (pv: PersistentVolume, pvc: PersistentVolumeClaim) => (pvc.spec.accessModes ?? []).every((m) => (pv.spec.accessModes ?? []).includes(m));

/**
 * FindMatchingVolume: a volume pre-bound to the claim wins (if big enough and, with a node, allowed
 * there); otherwise the smallest Available, unclaimed volume of the claim's class with every
 * requested access mode, matching the claim's selector, at least as big as the request and
 * allowed on the node. Without a node, delay-binding claims match only pre-bound volumes.
 */
export function findMatchingVolume(
	pvc: PersistentVolumeClaim,
	volumes: Iterable<PersistentVolume>,
	opts: { node?: Node; delayBinding: boolean; excluded?: ReadonlySet<string> }
): PersistentVolume | undefined {
	const want = requestedBytes(pvc);
	const cls = claimClass(pvc);
	const selector = pvc.spec.selector ? selectorFromObject(pvc.spec.selector) : undefined;
	let best: PersistentVolume | undefined;
	for (const pv of volumes) {
		if (opts.excluded?.has(pv.metadata.name)) continue;
		if (volumeModeMismatch(pvc, pv) || pv.metadata.deletionTimestamp) continue;
		const affinityOk = !opts.node || pvAllowsNode(pv, opts.node);
		if (isVolumeBoundToClaim(pv, pvc)) {
			if (!affinityOk) return undefined;
			if (capacityBytes(pv) < want) continue;
			return pv;
		}
		if (!opts.node && opts.delayBinding) continue;
		if (pv.status?.phase !== 'Available' || pv.spec.claimRef) continue;
		if (selector && !matchesLabels(selector, pv.metadata.labels)) continue;
		if (volumeClass(pv) !== cls || !hasAllModes(pv, pvc) || !affinityOk) continue;
		if (capacityBytes(pv) >= want && (!best || capacityBytes(pv) < capacityBytes(best))) best = pv;
	}
	return best;
}

const modeSet = (pv: PersistentVolume) => [...new Set(pv.spec.accessModes ?? [])].sort().join(',');

/**
 * persistentVolumeOrderedIndex.findBestMatchForClaim (the PV controller's search): volumes are
 * grouped by their access-mode set; the sets holding every requested mode are tried from the
 * fewest modes up, so a ReadWriteOnce claim prefers a RWO-only volume to a bigger-mode one.
 */
export function findBestMatchForClaim(pvc: PersistentVolumeClaim, volumes: Iterable<PersistentVolume>, delayBinding: boolean): PersistentVolume | undefined {
	const levels = new Map<string, PersistentVolume[]>();
	for (const pv of volumes) {
		if (!hasAllModes(pv, pvc)) continue;
		const k = modeSet(pv);
		let l = levels.get(k);
		if (!l) levels.set(k, (l = []));
		l.push(pv);
	}
	const order = [...levels.keys()].sort((a, b) => a.split(',').length - b.split(',').length || (a < b ? -1 : 1));
	for (const k of order) {
		const pv = findMatchingVolume(pvc, levels.get(k)!, { delayBinding });
		if (pv) return pv;
	}
	return undefined;
}

/** checkVolumeSatisfyClaim: why a user's pre-bound volume cannot serve the claim ('' = it can). */
export function volumeUnsatisfiedReason(pv: PersistentVolume, pvc: PersistentVolumeClaim): string {
	if (capacityBytes(pv) < requestedBytes(pvc)) return 'requested PV is too small';
	if (volumeClass(pv) !== claimClass(pvc)) return 'storageClassName does not match';
	if (volumeModeMismatch(pvc, pv)) return 'incompatible volumeMode';
	if (!hasAllModes(pv, pvc)) return 'incompatible accessMode';
	return '';
}
