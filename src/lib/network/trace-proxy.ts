/**
 * The kube-proxy part of a packet trace: what one node's rules (the proxy helper's `NodeTable`)
 * do to a connection's first packet, chain by chain, in the node's proxy mode.
 *
 * iptables (pkg/proxy/iptables/proxier.go): nat PREROUTING (OUTPUT for the node's own
 * processes) → KUBE-SERVICES → the VIP's rule → KUBE-SVC/KUBE-SVL (or KUBE-NODEPORTS /
 * KUBE-FW → KUBE-EXT for external VIPs) → one statistic rule per endpoint, rule i of n taken with
 * probability 1/(n−i) → KUBE-SEP (hairpin KUBE-MARK-MASQ, DNAT). A VIP without usable endpoints
 * has no nat rule, and the filter table's REJECT/DROP answers instead. KUBE-MARK-MASQ sets mark
 * 0x4000, and KUBE-POSTROUTING masquerades marked packets to the node's address.
 * IPVS: the virtual server picks a real server (rr) and the ipset rules decide masquerade.
 * nftables: the `service-ips` verdict map, then `numgen random mod N` over the endpoint chains.
 *
 * @module
 */
import { isLocalEndpoint } from '../proxy/categorize';
import { cidrContains as inCidr, iptablesRules, saveArgs, type IptTable } from '../proxy/render-iptables';
import type { Backend, NodeServicePort, NodeTable, VipEntry } from '../proxy/types';
import type { Protocol } from './types';

/** The first packet of a connection as it crosses a node. */
export interface Packet {
	src: string;
	dst: string;
	port: number;
	protocol: Protocol;
}

/** Where the packet came from, as netfilter tells it: a pod's veth, the node itself, or the wire. */
export type Origin = 'pod' | 'host' | 'external';

/** One line of a trace. */
export interface TraceStep {
	/** Node the step happens on; undefined for DNS, the client, and the cloud. */
	node?: string;
	stage: 'client' | 'dns' | 'ingress' | 'nat' | 'filter' | 'ipvs' | 'policy' | 'route' | 'snat' | 'deliver';
	/** Chain, virtual server or policy that acted. */
	chain?: string;
	/** The rule as the tool shows it (iptables-save line, ipvsadm entry, nft statement). */
	rule?: string;
	text: string;
	/** For a random choice: the probability this step's branch had. */
	probability?: number;
}

/**
 * Random choices: `take(p)` is asked at each statistic rule (or its IPVS/nft equivalent) and
 * answers whether the packet takes it. A seeded RNG gives one path; the tracer's "all branches"
 * mode replays scripted answers to enumerate every path.
 */
export interface Chooser {
	take(p: number): boolean;
}

/** What the node did. */
export interface NodeWalk {
	steps: TraceStep[];
	/** `dnat`: rewritten to `backend`; `none`: not a service address; `reject`/`drop`: filter verdict. */
	outcome: 'dnat' | 'none' | 'reject' | 'drop';
	packet: Packet;
	backend?: Backend;
	service?: NodeServicePort;
	/** KUBE-MARK-MASQ was hit: KUBE-POSTROUTING will masquerade. */
	masquerade: boolean;
	/** The reason, when the node decided the connection's fate. */
	reason?: string;
}


/** The VIP entry this packet hits on this node, if any (NodePorts on any node address). */
export function findVip(table: NodeTable, pkt: Packet): { entry: NodeServicePort; vip: VipEntry } | undefined {
	let nodePort: { entry: NodeServicePort; vip: VipEntry } | undefined;
	for (const entry of table.services) {
		for (const vip of entry.vips) {
			if (vip.protocol !== pkt.protocol || vip.port !== pkt.port) continue;
			if (vip.kind !== 'NodePort' && vip.ip === pkt.dst) return { entry, vip };
			if (vip.kind === 'NodePort' && table.node.addresses.includes(pkt.dst)) nodePort ??= { entry, vip };
		}
	}
	return nodePort;
}

