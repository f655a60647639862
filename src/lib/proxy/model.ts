/**
 * From API objects to the cluster-wide part of the tables: a Service's ports
 * (pkg/proxy/serviceport.go `newBaseServiceInfo`), its EndpointSlices' endpoints
 * (endpointslicecache.go), the node facts kube-proxy reads, and the KubeProxyConfiguration.
 *
 * @module
 */
import type { KubeObject } from '../controllers/types';
import { iptablesChains, nftChains } from './names';
import type { EndpointInfo, Protocol, ProxyConfig, ProxyMode, ProxyNode, ServicePortInfo, SessionAffinity, TrafficPolicy } from './types';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const SERVICE_PROXY_NAME_LABEL = 'service.kubernetes.io/service-proxy-name';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const DEFAULT_STICKY_SECONDS = 10800;

/** The defaults of a kubeadm cluster (clusterCIDR = podSubnet, converge's 10.244.0.0/16). */
export const DEFAULT_PROXY_CONFIG: ProxyConfig = { mode: 'iptables', clusterCIDR: '10.244.0.0/16', masqueradeAll: false, masqueradeBit: 14, ipvsScheduler: '' };

const MODES: ProxyMode[] = ['iptables', 'ipvs', 'nftables'];

/** A parsed `KubeProxyConfiguration` (already YAML-decoded) → config, or the field errors. */
export function proxyConfigFrom(obj: unknown): { config: ProxyConfig; errors: string[] } {
	const config = { ...DEFAULT_PROXY_CONFIG };
	const errors: string[] = [];
	if (obj === null || obj === undefined) return { config, errors };
	if (typeof obj !== 'object' || Array.isArray(obj)) return { config, errors: ['KubeProxyConfiguration: must be an object'] };
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	const o = obj as any;
	if (o.kind !== undefined && o.kind !== 'KubeProxyConfiguration') errors.push(`kind: Invalid value: "${o.kind}": must be KubeProxyConfiguration`);
	const mode = o.mode ?? '';
	if (mode === '') config.mode = 'iptables';
	else if (MODES.includes(mode)) config.mode = mode;
	// kube-proxy's validateProxyMode (cmd/kube-proxy/app validation, field path under KubeProxyConfiguration).
	else errors.push(`KubeProxyConfiguration.ProxyMode: Invalid value: "${mode}": must be iptables, ipvs, nftables or blank (blank means the best-available proxy [currently iptables])`);
	// A written configuration without clusterCIDR has no local-traffic detector (no masquerade of
	// off-cluster sources), as in kube-proxy; only the absent file gets kubeadm's value.
	config.clusterCIDR = typeof o.clusterCIDR === 'string' ? o.clusterCIDR.split(',')[0].trim() : '';
	const ipt = o.iptables ?? {};
	if (typeof ipt.masqueradeAll === 'boolean') config.masqueradeAll = ipt.masqueradeAll;
	if (o.iptables?.masqueradeBit !== undefined || o.masqueradeBit !== undefined) {
		const bit = Number(o.iptables?.masqueradeBit ?? o.masqueradeBit);
		if (!Number.isInteger(bit) || bit < 0 || bit > 31) errors.push(`KubeProxyConfiguration.KubeIPTablesConfiguration.MasqueradeBit: Invalid value: ${bit}: must be within the range [0, 31]`);
		else config.masqueradeBit = bit;
	}
	if (typeof o.ipvs?.scheduler === 'string') config.ipvsScheduler = o.ipvs.scheduler;
	return { config, errors };
}

export const masqueradeMark = (bit: number): string => `0x${(1 << bit >>> 0).toString(16)}`;

/** Node name, zone label and addresses. */
export function proxyNode(node: KubeObject): ProxyNode {
	const addresses = ((node.status?.addresses ?? []) as { type: string; address: string }[])
		.filter((a) => (a.type === 'InternalIP' || a.type === 'ExternalIP') && !a.address.includes(':'))
		.map((a) => a.address);
	return { name: node.metadata.name ?? '', zone: node.metadata.labels?.[ZONE_LABEL] || undefined, addresses, podCIDR: node.spec?.podCIDR };
}

/** `ShouldSkipService`: headless, ExternalName and other proxies' Services are not proxied. */
export function skipService(svc: KubeObject): boolean {
	const ip = svc.spec?.clusterIP;
	if (!ip || ip === 'None') return true;
	if (svc.spec?.type === 'ExternalName') return true;
	return !!svc.metadata.labels?.[SERVICE_PROXY_NAME_LABEL];
}

const protocolOf = (p: string | undefined): Protocol => (p === 'UDP' || p === 'SCTP' ? p : 'TCP');
const policyOf = (p: string | undefined): TrafficPolicy => (p === 'Local' ? 'Local' : 'Cluster');
const isIPv4 = (ip: string) => !ip.includes(':');

