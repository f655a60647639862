/**
 * nftables mode (pkg/proxy/nftables/proxier.go): one `ip kube-proxy` table whose `services` chain
 * dispatches through verdict maps (`service-ips`, `service-nodeports`), per-service chains that
 * pick an endpoint with `numgen random mod N vmap`, and maps sending VIPs without usable endpoints
 * to `reject-chain` or `drop`. `nftTransaction` is what kube-proxy feeds `nft -f` (the form its unit
 * tests compare); `renderNftList` is `nft list table ip kube-proxy`.
 *
 * @module
 */
import { masqueradeMark } from './model';
import { cidrContains, ipv4ToInt } from './render-iptables';
import type { Backend, NodeTable } from './types';
import { clusterBackends, localBackends } from './render-iptables';

export interface NftSet {
	kind: 'set' | 'map';
	name: string;
	type: string;
	comment?: string;
	flags?: string;
	timeout?: number;
	elements: string[];
}

export interface NftChain {
	name: string;
	/** Base chain: `type … hook … priority N`. */
	hook?: { type: string; hook: string; priority: number };
	comment?: string;
	rules: string[];
}

export interface NftTable {
	sets: NftSet[];
	chains: NftChain[];
}

export interface NftOptions {
	/** Service CIDRs (kube-proxy reads them from ServiceCIDR objects); default the kubeadm one. */
	serviceCIDRs?: string[];
}

