/**
 * NetworkPolicy (networking.k8s.io/v1) evaluated the way an enforcing CNI (Calico, Cilium)
 * applies it to the first packet of a connection:
 *
 * - A pod is isolated for a direction when any policy in its namespace selects it and lists that
 *   direction in `policyTypes` (defaulted like the API server: Ingress always, Egress when
 *   egress rules exist). A non-isolated direction allows everything.
 * - An isolated direction allows a connection when any rule of any selecting policy matches both
 *   its peers (`from`/`to`; empty = every peer) and its ports (empty = every port). Policies are
 *   additive; order never matters.
 * - Peers: `podSelector` alone = pods of the policy's namespace; `namespaceSelector` alone = every
 *   pod of the selected namespaces; both in one entry = AND; `ipBlock` = CIDR minus `except`.
 * - Ports: protocol defaults to TCP; a numeric port with `endPort` is a range; a named port is
 *   resolved on the destination pod's container ports (so it never matches a non-pod).
 * - Traffic into a pod from its own node (kubelet probes) is always allowed: the docs list
 *   blocking "access from their resident node" among what NetworkPolicy cannot do.
 *
 * Decisions where implementations differ (documented in docs/simulation.md):
 * - `ipBlock` matches any address, pod IPs included (Calico's behaviour, and what the upstream
 *   netpol e2e tests rely on with a pod IP /32), though the docs advise cluster-external CIDRs.
 * - hostNetwork pods are never isolated and never match pod or namespace selectors; their
 *   traffic is the node's (the docs' "most common implementation"; an ipBlock can admit it).
 * - Policies see addresses after kube-proxy's DNAT (the chosen backend pod and its targetPort),
 *   as on a real node where the CNI's filter rules run after nat PREROUTING.
 *
 * @module
 */
import { matchesLabels, selectorFromObject, type LabelSelectorObject } from '../kube/label-selector';
import { cidrContains, parseCidr, parseIPv4 } from '../kube/ip-range';
import type { Endpoint, KubeObject, Protocol, Verdict } from './types';

export type Direction = 'Ingress' | 'Egress';

/** A connection's first packet, after DNAT. */
export interface Connection {
	from: Endpoint;
	to: Endpoint;
	port: number;
	protocol: Protocol;
}

/** What a policy check needs besides the connection. */
export interface PolicyInputs {
	policies: KubeObject[];
	/** Namespace labels by name; a missing namespace gets only `kubernetes.io/metadata.name`. */
	namespaceLabels(ns: string): Record<string, string>;
	/** The node IPs of a node (for "traffic from the pod's own node"). */
	nodeIPs?(node: string): string[];
}

/** Both directions' verdicts; the connection passes when both allow it. */
export interface ConnectionVerdict {
	allowed: boolean;
	egress: Verdict;
	ingress: Verdict;
}

const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/** `spec.policyTypes` as the API server defaults it. */
export function policyTypes(np: KubeObject): Direction[] {
	const given = np.spec?.policyTypes as Direction[] | undefined;
	if (given?.length) return given;
	return (np.spec?.egress ?? []).length ? ['Ingress', 'Egress'] : ['Ingress'];
}

function selects(sel: LabelSelectorObject | undefined, labels: Record<string, string> | undefined): boolean {
	try {
		return matchesLabels(selectorFromObject(sel ?? {}), labels);
	} catch {
		return false; // an invalid selector (refused by validation anyway) selects nothing
	}
}

const isHostNetwork = (pod: KubeObject | undefined) => pod?.spec?.hostNetwork === true;

/** The policies that select `pod` for `direction` (its namespace's, by podSelector). */
export function selectingPolicies(pod: KubeObject, direction: Direction, policies: KubeObject[]): KubeObject[] {
	if (isHostNetwork(pod)) return [];
	return policies.filter(
		(np) => np.metadata.namespace === pod.metadata.namespace && policyTypes(np).includes(direction) && selects(np.spec?.podSelector, pod.metadata.labels)
	);
}

/** Does a `from`/`to` entry of policy `np` match the remote end? */
export function peerMatches(peer: Record<string, unknown>, np: KubeObject, remote: Endpoint, inputs: PolicyInputs): boolean {
	const ipBlock = peer.ipBlock as { cidr: string; except?: string[] } | undefined;
	if (ipBlock) return inIpBlock(ipBlock, remote.ip);
	const pod = remote.pod;
	if (!pod || isHostNetwork(pod)) return false;
	const nsSel = peer.namespaceSelector as LabelSelectorObject | undefined;
	const podSel = peer.podSelector as LabelSelectorObject | undefined;
	if (nsSel) {
		if (!selects(nsSel, inputs.namespaceLabels(pod.metadata.namespace!))) return false;
		return podSel ? selects(podSel, pod.metadata.labels) : true;
	}
	if (!podSel) return false;
	return pod.metadata.namespace === np.metadata.namespace && selects(podSel, pod.metadata.labels);
}

