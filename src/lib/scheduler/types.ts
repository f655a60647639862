/**
 * The slices of Kubernetes objects the scheduler reads, as the API serves them (JSON). Only the
 * fields the default plugins look at are typed; everything else passes through untouched.
 *
 * @module
 */

export interface ObjectMeta {
	name: string;
	namespace?: string;
	uid?: string;
	labels?: Record<string, string>;
	annotations?: Record<string, string>;
	creationTimestamp?: string;
	deletionTimestamp?: string;
	resourceVersion?: string;
}

export type ResourceList = Record<string, string | number>;

export interface ContainerPort {
	containerPort: number;
	hostPort?: number;
	hostIP?: string;
	protocol?: string;
}

export interface Container {
	name: string;
	image?: string;
	ports?: ContainerPort[];
	resources?: { requests?: ResourceList; limits?: ResourceList };
	/** `Always` on an init container makes it a sidecar (restartable init container). */
	restartPolicy?: string;
}

export interface Toleration {
	key?: string;
	operator?: 'Exists' | 'Equal' | string;
	value?: string;
	effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | '' | string;
	tolerationSeconds?: number;
}

export interface NodeSelectorRequirement {
	key: string;
	operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | string;
	values?: string[];
}

export interface NodeSelectorTerm {
	matchExpressions?: NodeSelectorRequirement[];
	matchFields?: NodeSelectorRequirement[];
}

export interface NodeSelector {
	nodeSelectorTerms: NodeSelectorTerm[];
}

export interface LabelSelector {
	matchLabels?: Record<string, string>;
	matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface PodAffinityTerm {
	labelSelector?: LabelSelector | null;
	namespaces?: string[];
	namespaceSelector?: LabelSelector | null;
	topologyKey: string;
	matchLabelKeys?: string[];
	mismatchLabelKeys?: string[];
}

export interface WeightedPodAffinityTerm {
	weight: number;
	podAffinityTerm: PodAffinityTerm;
}

export interface PodAffinity {
	requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
	preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
}

export interface Affinity {
	nodeAffinity?: {
		requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
		preferredDuringSchedulingIgnoredDuringExecution?: Array<{ weight: number; preference: NodeSelectorTerm }>;
	};
	podAffinity?: PodAffinity;
	podAntiAffinity?: PodAffinity;
}

export interface TopologySpreadConstraint {
	maxSkew: number;
	topologyKey: string;
	whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway' | string;
	labelSelector?: LabelSelector | null;
	minDomains?: number;
	nodeAffinityPolicy?: 'Honor' | 'Ignore' | string;
	nodeTaintsPolicy?: 'Honor' | 'Ignore' | string;
	matchLabelKeys?: string[];
}

export interface Volume {
	name: string;
	persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
	ephemeral?: unknown;
	gcePersistentDisk?: { pdName: string; readOnly?: boolean };
	awsElasticBlockStore?: { volumeID: string; readOnly?: boolean };
	iscsi?: { targetPortal: string; iqn: string; lun: number; readOnly?: boolean };
	rbd?: { monitors: string[]; pool?: string; image: string; readOnly?: boolean };
	[k: string]: unknown;
}

export interface PodSpec {
	nodeName?: string;
	nodeSelector?: Record<string, string>;
	affinity?: Affinity;
	tolerations?: Toleration[];
	containers: Container[];
	initContainers?: Container[];
	overhead?: ResourceList;
	priority?: number;
	priorityClassName?: string;
	preemptionPolicy?: 'PreemptLowerPriority' | 'Never' | string;
	schedulerName?: string;
	schedulingGates?: Array<{ name: string }>;
	topologySpreadConstraints?: TopologySpreadConstraint[];
	volumes?: Volume[];
}

export interface PodStatus {
	phase?: string;
	nominatedNodeName?: string;
	startTime?: string;
	conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
}

export interface Pod {
	apiVersion?: string;
	kind?: string;
	metadata: ObjectMeta & { ownerReferences?: Array<{ apiVersion?: string; kind: string; name: string; uid?: string; controller?: boolean }> };
	spec: PodSpec;
	status?: PodStatus;
}

export interface Taint {
	key: string;
	value?: string;
	effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
}

export interface Node {
	apiVersion?: string;
	kind?: string;
	metadata: ObjectMeta;
	spec?: { unschedulable?: boolean; taints?: Taint[]; podCIDR?: string };
	status?: {
		capacity?: ResourceList;
		allocatable?: ResourceList;
		images?: Array<{ names?: string[]; sizeBytes?: number }>;
	};
}

export interface PersistentVolumeClaim {
	metadata: ObjectMeta;
	spec: {
		storageClassName?: string | null;
		volumeName?: string;
		accessModes?: string[];
		resources?: { requests?: ResourceList };
	};
	status?: { phase?: string };
}

export interface PersistentVolume {
	metadata: ObjectMeta;
	spec: {
		storageClassName?: string;
		capacity?: ResourceList;
		accessModes?: string[];
		claimRef?: { namespace?: string; name?: string; uid?: string };
		nodeAffinity?: { required?: NodeSelector };
	};
	status?: { phase?: string };
}

export interface StorageClass {
	metadata: ObjectMeta;
	provisioner: string;
	volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer' | string;
	allowedTopologies?: Array<{ matchLabelExpressions?: Array<{ key: string; values: string[] }> }>;
}

/** storage.k8s.io/v1 CSINode: the drivers registered on a node and their attach limits. */
export interface CSINode {
	metadata: ObjectMeta;
	spec: { drivers?: Array<{ name: string; nodeID?: string; allocatable?: { count?: number } }> };
}

export interface PodDisruptionBudget {
	metadata: ObjectMeta;
	spec: { selector?: LabelSelector | null };
	status?: { disruptionsAllowed?: number; disruptedPods?: Record<string, string> };
}

export interface Namespace {
	metadata: ObjectMeta;
}

/** Anything with a label selector that selects pods for the system default spreading. */
export interface PodSelectingObject {
	kind: 'Service' | 'ReplicationController' | 'ReplicaSet' | 'StatefulSet' | string;
	metadata: ObjectMeta;
	/** Service / ReplicationController: a plain map; ReplicaSet / StatefulSet: a LabelSelector. */
	spec: { selector?: Record<string, string> | LabelSelector | null };
}

/** The object POSTed to `pods/<name>/binding`. */
export interface Binding {
	apiVersion: 'v1';
	kind: 'Binding';
	metadata: { name: string; namespace: string; uid?: string };
	target: { kind: 'Node'; name: string };
}