/** Picks a backend: rule i of n is taken with probability 1/(n−i), as the statistic rules do. */
function pick(backends: Backend[], choose: Chooser): { backend: Backend; index: number; p: number } {
	let reach = 1;
	for (let i = 0; i < backends.length - 1; i++) {
		const p = 1 / (backends.length - i);
		if (choose.take(p)) return { backend: backends[i], index: i, p: reach * p };
		reach *= 1 - p;
	}
	return { backend: backends[backends.length - 1], index: backends.length - 1, p: reach };
}

const proto = (p: Protocol) => p.toLowerCase();

/** Walks one node's rules for a new connection. */
export function walkNode(table: NodeTable, pkt: Packet, origin: Origin, choose: Chooser): NodeWalk {
	const node = table.node.name;
	const mode = table.config.mode;
	const steps: TraceStep[] = [];
	const hit = findVip(table, pkt);
	const entryChain = origin === 'host' ? 'OUTPUT' : 'PREROUTING';
	if (!hit) {
		const where = mode === 'iptables' ? 'KUBE-SERVICES' : mode === 'ipvs' ? 'IPVS' : 'services';
		steps.push({ node, stage: 'nat', chain: where, text: `nat ${entryChain}: ${pkt.dst}:${pkt.port}/${pkt.protocol} is not a service address here; no rule matches` });
		return { steps, outcome: 'none', packet: pkt, masquerade: false };
	}
	const { entry, vip } = hit;
	const info = entry.info;
	const ctx: WalkContext = { table, pkt, origin, steps, node, entry, vip, masq: false, rule: ruleBook(table) };
	if (mode === 'iptables') steps.push({ node, stage: 'nat', chain: entryChain, rule: `-A ${entryChain} -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`, text: `nat ${entryChain} jumps to KUBE-SERVICES` });
	const podOrNode = origin === 'host' || (table.config.clusterCIDR !== '' && inCidr(table.config.clusterCIDR, pkt.src));
	let backends = vip.backends;
	if (vip.kind !== 'ClusterIP' && vip.shortCircuit && podOrNode) backends = vip.shortCircuit;
	if (vip.verdict === 'reject' || (vip.verdict === 'drop' && !(vip.shortCircuit && podOrNode))) return refuse(ctx);
	if (vip.sourceRanges && !vip.sourceRanges.some((r) => inCidr(r, pkt.src)) && !table.node.addresses.includes(pkt.src)) {
		const rule = ctx.rule('filter', 'KUBE-PROXY-FIREWALL', has(vip.ip, String(vip.port)));
		steps.push({ node, stage: 'filter', chain: 'KUBE-PROXY-FIREWALL', rule, text: `${pkt.src} is outside loadBalancerSourceRanges ${vip.sourceRanges.join(',')}: dropped` });
		return { steps, outcome: 'drop', packet: pkt, service: entry, masquerade: false, reason: `source ${pkt.src} not in loadBalancerSourceRanges of ${info.name}` };
	}
	dispatch(ctx, podOrNode);
	const chosen = pick(backends, choose);
	const via = mode === 'iptables' ? chainFor(ctx, backends, podOrNode) : '';
	describeChoice(ctx, backends, chosen, via);
	const b = chosen.backend;
	if (b.endpoint.ip === pkt.src) {
		ctx.masq = true;
		steps.push({ node, stage: 'nat', chain: mode === 'iptables' ? b.chain : 'KUBE-POSTROUTING', rule: ctx.rule('nat', b.chain, jumps('KUBE-MARK-MASQ')), text: `hairpin: the chosen endpoint is the client itself → KUBE-MARK-MASQ` });
	}
	const rule = mode === 'iptables' ? ctx.rule('nat', b.chain, jumps('DNAT')) : mode === 'nftables' ? `chain ${b.nftChain} { meta l4proto ${proto(vip.protocol)} dnat to ${b.endpoint.endpoint} }` : undefined;
	steps.push({ node, stage: 'nat', chain: mode === 'iptables' ? b.chain : mode === 'nftables' ? b.nftChain : 'IPVS', rule, text: `DNAT ${pkt.dst}:${pkt.port} → ${b.endpoint.endpoint}${isLocalEndpoint(b.endpoint, node) ? ' (endpoint on this node)' : ` (endpoint on ${b.endpoint.nodeName ?? 'another node'})`}` });
	return { steps, outcome: 'dnat', packet: { ...pkt, dst: b.endpoint.ip, port: b.endpoint.port }, backend: b, service: entry, masquerade: ctx.masq };
}

