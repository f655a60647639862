/**
 * The decisions of kube-controller-manager's `persistentvolume-binder`
 * (pkg/controller/volume/persistentvolume/pv_controller.go `syncClaim` / `syncVolume`), pure:
 * given a claim or a volume and the informers' view, the writes to make in order. Binding is the
 * real two-sided handshake — PV claimRef, PV phase Bound, PVC volumeName with
 * `pv.kubernetes.io/bind-completed` and `pv.kubernetes.io/bound-by-controller`, PVC phase Bound —
 * each write a step the next sync can resume from. Provisioning is delegated to the external
 * provisioner named by the class (the claim gets `volume.kubernetes.io/storage-provisioner`);
 * WaitForFirstConsumer claims wait for the scheduler's `volume.kubernetes.io/selected-node`.
 *
 * @module
 */
import { claimClass, findBestMatchForClaim, isDelayBinding, isVolumeBoundToClaim, volumeModeMismatch, volumeUnsatisfiedReason } from './matching';
import {
	ANN_BETA_STORAGE_CLASS,
	ANN_BETA_STORAGE_PROVISIONER,
	ANN_BIND_COMPLETED,
	ANN_BOUND_BY_CONTROLLER,
	ANN_DYNAMICALLY_PROVISIONED,
	ANN_SELECTED_NODE,
	ANN_STORAGE_PROVISIONER,
	type Lookup,
	type PersistentVolume,
	type PersistentVolumeClaim,
	type StorageClass
} from './types';
import { defaultClass } from './default-class';

/** What the controller sees: its informers' caches, plus the pods waiting on a claim. */
export interface BinderWorld {
	pvs: Lookup<PersistentVolume>;
	/** `namespace/name` → claim. */
	pvcs: Lookup<PersistentVolumeClaim>;
	classes: Lookup<StorageClass>;
	/** Names of the not yet scheduled pods that use the claim (findNonScheduledPodsByPVC). */
	unscheduledPodsUsing(pvc: PersistentVolumeClaim): string[];
	/** RFC 3339 now, for status.lastPhaseTransitionTime. */
	now: string;
}

/** One write, applied to the freshest copy of the object; a write that changes nothing is skipped. */
export type BinderWrite =
	| { op: 'pv'; name: string; status?: boolean; mutate(pv: PersistentVolume): void }
	| { op: 'pvc'; key: string; status?: boolean; mutate(pvc: PersistentVolumeClaim): void }
	| { op: 'event'; on: 'pv' | 'pvc'; key: string; type: 'Normal' | 'Warning'; reason: string; message: string }
	/** Sync this claim next (a provisioned or pre-bound PV waits for its claim's half). */
	| { op: 'sync-claim'; key: string };

export const claimKey = (pvc: PersistentVolumeClaim) => `${pvc.metadata.namespace ?? 'default'}/${pvc.metadata.name}`;
const refKey = (ref: { namespace?: string; name?: string }) => `${ref.namespace ?? ''}/${ref.name ?? ''}`;

export const MSG_WAIT_FOR_FIRST_CONSUMER = 'waiting for first consumer to be created before binding';
export const MSG_NO_CLASS = 'no persistent volumes available for this claim and no storage class is set';

/** The event the real controller records while an external provisioner works on the claim. */
export function externalProvisioningMessage(provisioner: string): string {
	return `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`;
}

const event = (on: 'pv' | 'pvc', key: string, type: 'Normal' | 'Warning', reason: string, message: string): BinderWrite => ({ op: 'event', on, key, type, reason, message });

function claimStatus(key: string, phase: string, pv?: PersistentVolume): BinderWrite {
	return {
		op: 'pvc',
		key,
		status: true,
		mutate(c) {
			c.status ??= {};
			c.status.phase = phase;
			if (pv) {
				c.status.accessModes = pv.spec.accessModes;
				c.status.capacity = pv.spec.capacity;
			} else if (phase !== 'Lost') {
				delete c.status.accessModes;
				delete c.status.capacity;
			}
		}
	};
}

function volumePhase(name: string, phase: string, now: string, message?: string): BinderWrite {
	return {
		op: 'pv',
		name,
		status: true,
		mutate(v) {
			const prev = v.status?.phase;
			v.status = { ...v.status, phase };
			if (message) v.status.message = message;
			else delete v.status.message;
			if (prev !== phase) v.status.lastPhaseTransitionTime = now;
		}
	};
}

