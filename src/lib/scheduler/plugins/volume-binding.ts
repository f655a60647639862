/**
 * VolumeBinding (plugins/volumebinding): immediate claims must already be bound; bound claims'
 * PVs must allow the node (PV node affinity); WaitForFirstConsumer claims need an available PV
 * that fits on the node, or a storage class able to provision there (allowedTopologies).
 * Reserve remembers the choice; PreBind emits the API writes (PV claimRef binding, the PVC's
 * `volume.kubernetes.io/selected-node`). Score exists only behind the alpha
 * VolumeCapacityPriority gate, so PreScore returns Skip as in v1.32.
 *
 * @module
 */
import { Code, Status, SKIP, SUCCESS, stateKey, type ApiWrite, type Plugin } from '../framework';
import { nodeSelectorMatches } from '../helpers';
import type { Snapshot } from '../snapshot';
import { amount } from '../resources';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../types';
import { claimClass, isWaitForFirstConsumer, podClaims } from './volumes';

export const NAME = 'VolumeBinding';
export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_NOT_ENOUGH_SPACE = 'node(s) did not have enough free storage';
export const ERR_REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

interface Claims {
	bound: PersistentVolumeClaim[];
	toBind: PersistentVolumeClaim[];
}

interface PodVolumes {
	staticBindings: Array<{ pvc: PersistentVolumeClaim; pv: PersistentVolume }>;
	provisions: PersistentVolumeClaim[];
}

const preFilterKey = stateKey<Claims>('PreFilter' + NAME);
const byNodeKey = stateKey<Map<string, PodVolumes>>(NAME + '/podVolumesByNode');
const reservedKey = stateKey<PodVolumes>(NAME + '/reserved');

function pvAllowsNode(pv: PersistentVolume, node: Node): boolean {
	const req = pv.spec.nodeAffinity?.required;
	return !req || nodeSelectorMatches(req, node);
}

const storage = (q: string | number | undefined) => amount('storage', q);

/** findMatchingVolumes: the smallest available PV of the claim's class that fits and allows the node. */
function findVolume(snap: Snapshot, pvc: PersistentVolumeClaim, node: Node, taken: Set<string>): PersistentVolume | undefined {
	const want = storage(pvc.spec.resources?.requests?.storage);
	const modes = pvc.spec.accessModes ?? [];
	let best: PersistentVolume | undefined;
	for (const pv of snap.objects.pvs.values()) {
		if (taken.has(pv.metadata.name) || pv.metadata.deletionTimestamp) continue;
		const ref = pv.spec.claimRef;
		if (ref && !(ref.name === pvc.metadata.name && (ref.namespace ?? 'default') === (pvc.metadata.namespace ?? 'default'))) continue;
		if ((pv.spec.storageClassName ?? '') !== claimClass(pvc)) continue;
		if (storage(pv.spec.capacity?.storage) < want) continue;
		if (!modes.every((m) => (pv.spec.accessModes ?? []).includes(m))) continue;
		if (!pvAllowsNode(pv, node)) continue;
		if (!best || storage(pv.spec.capacity?.storage) < storage(best.spec.capacity?.storage)) best = pv;
	}
	return best;
}

function canProvision(snap: Snapshot, pvc: PersistentVolumeClaim, node: Node): boolean {
	const sc = snap.objects.storageClasses.get(claimClass(pvc));
	if (!sc || sc.provisioner === NO_PROVISIONER) return false;
	const terms = sc.allowedTopologies ?? [];
	if (terms.length === 0) return true;
	const labels = node.metadata.labels ?? {};
	return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => e.values.includes(labels[e.key])));
}

/** FindPodVolumes: the reasons the node cannot host the pod's volumes, or its volume plan. */
export function findPodVolumes(snap: Snapshot, claims: Claims, node: Node): { reasons: string[]; volumes: PodVolumes } {
	let boundSatisfied = true;
	let pvsFound = true;
	for (const pvc of claims.bound) {
		const pv = snap.objects.pvs.get(pvc.spec.volumeName!);
		if (!pv) pvsFound = false;
		else if (!pvAllowsNode(pv, node)) boundSatisfied = false;
	}
	const volumes: PodVolumes = { staticBindings: [], provisions: [] };
	let unboundSatisfied = true;
	const taken = new Set<string>();
	for (const pvc of claims.toBind) {
		const pv = findVolume(snap, pvc, node, taken);
		if (pv) {
			taken.add(pv.metadata.name);
			volumes.staticBindings.push({ pvc, pv });
		} else if (canProvision(snap, pvc, node)) volumes.provisions.push(pvc);
		else unboundSatisfied = false;
	}
	const reasons: string[] = [];
	if (!boundSatisfied) reasons.push(ERR_REASON_NODE_CONFLICT);
	if (!unboundSatisfied) reasons.push(ERR_REASON_BIND_CONFLICT);
	if (!pvsFound) reasons.push(ERR_REASON_PV_NOT_EXIST);
	return { reasons, volumes };
}

export function create(): Plugin {
	return {
		name: NAME,
		preFilter(state, pod) {
			const snap = state.snapshot;
			const list = podClaims(snap, pod);
			if (list instanceof Status) return list;
			if (list.length === 0) return SKIP;
			const claims: Claims = { bound: [], toBind: [] };
			for (const pvc of list) {
				if (pvc.spec.volumeName) claims.bound.push(pvc);
				else if (isWaitForFirstConsumer(snap.objects.storageClasses.get(claimClass(pvc)))) claims.toBind.push(pvc);
				else return new Status(Code.UnschedulableAndUnresolvable, [ERR_UNBOUND_IMMEDIATE]);
			}
			state.write(preFilterKey, claims);
			state.write(byNodeKey, new Map());
			return SUCCESS;
		},
		filter(state, _pod, node) {
			const claims = state.read(preFilterKey);
			if (!claims) return SUCCESS;
			const { reasons, volumes } = findPodVolumes(state.snapshot, claims, node.node);
			if (reasons.length) return new Status(Code.UnschedulableAndUnresolvable, reasons);
			state.read(byNodeKey)?.set(node.name, volumes);
			return SUCCESS;
		},
		preScore() {
			return SKIP;
		},
		/** Only reached with VolumeCapacityPriority (alpha, off): PreScore always skips. */
		score() {
			return 0;
		},
		reserve(state, _pod, nodeName) {
			const v = state.read(byNodeKey)?.get(nodeName);
			if (v) state.write(reservedKey, v);
			return SUCCESS;
		},
		preBind(state, pod: Pod, nodeName) {
			const v = state.read(reservedKey);
			const writes: ApiWrite[] = [];
			for (const { pvc, pv } of v?.staticBindings ?? [])
				writes.push({ verb: 'bind-pv', pv: pv.metadata.name, claim: { namespace: pvc.metadata.namespace ?? pod.metadata.namespace ?? 'default', name: pvc.metadata.name, uid: pvc.metadata.uid } });
			for (const pvc of v?.provisions ?? [])
				writes.push({ verb: 'patch-pvc-annotation', namespace: pvc.metadata.namespace ?? 'default', name: pvc.metadata.name, annotation: ANN_SELECTED_NODE, value: nodeName });
			return { status: SUCCESS, writes };
		},
		events: ['PvcAdd', 'PvcUpdate', 'PvAdd', 'PvUpdate', 'StorageClassAdd', 'StorageClassUpdate', 'NodeAdd', 'NodeUpdateLabel']
	} satisfies Plugin;
}
