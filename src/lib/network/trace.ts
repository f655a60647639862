/**
 * The packet tracer: follows the first packet of a new connection from a pod (or a client
 * outside the cluster) to a name or address, the way a real cluster handles it:
 *
 *   cluster DNS (dns.ts) or the ingress controller (ingress.ts)
 *   → kube-proxy's rules on the node the packet enters (trace-proxy.ts over the proxy helper's
 *     per-node tables): VIP → policy chain → random endpoint choice → DNAT
 *   → NetworkPolicy egress at the source (post-DNAT destination, as a CNI's filter rules see it)
 *   → masquerade when the packet was marked (source becomes the node's address)
 *   → the hop to the destination node over the pod network
 *   → NetworkPolicy ingress at the destination (post-SNAT source) → delivered.
 *
 * Random choices come from a `Chooser`: `seededChooser(rng)` for one path, or `traceAll` for
 * every branch with its probability.
 *
 * @module
 */
import type { Rng } from '../clock/rng';
import { isLocalEndpoint } from '../proxy/categorize';
import { proxyNode } from '../proxy/model';
import type { NodeTable } from '../proxy/types';
import { resolve } from './dns';
import { ingressHosts, routeRequest } from './ingress';
import { selectPlugin, type NetworkPlugin } from './plugins';
import { walkNode, type Chooser, type NodeWalk, type Origin, type Packet, type TraceStep } from './trace-proxy';
import type { ClusterObjects, Endpoint, KubeObject, Protocol } from './types';

export type { Chooser, TraceStep } from './trace-proxy';

export interface TraceRequest {
	/**
	 * A pod (`namespace/name`); a process on a node (its first address, nat OUTPUT, the node's
	 * resolv.conf); or an address outside the cluster entering at `node` (default: chosen like a
	 * cloud load balancer would).
	 */
	from: { pod: string } | { node: string } | { ip: string; node?: string };
	/** `name:port`, `ip:port`, or an HTTP target (`http://host/path`, `host/path`) for an Ingress. */
	to: string;
	protocol?: Protocol;
}

export interface TraceEnv {
	cluster: ClusterObjects;
	/** A node's kube-proxy table (the proxy helper's `ProxyTables.nodeTable`). */
	table(node: string): NodeTable | undefined;
	/** The room's network plugin; default: the one its ConfigMap selects. */
	plugin?: NetworkPlugin;
}

export type Outcome = 'delivered' | 'left-cluster' | 'refused' | 'dropped' | 'denied' | 'nxdomain' | 'no-route' | 'http-404' | 'invalid';

export interface TraceResult {
	steps: TraceStep[];
	outcome: Outcome;
	/** The final verdict in one sentence. */
	verdict: string;
	/** The rule or policy that decided it. */
	decidedBy?: string;
	/** Probability of this path (1 without random choices). */
	probability: number;
}

/** One path, random choices drawn from the room's seeded RNG. */
export const seededChooser = (rng: Rng): Chooser => ({ take: (p) => rng.next() < p });

const addresses = (n: KubeObject): string[] => proxyNode(n).addresses;
const podKey = (p: KubeObject) => `${p.metadata.namespace}/${p.metadata.name}`;

interface Walker {
	env: TraceEnv;
	plugin: NetworkPlugin;
	choose: Chooser;
	steps: TraceStep[];
	p: number;
}

const end = (w: Walker, outcome: Outcome, verdict: string, decidedBy?: string): TraceResult => ({ steps: w.steps, outcome, verdict, decidedBy, probability: w.p });

