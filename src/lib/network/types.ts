/**
 * What the network simulation reads: plain API objects of one room (as an informer cache or a
 * kubectl list gives them), and the verdict shape every check returns. Pure data, no I/O.
 *
 * @module
 */
import type { KubeObject } from '../controllers/types';

export type { KubeObject };

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** The objects the network checks look at; absent lists count as empty. */
export interface ClusterObjects {
	pods?: KubeObject[];
	namespaces?: KubeObject[];
	nodes?: KubeObject[];
	services?: KubeObject[];
	endpointSlices?: KubeObject[];
	networkPolicies?: KubeObject[];
	ingresses?: KubeObject[];
	ingressClasses?: KubeObject[];
	configMaps?: KubeObject[];
}

/**
 * One end of a connection: a pod (its IP is `status.podIP`) or just an address (a node, a
 * client outside the cluster, a pod IP nobody owns).
 */
export interface Endpoint {
	ip: string;
	pod?: KubeObject;
}

/** A check's outcome, with what decided it (for the tracer's step list and the UI). */
export interface Verdict {
	allowed: boolean;
	/** One sentence: what decided, worded for a learner. */
	reason: string;
	/** `namespace/name` of the NetworkPolicy that decided, if one did. */
	policy?: string;
	/** Field path of the deciding rule (`spec.ingress[0]`), if a rule decided. */
	rule?: string;
}
