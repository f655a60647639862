/**
 * Cluster DNS as CoreDNS's kubernetes plugin answers A queries for `cluster.local` (kubeadm's
 * Corefile: `kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure … }`), plus the
 * client side: a pod's resolv.conf (`search <ns>.svc.cluster.local svc.cluster.local
 * cluster.local`, `options ndots:5`) tried in order like glibc's res_search.
 *
 * Names (CoreDNS plugin/kubernetes `parseRequest`/`findServices`/`findPods`):
 * - `svc.ns.svc.cluster.local`: ClusterIP → the ClusterIP; headless → every ready endpoint
 *   address of its EndpointSlices; ExternalName → a CNAME to `spec.externalName`.
 * - `host.svc.ns.svc.cluster.local`: the endpoint whose hostname (pod `hostname` + `subdomain`,
 *   a StatefulSet's pods) or dashed IP (`10-244-1-5`) is `host`.
 * - `a-b-c-d.ns.pod.cluster.local`: `a.b.c.d` (`pods insecure` answers without checking).
 * - `ns.svc.cluster.local` of an existing namespace: NOERROR without records (NODATA).
 * - Anything else in the zone: NXDOMAIN. A headless Service with no ready endpoint: NXDOMAIN.
 * - Outside the zone, CoreDNS forwards upstream; the simulation has no upstream and says so.
 *
 * @module
 */
import type { ClusterObjects, KubeObject } from './types';

export const CLUSTER_DOMAIN = 'cluster.local';
export const NDOTS = 5;

export type Rcode = 'NOERROR' | 'NXDOMAIN';

export interface DnsRecord {
	name: string;
	type: 'A' | 'CNAME';
	/** Address for A, target name for CNAME. */
	value: string;
}

/** One query the resolver sent. */
export interface DnsQuery {
	name: string;
	rcode: Rcode;
	records: DnsRecord[];
	/** Why (for the tracer): which object answered, or why nothing did. */
	note: string;
	/** The Service that answered, if any. */
	service?: KubeObject;
}

/** A name resolved from a client namespace: every query tried, and the addresses found. */
export interface DnsResult {
	name: string;
	queries: DnsQuery[];
	/** The query that answered, if one did. */
	answer?: DnsQuery;
	/** A records of the answer (after following a CNAME inside the zone). */
	addresses: string[];
}

/** A pod's resolv.conf search list (kubelet's ClusterFirst dnsPolicy). */
export function searchPath(namespace: string, domain = CLUSTER_DOMAIN): string[] {
	return [`${namespace}.svc.${domain}`, `svc.${domain}`, domain];
}

/** The names res_search tries, in order: search domains first when the name has < ndots dots. */
export function candidates(name: string, namespace: string, ndots = NDOTS): string[] {
	if (name.endsWith('.')) return [name.slice(0, -1)];
	const search = searchPath(namespace).map((s) => `${name}.${s}`);
	return (name.match(/\./g) ?? []).length >= ndots ? [name, ...search] : [...search, name];
}

const isReady = (ep: { conditions?: { ready?: boolean } }) => ep.conditions?.ready !== false;
const dashed = (ip: string) => ip.replace(/[.:]/g, '-');

/** The ready endpoints of a Service: address, hostname, the slice's ports. */
export function serviceEndpoints(svc: KubeObject, slices: KubeObject[]): Array<{ ip: string; hostname: string; nodeName?: string; targetRef?: string }> {
	const out: Array<{ ip: string; hostname: string; nodeName?: string; targetRef?: string }> = [];
	for (const s of slices) {
		if (s.metadata.namespace !== svc.metadata.namespace || s.metadata.labels?.['kubernetes.io/service-name'] !== svc.metadata.name) continue;
		for (const ep of s.endpoints ?? []) {
			if (!isReady(ep)) continue;
			for (const ip of ep.addresses ?? []) out.push({ ip, hostname: ep.hostname ?? dashed(ip), nodeName: ep.nodeName, targetRef: ep.targetRef ? `${ep.targetRef.namespace}/${ep.targetRef.name}` : undefined });
		}
	}
	return out;
}

