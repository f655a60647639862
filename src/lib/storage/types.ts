/**
 * The storage objects as the PV controller, the external provisioner and the scheduler's volume
 * plugins read them (JSON as the API serves it), and the well-known names they share: the
 * annotations of pkg/controller/volume/persistentvolume/util and external-provisioner.
 *
 * @module
 */

export interface Meta {
	name: string;
	namespace?: string;
	uid?: string;
	resourceVersion?: string;
	labels?: Record<string, string>;
	annotations?: Record<string, string>;
	creationTimestamp?: string;
	deletionTimestamp?: string;
	finalizers?: string[];
	ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
}

export interface SelectorRequirement {
	key: string;
	operator: string;
	values?: string[];
}

export interface NodeSelector {
	nodeSelectorTerms: Array<{ matchExpressions?: SelectorRequirement[]; matchFields?: SelectorRequirement[] }>;
}

export interface ClaimRef {
	apiVersion?: string;
	kind?: string;
	namespace?: string;
	name?: string;
	uid?: string;
	resourceVersion?: string;
}

export interface PersistentVolumeClaim {
	apiVersion?: string;
	kind?: string;
	metadata: Meta;
	spec: {
		storageClassName?: string | null;
		volumeName?: string;
		accessModes?: string[];
		volumeMode?: string;
		selector?: { matchLabels?: Record<string, string>; matchExpressions?: SelectorRequirement[] } | null;
		resources?: { requests?: Record<string, string | number> };
	};
	status?: { phase?: string; accessModes?: string[]; capacity?: Record<string, string | number> };
}

export interface PersistentVolume {
	apiVersion?: string;
	kind?: string;
	metadata: Meta;
	spec: {
		storageClassName?: string;
		capacity?: Record<string, string | number>;
		accessModes?: string[];
		volumeMode?: string;
		claimRef?: ClaimRef | null;
		persistentVolumeReclaimPolicy?: string;
		nodeAffinity?: { required?: NodeSelector };
		csi?: { driver: string; volumeHandle: string; fsType?: string; volumeAttributes?: Record<string, string> };
		[k: string]: unknown;
	};
	status?: { phase?: string; message?: string; reason?: string; lastPhaseTransitionTime?: string };
}

export interface StorageClass {
	apiVersion?: string;
	kind?: string;
	metadata: Meta;
	provisioner: string;
	parameters?: Record<string, string>;
	reclaimPolicy?: string;
	volumeBindingMode?: string;
	mountOptions?: string[];
	allowedTopologies?: Array<{ matchLabelExpressions?: Array<{ key: string; values: string[] }> }>;
}

export interface CSINode {
	apiVersion?: string;
	kind?: string;
	metadata: Meta;
	spec: { drivers: Array<{ name: string; nodeID: string; topologyKeys?: string[] | null; allocatable?: { count?: number } }> };
}

export interface Node {
	metadata: Meta;
}

/** pv.kubernetes.io/bind-completed: the claim went through its first binding (value unused). */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** pv.kubernetes.io/bound-by-controller: the controller, not the user, made this half of the binding. */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** pv.kubernetes.io/provisioned-by: the provisioner that created the PV. */
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
/** external-provisioner's finalizer on the PVs it created (deleted volume first, object last). */
export const PROVISIONER_FINALIZER = 'external-provisioner.volume.kubernetes.io/finalizer';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

/** A read-only keyed view (a Map, or an informer cache overlaid with the controller's own writes). */
export interface Lookup<T> {
	get(key: string): T | undefined;
	values(): Iterable<T>;
}

/** StorageObjectInUseProtection: a claim used by a pod, or a Bound volume, is not deleted yet. */
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';
