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
const isReady = (ep: EndpointInfo) => ep.ready;

/**
 * kube-proxy's `IsLocal` (the endpoint's nodeName is this node's hostname). Not stored on a
 * `Backend`: an entry is shared by every node where it is identical, so locality is asked with
 * the node at hand; every reader (renderings, JSON, Network view, tracer) asks here.
 */
export const isLocalEndpoint = (ep: EndpointInfo, nodeName: string): boolean => !!nodeName && ep.nodeName === nodeName;

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
		// Usually every endpoint is ready: share the list instead of copying it.
		clusterEndpoints = !topologyApplied && eps.every(isReady) ? eps : eps.filter((ep) => ep.ready && (!topologyApplied || ep.zoneHints!.includes(zone!)));
		// No ready endpoint anywhere: fall back to serving+terminating ones, ignoring topology.
		if (clusterEndpoints.length === 0) clusterEndpoints = eps.filter(servingTerminating);
		hasEndpoints = clusterEndpoints.length > 0;
	}
	if (!info.usesLocal) return { clusterEndpoints, localEndpoints, allReachable: clusterEndpoints, hasEndpoints, topologyApplied };
	let localReady = false;
	let localTerminating = false;
	for (const ep of eps) {
		if (ep.ready || servingTerminating(ep)) hasEndpoints = true;
		if (!isLocalEndpoint(ep, nodeName)) continue;
		if (ep.ready) localReady = true;
		else if (servingTerminating(ep)) localTerminating = true;
	}
	if (localReady) localEndpoints = eps.filter((ep) => isLocalEndpoint(ep, nodeName) && ep.ready);
	else if (localTerminating) localEndpoints = eps.filter((ep) => isLocalEndpoint(ep, nodeName) && servingTerminating(ep));
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

const NO_BACKENDS: Backend[] = [];

function backends(info: ServicePortInfo, eps: EndpointInfo[]): Backend[] {
	if (eps.length === 0) return NO_BACKENDS;
	const share = 1 / eps.length;
	const out = new Array<Backend>(eps.length);
	for (let i = 0; i < eps.length; i++) out[i] = new LazyBackend(eps[i], share, info);
	return out;
}

/** Masquerade decisions are few and immutable: one object each, shared by every entry. */
const EXTERNAL_LOCAL: MasqueradeDecision = Object.freeze({ always: false, offCluster: false, nodeLocal: true, hairpin: true });
const EXTERNAL_CLUSTER: MasqueradeDecision = Object.freeze({ always: true, offCluster: false, nodeLocal: false, hairpin: true });
const internalMasq = new WeakMap<ProxyConfig, MasqueradeDecision>();
function internalDecision(config: ProxyConfig): MasqueradeDecision {
	let d = internalMasq.get(config);
	if (!d) internalMasq.set(config, (d = Object.freeze({ always: config.masqueradeAll, offCluster: !config.masqueradeAll && config.clusterCIDR !== '', nodeLocal: false, hairpin: true as const })));
	return d;
}

/** The node's entry for one service port. Node-independent unless a Local policy or zone hints apply. */
export function nodeServicePort(info: ServicePortInfo, nodeName: string, zone: string | undefined, config: ProxyConfig): NodeServicePort {
	const c = categorizeEndpoints(info, nodeName, zone);
	const cluster = backends(info, c.clusterEndpoints);
	const local = backends(info, c.localEndpoints);
	const vips: VipEntry[] = [
		{
			kind: 'ClusterIP',
			ip: info.clusterIP,
			port: info.port,
			protocol: info.protocol,
			policy: info.internalTrafficPolicy,
			verdict: !c.hasEndpoints ? 'reject' : info.internalLocal && local.length === 0 ? 'drop' : 'forward',
			backends: info.internalLocal ? local : cluster,
			masquerade: internalDecision(config)
		}
	];
	if (info.externallyAccessible) {
		const external = info.externalLocal ? EXTERNAL_LOCAL : EXTERNAL_CLUSTER;
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
	return { info, clusterEndpoints: c.clusterEndpoints, localEndpoints: c.localEndpoints, allReachable: c.allReachable, hasEndpoints: c.hasEndpoints, topologyApplied: c.topologyApplied, vips };
}