/** Traces one path. */
export function trace(req: TraceRequest, env: TraceEnv, choose: Chooser): TraceResult {
	const w: Walker = { env, plugin: env.plugin ?? selectPlugin(env.cluster.configMaps).plugin, choose: { take: (p) => (choose.take(p) ? ((w.p *= p), true) : ((w.p *= 1 - p), false)) }, steps: [], p: 1 };
	const protocol = req.protocol ?? 'TCP';
	const client = findClient(req, env.cluster);
	if ('error' in client) return end(w, 'invalid', client.error);
	w.steps.push({ node: client.node, stage: 'client', text: client.text });
	const target = parseTarget(req.to);
	if (!target) return end(w, 'invalid', `cannot parse the target "${req.to}": give name:port, ip:port or http://host/path`);
	if (target.http && ingressHosts(env.cluster).some((h) => h.toLowerCase() === target.host.toLowerCase())) return viaIngress(w, client, target.host, target.path, protocol);
	let dst = target.host;
	if (!/^\d+\.\d+\.\d+\.\d+$/.test(dst)) {
		if (!client.pod)
			return end(w, 'nxdomain', client.origin === 'host' ? `${dst} does not resolve: a process on node ${client.node} uses the node's resolv.conf, which does not know cluster names` : `${dst} is not an Ingress host, and a client outside the cluster cannot use cluster DNS`);
		const noClusterDns = nodeResolver(client.pod);
		if (noClusterDns) return end(w, 'nxdomain', `${dst} does not resolve: ${noClusterDns}`);
		const r = resolve(dst, client.pod.metadata.namespace!, env.cluster);
		for (const q of r.queries) w.steps.push({ stage: 'dns', text: `${q.name}: ${q.rcode}${q.records.length ? ` ${q.records.map((x) => `${x.type} ${x.value}`).join(', ')}` : ''} (${q.note})` });
		if (!r.addresses.length) return end(w, 'nxdomain', `${dst} does not resolve (NXDOMAIN for every search-path name)`, r.queries.at(-1)?.note);
		dst = r.addresses[0];
		if (r.addresses.length > 1) w.steps.push({ stage: 'dns', text: `the client connects to the first address, ${dst}` });
	}
	if (target.port === undefined) return end(w, 'invalid', `give a port: ${req.to}:<port>`);
	return connect(w, client, { src: client.ip, dst, port: target.port, protocol });
}

/** Why a pod does not use cluster DNS (kubelet's dnsPolicy), if it does not. */
function nodeResolver(pod: KubeObject): string | undefined {
	const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
	if (policy === 'Default') return 'dnsPolicy Default: the pod uses its node\'s resolv.conf, which does not know cluster names';
	if (policy === 'ClusterFirst' && pod.spec?.hostNetwork === true) return 'a hostNetwork pod with dnsPolicy ClusterFirst falls back to the node\'s resolv.conf (use ClusterFirstWithHostNet)';
	return undefined;
}

interface Client {
	ip: string;
	node?: string;
	pod?: KubeObject;
	origin: Origin;
	text: string;
}

function findClient(req: TraceRequest, cluster: ClusterObjects): Client | { error: string } {
	if ('pod' in req.from) {
		const key = req.from.pod;
		const pod = (cluster.pods ?? []).find((p) => podKey(p) === key);
		if (!pod) return { error: `pod ${key} not found` };
		const ip = pod.status?.podIP as string | undefined;
		if (!ip || !pod.spec?.nodeName) return { error: `pod ${key} has no IP yet (not running on a node)` };
		const host = pod.spec.hostNetwork === true;
		return { ip, node: pod.spec.nodeName, pod, origin: host ? 'host' : 'pod', text: `pod ${key} (${ip}${host ? ', hostNetwork' : ''}) on ${pod.spec.nodeName} opens a connection` };
	}
	if (!('ip' in req.from)) {
		const name = req.from.node;
		const node = (cluster.nodes ?? []).find((n) => n.metadata.name === name);
		if (!node) return { error: `node ${name} not found` };
		const ip = addresses(node)[0];
		if (!ip) return { error: `node ${name} has no address yet` };
		return { ip, node: name, origin: 'host', text: `a process on node ${name} (${ip}) opens a connection` };
	}
	return { ip: req.from.ip, node: req.from.node, origin: 'external', text: `client ${req.from.ip} outside the cluster opens a connection` };
}

/** `http://host[:port]/path`, `host/path`, `host:port` or `host`. */
export function parseTarget(to: string): { host: string; port?: number; path: string; http: boolean } | undefined {
	const m = /^(?:(https?):\/\/)?([A-Za-z0-9.-]+)(?::(\d+))?(\/.*)?$/.exec(to.trim());
	if (!m) return undefined;
	const http = !!m[1] || !!m[4] || !m[3];
	const port = m[3] ? Number(m[3]) : m[1] === 'https' ? 443 : m[1] ? 80 : undefined;
	return { host: m[2], port, path: m[4] ?? '/', http };
}

/** The node an outside client's packet arrives at. */
function entryNode(w: Walker, dst: string, port: number): string | undefined {
	const nodes = [...(w.env.cluster.nodes ?? [])].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
	const owner = nodes.find((n) => addresses(n).includes(dst));
	if (owner) return owner.metadata.name;
	// A cloud load balancer sends to nodes passing its health check: with externalTrafficPolicy
	// Local, only nodes with a local endpoint (the health check node port answers 200).
	for (const n of nodes) {
		const vip = w.env.table(n.metadata.name!)?.services.flatMap((e) => e.vips).find((v) => v.ip === dst && v.port === port);
		if (vip && (vip.policy === 'Cluster' || vip.backends.some((b) => isLocalEndpoint(b.endpoint, n.metadata.name!)))) return n.metadata.name;
	}
	return undefined;
}

