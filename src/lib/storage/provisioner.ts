/**
 * converge's simulated CSI driver, `hostpath.csi.converge.dev`, and the external-provisioner
 * sidecar in front of it (kubernetes-csi/external-provisioner + sig-storage-lib-external-provisioner),
 * pure: which claims it provisions, the PersistentVolume it creates (`pvc-<claim uid>`, the
 * class's reclaim policy, node affinity by the class's topology), and the objects a driver
 * installation brings (CSIDriver, one CSINode per node, the default StorageClass `standard`).
 *
 * StorageClass `parameters.topology` says where a volume lives (a simulation choice, like a real
 * driver's `type` parameter): `node` (default; a local disk, pinned by `kubernetes.io/hostname`
 * like kind's local-path or the hostpath driver), `zone` (a zonal disk, pinned by
 * `topology.kubernetes.io/zone`) or `none` (network storage reachable from every node).
 *
 * @module
 */
import { claimClass, isDelayBinding } from './matching';
import {
	ANN_BETA_STORAGE_PROVISIONER,
	ANN_DEFAULT_CLASS,
	ANN_DYNAMICALLY_PROVISIONED,
	ANN_SELECTED_NODE,
	ANN_STORAGE_PROVISIONER,
	LABEL_HOSTNAME,
	LABEL_ZONE,
	PROVISIONER_FINALIZER,
	type CSINode,
	type Lookup,
	type Meta,
	type NodeSelector,
	type PersistentVolume,
	type PersistentVolumeClaim,
	type StorageClass
} from './types';

export const DRIVER = 'hostpath.csi.converge.dev';
export const DEFAULT_CLASS_NAME = 'standard';

/** Simulation knobs, annotations on the StorageClass. */
export const KNOB_PROVISION_SECONDS = 'sim.converge.dev/provision-seconds';
export const KNOB_PROVISION_FAIL = 'sim.converge.dev/provision-fail';
/** On a Node: the driver's attach limit there (CSINode `allocatable.count`). */
export const KNOB_MAX_VOLUMES = 'sim.converge.dev/max-volumes';
export const DEFAULT_PROVISION_SECONDS = 2;
export const DEFAULT_MAX_VOLUMES = 128;

export type Topology = 'node' | 'zone' | 'none';

export interface SimNode {
	metadata: Meta;
}

export function classTopology(sc: StorageClass): Topology {
	const t = sc.parameters?.topology;
	return t === 'zone' || t === 'none' ? t : 'node';
}

/** Provisioning time on the room clock (ms). */
export function provisionDelayMs(sc: StorageClass): number {
	const v = Number(sc.metadata.annotations?.[KNOB_PROVISION_SECONDS]);
	return (Number.isFinite(v) && v >= 0 ? v : DEFAULT_PROVISION_SECONDS) * 1000;
}

/** The CSIDriver object a driver installation registers. */
export function csiDriverObject() {
	return {
		apiVersion: 'storage.k8s.io/v1',
		kind: 'CSIDriver',
		metadata: { name: DRIVER, labels: { 'app.kubernetes.io/name': 'csi-hostpathplugin' } },
		spec: { attachRequired: false, podInfoOnMount: true, storageCapacity: false, fsGroupPolicy: 'File', volumeLifecycleModes: ['Persistent'] }
	};
}

/** The default StorageClass, like kind's `standard` (local volumes, bound where the pod lands). */
export function defaultStorageClassObject(): StorageClass {
	return {
		apiVersion: 'storage.k8s.io/v1',
		kind: 'StorageClass',
		metadata: { name: DEFAULT_CLASS_NAME, annotations: { [ANN_DEFAULT_CLASS]: 'true' } },
		provisioner: DRIVER,
		reclaimPolicy: 'Delete',
		volumeBindingMode: 'WaitForFirstConsumer'
	};
}

/** The node plugin's registration: the driver on this node with its topology keys and attach limit. */
export function csiNodeDriver(node: SimNode) {
	const max = Number(node.metadata.annotations?.[KNOB_MAX_VOLUMES]);
	return { name: DRIVER, nodeID: node.metadata.name, topologyKeys: [LABEL_HOSTNAME, LABEL_ZONE], allocatable: { count: Number.isInteger(max) && max >= 0 ? max : DEFAULT_MAX_VOLUMES } };
}

/** A new CSINode for the node (the kubelet makes it, owned by the Node), or the existing one with our driver in it. */
export function csiNodeWithDriver(node: SimNode, existing: CSINode | undefined): CSINode {
	const driver = csiNodeDriver(node);
	if (!existing)
		return {
			apiVersion: 'storage.k8s.io/v1',
			kind: 'CSINode',
			metadata: { name: node.metadata.name, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid ?? '' }] },
			spec: { drivers: [driver] }
		};
	const others = (existing.spec?.drivers ?? []).filter((d) => d.name !== DRIVER);
	return { ...existing, spec: { drivers: [...others, driver] } };
}

