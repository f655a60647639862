/**
 * What the EndpointSlice and Endpoints controllers compute from a Service and its pods
 * (pkg/controller/endpointslice, pkg/controller/endpoint, endpointslice utils): which pods count,
 * their addresses and conditions, ports resolved per pod (named targetPorts looked up in the
 * pod's containers), slices of at most 100 endpoints grouped by port set, and the Endpoints
 * subsets with ready and not-ready addresses.
 *
 * @module
 */
import { isPodReady } from './pods';
import type { KubeObject, OwnerReference } from './types';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
/** `--max-endpoints-per-slice` default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

export interface EndpointPort {
	name: string;
	port: number;
	protocol: string;
	appProtocol?: string;
}

/** A Service the controllers manage: it has a selector (and is not the API server's own). */
export function managedService(svc: KubeObject): boolean {
	const sel = svc.spec?.selector;
	return !!sel && Object.keys(sel).length > 0 && !(svc.metadata.namespace === 'default' && svc.metadata.name === 'kubernetes');
}

/** Pods of the namespace that the Service's (map) selector picks. */
export function selectedPods(svc: KubeObject, pods: KubeObject[]): KubeObject[] {
	const sel: Record<string, string> = svc.spec?.selector ?? {};
	return pods.filter((p) => Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v));
}

/** `ShouldPodBeInEndpoints`: has an IP, not finished, and not terminating unless those count. */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
	if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
	if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
	const phase = pod.status?.phase;
	return phase !== 'Failed' && phase !== 'Succeeded';
}

/** `podutil.FindPort`: a number as is, a name looked up among the containers' ports of that protocol. */
function findPort(pod: KubeObject, targetPort: number | string | undefined, port: number, protocol: string): number | undefined {
	if (targetPort === undefined) return port;
	if (typeof targetPort === 'number') return targetPort;
	if (/^\d+$/.test(targetPort)) return Number(targetPort);
	for (const c of (pod.spec?.containers ?? []) as Array<{ ports?: Array<{ name?: string; containerPort: number; protocol?: string }> }>)
		for (const p of c.ports ?? []) if (p.name === targetPort && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
	return undefined;
}

/** The Service's ports as this pod serves them (a port whose named target the pod lacks is left out). */
export function podPorts(svc: KubeObject, pod: KubeObject): EndpointPort[] {
	const out: EndpointPort[] = [];
	for (const sp of (svc.spec?.ports ?? []) as Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string; appProtocol?: string }>) {
		const protocol = sp.protocol ?? 'TCP';
		const port = findPort(pod, sp.targetPort, sp.port, protocol);
		if (port === undefined) continue;
		out.push({ name: sp.name ?? '', port, protocol, ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
	}
	return out;
}

const podIP = (pod: KubeObject): string => pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip;

const targetRef = (pod: KubeObject) => ({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid });

/** The pod's hostname in DNS, when it names itself into this (headless) Service's subdomain. */
function hostnameFor(svc: KubeObject, pod: KubeObject): string | undefined {
	return pod.spec?.hostname && pod.spec?.subdomain === svc.metadata.name ? pod.spec.hostname : undefined;
}

/** One EndpointSlice endpoint (`podToEndpoint`). */
export function sliceEndpoint(svc: KubeObject, pod: KubeObject, nodes: (name: string) => KubeObject | undefined): KubeObject {
	const terminating = !!pod.metadata.deletionTimestamp;
	const serving = isPodReady(pod);
	// A terminating pod is never "ready", unless the Service publishes not-ready addresses.
	const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
	const hostname = hostnameFor(svc, pod);
	const nodeName: string | undefined = pod.spec?.nodeName;
	const zone = nodeName ? nodes(nodeName)?.metadata.labels?.[ZONE_LABEL] : undefined;
	return {
		addresses: [podIP(pod)],
		conditions: { ready, serving, terminating },
		...(hostname ? { hostname } : {}),
		targetRef: targetRef(pod),
		...(nodeName ? { nodeName } : {}),
		...(zone ? { zone } : {}),
		// trafficDistribution PreferClose (trafficdist.go preferCloseHeuristic): ready endpoints hint their own zone.
		...(ready && zone && svc.spec?.trafficDistribution === 'PreferClose' ? { hints: { forZones: [{ name: zone }] } } : {})
	} as unknown as KubeObject;
}

export interface DesiredSlice {
	ports: EndpointPort[];
	endpoints: KubeObject[];
}

/**
 * The slices a Service should have: endpoints grouped by their port set, at most 100 per slice,
 * pods in name order; a Service with no endpoints keeps one empty placeholder slice.
 */
export function desiredSlices(svc: KubeObject, pods: KubeObject[], nodes: (name: string) => KubeObject | undefined): DesiredSlice[] {
	const groups = new Map<string, DesiredSlice>();
	const sorted = selectedPods(svc, pods)
		.filter((p) => shouldPodBeInEndpoints(p, true))
		.sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0));
	for (const pod of sorted) {
		const ports = podPorts(svc, pod);
		const key = JSON.stringify(ports);
		let g = groups.get(key);
		if (!g) groups.set(key, (g = { ports, endpoints: [] }));
		g.endpoints.push(sliceEndpoint(svc, pod, nodes));
	}
	const out: DesiredSlice[] = [];
	for (const g of groups.values())
		for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) out.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
	return out.length ? out : [{ ports: [], endpoints: [] }];
}