/** The table kube-proxy programs on this node. */
export function nftTable(t: NodeTable, opts: NftOptions = {}): NftTable {
	const mark = masqueradeMark(t.config.masqueradeBit);
	const cidr = t.config.clusterCIDR;
	const set = (kind: NftSet['kind'], name: string, type: string, comment: string): NftSet => ({ kind, name, type, comment, elements: [] });
	const sets = {
		clusterIPs: set('set', 'cluster-ips', 'ipv4_addr', 'Active ClusterIPs'),
		nodePortIPs: set('set', 'nodeport-ips', 'ipv4_addr', 'IPs that accept NodePort traffic'),
		firewallIPs: set('map', 'firewall-ips', 'ipv4_addr . inet_proto . inet_service : verdict', 'destinations that are subject to LoadBalancerSourceRanges'),
		noEndpointNodePorts: set('map', 'no-endpoint-nodeports', 'inet_proto . inet_service : verdict', 'vmap to drop or reject packets to service nodeports with no endpoints'),
		noEndpointServices: set('map', 'no-endpoint-services', 'ipv4_addr . inet_proto . inet_service : verdict', 'vmap to drop or reject packets to services with no endpoints'),
		serviceIPs: set('map', 'service-ips', 'ipv4_addr . inet_proto . inet_service : verdict', 'ClusterIP, ExternalIP and LoadBalancer IP traffic'),
		serviceNodePorts: set('map', 'service-nodeports', 'inet_proto . inet_service : verdict', 'NodePort traffic')
	};
	const chain = (name: string, rules: string[], hook?: NftChain['hook'], comment?: string): NftChain => ({ name, rules, hook, comment });
	const chains: NftChain[] = [
		chain('cluster-ips-check', ['ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"', `ip daddr { ${(opts.serviceCIDRs ?? ['10.96.0.0/12']).join(', ')} } drop comment "Drop traffic to unallocated ClusterIPs"`]),
		chain('filter-prerouting-pre-dnat', ['ct state new jump firewall-check'], { type: 'filter', hook: 'prerouting', priority: -110 }),
		chain('filter-output-pre-dnat', ['ct state new jump firewall-check'], { type: 'filter', hook: 'output', priority: -110 }),
		chain('filter-forward', ['ct state new jump service-endpoints-check', 'ct state new jump cluster-ips-check'], { type: 'filter', hook: 'forward', priority: 0 }),
		chain('filter-input', ['ct state new jump nodeport-endpoints-check', 'ct state new jump service-endpoints-check'], { type: 'filter', hook: 'input', priority: 0 }),
		chain('filter-output', ['ct state new jump service-endpoints-check', 'ct state new jump cluster-ips-check'], { type: 'filter', hook: 'output', priority: 0 }),
		chain('firewall-check', ['ip daddr . meta l4proto . th dport vmap @firewall-ips']),
		chain('mark-for-masquerade', [`mark set mark or ${mark}`]),
		chain('masquerading', [`mark and ${mark} == 0 return`, `mark set mark xor ${mark}`, 'masquerade fully-random']),
		chain('nat-output', ['jump services'], { type: 'nat', hook: 'output', priority: -100 }),
		chain('nat-postrouting', ['jump masquerading'], { type: 'nat', hook: 'postrouting', priority: 100 }),
		chain('nat-prerouting', ['jump services'], { type: 'nat', hook: 'prerouting', priority: -100 }),
		chain('nodeport-endpoints-check', ['ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports']),
		chain('reject-chain', ['reject'], undefined, 'helper for @no-endpoint-services / @no-endpoint-nodeports'),
		chain('services', ['ip daddr . meta l4proto . th dport vmap @service-ips', 'ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports']),
		chain('service-endpoints-check', ['ip daddr . meta l4proto . th dport vmap @no-endpoint-services'])
	];
	const affinitySets: NftSet[] = [];
	sets.nodePortIPs.elements.push(...t.node.addresses);

	for (const e of t.services) {
		const info = e.info;
		const proto = info.protocol.toLowerCase();
		const names = info.nft;
		const hasEndpoints = e.hasEndpoints;
		const usesCluster = e.clusterEndpoints.length > 0 && info.usesCluster;
		const usesLocal = e.localEndpoints.length > 0 && info.usesLocal;
		const internalChain = info.internalLocal ? names.svl : names.svc;
		const hasInternal = hasEndpoints && !(info.internalLocal && e.localEndpoints.length === 0);
		const externalPolicyChain = info.externalLocal ? names.svl : names.svc;
		const hasExternal = hasEndpoints && !(info.externalLocal && e.localEndpoints.length === 0);
		const usesExt = hasEndpoints && info.externallyAccessible;
		const usesFW = hasEndpoints && info.loadBalancerIPs.length > 0 && info.loadBalancerSourceRanges.length > 0;
		const noEp = !hasEndpoints ? 'goto reject-chain' : 'drop';
		const comment = `comment "${info.name}"`;

		sets.clusterIPs.elements.push(info.clusterIP);
		if (hasInternal) sets.serviceIPs.elements.push(`${info.clusterIP} . ${proto} . ${info.port} : goto ${internalChain}`);
		else sets.noEndpointServices.elements.push(`${info.clusterIP} . ${proto} . ${info.port} ${comment} : ${noEp}`);
		for (const ip of [...info.externalIPs, ...info.loadBalancerIPs]) {
			if (hasEndpoints) sets.serviceIPs.elements.push(`${ip} . ${proto} . ${info.port} : goto ${names.ext}`);
			if (!hasExternal) sets.noEndpointServices.elements.push(`${ip} . ${proto} . ${info.port} ${comment} : ${noEp}`);
		}
		if (usesFW) for (const ip of info.loadBalancerIPs) sets.firewallIPs.elements.push(`${ip} . ${proto} . ${info.port} : goto ${names.fw}`);
		if (info.nodePort) {
			if (hasEndpoints) sets.serviceNodePorts.elements.push(`${proto} . ${info.nodePort} : goto ${names.ext}`);
			if (!hasExternal) sets.noEndpointNodePorts.elements.push(`${proto} . ${info.nodePort} ${comment} : ${noEp}`);
		}

		const policyChain = (name: string, bs: Backend[]) => {
			const rules: string[] = [];
			if (name === internalChain && hasInternal) {
				if (t.config.masqueradeAll) rules.push(`ip daddr ${info.clusterIP} jump mark-for-masquerade`);
				else if (cidr) rules.push(`ip daddr ${info.clusterIP} ip saddr != ${cidr} jump mark-for-masquerade`);
			}
			if (info.sessionAffinity.type === 'ClientIP') for (const b of bs) rules.push(`ip saddr @${affinityName(b)} goto ${b.nftChain}`);
			rules.push(`numgen random mod ${bs.length} vmap { ${bs.map((b, i) => `${i} : goto ${b.nftChain}`).join(' , ')} }`);
			chains.push(chain(name, rules));
		};
		const cluster = clusterBackends(e);
		const local = localBackends(e);
		if (usesCluster) policyChain(names.svc, cluster);
		if (usesLocal) policyChain(names.svl, local);
		if (usesExt) {
			const rules: string[] = [];
			if (!info.externalLocal) rules.push('jump mark-for-masquerade');
			else {
				if (cidr) rules.push(`ip saddr ${cidr} goto ${names.svc} comment "short-circuit pod traffic"`);
				rules.push('fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"', `fib saddr type local goto ${names.svc} comment "short-circuit local traffic"`);
			}
			if (hasExternal) rules.push(`goto ${externalPolicyChain}`);
			chains.push(chain(names.ext, rules));
		}
		const byEp = new Map([...cluster, ...local].map((b) => [b.endpoint, b]));
		for (const ep of e.allReachable) {
			const b = byEp.get(ep)!;
			const rules = [`ip saddr ${ep.ip} jump mark-for-masquerade`];
			if (info.sessionAffinity.type === 'ClientIP') {
				affinitySets.push({ kind: 'set', name: affinityName(b), type: 'ipv4_addr', flags: 'dynamic,timeout', timeout: info.sessionAffinity.timeoutSeconds, elements: [] });
				rules.push(`update @${affinityName(b)} { ip saddr }`);
			}
			rules.push(`meta l4proto ${proto} dnat to ${ep.endpoint}`);
			chains.push(chain(b.nftChain, rules));
		}
		if (usesFW) {
			const allowed = [...info.loadBalancerSourceRanges];
			if (info.loadBalancerSourceRanges.some((r) => t.node.addresses.some((a) => cidrContains(r, a)))) allowed.push(...info.loadBalancerIPs);
			chains.push(chain(names.fw, [`ip saddr != { ${allowed.join(', ')} } drop`]));
		}
	}
	// A set holds each element once (a Service's ports share its ClusterIP).
	for (const st of [sets.clusterIPs, sets.nodePortIPs]) st.elements = [...new Set(st.elements)];
	return { sets: [...Object.values(sets), ...affinitySets], chains };
}