/** One A query answered by the kubernetes plugin (names are case-insensitive; no trailing dot). */
export function query(fqdn: string, cluster: ClusterObjects, domain = CLUSTER_DOMAIN): DnsQuery {
	const name = fqdn.toLowerCase().replace(/\.$/, '');
	const nx = (note: string): DnsQuery => ({ name, rcode: 'NXDOMAIN', records: [], note });
	if (name !== domain && !name.endsWith(`.${domain}`)) return nx(`outside ${domain}: CoreDNS forwards it upstream (no upstream in the simulation)`);
	const labels = name === domain ? [] : name.slice(0, -domain.length - 1).split('.');
	const kind = labels.at(-1);
	// Without a namespace list every namespace counts as existing.
	const nsExists = (ns: string) => !cluster.namespaces || cluster.namespaces.some((n) => n.metadata.name === ns);
	if (kind === 'pod' && labels.length === 3) {
		const ip = labels[0].split('-').length === 4 ? labels[0].replace(/-/g, '.') : '';
		if (!nsExists(labels[1]) || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return nx(`no pod address ${labels[0]} in namespace ${labels[1]}`);
		return { name, rcode: 'NOERROR', records: [{ name, type: 'A', value: ip }], note: `pod record (pods insecure): ${ip}` };
	}
	if (kind !== 'svc' || labels.length < 2 || labels.length > 4) return nx(`no such name in ${domain}`);
	const [namespace, service, endpoint] = [labels.at(-2)!, labels.at(-3), labels.length === 4 ? labels[0] : undefined];
	if (!nsExists(namespace)) return nx(`namespace ${namespace} does not exist`);
	if (!service) return { name, rcode: 'NOERROR', records: [], note: `namespace ${namespace} exists: no records (NODATA)` };
	const svc = (cluster.services ?? []).find((s) => s.metadata.namespace === namespace && s.metadata.name === service);
	if (!svc) return nx(`no Service ${namespace}/${service}`);
	const id = `Service ${namespace}/${service}`;
	if (svc.spec?.type === 'ExternalName') {
		if (endpoint) return nx(`${id} is an ExternalName Service: it has no endpoints`);
		return { name, rcode: 'NOERROR', records: [{ name, type: 'CNAME', value: svc.spec.externalName }], note: `${id} (ExternalName) → CNAME ${svc.spec.externalName}`, service: svc };
	}
	const headless = svc.spec?.clusterIP === 'None';
	if (headless || endpoint) {
		const eps = serviceEndpoints(svc, cluster.endpointSlices ?? []).filter((e) => !endpoint || e.hostname === endpoint);
		const ips = [...new Set(eps.map((e) => e.ip))];
		if (!ips.length) return nx(endpoint ? `${id} has no ready endpoint named ${endpoint}` : `headless ${id} has no ready endpoints`);
		const what = endpoint ? `endpoint ${endpoint} of ${id}` : `headless ${id}: its ready endpoints`;
		return { name, rcode: 'NOERROR', records: ips.map((value) => ({ name, type: 'A', value })), note: what, service: svc };
	}
	const ip = svc.spec?.clusterIP as string | undefined;
	if (!ip) return nx(`${id} has no cluster IP`);
	return { name, rcode: 'NOERROR', records: [{ name, type: 'A', value: ip }], note: `${id} → ClusterIP ${ip}`, service: svc };
}

/**
 * Resolves `name` for a pod in `namespace`: each candidate in turn until one has records; a CNAME
 * into the zone is followed once more (CoreDNS resolves it itself).
 */
export function resolve(name: string, namespace: string, cluster: ClusterObjects): DnsResult {
	const queries: DnsQuery[] = [];
	for (const fqdn of candidates(name, namespace)) {
		const q = query(fqdn, cluster);
		queries.push(q);
		if (!q.records.length) continue;
		const cname = q.records.find((r) => r.type === 'CNAME');
		if (!cname) return { name, queries, answer: q, addresses: q.records.map((r) => r.value) };
		const target = query(cname.value, cluster);
		const follow = target.records.filter((r) => r.type === 'A');
		return { name, queries: [...queries, target], answer: q, addresses: follow.map((r) => r.value) };
	}
	return { name, queries, addresses: [] };
}
