/**
 * VolumeZone (plugins/volumezone): a bound PV labelled with a zone/region only fits nodes in
 * that zone/region (values may list several, joined by `__`). Nodes without any topology label
 * are unconstrained; unbound WaitForFirstConsumer claims are skipped.
 *
 * @module
 */
import { Code, Status, SKIP, SUCCESS, stateKey, type Plugin } from '../framework';
import type { Snapshot } from '../snapshot';
import type { Pod } from '../types';
import { claimClass, notFound, podClaims } from './volumes';

export const NAME = 'VolumeZone';
export const ERR_REASON_CONFLICT = 'node(s) had no available volume zone';

const BETA_ZONE = 'failure-domain.beta.kubernetes.io/zone';
const BETA_REGION = 'failure-domain.beta.kubernetes.io/region';
const GA_ZONE = 'topology.kubernetes.io/zone';
const GA_REGION = 'topology.kubernetes.io/region';
const TOPOLOGY_LABELS = [BETA_ZONE, BETA_REGION, GA_ZONE, GA_REGION];
const TO_GA: Record<string, string> = { [BETA_ZONE]: GA_ZONE, [BETA_REGION]: GA_REGION };

interface PvTopology {
	key: string;
	values: Set<string>;
}

const preFilterKey = stateKey<PvTopology[]>('PreFilter' + NAME);

/** getPVbyPod: the topology labels of the pod's bound PVs, or why they cannot be read. */
export function podPvTopologies(snap: Snapshot, pod: Pod): PvTopology[] | Status {
	const claims = podClaims(snap, pod);
	if (claims instanceof Status) return claims;
	const out: PvTopology[] = [];
	for (const pvc of claims) {
		const pvName = pvc.spec.volumeName;
		if (!pvName) {
			const sc = claimClass(pvc);
			if (!sc) return new Status(Code.UnschedulableAndUnresolvable, ['PersistentVolumeClaim had no pv name and storageClass name']);
			const cls = snap.objects.storageClasses.get(sc);
			if (!cls) return notFound('storageclass.storage.k8s.io', sc);
			// The API defaults volumeBindingMode to Immediate.
			if (cls.volumeBindingMode === 'WaitForFirstConsumer') continue;
			return new Status(Code.UnschedulableAndUnresolvable, ['PersistentVolume had no name']);
		}
		const pv = snap.objects.pvs.get(pvName);
		if (!pv) return notFound('persistentvolume', pvName);
		for (const key of TOPOLOGY_LABELS) {
			const v = pv.metadata.labels?.[key];
			if (v !== undefined) out.push({ key, values: new Set(v.split('__').map((s) => s.trim())) });
		}
	}
	return out;
}

export function create(): Plugin {
	return {
		name: NAME,
		preFilter(state, pod) {
			const tops = podPvTopologies(state.snapshot, pod);
			if (tops instanceof Status) return tops;
			if (tops.length === 0) return SKIP;
			state.write(preFilterKey, tops);
			return SUCCESS;
		},
		filter(state, pod, node) {
			if (!pod.spec.volumes?.length) return SUCCESS;
			const labels = node.labels;
			if (!TOPOLOGY_LABELS.some((k) => k in labels)) return SUCCESS;
			for (const t of state.read(preFilterKey) ?? []) {
				const v = labels[t.key] ?? (TO_GA[t.key] ? labels[TO_GA[t.key]] : undefined);
				if (v === undefined || !t.values.has(v)) return new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_CONFLICT]);
			}
			return SUCCESS;
		},
		events: ['PvcAdd', 'PvcUpdate', 'PvAdd', 'PvUpdate', 'StorageClassAdd', 'NodeAdd', 'NodeUpdateLabel']
	} satisfies Plugin;
}