const affinityName = (b: Backend) => b.nftChain.replace(/^endpoint-/, 'affinity-');

/** kube-proxy's `nft -f` input (the knftables transaction its unit tests dump). */
export function renderNftTransaction(t: NodeTable, opts: NftOptions = {}): string {
	const table = nftTable(t, opts);
	const out = ['add table ip kube-proxy { comment "rules for kube-proxy" ; }'];
	for (const s of table.sets) {
		const props = [`type ${s.type}`, s.flags ? `flags ${s.flags}` : '', s.timeout !== undefined ? `timeout ${s.timeout}s` : '', s.comment ? `comment "${s.comment}"` : ''].filter(Boolean);
		out.push(`add ${s.kind} ip kube-proxy ${s.name} { ${props.join(' ; ')} ; }`);
	}
	for (const c of table.chains) {
		const props = [c.hook ? `type ${c.hook.type} hook ${c.hook.hook} priority ${c.hook.priority}` : '', c.comment ? `comment "${c.comment}"` : ''].filter(Boolean);
		out.push(`add chain ip kube-proxy ${c.name}${props.length ? ` { ${props.join(' ; ')} ; }` : ''}`);
	}
	for (const c of table.chains) for (const r of c.rules) out.push(`add rule ip kube-proxy ${c.name} ${r}`);
	for (const s of table.sets) for (const el of s.elements) out.push(`add element ip kube-proxy ${s.name} { ${el} }`);
	return out.join('\n') + '\n';
}

/**
 * nft's `prio2str` for family ip, as the nft 1.0.6 of a Debian bookworm node (kind's, and the
 * iptables 1.8.9 quoted by the iptables-save header) prints it: the first standard priority
 * within 10 gives the name (`dstnat - 10`), unless that name is not valid for the hook — then
 * the number. `dstnat` is only valid at prerouting and `srcnat` only at postrouting (nft ≥ 1.0.8
 * also allows output/input), so a real node lists `nat-output` as `priority -100` and
 * `filter-output-pre-dnat` as `priority -110`.
 */
const STD_PRIOS: [string, number, string[] | undefined][] = [
	['raw', -300, undefined],
	['mangle', -150, undefined],
	['dstnat', -100, ['prerouting']],
	['filter', 0, undefined],
	['security', 50, undefined],
	['srcnat', 100, ['postrouting']]
];