/** `bind`: PV claimRef → PV Bound → PVC volumeName and annotations → PVC Bound. */
export function bind(pv: PersistentVolume, pvc: PersistentVolumeClaim, now: string): BinderWrite[] {
	const key = claimKey(pvc);
	return [
		{
			op: 'pv',
			name: pv.metadata.name,
			mutate(v) {
				// bindVolumeToClaim: the controller marks a claimRef it set itself.
				if (!v.spec.claimRef) (v.metadata.annotations ??= {})[ANN_BOUND_BY_CONTROLLER] = 'yes';
				if (!isVolumeBoundToClaim(v, pvc) || v.spec.claimRef?.uid !== pvc.metadata.uid)
					v.spec.claimRef = { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion };
			}
		},
		volumePhase(pv.metadata.name, 'Bound', now),
		{
			op: 'pvc',
			key,
			mutate(c) {
				const ann = (c.metadata.annotations ??= {});
				if (c.spec.volumeName !== pv.metadata.name) {
					if (!c.spec.volumeName) ann[ANN_BOUND_BY_CONTROLLER] = 'yes';
					c.spec.volumeName = pv.metadata.name;
				}
				ann[ANN_BIND_COMPLETED] = 'yes';
			}
		},
		claimStatus(key, 'Bound', pv)
	];
}

/** syncClaim: unbound claims look for (or wait for) a volume; bound ones keep their binding whole. */
export function syncClaim(pvc: PersistentVolumeClaim, w: BinderWorld): BinderWrite[] {
	if (pvc.metadata.annotations?.[ANN_BIND_COMPLETED] === undefined) return syncUnboundClaim(pvc, w);
	return syncBoundClaim(pvc, w);
}

