/**
 * NodeVolumeLimits (plugins/nodevolumelimits/csi.go): a node's CSINode says how many volumes of
 * each driver can be attached there (`allocatable.count`); the pod's new volumes plus the ones the
 * node's pods already use must stay within it. A claim's driver and volume handle come from its
 * bound PV (`spec.csi`), else from its class's provisioner with `<namespace>-<claim>` as the
 * handle (the volume to be provisioned). Pods without claims are skipped.
 *
 * @module
 */
import { Code, Status, SKIP, SUCCESS, type Plugin } from '../framework';
import type { Snapshot } from '../snapshot';
import type { CSINode, PersistentVolumeClaim, Pod } from '../types';
import { claimClass, notFound, podClaimNames } from './volumes';

export const NAME = 'NodeVolumeLimits';
export const ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED = 'node(s) exceed max volume count';

/** getCSIDriverInfo / getCSIDriverInfoFromSC: [driver, volume handle], or undefined when not a CSI volume. */
function driverInfo(snap: Snapshot, pvc: PersistentVolumeClaim): [string, string] | undefined {
	const pv = pvc.spec.volumeName ? snap.objects.pvs.get(pvc.spec.volumeName) : undefined;
	if (pv) {
		const csi = (pv.spec as { csi?: { driver?: string; volumeHandle?: string } }).csi;
		return csi?.driver && csi.volumeHandle ? [csi.driver, csi.volumeHandle] : undefined;
	}
	const sc = snap.objects.storageClasses.get(claimClass(pvc));
	if (!sc?.provisioner) return undefined;
	return [sc.provisioner, `${pvc.metadata.namespace ?? 'default'}-${pvc.metadata.name}`];
}

/** filterAttachableVolumes: unique volume name (`driver/handle`) → driver; a missing claim fails only for the new pod. */
export function attachableVolumes(snap: Snapshot, pod: Pod, into: Map<string, string>, newPod: boolean): Status | undefined {
	const ns = pod.metadata.namespace ?? 'default';
	for (const name of podClaimNames(pod)) {
		const pvc = snap.pvc(ns, name);
		if (!pvc) {
			if (newPod) return notFound('persistentvolumeclaim', name);
			continue;
		}
		const info = driverInfo(snap, pvc);
		if (info) into.set(`${info[0]}/${info[1]}`, info[0]);
	}
	return undefined;
}

/** getVolumeLimits: driver → allocatable count from the node's CSINode. */
export function volumeLimits(csiNode: CSINode | undefined): Map<string, number> {
	const out = new Map<string, number>();
	for (const d of csiNode?.spec?.drivers ?? []) if (typeof d.allocatable?.count === 'number') out.set(d.name, d.allocatable.count);
	return out;
}

const countByDriver = (vols: Map<string, string>) => {
	const out = new Map<string, number>();
	for (const d of vols.values()) out.set(d, (out.get(d) ?? 0) + 1);
	return out;
};

export function create(): Plugin {
	return {
		name: NAME,
		preFilter(_state, pod) {
			return (pod.spec.volumes ?? []).some((v) => v.persistentVolumeClaim || v.ephemeral) ? SUCCESS : SKIP;
		},
		filter(state, pod, node) {
			if (!pod.spec.volumes?.length) return SUCCESS;
			const snap = state.snapshot;
			const fresh = new Map<string, string>();
			const err = attachableVolumes(snap, pod, fresh, true);
			if (err) return err;
			if (fresh.size === 0) return SUCCESS;
			const limits = volumeLimits(snap.objects.csiNodes?.get(node.name));
			if (limits.size === 0) return SUCCESS;
			const attached = new Map<string, string>();
			for (const p of node.pods) attachableVolumes(snap, p.pod, attached, false);
			// A volume already attached to the node (shared claim) does not count twice.
			for (const k of attached.keys()) fresh.delete(k);
			const used = countByDriver(attached);
			for (const [driver, n] of countByDriver(fresh)) {
				const limit = limits.get(driver);
				if (limit !== undefined && (used.get(driver) ?? 0) + n > limit) return new Status(Code.Unschedulable, [ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED]);
			}
			return SUCCESS;
		},
		events: ['CSINodeAdd', 'CSINodeUpdate', 'PodDelete', 'PvcAdd']
	} satisfies Plugin;
}
