/**
 * The resources the room's views read and write, as `ResourceRef`s.
 *
 * @module
 */
import { RESOURCES, type ResourceRef } from '../controllers/types';
import { DECISION_GROUP, DECISION_KIND, DECISION_PLURAL, DECISION_VERSION } from '../scheduler/decision-record';

const ref = (group: string, version: string, resource: string, kind: string, namespaced: boolean): ResourceRef => ({ group, version, resource, kind, namespaced });

export const UI_RESOURCES = {
	...RESOURCES,
	nodes: ref('', 'v1', 'nodes', 'Node', false),
	services: ref('', 'v1', 'services', 'Service', true),
	endpointslices: ref('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
	pdbs: ref('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true),
	daemonsets: ref('apps', 'v1', 'daemonsets', 'DaemonSet', true),
	statefulsets: ref('apps', 'v1', 'statefulsets', 'StatefulSet', true),
	decisions: ref(DECISION_GROUP, DECISION_VERSION, DECISION_PLURAL, DECISION_KIND, true)
} satisfies Record<string, ResourceRef>;