interface WalkContext {
	table: NodeTable;
	pkt: Packet;
	origin: Origin;
	steps: TraceStep[];
	node: string;
	entry: NodeServicePort;
	vip: VipEntry;
	masq: boolean;
	/** The node's iptables rule in `chain` that `pred` picks, as iptables-save prints it. */
	rule(tbl: IptTable, chain: string, pred: (args: string[]) => boolean): string | undefined;
}

/** Predicates over a rule's arguments. */
const has = (...xs: string[]) => (args: string[]) => xs.every((x) => args.includes(x));
const jumps = (target: string, ...xs: string[]) => (args: string[]) => args[args.indexOf('-j') + 1] === target && has(...xs)(args);

/** Quotes the node's own rules (the proxy helper's iptables rendering), so the trace shows exactly what the Network view lists. */
function ruleBook(table: NodeTable): WalkContext['rule'] {
	let dump: ReturnType<typeof iptablesRules> | undefined;
	return (tbl, chain, pred) => {
		if (table.config.mode !== 'iptables') return undefined;
		dump ??= iptablesRules(table);
		const r = dump.rules.find((x) => x.table === tbl && x.chain === chain && pred(x.args));
		return r ? `-A ${chain} ${saveArgs(r.args)}`.trimEnd() : undefined;
	};
}

const vipText = (v: VipEntry, pkt: Packet) => `${v.kind === 'NodePort' ? `${pkt.dst} (node address)` : v.ip}:${v.port}/${v.protocol}`;

/** No usable endpoint: the filter table answers (iptables) or the empty VS / map does. */
function refuse(ctx: WalkContext): NodeWalk {
	const { vip, entry, node, steps, pkt, table } = ctx;
	const name = entry.info.name;
	const reject = vip.verdict === 'reject';
	const why = reject ? `${name} has no endpoints` : `${name} has no local endpoints`;
	const mode = table.config.mode;
	if (mode === 'iptables') {
		const chain = vip.kind === 'ClusterIP' ? 'KUBE-SERVICES' : 'KUBE-EXTERNAL-SERVICES';
		const rule = ctx.rule('filter', chain, jumps(reject ? 'REJECT' : 'DROP', vip.kind === 'NodePort' ? 'LOCAL' : vip.ip, String(vip.port)));
		steps.push({ node, stage: 'filter', chain, rule, text: `filter ${chain}: ${why} → ${reject ? 'REJECT (connection refused)' : 'DROP (the client times out)'}` });
	} else if (mode === 'ipvs') {
		steps.push({ node, stage: 'ipvs', chain: `${vip.protocol}  ${vipText(vip, pkt)}`, text: `IPVS virtual server has no real servers: ${why} → ${reject ? 'ICMP port unreachable (connection refused)' : 'dropped'}` });
	} else {
		steps.push({ node, stage: 'filter', chain: 'no-endpoint-services', rule: `${vip.ip || '@nodeport-ips'} . ${proto(vip.protocol)} . ${vip.port} : ${reject ? 'goto reject-chain' : 'drop'}`, text: `${why} → ${reject ? 'rejected (connection refused)' : 'dropped'}` });
	}
	return { steps, outcome: reject ? 'reject' : 'drop', packet: pkt, service: entry, masquerade: false, reason: why };
}

