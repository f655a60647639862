/**
 * Resources the garbage collector, namespace, endpoints and workload controllers address beyond
 * the common ones in `types.ts`.
 *
 * @module
 */
import type { ResourceRef } from './types';

const ref = (group: string, version: string, resource: string, kind: string, namespaced = true): ResourceRef => ({ group, version, resource, kind, namespaced });

export const REFS = {
	crds: ref('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
	nodes: ref('', 'v1', 'nodes', 'Node', false),
	services: ref('', 'v1', 'services', 'Service'),
	endpoints: ref('', 'v1', 'endpoints', 'Endpoints'),
	endpointslices: ref('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
	persistentvolumeclaims: ref('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'),
	daemonsets: ref('apps', 'v1', 'daemonsets', 'DaemonSet'),
	statefulsets: ref('apps', 'v1', 'statefulsets', 'StatefulSet'),
	controllerrevisions: ref('apps', 'v1', 'controllerrevisions', 'ControllerRevision'),
	jobs: ref('batch', 'v1', 'jobs', 'Job'),
	cronjobs: ref('batch', 'v1', 'cronjobs', 'CronJob'),
	poddisruptionbudgets: ref('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget')
} satisfies Record<string, ResourceRef>;
