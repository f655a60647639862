/**
 * The resources the kubelet and the node controllers address, beyond the controllers' common set.
 *
 * @module
 */
import type { ResourceRef } from '../controllers/types';

export const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false };
export const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true };

/** Where node heartbeats live. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** The Node annotation that stops (`stopped`) or restarts (anything else, or removed) a node's kubelet. */
export const KUBELET_STATE_ANNOTATION = 'sim.converge.dev/kubelet';