/** The dispatch from KUBE-SERVICES to the policy chain, with the masquerade decisions on the way. */
function dispatch(ctx: WalkContext, podOrNode: boolean): void {
	const { vip, entry, node, steps, pkt, table, origin } = ctx;
	const info = entry.info;
	const mode = table.config.mode;
	const cidr = table.config.clusterCIDR;
	const p = proto(vip.protocol);
	if (vip.kind === 'ClusterIP') {
		const chain = info.internalLocal ? info.iptables.svl : info.iptables.svc;
		if (mode === 'iptables') steps.push({ node, stage: 'nat', chain: 'KUBE-SERVICES', rule: ctx.rule('nat', 'KUBE-SERVICES', jumps(chain, vip.ip)), text: `${vipText(vip, pkt)} is the cluster IP of ${info.name} → ${chain}` });
		else if (mode === 'nftables') steps.push({ node, stage: 'nat', chain: 'services', rule: `ip daddr . meta l4proto . th dport vmap @service-ips → ${vip.ip} . ${p} . ${vip.port} : goto ${info.internalLocal ? info.nft.svl : info.nft.svc}`, text: `${vipText(vip, pkt)} is the cluster IP of ${info.name}` });
		else steps.push({ node, stage: 'ipvs', chain: `${vip.protocol}  ${vip.ip}:${vip.port} ${table.config.ipvsScheduler || 'rr'}`, text: `${vipText(vip, pkt)} is bound to kube-ipvs0: IPVS virtual server of ${info.name}` });
		if (table.config.masqueradeAll || (cidr && !inCidr(cidr, pkt.src))) {
			ctx.masq = true;
			const why = table.config.masqueradeAll ? 'masqueradeAll' : `source ${pkt.src} is outside the cluster CIDR ${cidr}`;
			steps.push({ node, stage: 'nat', chain: mode === 'iptables' ? chain : 'KUBE-SERVICES', rule: ctx.rule('nat', chain, jumps('KUBE-MARK-MASQ', vip.ip)), text: `${why} → KUBE-MARK-MASQ (mark 0x4000)` });
		}
		return;
	}
	// External VIPs: NodePort, externalIP, LoadBalancer IP.
	const ext = info.iptables.ext;
	if (mode === 'iptables') {
		if (vip.kind === 'NodePort') {
			steps.push({ node, stage: 'nat', chain: 'KUBE-SERVICES', rule: ctx.rule('nat', 'KUBE-SERVICES', jumps('KUBE-NODEPORTS')), text: `${pkt.dst} is a local address → KUBE-NODEPORTS` });
			steps.push({ node, stage: 'nat', chain: 'KUBE-NODEPORTS', rule: ctx.rule('nat', 'KUBE-NODEPORTS', jumps(ext, String(vip.port))), text: `node port ${vip.port} of ${info.name} → ${ext}` });
		} else {
			const label = vip.kind === 'LoadBalancer' ? 'loadbalancer IP' : 'external IP';
			const to = vip.sourceRanges ? info.iptables.fw : ext;
			steps.push({ node, stage: 'nat', chain: 'KUBE-SERVICES', rule: ctx.rule('nat', 'KUBE-SERVICES', jumps(to, vip.ip, String(vip.port))), text: `${vipText(vip, pkt)} is the ${label} of ${info.name} → ${to}` });
			if (vip.sourceRanges) steps.push({ node, stage: 'nat', chain: info.iptables.fw, rule: ctx.rule('nat', info.iptables.fw, jumps(ext)), text: `${pkt.src} is inside loadBalancerSourceRanges → ${ext}` });
		}
	} else if (mode === 'ipvs') {
		steps.push({ node, stage: 'ipvs', chain: `${vip.protocol}  ${vipText(vip, pkt)} ${table.config.ipvsScheduler || 'rr'}`, text: `IPVS virtual server for the ${vip.kind} of ${info.name}` });
	} else {
		steps.push({ node, stage: 'nat', chain: 'services', text: `${vipText(vip, pkt)} is the ${vip.kind} of ${info.name} → ${info.nft.ext}` });
	}
	if (vip.policy === 'Cluster') {
		ctx.masq = true;
		steps.push({ node, stage: 'nat', chain: mode === 'iptables' ? ext : undefined, rule: ctx.rule('nat', ext, jumps('KUBE-MARK-MASQ')), text: 'externalTrafficPolicy Cluster: external traffic is masqueraded → KUBE-MARK-MASQ' });
	} else if (podOrNode) {
		if (origin === 'host') {
			ctx.masq = true;
			steps.push({ node, stage: 'nat', chain: mode === 'iptables' ? ext : undefined, text: `LOCAL traffic from the node to an externalTrafficPolicy Local VIP: masqueraded and routed to the cluster-wide endpoints (${info.iptables.svc})` });
		} else steps.push({ node, stage: 'nat', chain: mode === 'iptables' ? ext : undefined, rule: ctx.rule('nat', ext, jumps(info.iptables.svc, '-s')), text: `pod traffic short-circuits to the cluster-wide endpoints (${info.iptables.svc}); the source is kept` });
	} else steps.push({ node, stage: 'nat', chain: mode === 'iptables' ? ext : undefined, text: `externalTrafficPolicy Local: only this node's endpoints (${info.iptables.svl}); the client's source IP is kept` });
}