/** The provisioner a claim asks for (the new annotation, else the beta one). */
export function claimProvisioner(pvc: PersistentVolumeClaim): string | undefined {
	const a = pvc.metadata.annotations ?? {};
	return a[ANN_STORAGE_PROVISIONER] ?? a[ANN_BETA_STORAGE_PROVISIONER];
}

/** shouldProvision: an unbound, live claim the PV controller handed to us, ready to go (WFFC: a node was selected). */
export function shouldProvision(pvc: PersistentVolumeClaim, classes: Lookup<StorageClass>): StorageClass | undefined {
	if (pvc.spec.volumeName || pvc.metadata.deletionTimestamp) return undefined;
	if (claimProvisioner(pvc) !== DRIVER) return undefined;
	const cls = classes.get(claimClass(pvc));
	if (!cls || cls.provisioner !== DRIVER) return undefined;
	if (isDelayBinding(pvc, classes) && !pvc.metadata.annotations?.[ANN_SELECTED_NODE]) return undefined;
	return cls;
}

const label = (n: SimNode, k: string) => n.metadata.labels?.[k];
const hostnameOf = (n: SimNode) => label(n, LABEL_HOSTNAME) ?? n.metadata.name;

/** allowedTopologies: every term's expressions must hold for the node (no terms = anywhere). */
export function nodeAllowedByClass(sc: StorageClass, node: SimNode): boolean {
	const terms = sc.allowedTopologies ?? [];
	if (terms.length === 0) return true;
	return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => e.values.includes(label(node, e.key) ?? '')));
}

/** Where the volume goes: the selected node (WFFC), else a node the class allows, chosen with `pick`. */
export function placement(pvc: PersistentVolumeClaim, sc: StorageClass, nodes: readonly SimNode[], pick: (n: number) => number): { affinity?: NodeSelector; error?: string } {
	const topology = classTopology(sc);
	let node: SimNode | undefined;
	const selected = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
	if (selected) {
		node = nodes.find((n) => n.metadata.name === selected);
		if (!node) return { error: `failed to get target node: node "${selected}" not found` };
	} else if (topology !== 'none') {
		const allowed = nodes.filter((n) => nodeAllowedByClass(sc, n) && (topology !== 'zone' || label(n, LABEL_ZONE) !== undefined));
		if (allowed.length === 0) return { error: 'no topology key found on CSINode ' + (nodes.length ? 'matching the allowed topologies' : 'any node') };
		node = allowed[pick(allowed.length)];
	}
	if (!node || topology === 'none') return {};
	const req = (key: string, value: string): NodeSelector => ({ nodeSelectorTerms: [{ matchExpressions: [{ key, operator: 'In', values: [value] }] }] });
	if (topology === 'zone') {
		const zone = label(node, LABEL_ZONE);
		if (zone === undefined) return { error: `topology label ${LABEL_ZONE} not found on node "${node.metadata.name}"` };
		return { affinity: req(LABEL_ZONE, zone) };
	}
	return { affinity: req(LABEL_HOSTNAME, hostnameOf(node)) };
}

/** The PV the provisioner creates for the claim (sig-storage-lib-external-provisioner + csi-provisioner). */
export function provisionedVolume(pvc: PersistentVolumeClaim, sc: StorageClass, affinity: NodeSelector | undefined, volumeHandle: string, identity: string): PersistentVolume {
	const reclaim = sc.reclaimPolicy ?? 'Delete';
	return {
		apiVersion: 'v1',
		kind: 'PersistentVolume',
		metadata: {
			name: `pvc-${pvc.metadata.uid}`,
			annotations: {
				[ANN_DYNAMICALLY_PROVISIONED]: DRIVER,
				'volume.kubernetes.io/provisioner-deletion-secret-name': '',
				'volume.kubernetes.io/provisioner-deletion-secret-namespace': ''
			},
			// HonorPVReclaimPolicy: the provisioner deletes the backing volume before the object goes.
			...(reclaim === 'Delete' ? { finalizers: [PROVISIONER_FINALIZER] } : {})
		},
		spec: {
			accessModes: pvc.spec.accessModes,
			capacity: { storage: String(pvc.spec.resources?.requests?.storage ?? '0') },
			claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, resourceVersion: pvc.metadata.resourceVersion },
			csi: { driver: DRIVER, volumeHandle, fsType: 'ext4', volumeAttributes: { 'storage.kubernetes.io/csiProvisionerIdentity': identity } },
			persistentVolumeReclaimPolicy: reclaim,
			storageClassName: sc.metadata.name,
			volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
			...(sc.mountOptions ? { mountOptions: sc.mountOptions } : {}),
			...(affinity ? { nodeAffinity: { required: affinity } } : {})
		}
	};
}

/** A Released PV of ours with reclaim policy Delete: the provisioner deletes the volume and the object. */
export function shouldDelete(pv: PersistentVolume): boolean {
	return pv.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED] === DRIVER && pv.status?.phase === 'Released' && pv.spec.persistentVolumeReclaimPolicy === 'Delete';
}
