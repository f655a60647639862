/**
 * One service port on one node: pkg/proxy/topology.go `CategorizeEndpoints` (ready endpoints,
 * falling back to serving+terminating separately for the Cluster and Local sets; zone hints only
 * when every ready endpoint has one and one is for this node's zone), then the VIPs with the
 * traffic-policy decisions the iptables proxier derives (REJECT / DROP, short-circuit, masquerade).
 *
 * @module
 */
import { iptablesEndpointChain, nftEndpointChain } from './names';
import type { Backend, EndpointInfo, MasqueradeDecision, NodeServicePort, ProxyConfig, ServicePortInfo, VipEntry } from './types';

const servingTerminating = (ep: EndpointInfo) => ep.serving && ep.terminating;

/** `topologyModeFromHints` (zone hints): true when the cluster endpoints are filtered by zone. */
export function zoneHintsApply(endpoints: EndpointInfo[], zone: string | undefined): boolean {
	let anyReady = false;
	let forZone = false;
	for (const ep of endpoints) {
		if (!ep.ready) continue;
		anyReady = true;
		if (!ep.zoneHints) return false;
		if (zone !== undefined && ep.zoneHints.includes(zone)) forZone = true;
	}
	return anyReady && forZone;
}

/** Every ready endpoint has a zone hint: the result may differ by zone. */
export function allReadyHinted(endpoints: EndpointInfo[]): boolean {
	let anyReady = false;
	for (const ep of endpoints) {
		if (!ep.ready) continue;
		anyReady = true;
		if (!ep.zoneHints) return false;
	}
	return anyReady;
}

export interface Categorized {
	clusterEndpoints: EndpointInfo[];
	localEndpoints: EndpointInfo[];
	allReachable: EndpointInfo[];
	hasEndpoints: boolean;
	topologyApplied: boolean;
}

export function categorizeEndpoints(info: ServicePortInfo, nodeName: string, zone: string | undefined): Categorized {
	const eps = info.endpoints;
	let clusterEndpoints: EndpointInfo[] = [];
	let localEndpoints: EndpointInfo[] = [];
	let hasEndpoints = false;
	let topologyApplied = false;
	if (eps.length === 0) return { clusterEndpoints, localEndpoints, allReachable: [], hasEndpoints, topologyApplied };
	if (info.usesCluster) {
		topologyApplied = zoneHintsApply(eps, zone);
		clusterEndpoints = eps.filter((ep) => ep.ready && (!topologyApplied || ep.zoneHints!.includes(zone!)));
		// No ready endpoint anywhere: fall back to serving+terminating ones, ignoring topology.
		if (clusterEndpoints.length === 0) clusterEndpoints = eps.filter(servingTerminating);
		hasEndpoints = clusterEndpoints.length > 0;
	}
	if (!info.usesLocal) return { clusterEndpoints, localEndpoints, allReachable: clusterEndpoints, hasEndpoints, topologyApplied };
	let localReady = false;
	let localTerminating = false;
	for (const ep of eps) {
		if (ep.ready || servingTerminating(ep)) hasEndpoints = true;
		if (ep.nodeName !== nodeName) continue;
		if (ep.ready) localReady = true;
		else if (servingTerminating(ep)) localTerminating = true;
	}
	if (localReady) localEndpoints = eps.filter((ep) => ep.nodeName === nodeName && ep.ready);
	else if (localTerminating) localEndpoints = eps.filter((ep) => ep.nodeName === nodeName && servingTerminating(ep));
	if (!info.usesCluster) return { clusterEndpoints, localEndpoints, allReachable: localEndpoints, hasEndpoints, topologyApplied };
	if (!topologyApplied && !localTerminating) return { clusterEndpoints, localEndpoints, allReachable: clusterEndpoints, hasEndpoints, topologyApplied };
	const union = new Set([...clusterEndpoints, ...localEndpoints]);
	return { clusterEndpoints, localEndpoints, allReachable: eps.filter((ep) => union.has(ep)), hasEndpoints, topologyApplied };
}

/** Endpoint chain names, hashed once per endpoint (an EndpointInfo belongs to one service port). */
const iptNames = new WeakMap<EndpointInfo, string>();
const nftNames = new WeakMap<EndpointInfo, string>();

function cached(cache: WeakMap<EndpointInfo, string>, ep: EndpointInfo, make: () => string): string {
	let n = cache.get(ep);
	if (n === undefined) cache.set(ep, (n = make()));
	return n;
}

/** Chain names are hashed on first read: computing tables needs none, rendering needs them. */
class LazyBackend implements Backend {
	constructor(
		readonly endpoint: EndpointInfo,
		readonly probability: number,
		private readonly info: ServicePortInfo
	) {}
	get chain(): string {
		const { info, endpoint: ep } = this;
		return cached(iptNames, ep, () => iptablesEndpointChain(info.name, info.protocol, ep.endpoint));
	}
	get nftChain(): string {
		const { info, endpoint: ep } = this;
		return cached(nftNames, ep, () => nftEndpointChain(info.namespace, info.service, info.protocol, info.portName, ep.ip, ep.port));
	}
	toJSON(): Backend {
		return { endpoint: this.endpoint, probability: this.probability, chain: this.chain, nftChain: this.nftChain };
	}
}

function backends(info: ServicePortInfo, eps: EndpointInfo[]): Backend[] {
	const share = eps.length ? 1 / eps.length : 0;
	return eps.map((endpoint) => new LazyBackend(endpoint, share, info));
}

/** The node's entry for one service port. Node-independent unless a Local policy or zone hints apply. */
export function nodeServicePort(info: ServicePortInfo, nodeName: string, zone: string | undefined, config: ProxyConfig): NodeServicePort {
	const c = categorizeEndpoints(info, nodeName, zone);
	const cluster = backends(info, c.clusterEndpoints);
	const local = backends(info, c.localEndpoints);
	const vips: VipEntry[] = [];
	const internal: MasqueradeDecision = { always: config.masqueradeAll, offCluster: !config.masqueradeAll && config.clusterCIDR !== '', nodeLocal: false, hairpin: true };
	vips.push({
		kind: 'ClusterIP',
		ip: info.clusterIP,
		port: info.port,
		protocol: info.protocol,
		policy: info.internalTrafficPolicy,
		verdict: !c.hasEndpoints ? 'reject' : info.internalLocal && local.length === 0 ? 'drop' : 'forward',
		backends: info.internalLocal ? local : cluster,
		masquerade: internal
	});
	if (info.externallyAccessible) {
		const external: MasqueradeDecision = info.externalLocal
			? { always: false, offCluster: false, nodeLocal: true, hairpin: true }
			: { always: true, offCluster: false, nodeLocal: false, hairpin: true };
		const base = {
			protocol: info.protocol,
			policy: info.externalTrafficPolicy,
			verdict: (!c.hasEndpoints ? 'reject' : info.externalLocal && local.length === 0 ? 'drop' : 'forward') as VipEntry['verdict'],
			backends: info.externalLocal ? local : cluster,
			shortCircuit: info.externalLocal && c.hasEndpoints ? cluster : undefined,
			masquerade: external
		};
		for (const ip of info.externalIPs) vips.push({ kind: 'ExternalIP', ip, port: info.port, ...base });
		for (const ip of info.loadBalancerIPs)
			vips.push({ kind: 'LoadBalancer', ip, port: info.port, ...base, ...(info.loadBalancerSourceRanges.length ? { sourceRanges: info.loadBalancerSourceRanges } : {}) });
		if (info.nodePort) vips.push({ kind: 'NodePort', ip: '', port: info.nodePort, ...base });
	}
	return { info, ...c, vips };
}