/** Labels of the Service's slices: its own labels, plus who they are for and who manages them. */
export function sliceLabels(svc: KubeObject): Record<string, string> {
	const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
	delete labels[MANAGED_BY_LABEL];
	labels[SERVICE_NAME_LABEL] = svc.metadata.name!;
	labels[MANAGED_BY_LABEL] = MANAGED_BY;
	if (svc.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
	return labels;
}

export function serviceOwnerRef(svc: KubeObject): OwnerReference {
	return { apiVersion: 'v1', kind: 'Service', name: svc.metadata.name!, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/**
 * The last time something that feeds these endpoints changed: the Service's creation or a
 * selected pod's readiness transition (creation while it has none), as kube's trigger-time
 * tracker reports the change that triggered the write.
 */
export function lastChangeTriggerTime(svc: KubeObject, pods: KubeObject[]): string | undefined {
	let latest = svc.metadata.creationTimestamp;
	for (const p of pods) {
		const ready = ((p.status?.conditions ?? []) as Array<{ type: string; lastTransitionTime?: string }>).find((c) => c.type === 'Ready');
		const t = ready?.lastTransitionTime ?? p.metadata.creationTimestamp;
		if (t && (!latest || Date.parse(t) > Date.parse(latest))) latest = t;
	}
	return latest;
}

interface EndpointAddress {
	ip: string;
	hostname?: string;
	nodeName?: string;
	targetRef: ReturnType<typeof targetRef>;
}

export interface EndpointSubset {
	addresses?: EndpointAddress[];
	notReadyAddresses?: EndpointAddress[];
	ports?: Array<{ name?: string; port: number; protocol: string; appProtocol?: string }>;
}

function compareIPs(a: EndpointAddress, b: EndpointAddress): number {
	const n = (ip: string) => ip.split('.').map((x) => x.padStart(3, '0')).join('.');
	return n(a.ip) < n(b.ip) ? -1 : n(a.ip) > n(b.ip) ? 1 : a.targetRef.uid! < b.targetRef.uid! ? -1 : 1;
}

/**
 * The Endpoints subsets (`syncService` + `RepackSubsets`): one subset per port set, ready pods in
 * `addresses` and the others in `notReadyAddresses`, addresses by IP; terminating pods only when
 * the Service publishes not-ready addresses.
 */
export function endpointSubsets(svc: KubeObject, pods: KubeObject[]): EndpointSubset[] {
	const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
	const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
	for (const pod of selectedPods(svc, pods)) {
		if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
		const ports = podPorts(svc, pod);
		// A Service without ports still lists its pods' addresses, in a subset without ports.
		if (!ports.length && (svc.spec?.ports ?? []).length) continue;
		const key = JSON.stringify(ports);
		let g = groups.get(key);
		if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
		const hostname = hostnameFor(svc, pod);
		const addr: EndpointAddress = { ip: podIP(pod), ...(hostname ? { hostname } : {}), ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}), targetRef: targetRef(pod) };
		(publishNotReady || isPodReady(pod) ? g.ready : g.notReady).push(addr);
	}
	return [...groups.values()].map((g) => ({
		...(g.ready.length ? { addresses: g.ready.sort(compareIPs) } : {}),
		...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(compareIPs) } : {}),
		...(g.ports.length ? { ports: g.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) })) } : {})
	}));
}

/** Labels of the Endpoints object: the Service's, plus the headless marker. */
export function endpointsLabels(svc: KubeObject): Record<string, string> {
	const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
	if (svc.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
	return labels;
}