function connect(w: Walker, client: Client, pkt: Packet): TraceResult {
	let node = client.node;
	if (!node) {
		node = entryNode(w, pkt.dst, pkt.port);
		if (!node) return end(w, 'no-route', `${pkt.dst} is not reachable from outside the cluster (not a node, LoadBalancer or external IP with a healthy node)`);
		w.steps.push({ stage: 'route', text: `the network delivers ${pkt.dst}:${pkt.port} to node ${node}` });
	}
	const table = w.env.table(node);
	if (!table) return end(w, 'no-route', `node ${node} has no kube-proxy table`);
	const walk = walkNode(table, pkt, client.origin, w.choose);
	w.steps.push(...walk.steps);
	const refused = refusal(w, walk);
	if (refused) return refused;
	const owner = walk.outcome === 'none' ? nodeOwning(w, pkt.dst) : undefined;
	if (!owner || owner === node) return deliver(w, client, node, table, walk.packet, walk.masquerade, false);
	// Another node's address (its NodePort, say): the packet leaves unchanged and that node's rules act on it.
	const denied = checkEgress(w, client, node, pkt);
	if (denied) return denied;
	masquerade(w, node, table, pkt, false);
	w.steps.push({ node, stage: 'route', text: `${pkt.dst} is node ${owner}'s address: routed to ${owner}` });
	const there = w.env.table(owner);
	if (!there) return end(w, 'no-route', `node ${owner} has no kube-proxy table`);
	const arriving: Client = { ...client, origin: client.origin === 'host' ? 'external' : client.origin };
	const walk2 = walkNode(there, pkt, arriving.origin, w.choose);
	w.steps.push(...walk2.steps);
	return refusal(w, walk2) ?? deliver(w, arriving, owner, there, walk2.packet, walk2.masquerade, true);
}

function refusal(w: Walker, walk: NodeWalk): TraceResult | undefined {
	if (walk.outcome === 'reject') return end(w, 'refused', `connection refused: ${walk.reason}`, walk.steps.at(-1)?.rule);
	if (walk.outcome === 'drop') return end(w, 'dropped', `dropped, the client times out: ${walk.reason}`, walk.steps.at(-1)?.rule);
	return undefined;
}

const nodeOwning = (w: Walker, ip: string) => (w.env.cluster.nodes ?? []).find((n) => addresses(n).includes(ip))?.metadata.name;
const podOwning = (w: Walker, ip: string) => (w.env.cluster.pods ?? []).find((p) => p.status?.podIP === ip && p.spec?.hostNetwork !== true);

/** NetworkPolicy egress on the source node (the packet as it leaves: after DNAT, before SNAT). */
function checkEgress(w: Walker, client: Client, node: string, pkt: Packet): TraceResult | undefined {
	const to: Endpoint = { ip: pkt.dst, pod: podOwning(w, pkt.dst) };
	const egress = w.plugin.check({ from: { ip: pkt.src, pod: client.pod }, to, port: pkt.port, protocol: pkt.protocol }, w.env.cluster).egress;
	w.steps.push({ node, stage: 'policy', chain: egress.policy, text: `egress: ${egress.reason}` });
	return egress.allowed ? undefined : end(w, 'denied', `dropped by the network plugin at the source: ${egress.reason}`, egress.policy);
}

/** KUBE-POSTROUTING: a marked packet leaves with the node's address. Returns the source after it. */
function masquerade(w: Walker, node: string, table: NodeTable, pkt: Packet, marked: boolean): string {
	const nodeIP = table.node.addresses[0];
	if (!marked || !nodeIP) {
		w.steps.push({ node, stage: 'snat', chain: 'KUBE-POSTROUTING', rule: '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN', text: `not marked: the source stays ${pkt.src}` });
		return pkt.src;
	}
	const text = nodeIP === pkt.src ? `marked 0x4000 → MASQUERADE: the source is already the node's address ${nodeIP}` : `marked 0x4000 → MASQUERADE: source ${pkt.src} → ${nodeIP}`;
	w.steps.push({ node, stage: 'snat', chain: 'KUBE-POSTROUTING', rule: '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully', text });
	return nodeIP;
}

