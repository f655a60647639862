/**
 * The pvc-protection and pv-protection controllers' tests (pkg/controller/volume/pvcprotection,
 * pvprotection): a deleted claim keeps its finalizer while a scheduled pod uses it (kubelets
 * only see scheduled pods, and refuse to start one whose claim is being deleted); a deleted
 * volume keeps its finalizer while it is Bound.
 *
 * @module
 */
import type { PersistentVolume, PersistentVolumeClaim } from './types';

interface PodLike {
	metadata: { name?: string; namespace?: string };
	spec?: { nodeName?: string; volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string }; ephemeral?: unknown }> };
	status?: { phase?: string };
}

const shutDown = (p: PodLike) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** podUsesPVC: scheduled, and a claim volume names it (a generic ephemeral one only while running). */
export function podUsesClaim(pod: PodLike, pvc: PersistentVolumeClaim): boolean {
	if (!pod.spec?.nodeName || (pod.metadata.namespace ?? 'default') !== (pvc.metadata.namespace ?? 'default')) return false;
	return (pod.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name || (!shutDown(pod) && !!v.ephemeral && `${pod.metadata.name}-${v.name}` === pvc.metadata.name));
}

/** pv-protection's isVolumeUsed. */
export const volumeInUse = (pv: PersistentVolume): boolean => pv.status?.phase === 'Bound';