/** CIDR containment minus the `except` blocks (IPv4; other families never match). */
export function inIpBlock(block: { cidr: string; except?: string[] }, ip: string): boolean {
	const addr = parseIPv4(ip);
	const cidr = parseCidr(block.cidr);
	if (addr === undefined || !cidr || !cidrContains(cidr, addr)) return false;
	return !(block.except ?? []).some((e) => {
		const ex = parseCidr(e);
		return ex !== undefined && cidrContains(ex, addr);
	});
}

/** Resolves a named port on a pod's containers (the same protocol), or undefined. */
export function namedPort(pod: KubeObject | undefined, name: string, protocol: Protocol): number | undefined {
	for (const c of pod?.spec?.containers ?? []) {
		for (const p of c.ports ?? []) if (p.name === name && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
	}
	return undefined;
}

/** Does a rule's `ports` list admit the connection's destination port? Empty/absent = all ports. */
export function portsMatch(ports: Array<Record<string, unknown>> | undefined, conn: Connection): boolean {
	if (!ports?.length) return true;
	return ports.some((p) => {
		if (((p.protocol as string | undefined) ?? 'TCP') !== conn.protocol) return false;
		if (p.port === undefined || p.port === null) return true;
		if (typeof p.port === 'string' && !/^\d+$/.test(p.port)) return namedPort(conn.to.pod, p.port, conn.protocol) === conn.port;
		const start = Number(p.port);
		const end = typeof p.endPort === 'number' ? p.endPort : start;
		return conn.port >= start && conn.port <= end;
	});
}

const describe = (e: Endpoint) => (e.pod ? `pod ${key(e.pod)} (${e.ip})` : e.ip);

/**
 * One direction's verdict: `Ingress` judges `conn.to` (the pod receiving), `Egress` judges
 * `conn.from` (the pod sending). A non-pod subject has no policies: allowed.
 */
export function evaluateDirection(direction: Direction, conn: Connection, inputs: PolicyInputs): Verdict {
	const subject = direction === 'Ingress' ? conn.to : conn.from;
	const remote = direction === 'Ingress' ? conn.from : conn.to;
	const dir = direction.toLowerCase();
	if (!subject.pod) return { allowed: true, reason: `${subject.ip} is not a pod: no ${dir} policy applies` };
	const selecting = selectingPolicies(subject.pod, direction, inputs.policies);
	if (!selecting.length) return { allowed: true, reason: `no NetworkPolicy selects pod ${key(subject.pod)} for ${dir}: allowed` };
	if (direction === 'Ingress' && fromOwnNode(subject.pod, remote.ip, inputs)) {
		return { allowed: true, reason: `traffic from the pod's own node ${subject.pod.spec.nodeName} is always allowed (kubelet probes)` };
	}
	const field = direction === 'Ingress' ? 'ingress' : 'egress';
	const peers = direction === 'Ingress' ? 'from' : 'to';
	for (const np of [...selecting].sort((a, b) => key(a).localeCompare(key(b)))) {
		const rules = (np.spec?.[field] ?? []) as Array<Record<string, unknown>>;
		for (let i = 0; i < rules.length; i++) {
			const list = rules[i][peers] as Array<Record<string, unknown>> | undefined;
			const peerOk = !list?.length || list.some((p) => peerMatches(p, np, remote, inputs));
			if (peerOk && portsMatch(rules[i].ports as Array<Record<string, unknown>> | undefined, conn)) {
				return { allowed: true, reason: `allowed by NetworkPolicy ${key(np)} (spec.${field}[${i}])`, policy: key(np), rule: `spec.${field}[${i}]` };
			}
		}
	}
	const first = selecting.map(key).sort()[0];
	const more = selecting.length > 1 ? ` and ${selecting.length - 1} more` : '';
	return {
		allowed: false,
		reason: `denied: pod ${key(subject.pod)} is isolated for ${dir} by NetworkPolicy ${first}${more}, and no rule allows ${conn.protocol}/${conn.port} ${peers} ${describe(remote)}`,
		policy: first
	};
}

function fromOwnNode(pod: KubeObject, ip: string, inputs: PolicyInputs): boolean {
	const node = pod.spec?.nodeName as string | undefined;
	return !!node && !!inputs.nodeIPs?.(node).includes(ip);
}

/** Egress at the source, then ingress at the destination. */
export function evaluateConnection(conn: Connection, inputs: PolicyInputs): ConnectionVerdict {
	const egress = evaluateDirection('Egress', conn, inputs);
	const ingress = evaluateDirection('Ingress', conn, inputs);
	return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

/** Policy inputs from plain lists of NetworkPolicies, Namespaces and Nodes. */
export function policyInputs(policies: KubeObject[], namespaces: KubeObject[] = [], nodes: KubeObject[] = []): PolicyInputs {
	const ns = new Map(namespaces.map((n) => [n.metadata.name!, n.metadata.labels ?? {}]));
	const ips = new Map(nodes.map((n) => [n.metadata.name!, ((n.status?.addresses ?? []) as Array<{ type: string; address: string }>).filter((a) => a.type.endsWith('IP')).map((a) => a.address)]));
	return {
		policies,
		namespaceLabels: (name) => ({ 'kubernetes.io/metadata.name': name, ...(ns.get(name) ?? {}) }),
		nodeIPs: (name) => ips.get(name) ?? []
	};
}
