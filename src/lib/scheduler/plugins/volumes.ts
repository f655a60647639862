/**
 * What the volume plugins share: the claims a pod references (PVC volumes and generic ephemeral
 * volumes, named `<pod>-<volume>`), looked up in the snapshot with the listers' NotFound text.
 *
 * @module
 */
import { Code, Status } from '../framework';
import type { Snapshot } from '../snapshot';
import type { PersistentVolumeClaim, Pod, StorageClass } from '../types';

/** The claim names a pod uses, in volume order. */
export function podClaimNames(pod: Pod): string[] {
	const out: string[] = [];
	for (const v of pod.spec.volumes ?? []) {
		if (v.persistentVolumeClaim) out.push(v.persistentVolumeClaim.claimName);
		else if (v.ephemeral) out.push(`${pod.metadata.name}-${v.name}`);
	}
	return out;
}

/** The error text of a lister miss (`persistentvolumeclaim "data" not found`), as a U&U status. */
export function notFound(resource: string, name: string): Status {
	return new Status(Code.UnschedulableAndUnresolvable, [`${resource} "${name}" not found`]);
}

/** storagehelpers.GetPersistentVolumeClaimClass: the beta annotation wins, then spec.storageClassName. */
export function claimClass(pvc: PersistentVolumeClaim): string {
	return pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? pvc.spec.storageClassName ?? '';
}

export function isWaitForFirstConsumer(sc: StorageClass | undefined): boolean {
	return sc?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** The pod's claims, or the status explaining the first one that cannot be used. */
export function podClaims(snap: Snapshot, pod: Pod): PersistentVolumeClaim[] | Status {
	const ns = pod.metadata.namespace ?? 'default';
	const out: PersistentVolumeClaim[] = [];
	for (const name of podClaimNames(pod)) {
		const pvc = snap.pvc(ns, name);
		if (!pvc) return notFound('persistentvolumeclaim', name);
		if (pvc.metadata.deletionTimestamp) return new Status(Code.UnschedulableAndUnresolvable, [`persistentvolumeclaim "${name}" is being deleted`]);
		out.push(pvc);
	}
	return out;
}