export function priorityName(hook: string, p: number): string {
	for (const [name, base, hooks] of STD_PRIOS) {
		if (Math.abs(p - base) > 10) continue;
		if (hooks && !hooks.includes(hook)) break;
		return p === base ? name : `${name} ${p > base ? '+' : '-'} ${Math.abs(p - base)}`;
	}
	return String(p);
}

/** nft prints timeouts as `3h`, `1h30m`, `45s`. */
function duration(s: number): string {
	const parts: string[] = [];
	for (const [unit, n] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
		if (s >= n) {
			parts.push(`${Math.floor(s / n)}${unit}`);
			s %= n;
		}
	}
	return parts.join('') || '0s';
}

/** How `nft list` prints the expressions kube-proxy writes in short form. */
function listRule(rule: string): string {
	return rule
		.replace(/^mark set mark (or|xor) (0x[0-9a-f]+)/, (_, op: string, m: string) => `meta mark set meta mark ${op === 'or' ? '|' : '^'} ${hex8(m)}`)
		.replace(/^mark and (0x[0-9a-f]+) == 0/, (_, m: string) => `meta mark & ${hex8(m)} == 0x00000000`)
		.replace(/ vmap \{ (.*) \}$/, (_, body: string) => ` vmap { ${body.replaceAll(' , ', ', ')} }`)
		// nft turns a one-element anonymous set into a plain match (`ip daddr 10.96.0.0/12 drop`).
		.replace(/ (daddr|saddr)( !=)? \{ ([^,{}:]+) \}/, ' $1$2 $3');
}

const hex8 = (m: string) => `0x${parseInt(m, 16).toString(16).padStart(8, '0')}`;

/** The order kube-proxy creates its sets and maps in (`setupNFTables`), which `nft list` keeps (by handle). */
const SET_ORDER = ['cluster-ips', 'nodeport-ips', 'no-endpoint-services', 'no-endpoint-nodeports', 'firewall-ips', 'service-ips', 'service-nodeports'];
const setRank = (name: string) => (SET_ORDER.includes(name) ? SET_ORDER.indexOf(name) : SET_ORDER.length);

/**
 * `elements = { … }` as nft prints it (`set_expr_print` / `calculate_delim`): address sets two
 * per line, sorted by address; map and concatenation elements one per line.
 */
function elementsLine(s: NftSet): string {
	if (s.type !== 'ipv4_addr') return `\t\telements = { ${s.elements.join(',\n\t\t\t     ')} }`;
	const sorted = [...s.elements].sort((a, b) => (ipv4ToInt(a) ?? 0) - (ipv4ToInt(b) ?? 0));
	let text = '';
	sorted.forEach((el, i) => (text += (i === 0 ? '' : i % 2 === 0 ? ',\n\t\t\t     ' : ', ') + el));
	return `\t\telements = { ${text} }`;
}

/**
 * `nft list table ip kube-proxy` as nft 1.0.6 prints it (nftables `table_print`): sets and maps
 * first in creation order, then the chains, a blank line between them; a base chain's comment
 * before its `type … hook …` line. Checked against a real node's listing (real-dumps.test.ts).
 */
export function renderNftList(t: NodeTable, opts: NftOptions = {}): string {
	const table = nftTable(t, opts);
	const out = ['table ip kube-proxy {', '\tcomment "rules for kube-proxy"'];
	for (const s of [...table.sets].sort((a, b) => setRank(a.name) - setRank(b.name))) {
		out.push(`\t${s.kind} ${s.name} {`, `\t\ttype ${s.type}`);
		if (s.flags) out.push(`\t\tflags ${s.flags}`);
		if (s.timeout !== undefined) out.push(`\t\ttimeout ${duration(s.timeout)}`);
		if (s.comment) out.push(`\t\tcomment "${s.comment}"`);
		if (s.elements.length) out.push(elementsLine(s));
		out.push('\t}', '');
	}
	for (const c of table.chains) {
		out.push(`\tchain ${c.name} {`);
		if (c.comment) out.push(`\t\tcomment "${c.comment}"`);
		if (c.hook) out.push(`\t\ttype ${c.hook.type} hook ${c.hook.hook} priority ${priorityName(c.hook.hook, c.hook.priority)}; policy accept;`);
		for (const r of c.rules) out.push(`\t\t${listRule(r)}`);
		out.push('\t}', '');
	}
	if (out[out.length - 1] === '') out.pop();
	out.push('}');
	return out.join('\n') + '\n';
}