/** The iptables chain holding the statistic rules for the backends used. */
function chainFor(ctx: WalkContext, backends: Backend[], podOrNode: boolean): string {
	const info = ctx.entry.info;
	if (ctx.vip.kind === 'ClusterIP') return info.internalLocal ? info.iptables.svl : info.iptables.svc;
	if (ctx.vip.policy === 'Local' && !(podOrNode && backends === ctx.vip.shortCircuit)) return info.iptables.svl;
	return info.iptables.svc;
}

function describeChoice(ctx: WalkContext, backends: Backend[], chosen: { backend: Backend; index: number; p: number }, chain: string): void {
	const { node, steps, table, entry, vip } = ctx;
	const info = entry.info;
	const n = backends.length;
	const ep = chosen.backend.endpoint.endpoint;
	const affinity = info.sessionAffinity.type === 'ClientIP' ? ` (sessionAffinity ClientIP: no entry yet for ${ctx.pkt.src}, so a new pick, remembered ${info.sessionAffinity.timeoutSeconds}s)` : '';
	const share = `${chosen.index + 1} of ${n}, overall probability ${chosen.p.toFixed(4)}`;
	if (table.config.mode === 'iptables') {
		const rule = ctx.rule('nat', chain, (args) => jumps(chosen.backend.chain)(args) && !args.includes('recent'));
		steps.push({ node, stage: 'nat', chain, rule, text: `endpoint ${ep} chosen (rule ${share})${affinity}`, probability: chosen.p });
	} else if (table.config.mode === 'ipvs') {
		steps.push({ node, stage: 'ipvs', chain: `${vip.protocol}  ${vip.ip || ctx.pkt.dst}:${vip.port}`, rule: `  -> ${ep.padEnd(28)} Masq    1`, text: `real server ${ep} chosen (${share}; ${table.config.ipvsScheduler || 'rr'} spreads connections evenly)${affinity}`, probability: chosen.p });
	} else {
		const map = backends.map((b, i) => `${i} : goto ${b.nftChain}`).join(', ');
		steps.push({ node, stage: 'nat', chain: info.nft.svc, rule: `numgen random mod ${n} vmap { ${map} }`, text: `endpoint ${ep} chosen (${share})${affinity}`, probability: chosen.p });
	}
}