/** The Service's proxied ports, without endpoints (IPv4 only, like one proxier of a dual-stack pair). */
export function servicePorts(svc: KubeObject): Omit<ServicePortInfo, 'endpoints'>[] {
	if (skipService(svc) || !isIPv4(svc.spec.clusterIP)) return [];
	const namespace = svc.metadata.namespace ?? '';
	const service = svc.metadata.name ?? '';
	const spec = svc.spec;
	const isLB = spec.type === 'LoadBalancer';
	const externalIPs: string[] = (spec.externalIPs ?? []).filter(isIPv4);
	// Only VIP-mode ingress IPs are programmed (ipMode Proxy ones are handled by the LB).
	const loadBalancerIPs: string[] = isLB
		? ((svc.status?.loadBalancer?.ingress ?? []) as { ip?: string; ipMode?: string }[]).filter((i) => i.ip && isIPv4(i.ip) && (!i.ipMode || i.ipMode === 'VIP')).map((i) => i.ip!)
		: [];
	const loadBalancerSourceRanges: string[] = isLB ? (spec.loadBalancerSourceRanges ?? []).map((r: string) => r.trim()).filter(Boolean) : [];
	const affinity: SessionAffinity =
		spec.sessionAffinity === 'ClientIP' ? { type: 'ClientIP', timeoutSeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_STICKY_SECONDS } : { type: 'None' };
	const itp = policyOf(spec.internalTrafficPolicy);
	const etp = policyOf(spec.externalTrafficPolicy);
	const topologyMode = svc.metadata.annotations?.['service.kubernetes.io/topology-mode'] ?? svc.metadata.annotations?.['service.kubernetes.io/topology-aware-hints'];
	return ((spec.ports ?? []) as { name?: string; protocol?: string; port: number; nodePort?: number }[]).map((p) => {
		const portName = p.name ?? '';
		const protocol = protocolOf(p.protocol);
		const name = portName ? `${namespace}/${service}:${portName}` : `${namespace}/${service}`;
		const nodePort = p.nodePort ?? 0;
		const externallyAccessible = nodePort !== 0 || loadBalancerIPs.length > 0 || externalIPs.length > 0;
		const internalLocal = itp === 'Local';
		const externalLocal = etp === 'Local' && externallyAccessible;
		return {
			key: `${namespace}/${service}:${portName}:${protocol}`,
			name,
			namespace,
			service,
			portName,
			protocol,
			clusterIP: spec.clusterIP,
			port: p.port,
			nodePort,
			externalIPs,
			loadBalancerIPs,
			loadBalancerSourceRanges,
			healthCheckNodePort: isLB && etp === 'Local' ? (spec.healthCheckNodePort ?? 0) : 0,
			internalTrafficPolicy: itp,
			externalTrafficPolicy: etp,
			sessionAffinity: affinity,
			topologyRequested: (!!topologyMode && topologyMode !== 'Disabled' && topologyMode !== 'disabled') || !!spec.trafficDistribution,
			externallyAccessible,
			internalLocal,
			externalLocal,
			usesCluster: !internalLocal || externallyAccessible,
			usesLocal: internalLocal || externalLocal,
			iptables: iptablesChains(name, protocol),
			nft: nftChains(namespace, service, protocol, portName)
		};
	});
}

/** One slice's endpoints per port key (`portName:PROTO`), IPv4 slices only. */
export function sliceEndpoints(slice: KubeObject): Map<string, EndpointInfo[]> {
	const out = new Map<string, EndpointInfo[]>();
	if (slice.addressType && slice.addressType !== 'IPv4') return out;
	for (const port of (slice.ports ?? []) as { name?: string | null; port?: number | null; protocol?: string }[]) {
		if (port.name === null || port.name === undefined || !port.port) continue;
		const list: EndpointInfo[] = [];
		for (const ep of (slice.endpoints ?? []) as KubeObject[]) {
			const ip = ep.addresses?.[0] as string | undefined;
			if (!ip) continue;
			const c = ep.conditions ?? {};
			const ready = c.ready === undefined || c.ready === null || c.ready === true;
			const serving = c.serving === undefined || c.serving === null || c.serving === true;
			const terminating = c.terminating === true;
			const hints = ep.hints?.forZones as { name: string }[] | undefined;
			list.push({
				endpoint: `${ip}:${port.port}`,
				ip,
				port: port.port,
				nodeName: ep.nodeName ?? undefined,
				zone: ep.zone ?? undefined,
				ready,
				serving,
				terminating,
				zoneHints: hints?.length ? hints.map((h) => h.name) : undefined,
				targetRef: ep.targetRef?.name ? `${ep.targetRef.namespace ?? slice.metadata.namespace}/${ep.targetRef.name}` : undefined,
				state: ready ? 'ready' : serving && terminating ? 'terminating' : 'not-ready'
			});
		}
		out.set(`${port.name}:${protocolOf(port.protocol)}`, list);
	}
	return out;
}

/** Merges the slices' endpoints for each port: deduplicated by `ip:port`, sorted by that string. */
export function mergeEndpoints(slices: Iterable<KubeObject>): Map<string, EndpointInfo[]> {
	const merged = new Map<string, Map<string, EndpointInfo>>();
	for (const slice of slices) {
		for (const [portKey, eps] of sliceEndpoints(slice)) {
			let m = merged.get(portKey);
			if (!m) merged.set(portKey, (m = new Map()));
			for (const ep of eps) if (!m.has(ep.endpoint)) m.set(ep.endpoint, ep);
		}
	}
	const out = new Map<string, EndpointInfo[]>();
	for (const [k, m] of merged) out.set(k, [...m.values()].sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0)));
	return out;
}
