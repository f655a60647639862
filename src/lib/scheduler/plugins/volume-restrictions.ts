/**
 * VolumeRestrictions (plugins/volumerestrictions): inline disks that cannot be shared (GCE PD,
 * AWS EBS, iSCSI, RBD) conflict with the same disk on the node; a ReadWriteOncePod claim
 * already used by any pod blocks every node. Pods without such volumes are skipped.
 *
 * @module
 */
import { Code, Status, SKIP, SUCCESS, stateKey, type Plugin } from '../framework';
import type { Pod, Volume } from '../types';
import { podClaims } from './volumes';

export const NAME = 'VolumeRestrictions';
export const ERR_REASON_DISK_CONFLICT = 'node(s) had no available disk';
export const ERR_REASON_RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

const preFilterKey = stateKey<number>('PreFilter' + NAME);

const needsCheck = (v: Volume) => !!(v.gcePersistentDisk || v.awsElasticBlockStore || v.rbd || v.iscsi);

/** isVolumeConflict. */
export function volumesConflict(a: Volume, b: Volume): boolean {
	if (a.gcePersistentDisk && b.gcePersistentDisk)
		return a.gcePersistentDisk.pdName === b.gcePersistentDisk.pdName && !(a.gcePersistentDisk.readOnly && b.gcePersistentDisk.readOnly);
	if (a.awsElasticBlockStore && b.awsElasticBlockStore) return a.awsElasticBlockStore.volumeID === b.awsElasticBlockStore.volumeID;
	if (a.iscsi && b.iscsi) return a.iscsi.iqn === b.iscsi.iqn && !(a.iscsi.readOnly && b.iscsi.readOnly);
	if (a.rbd && b.rbd) {
		const shared = a.rbd.monitors.some((m) => b.rbd!.monitors.includes(m));
		return shared && (a.rbd.pool ?? 'rbd') === (b.rbd.pool ?? 'rbd') && a.rbd.image === b.rbd.image && !(a.rbd.readOnly && b.rbd.readOnly);
	}
	return false;
}

export function create(): Plugin {
	return {
		name: NAME,
		preFilter(state, pod: Pod) {
			const check = (pod.spec.volumes ?? []).some(needsCheck);
			const claims = podClaims(state.snapshot, pod);
			if (claims instanceof Status) return claims;
			const ns = pod.metadata.namespace ?? 'default';
			let conflicts = 0;
			for (const pvc of claims) {
				if (!(pvc.spec.accessModes ?? []).includes('ReadWriteOncePod')) continue;
				const key = `${ns}/${pvc.metadata.name}`;
				if (state.snapshot.nodes.some((n) => (n.pvcRefCounts.get(key) ?? 0) > 0)) conflicts++;
			}
			if (!check && conflicts === 0) return SKIP;
			state.write(preFilterKey, conflicts);
			return SUCCESS;
		},
		filter(state, pod, node) {
			for (const v of pod.spec.volumes ?? []) {
				if (!needsCheck(v)) continue;
				for (const e of node.pods) for (const ev of e.pod.spec.volumes ?? []) if (volumesConflict(v, ev)) return new Status(Code.Unschedulable, [ERR_REASON_DISK_CONFLICT]);
			}
			if ((state.read(preFilterKey) ?? 0) > 0) return new Status(Code.Unschedulable, [ERR_REASON_RWOP_CONFLICT]);
			return SUCCESS;
		},
		events: ['PodDelete', 'PvcAdd', 'PvcUpdate', 'NodeAdd']
	} satisfies Plugin;
}