function syncUnboundClaim(pvc: PersistentVolumeClaim, w: BinderWorld): BinderWrite[] {
	const key = claimKey(pvc);
	// RetroactiveDefaultStorageClass (GA 1.28): a claim created before any default class gets it later.
	if ((pvc.spec.storageClassName === undefined || pvc.spec.storageClassName === null) && pvc.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] === undefined) {
		const def = defaultClass(w.classes.values());
		if (def) return [{ op: 'pvc', key, mutate: (c) => void (c.spec.storageClassName = def.metadata.name) }];
	}
	if (!pvc.spec.volumeName) {
		const delay = isDelayBinding(pvc, w.classes);
		const pv = findBestMatchForClaim(pvc, w.pvs.values(), delay);
		if (pv) return bind(pv, pvc, w.now);
		const out: BinderWrite[] = [];
		if (delay && pvc.metadata.annotations?.[ANN_SELECTED_NODE] === undefined) out.push(delayBindingEvent(pvc, w));
		else if (claimClass(pvc) !== '') return provisionClaim(pvc, w);
		else out.push(event('pvc', key, 'Normal', 'FailedBinding', MSG_NO_CLASS));
		out.push(claimStatus(key, 'Pending'));
		return out;
	}
	// The user asked for a specific volume.
	const pv = w.pvs.get(pvc.spec.volumeName);
	if (!pv) return [claimStatus(key, 'Pending')];
	if (!pv.spec.claimRef) {
		const why = volumeUnsatisfiedReason(pv, pvc);
		if (why) return [event('pvc', key, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${pv.metadata.name}": ${why}`), claimStatus(key, 'Pending')];
		return bind(pv, pvc, w.now);
	}
	if (isVolumeBoundToClaim(pv, pvc)) return bind(pv, pvc, w.now);
	// Claimed by someone else: wait (a user's pre-binding), unless we made it, which never happens.
	return [claimStatus(key, 'Pending')];
}

/** emitEventForUnboundDelayBindingClaim. */
function delayBindingEvent(pvc: PersistentVolumeClaim, w: BinderWorld): BinderWrite {
	const pods = w.unscheduledPodsUsing(pvc);
	const key = claimKey(pvc);
	if (pods.length === 0) return event('pvc', key, 'Normal', 'WaitForFirstConsumer', MSG_WAIT_FOR_FIRST_CONSUMER);
	return event('pvc', key, 'Normal', 'WaitForPodScheduled', pods.length > 1 ? `waiting for pods ${pods.join(',')} to be scheduled` : `waiting for pod ${pods[0]} to be scheduled`);
}

/** provisionClaim → provisionClaimOperationExternal: name the provisioner on the claim and wait for it. */
function provisionClaim(pvc: PersistentVolumeClaim, w: BinderWorld): BinderWrite[] {
	const key = claimKey(pvc);
	const name = claimClass(pvc);
	const cls = w.classes.get(name);
	if (!cls) return [event('pvc', key, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${name}" not found`), claimStatus(key, 'Pending')];
	// In-tree names have no plugin here (no-provisioner included): the real lookup fails the same way.
	if (cls.provisioner.startsWith('kubernetes.io/'))
		return [event('pvc', key, 'Warning', 'ProvisioningFailed', `no volume plugin matched name: ${cls.provisioner}`), claimStatus(key, 'Pending')];
	return [
		{
			op: 'pvc',
			key,
			mutate(c) {
				const ann = (c.metadata.annotations ??= {});
				ann[ANN_BETA_STORAGE_PROVISIONER] = cls.provisioner;
				ann[ANN_STORAGE_PROVISIONER] = cls.provisioner;
			}
		},
		event('pvc', key, 'Normal', 'ExternalProvisioning', externalProvisioningMessage(cls.provisioner)),
		claimStatus(key, 'Pending')
	];
}

function syncBoundClaim(pvc: PersistentVolumeClaim, w: BinderWorld): BinderWrite[] {
	const key = claimKey(pvc);
	if (!pvc.spec.volumeName)
		return [claimStatus(key, 'Lost'), event('pvc', key, 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!')];
	const pv = w.pvs.get(pvc.spec.volumeName);
	if (!pv) return [claimStatus(key, 'Lost'), event('pvc', key, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!')];
	if (!pv.spec.claimRef || pv.spec.claimRef.uid === pvc.metadata.uid) return bind(pv, pvc, w.now);
	return [claimStatus(key, 'Lost'), event('pvc', key, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly')];
}

/** syncVolume: Available without a claim, Bound with its claim, Released (then reclaimed) when the claim is gone. */
export function syncVolume(pv: PersistentVolume, w: BinderWorld): BinderWrite[] {
	const name = pv.metadata.name;
	const ref = pv.spec.claimRef;
	if (!ref) return [volumePhase(name, 'Available', w.now)];
	// Pre-bound by the user to a claim that does not exist yet.
	if (!ref.uid) return [volumePhase(name, 'Available', w.now)];
	let pvc = w.pvcs.get(refKey(ref));
	if (pvc && pvc.metadata.uid !== ref.uid) pvc = undefined;
	if (!pvc) {
		const out: BinderWrite[] = [];
		if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') out.push(volumePhase(name, 'Released', w.now));
		return [...out, ...reclaimVolume(pv, w.now)];
	}
	if (!pvc.spec.volumeName) {
		if (volumeModeMismatch(pvc, pv))
			return [
				event('pv', name, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${pvc.metadata.name}" due to incompatible volumeMode.`),
				event('pvc', claimKey(pvc), 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume "${name}" to requested PersistentVolumeClaim due to incompatible volumeMode.`)
			];
		// Bound on our side, the claim's half is missing: its sync finishes it (fast path for provisioned PVs).
		return [{ op: 'sync-claim', key: claimKey(pvc) }];
	}
	if (pvc.spec.volumeName === name) return [volumePhase(name, 'Bound', w.now)];
	// The claim is bound to another volume.
	if (pv.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED] && pv.spec.persistentVolumeReclaimPolicy === 'Delete') {
		const out: BinderWrite[] = [];
		if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') out.push(volumePhase(name, 'Released', w.now));
		return [...out, ...reclaimVolume(pv, w.now)];
	}
	return unbindVolume(pv, w.now);
}

/** unbindVolume: the controller's own binding is undone; a user's pre-binding keeps the claim name. */
function unbindVolume(pv: PersistentVolume, now: string): BinderWrite[] {
	return [
		{
			op: 'pv',
			name: pv.metadata.name,
			mutate(v) {
				if (v.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] !== undefined) {
					v.spec.claimRef = null;
					delete v.metadata.annotations[ANN_BOUND_BY_CONTROLLER];
				} else if (v.spec.claimRef) {
					v.spec.claimRef = { ...v.spec.claimRef };
					delete v.spec.claimRef.uid;
				}
			}
		},
		volumePhase(pv.metadata.name, 'Available', now)
	];
}

/** reclaimVolume: Retain keeps it Released; Delete waits for the external provisioner that made it. */
function reclaimVolume(pv: PersistentVolume, now: string): BinderWrite[] {
	const name = pv.metadata.name;
	switch (pv.spec.persistentVolumeReclaimPolicy ?? 'Retain') {
		case 'Retain':
			return [];
		case 'Recycle':
			return pv.status?.phase === 'Failed' ? [] : [volumePhase(name, 'Failed', now, 'No recycler plugin found for the volume!'), event('pv', name, 'Warning', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!')];
		case 'Delete': {
			// A volume an external provisioner made is deleted by that provisioner.
			const by = pv.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED];
			if (by && !by.startsWith('kubernetes.io/')) return [];
			if (pv.status?.phase === 'Failed') return [];
			const msg = `error getting deleter volume plugin for volume "${name}": no deletable volume plugin matched`;
			return [volumePhase(name, 'Failed', now, msg), event('pv', name, 'Warning', 'VolumeFailedDelete', msg)];
		}
		default: {
			if (pv.status?.phase === 'Failed') return [];
			const msg = `Volume has unrecognized PersistentVolumeReclaimPolicy`;
			return [volumePhase(name, 'Failed', now, msg), event('pv', name, 'Warning', 'VolumeUnknownReclaimPolicy', msg)];
		}
	}
}
