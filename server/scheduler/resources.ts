/**
 * The resources kube-scheduler reads and writes, as the controllers' client addresses them.
 *
 * @module
 */
import { RESOURCES, type ResourceRef } from '../../src/lib/controllers/types';
import { DECISION_GROUP, DECISION_KIND, DECISION_PLURAL, DECISION_VERSION } from '../../src/lib/scheduler/decision-record';

const ref = (group: string, version: string, resource: string, kind: string, namespaced: boolean): ResourceRef => ({ group, version, resource, kind, namespaced });

export const R = {
	pods: RESOURCES.pods,
	namespaces: RESOURCES.namespaces,
	configmaps: RESOURCES.configmaps,
	replicasets: RESOURCES.replicasets,
	nodes: ref('', 'v1', 'nodes', 'Node', false),
	services: ref('', 'v1', 'services', 'Service', true),
	pvcs: ref('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true),
	pvs: ref('', 'v1', 'persistentvolumes', 'PersistentVolume', false),
	storageClasses: ref('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false),
	csiNodes: ref('storage.k8s.io', 'v1', 'csinodes', 'CSINode', false),
	statefulsets: ref('apps', 'v1', 'statefulsets', 'StatefulSet', true),
	pdbs: ref('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true),
	priorityClasses: ref('scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false),
	crds: ref('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
	decisions: ref(DECISION_GROUP, DECISION_VERSION, DECISION_PLURAL, DECISION_KIND, true)
} satisfies Record<string, ResourceRef>;
