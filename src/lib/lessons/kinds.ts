/**
 * The kinds a lesson's checks may name, as the API addresses them.
 *
 * @module
 */
import type { ResourceRef } from '../controllers/types';
import { DECISION_GROUP, DECISION_KIND, DECISION_PLURAL, DECISION_VERSION } from '../scheduler/decision-record';

const ref = (group: string, version: string, resource: string, kind: string, namespaced = true): ResourceRef => ({ group, version, resource, kind, namespaced });

export const CHECK_KINDS: Record<string, ResourceRef> = Object.fromEntries(
	[
		ref('', 'v1', 'pods', 'Pod'),
		ref('', 'v1', 'nodes', 'Node', false),
		ref('', 'v1', 'namespaces', 'Namespace', false),
		ref('', 'v1', 'services', 'Service'),
		ref('', 'v1', 'events', 'Event'),
		ref('', 'v1', 'configmaps', 'ConfigMap'),
		ref('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'),
		ref('apps', 'v1', 'deployments', 'Deployment'),
		ref('apps', 'v1', 'replicasets', 'ReplicaSet'),
		ref('apps', 'v1', 'daemonsets', 'DaemonSet'),
		ref('apps', 'v1', 'statefulsets', 'StatefulSet'),
		ref('batch', 'v1', 'jobs', 'Job'),
		ref('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
		ref('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy'),
		ref('networking.k8s.io', 'v1', 'ingresses', 'Ingress'),
		ref('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget'),
		ref('coordination.k8s.io', 'v1', 'leases', 'Lease'),
		ref(DECISION_GROUP, DECISION_VERSION, DECISION_PLURAL, DECISION_KIND)
	].map((r) => [r.kind, r])
);

export const KIND = (kind: string): ResourceRef => {
	const r = CHECK_KINDS[kind];
	if (!r) throw new RangeError(`unknown kind "${kind}" in a check; one of: ${Object.keys(CHECK_KINDS).join(', ')}`);
	return r;
};

/** What the network checks (VIP tables, connections) read. */
export const NETWORK_KINDS = ['Pod', 'Namespace', 'Node', 'Service', 'EndpointSlice', 'NetworkPolicy', 'ConfigMap'];
