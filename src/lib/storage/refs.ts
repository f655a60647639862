/**
 * The storage resources as the controllers' clients address them.
 *
 * @module
 */
import { RESOURCES, type ResourceRef } from '../controllers/types';

const ref = (group: string, resource: string, kind: string, namespaced: boolean): ResourceRef => ({ group, version: 'v1', resource, kind, namespaced });

export const STORAGE = {
	pods: RESOURCES.pods,
	nodes: ref('', 'nodes', 'Node', false),
	pvcs: ref('', 'persistentvolumeclaims', 'PersistentVolumeClaim', true),
	pvs: ref('', 'persistentvolumes', 'PersistentVolume', false),
	storageClasses: ref('storage.k8s.io', 'storageclasses', 'StorageClass', false),
	csiNodes: ref('storage.k8s.io', 'csinodes', 'CSINode', false),
	csiDrivers: ref('storage.k8s.io', 'csidrivers', 'CSIDriver', false)
} satisfies Record<string, ResourceRef>;
