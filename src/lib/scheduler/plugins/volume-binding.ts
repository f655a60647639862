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
import type { Snapshot } from '../snapshot';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../types';
import { claimClass, isWaitForFirstConsumer, podClaims } from './volumes';
import { findMatchingVolume, requestedBytes, pvAllowsNode as storagePvAllowsNode } from '../../storage/matching';
import { nodeAllowedByClass } from '../../storage/provisioner';
import { ANN_BIND_COMPLETED, type PersistentVolume as StoragePv, type PersistentVolumeClaim as StoragePvc, type StorageClass as StorageClassFull } from '../../storage/types';

export const NAME = 'VolumeBinding';
export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_NOT_ENOUGH_SPACE = 'node(s) did not have enough free storage';
export const ERR_REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
/** VolumeBindingArgs.bindTimeoutSeconds default (600). */
export const BIND_TIMEOUT_MS = 600_000;

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

const asPv = (pv: PersistentVolume) => pv as unknown as StoragePv;
const pvAllowsNode = (pv: PersistentVolume, node: Node) => storagePvAllowsNode(asPv(pv), node);

/** findMatchingVolumes: claims by increasing request, each taking the smallest fitting PV not chosen yet. */
function findVolume(snap: Snapshot, pvc: PersistentVolumeClaim, node: Node, taken: Set<string>): PersistentVolume | undefined {
	const pvs = snap.objects.pvs.values() as unknown as Iterable<StoragePv>;
	return findMatchingVolume(pvc as unknown as StoragePvc, pvs, { node, delayBinding: true, excluded: taken }) as unknown as PersistentVolume | undefined;
}

/** checkVolumeProvisions: the class has a provisioner and its allowedTopologies admit the node. */
function canProvision(snap: Snapshot, pvc: PersistentVolumeClaim, node: Node): boolean {
	const sc = snap.objects.storageClasses.get(claimClass(pvc));
	if (!sc || !sc.provisioner || sc.provisioner === NO_PROVISIONER) return false;
	return nodeAllowedByClass(sc as unknown as StorageClassFull, node);
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
	const bySize = [...claims.toBind].sort((a, b) => requestedBytes(a as unknown as StoragePvc) - requestedBytes(b as unknown as StoragePvc));
	for (const pvc of bySize) {
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
				// isPVCFullyBound: the PV controller finished its side too.
				if (pvc.spec.volumeName && pvc.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined) claims.bound.push(pvc);
				else if (!pvc.spec.volumeName && isWaitForFirstConsumer(snap.objects.storageClasses.get(claimClass(pvc)))) claims.toBind.push(pvc);
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
			// BindPodVolumes then polls (1 s) until the PV controller and the provisioner finished, up to bindTimeoutSeconds.
			const waitFor = [...(v?.staticBindings ?? []).map((b) => b.pvc), ...(v?.provisions ?? [])];
			if (waitFor.length)
				writes.push({
					verb: 'wait-volumes-bound',
					namespace: pod.metadata.namespace ?? 'default',
					claims: waitFor.map((c) => ({ name: c.metadata.name, selectedNode: v!.provisions.includes(c) ? nodeName : undefined })),
					timeoutMs: BIND_TIMEOUT_MS
				});
			return { status: SUCCESS, writes };
		},
		events: ['PvcAdd', 'PvcUpdate', 'PvAdd', 'PvUpdate', 'StorageClassAdd', 'StorageClassUpdate', 'NodeAdd', 'NodeUpdateLabel']
	} satisfies Plugin;
}