function deliver(w: Walker, client: Client, node: string, table: NodeTable, pkt: Packet, marked: boolean, egressDone: boolean): TraceResult {
	const dstPod = podOwning(w, pkt.dst);
	const dstNode = nodeOwning(w, pkt.dst);
	if (client.origin === 'external' && !dstPod && !dstNode) return end(w, 'no-route', `${pkt.dst} is not routed from outside the cluster`);
	const denied = egressDone ? undefined : checkEgress(w, client, node, pkt);
	if (denied) return denied;
	const src = masquerade(w, node, table, pkt, marked);
	if (!dstPod && !dstNode) {
		const snat = client.origin === 'pod' ? ` (the CNI masquerades pod traffic leaving the pod network: source ${src} → ${table.node.addresses[0]})` : '';
		return end(w, 'left-cluster', `${pkt.dst}:${pkt.port} is outside the cluster: the packet leaves through ${node}'s default route${snat}`);
	}
	const target = dstPod ? (dstPod.spec?.nodeName as string | undefined) : dstNode;
	if (target && target !== node) w.steps.push({ node, stage: 'route', text: `${pkt.dst} is on ${target}: forwarded over the pod network to ${target}` });
	if (!dstPod) return end(w, 'delivered', `delivered to ${pkt.dst}:${pkt.port} on node ${target} (a host address)`);
	const ingress = w.plugin.check({ from: { ip: src, pod: src === pkt.src ? client.pod : undefined }, to: { ip: pkt.dst, pod: dstPod }, port: pkt.port, protocol: pkt.protocol }, w.env.cluster).ingress;
	w.steps.push({ node: target, stage: 'policy', chain: ingress.policy, text: `ingress: ${ingress.reason}` });
	if (!ingress.allowed) return end(w, 'denied', `dropped by the network plugin at the destination: ${ingress.reason}`, ingress.policy);
	const state = dstPod.metadata.deletionTimestamp ? ' (terminating)' : '';
	w.steps.push({ node: target, stage: 'deliver', text: `delivered to pod ${podKey(dstPod)}${state} at ${pkt.dst}:${pkt.port}, seen from ${src}` });
	return end(w, 'delivered', `delivered to pod ${podKey(dstPod)} (${pkt.dst}:${pkt.port}) on ${target}`, ingress.policy);
}

/** An HTTP request to an Ingress host: the controller picks a Service and proxies from its node. */
function viaIngress(w: Walker, client: Client, host: string, path: string, protocol: Protocol): TraceResult {
	const route = routeRequest(host, path, w.env.cluster);
	w.steps.push({ stage: 'ingress', chain: route.ingress ? `${route.ingress.metadata.namespace}/${route.ingress.metadata.name}` : undefined, rule: route.rule, text: route.reason });
	if (!route.service) return end(w, 'http-404', route.reason, route.rule);
	const { namespace, name, port, portName } = route.service;
	const svc = (w.env.cluster.services ?? []).find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
	const sp = (svc?.spec?.ports ?? []).find((p: { port: number; name?: string }) => (port ? p.port === port : p.name === portName));
	if (!svc || !sp || !svc.spec.clusterIP || svc.spec.clusterIP === 'None') return end(w, 'http-404', `the ingress controller has no upstream: Service ${namespace}/${name} port ${port ?? portName} not found`, route.rule);
	const nodes = [...(w.env.cluster.nodes ?? [])].map((n) => n.metadata.name!).sort();
	const node = client.node ?? nodes[0];
	const ip = node ? addresses((w.env.cluster.nodes ?? []).find((n) => n.metadata.name === node)!)[0] : undefined;
	if (!node || !ip) return end(w, 'no-route', 'no node runs the ingress controller');
	w.steps.push({ node, stage: 'ingress', text: `the ingress controller on ${node} proxies to Service ${namespace}/${name} (${svc.spec.clusterIP}:${sp.port}) from ${ip}` });
	return connect(w, { ip, node, origin: 'host', text: 'ingress controller' }, { src: ip, dst: svc.spec.clusterIP, port: sp.port, protocol });
}

/**
 * Every path with its probability: replays the trace with scripted random answers, depth first
 * (one branch per statistic rule outcome). Probabilities sum to 1.
 */
export function traceAll(req: TraceRequest, env: TraceEnv, limit = 64): TraceResult[] {
	const out: TraceResult[] = [];
	const queue: boolean[][] = [[]];
	while (queue.length && out.length < limit) {
		const script = queue.shift()!;
		let i = 0;
		const result = trace(req, env, {
			take: () => {
				if (i < script.length) return script[i++];
				queue.push([...script, false]);
				script.push(true);
				i++;
				return true;
			}
		});
		out.push(result);
	}
	return out;
}
