/**
 * Table column definitions as kube-apiserver sends them for `kubectl get` (pkg/printers): the
 * name kubectl upper-cases into the header, the type, priority 1 for `-o wide` columns, and the
 * description taken from the field's API documentation.
 *
 * @module
 */
import { KUBE_SCHEMA } from './schema';

export interface TableColumnDefinition {
	name: string;
	type: string;
	format: string;
	description: string;
	priority: number;
}

/** The API documentation of `definition.field` (`io.k8s.api.core.v1.PodStatus`, `podIP`). */
export function fieldDoc(definition: string, field: string): string {
	return KUBE_SCHEMA.definitions[definition]?.properties?.[field]?.description ?? '';
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const BATCH = 'io.k8s.api.batch.v1.';

export const col = (name: string, type: string, description: string, priority = 0, format = ''): TableColumnDefinition => ({
	name,
	type,
	format,
	description,
	priority
});

export const NAME = (): TableColumnDefinition => col('Name', 'string', fieldDoc(META, 'name'), 0, 'name');
export const AGE = (): TableColumnDefinition => col('Age', 'string', fieldDoc(META, 'creationTimestamp'));
const CONTAINERS = () => col('Containers', 'string', 'Names of each container in the template.', 1);
const IMAGES = () => col('Images', 'string', 'Images referenced by each container in the template.', 1);

/** Column definitions per `apiVersion/kind`, in kube's order. */
export const COLUMNS: Record<string, () => TableColumnDefinition[]> = {
	'v1/Pod': () => [
		NAME(),
		col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
		col('Status', 'string', 'The aggregate status of the containers in this pod.'),
		col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
		AGE(),
		col('IP', 'string', fieldDoc(CORE + 'PodStatus', 'podIP'), 1),
		col('Node', 'string', fieldDoc(CORE + 'PodSpec', 'nodeName'), 1),
		col('Nominated Node', 'string', fieldDoc(CORE + 'PodStatus', 'nominatedNodeName'), 1),
		col('Readiness Gates', 'string', fieldDoc(CORE + 'PodSpec', 'readinessGates'), 1)
	],
	'apps/v1/Deployment': () => [
		NAME(),
		col('Ready', 'string', 'Number of the pod with ready state'),
		col('Up-to-date', 'string', fieldDoc(APPS + 'DeploymentStatus', 'updatedReplicas')),
		col('Available', 'string', fieldDoc(APPS + 'DeploymentStatus', 'availableReplicas')),
		AGE(),
		CONTAINERS(),
		IMAGES(),
		col('Selector', 'string', fieldDoc(APPS + 'DeploymentSpec', 'selector'), 1)
	],
	'apps/v1/ReplicaSet': () => [
		NAME(),
		col('Desired', 'integer', fieldDoc(APPS + 'ReplicaSetSpec', 'replicas')),
		col('Current', 'integer', fieldDoc(APPS + 'ReplicaSetStatus', 'replicas')),
		col('Ready', 'integer', fieldDoc(APPS + 'ReplicaSetStatus', 'readyReplicas')),
		AGE(),
		CONTAINERS(),
		IMAGES(),
		col('Selector', 'string', fieldDoc(APPS + 'ReplicaSetSpec', 'selector'), 1)
	],
	'apps/v1/DaemonSet': () => [
		NAME(),
		col('Desired', 'integer', fieldDoc(APPS + 'DaemonSetStatus', 'desiredNumberScheduled')),
		col('Current', 'integer', fieldDoc(APPS + 'DaemonSetStatus', 'currentNumberScheduled')),
		col('Ready', 'integer', fieldDoc(APPS + 'DaemonSetStatus', 'numberReady')),
		col('Up-to-date', 'integer', fieldDoc(APPS + 'DaemonSetStatus', 'updatedNumberScheduled')),
		col('Available', 'integer', fieldDoc(APPS + 'DaemonSetStatus', 'numberAvailable')),
		col('Node Selector', 'string', fieldDoc(CORE + 'PodSpec', 'nodeSelector')),
		AGE(),
		CONTAINERS(),
		IMAGES(),
		col('Selector', 'string', fieldDoc(APPS + 'DaemonSetSpec', 'selector'), 1)
	],
	'apps/v1/StatefulSet': () => [NAME(), col('Ready', 'string', 'Number of the pod with ready state'), AGE(), CONTAINERS(), IMAGES()],
	'apps/v1/ControllerRevision': () => [NAME(), col('Controller', 'string', 'Controller of the object'), col('Revision', 'integer', fieldDoc(APPS + 'ControllerRevision', 'revision')), AGE()],
	'batch/v1/Job': () => [
		NAME(),
		col('Status', 'string', 'Status of the job.'),
		col('Completions', 'string', fieldDoc(BATCH + 'JobStatus', 'succeeded')),
		col('Duration', 'string', 'Time required to complete the job.'),
		AGE(),
		CONTAINERS(),
		IMAGES(),
		col('Selector', 'string', fieldDoc(BATCH + 'JobSpec', 'selector'), 1)
	],
	'batch/v1/CronJob': () => [
		NAME(),
		col('Schedule', 'string', fieldDoc(BATCH + 'CronJobSpec', 'schedule')),
		col('Timezone', 'string', fieldDoc(BATCH + 'CronJobSpec', 'timeZone')),
		col('Suspend', 'boolean', fieldDoc(BATCH + 'CronJobSpec', 'suspend')),
		col('Active', 'integer', fieldDoc(BATCH + 'CronJobStatus', 'active')),
		col('Last Schedule', 'string', fieldDoc(BATCH + 'CronJobStatus', 'lastScheduleTime')),
		AGE(),
		CONTAINERS(),
		IMAGES(),
		col('Selector', 'string', fieldDoc(BATCH + 'JobSpec', 'selector'), 1)
	],
	'v1/Service': () => [
		NAME(),
		col('Type', 'string', fieldDoc(CORE + 'ServiceSpec', 'type')),
		col('Cluster-IP', 'string', fieldDoc(CORE + 'ServiceSpec', 'clusterIP')),
		col('External-IP', 'string', fieldDoc(CORE + 'ServiceSpec', 'externalIPs')),
		col('Port(s)', 'string', fieldDoc(CORE + 'ServiceSpec', 'ports')),
		AGE(),
		col('Selector', 'string', fieldDoc(CORE + 'ServiceSpec', 'selector'), 1)
	],
	'v1/Node': () => [
		NAME(),
		col('Status', 'string', 'The status of the node'),
		col('Roles', 'string', 'The roles of the node'),
		AGE(),
		col('Version', 'string', fieldDoc(CORE + 'NodeSystemInfo', 'kubeletVersion')),
		col('Internal-IP', 'string', fieldDoc(CORE + 'NodeStatus', 'addresses'), 1),
		col('External-IP', 'string', fieldDoc(CORE + 'NodeStatus', 'addresses'), 1),
		col('OS-Image', 'string', fieldDoc(CORE + 'NodeSystemInfo', 'osImage'), 1),
		col('Kernel-Version', 'string', fieldDoc(CORE + 'NodeSystemInfo', 'kernelVersion'), 1),
		col('Container-Runtime', 'string', fieldDoc(CORE + 'NodeSystemInfo', 'containerRuntimeVersion'), 1)
	],
	'v1/Event': () => [
		col('Last Seen', 'string', fieldDoc(CORE + 'Event', 'lastTimestamp')),
		col('Type', 'string', fieldDoc(CORE + 'Event', 'type')),
		col('Reason', 'string', fieldDoc(CORE + 'Event', 'reason')),
		col('Object', 'string', fieldDoc(CORE + 'Event', 'involvedObject')),
		col('Subobject', 'string', fieldDoc(CORE + 'ObjectReference', 'fieldPath'), 1),
		col('Source', 'string', fieldDoc(CORE + 'Event', 'source'), 1),
		col('Message', 'string', fieldDoc(CORE + 'Event', 'message')),
		col('First Seen', 'string', fieldDoc(CORE + 'Event', 'firstTimestamp'), 1),
		col('Count', 'string', fieldDoc(CORE + 'Event', 'count'), 1),
		col('Name', 'string', fieldDoc(META, 'name'), 1, 'name')
	],
	'v1/Namespace': () => [NAME(), col('Status', 'string', 'The status of the namespace'), AGE()],
	'v1/Secret': () => [NAME(), col('Type', 'string', fieldDoc(CORE + 'Secret', 'type')), col('Data', 'string', fieldDoc(CORE + 'Secret', 'data')), AGE()],
	'v1/ConfigMap': () => [NAME(), col('Data', 'string', fieldDoc(CORE + 'ConfigMap', 'data')), AGE()],
	'v1/ServiceAccount': () => [NAME(), col('Secrets', 'string', fieldDoc(CORE + 'ServiceAccount', 'secrets')), AGE()],
	'v1/Endpoints': () => [NAME(), col('Endpoints', 'string', fieldDoc(CORE + 'Endpoints', 'subsets')), AGE()],
	'discovery.k8s.io/v1/EndpointSlice': () => [
		NAME(),
		col('AddressType', 'string', fieldDoc('io.k8s.api.discovery.v1.EndpointSlice', 'addressType')),
		col('Ports', 'string', fieldDoc('io.k8s.api.discovery.v1.EndpointSlice', 'ports')),
		col('Endpoints', 'string', fieldDoc('io.k8s.api.discovery.v1.EndpointSlice', 'endpoints')),
		AGE()
	],
	'coordination.k8s.io/v1/Lease': () => [NAME(), col('Holder', 'string', fieldDoc('io.k8s.api.coordination.v1.LeaseSpec', 'holderIdentity')), AGE()],
	'policy/v1/PodDisruptionBudget': () => [
		NAME(),
		col('Min Available', 'string', 'The minimum number of pods that must be available.'),
		col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
		col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
		AGE()
	],
	'networking.k8s.io/v1/NetworkPolicy': () => [NAME(), col('Pod-Selector', 'string', fieldDoc('io.k8s.api.networking.v1.NetworkPolicySpec', 'podSelector')), AGE()],
	'networking.k8s.io/v1/Ingress': () => [
		NAME(),
		col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
		col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
		col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
		col('Ports', 'string', 'Ports of TLS configurations that open'),
		AGE()
	],
	'networking.k8s.io/v1/IngressClass': () => [
		NAME(),
		col('Controller', 'string', 'Controller that is responsible for handling this class'),
		col('Parameters', 'string', 'A reference to a resource with additional parameters'),
		AGE()
	],
	'v1/PersistentVolumeClaim': () => [
		NAME(),
		col('Status', 'string', fieldDoc(CORE + 'PersistentVolumeClaimStatus', 'phase')),
		col('Volume', 'string', fieldDoc(CORE + 'PersistentVolumeClaimSpec', 'volumeName')),
		col('Capacity', 'string', fieldDoc(CORE + 'PersistentVolumeClaimStatus', 'capacity')),
		col('Access Modes', 'string', fieldDoc(CORE + 'PersistentVolumeClaimStatus', 'accessModes')),
		col('StorageClass', 'string', 'StorageClass of the pvc'),
		col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
		AGE(),
		col('VolumeMode', 'string', fieldDoc(CORE + 'PersistentVolumeClaimSpec', 'volumeMode'), 1)
	],
	'v1/PersistentVolume': () => [
		NAME(),
		col('Capacity', 'string', fieldDoc(CORE + 'PersistentVolumeSpec', 'capacity')),
		col('Access Modes', 'string', fieldDoc(CORE + 'PersistentVolumeSpec', 'accessModes')),
		col('Reclaim Policy', 'string', fieldDoc(CORE + 'PersistentVolumeSpec', 'persistentVolumeReclaimPolicy')),
		col('Status', 'string', fieldDoc(CORE + 'PersistentVolumeStatus', 'phase')),
		col('Claim', 'string', fieldDoc(CORE + 'PersistentVolumeSpec', 'claimRef')),
		col('StorageClass', 'string', 'StorageClass of the pv'),
		col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
		col('Reason', 'string', fieldDoc(CORE + 'PersistentVolumeStatus', 'reason')),
		AGE(),
		col('VolumeMode', 'string', fieldDoc(CORE + 'PersistentVolumeSpec', 'volumeMode'), 1)
	],
	'storage.k8s.io/v1/StorageClass': () => [
		NAME(),
		col('Provisioner', 'string', fieldDoc('io.k8s.api.storage.v1.StorageClass', 'provisioner')),
		col('ReclaimPolicy', 'string', fieldDoc('io.k8s.api.storage.v1.StorageClass', 'reclaimPolicy')),
		col('VolumeBindingMode', 'string', fieldDoc('io.k8s.api.storage.v1.StorageClass', 'volumeBindingMode')),
		col('AllowVolumeExpansion', 'string', fieldDoc('io.k8s.api.storage.v1.StorageClass', 'allowVolumeExpansion')),
		AGE()
	],
	'storage.k8s.io/v1/CSINode': () => [NAME(), col('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), AGE()],
	'storage.k8s.io/v1/CSIDriver': () => [
		NAME(),
		col('AttachRequired', 'boolean', fieldDoc('io.k8s.api.storage.v1.CSIDriverSpec', 'attachRequired')),
		col('PodInfoOnMount', 'boolean', fieldDoc('io.k8s.api.storage.v1.CSIDriverSpec', 'podInfoOnMount')),
		col('StorageCapacity', 'boolean', fieldDoc('io.k8s.api.storage.v1.CSIDriverSpec', 'storageCapacity')),
		col('TokenRequests', 'string', fieldDoc('io.k8s.api.storage.v1.CSIDriverSpec', 'tokenRequests')),
		col('RequiresRepublish', 'boolean', fieldDoc('io.k8s.api.storage.v1.CSIDriverSpec', 'requiresRepublish')),
		col('Modes', 'string', fieldDoc('io.k8s.api.storage.v1.CSIDriverSpec', 'volumeLifecycleModes')),
		AGE()
	],
	'scheduling.k8s.io/v1/PriorityClass': () => [
		NAME(),
		col('Value', 'integer', fieldDoc('io.k8s.api.scheduling.v1.PriorityClass', 'value')),
		col('Global-Default', 'boolean', fieldDoc('io.k8s.api.scheduling.v1.PriorityClass', 'globalDefault')),
		AGE(),
		col('PreemptionPolicy', 'string', fieldDoc('io.k8s.api.scheduling.v1.PriorityClass', 'preemptionPolicy'))
	],
	'v1/ResourceQuota': () => [
		NAME(),
		AGE(),
		col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
		col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.')
	]
};

/** kube's default table (no printer): Name and Created At (a date, printed as RFC 3339). */
export const DEFAULT_COLUMNS = (): TableColumnDefinition[] => [NAME(), col('Created At', 'date', fieldDoc(META, 'creationTimestamp'))];
