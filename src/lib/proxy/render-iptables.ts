/**
 * iptables mode. `iptablesRules` writes the rules the way pkg/proxy/iptables/proxier.go
 * `syncProxyRules` writes its iptables-restore input (same chains, arguments, comments and
 * order, services sorted by name instead of Go map order); `renderIptablesSave` prints them as
 * `iptables-save` shows them on a node (arguments normalized by iptables, plus the jumps from the
 * built-in chains and the kubelet's chains); `renderIptablesRestore` prints kube-proxy's own input
 * in the order kube-proxy's unit tests compare it.
 *
 * @module
 */
import { masqueradeMark } from './model';
import type { Backend, NodeServicePort, NodeTable } from './types';

export type IptTable = 'filter' | 'nat';

export interface IptRule {
	table: IptTable;
	chain: string;
	/** The arguments after `-A <chain>`, as kube-proxy writes them (comments with quotes if they contain spaces). */
	args: string[];
}

export interface IptablesDump {
	/** Chains kube-proxy declares, per table, in declaration order. */
	chains: Record<IptTable, string[]>;
	rules: IptRule[];
}

/** Above this many endpoints kube-proxy drops the per-endpoint comments ("large cluster mode"). */
export const LARGE_CLUSTER_ENDPOINTS = 1000;

const KUBE_SERVICES = 'KUBE-SERVICES';
const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
const KUBE_FORWARD = 'KUBE-FORWARD';
const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
const KUBE_FIREWALL = 'KUBE-FIREWALL';

/** `fmt.Sprintf("%0.10f", 1.0/float64(n))`: the probability of the i-th of n rules is 1/(n-i). */
export const probability = (n: number): string => (1 / n).toFixed(10);

const q = (s: string) => `"${s}"`;

export interface IptablesOptions {
	/** `iptables.HasRandomFully()` (true on any current kernel). */
	randomFully?: boolean;
	/** `--iptables-localhost-nodeports` (default true): writes the KUBE-FIREWALL martian rule. */
	localhostNodePorts?: boolean;
}

/** The rules kube-proxy would restore on this node. */
export function iptablesRules(t: NodeTable, opts: IptablesOptions = {}): IptablesDump {
	const randomFully = opts.randomFully ?? true;
	const localhostNodePorts = opts.localhostNodePorts ?? true;
	const mark = masqueradeMark(t.config.masqueradeBit);
	const large = t.endpointCount > LARGE_CLUSTER_ENDPOINTS;
	const chains: Record<IptTable, string[]> = {
		filter: [KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL],
		nat: [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ]
	};
	const rules: IptRule[] = [];
	const nat = (chain: string, ...args: string[]) => rules.push({ table: 'nat', chain, args });
	const filter = (chain: string, ...args: string[]) => rules.push({ table: 'filter', chain, args });

	nat(KUBE_POSTROUTING, '-m', 'mark', '!', '--mark', `${mark}/${mark}`, '-j', 'RETURN');
	nat(KUBE_POSTROUTING, '-j', 'MARK', '--xor-mark', mark);
	nat(KUBE_POSTROUTING, '-m', 'comment', '--comment', q('kubernetes service traffic requiring SNAT'), '-j', 'MASQUERADE', ...(randomFully ? ['--random-fully'] : []));
	nat(KUBE_MARK_MASQ, '-j', 'MARK', '--or-mark', mark);
	if (localhostNodePorts) {
		chains.filter.push(KUBE_FIREWALL);
		filter(KUBE_FIREWALL, '-m', 'comment', '--comment', q('block incoming localnet connections'), '-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8', '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP');
	}
	const comment = (text: string) => (large ? [] : ['-m', 'comment', '--comment', text]);
	const cidr = t.config.clusterCIDR;

	for (const e of t.services) {
		const info = e.info;
		const proto = info.protocol.toLowerCase();
		const name = info.name;
		const match = (ip: string, port: number) => ['-m', proto, '-p', proto, '-d', ip, '--dport', String(port)];
		const hasEndpoints = e.hasEndpoints;
		const clusterChain = info.iptables.svc;
		const localChain = info.iptables.svl;
		const usesClusterChain = e.clusterEndpoints.length > 0 && info.usesCluster;
		const usesLocalChain = e.localEndpoints.length > 0 && info.usesLocal;
		const internalChain = info.internalLocal ? localChain : clusterChain;
		const hasInternal = hasEndpoints && !(info.internalLocal && e.localEndpoints.length === 0);
		const externalPolicyChain = info.externalLocal ? localChain : clusterChain;
		const hasExternal = hasEndpoints && !(info.externalLocal && e.localEndpoints.length === 0);
		const extChain = info.iptables.ext;
		const usesExtChain = hasEndpoints && info.externallyAccessible;
		const usesFW = hasEndpoints && info.loadBalancerIPs.length > 0 && info.loadBalancerSourceRanges.length > 0;
		const lbChain = usesFW ? info.iptables.fw : extChain;
		const internalFilter = !hasEndpoints ? ['REJECT', q(`${name} has no endpoints`)] : !hasInternal ? ['DROP', q(`${name} has no local endpoints`)] : undefined;
		const externalFilter = !hasEndpoints ? ['REJECT', q(`${name} has no endpoints`)] : !hasExternal ? ['DROP', q(`${name} has no local endpoints`)] : undefined;

		if (hasInternal) nat(KUBE_SERVICES, '-m', 'comment', '--comment', q(`${name} cluster IP`), ...match(info.clusterIP, info.port), '-j', internalChain);
		else filter(KUBE_SERVICES, '-m', 'comment', '--comment', internalFilter![1], ...match(info.clusterIP, info.port), '-j', internalFilter![0]);
		for (const ip of info.externalIPs) {
			if (hasEndpoints) nat(KUBE_SERVICES, '-m', 'comment', '--comment', q(`${name} external IP`), ...match(ip, info.port), '-j', extChain);
			if (!hasExternal) filter(KUBE_EXTERNAL_SERVICES, '-m', 'comment', '--comment', externalFilter![1], ...match(ip, info.port), '-j', externalFilter![0]);
		}
		for (const ip of info.loadBalancerIPs) {
			if (hasEndpoints) nat(KUBE_SERVICES, '-m', 'comment', '--comment', q(`${name} loadbalancer IP`), ...match(ip, info.port), '-j', lbChain);
			if (usesFW) filter(KUBE_PROXY_FIREWALL, '-m', 'comment', '--comment', q(`${name} traffic not accepted by ${info.iptables.fw}`), ...match(ip, info.port), '-j', 'DROP');
		}
		if (!hasExternal) for (const ip of info.loadBalancerIPs) filter(KUBE_EXTERNAL_SERVICES, '-m', 'comment', '--comment', externalFilter![1], ...match(ip, info.port), '-j', externalFilter![0]);
		if (info.nodePort) {
			if (hasEndpoints) nat(KUBE_NODEPORTS, '-m', 'comment', '--comment', name, '-m', proto, '-p', proto, '--dport', String(info.nodePort), '-j', extChain);
			if (!hasExternal)
				filter(KUBE_EXTERNAL_SERVICES, '-m', 'comment', '--comment', externalFilter![1], '-m', 'addrtype', '--dst-type', 'LOCAL', '-m', proto, '-p', proto, '--dport', String(info.nodePort), '-j', externalFilter![0]);
		}
		if (info.healthCheckNodePort)
			filter(KUBE_NODEPORTS, '-m', 'comment', '--comment', q(`${name} health check node port`), '-m', 'tcp', '-p', 'tcp', '--dport', String(info.healthCheckNodePort), '-j', 'ACCEPT');

		if (hasInternal) {
			const args = ['-m', 'comment', '--comment', q(`${name} cluster IP`), ...match(info.clusterIP, info.port)];
			if (t.config.masqueradeAll) nat(internalChain, ...args, '-j', KUBE_MARK_MASQ);
			else if (cidr) nat(internalChain, ...args, '!', '-s', cidr, '-j', KUBE_MARK_MASQ);
		}
		if (usesExtChain) {
			chains.nat.push(extChain);
			if (!info.externalLocal) nat(extChain, '-m', 'comment', '--comment', q(`masquerade traffic for ${name} external destinations`), '-j', KUBE_MARK_MASQ);
			else {
				if (cidr) nat(extChain, '-m', 'comment', '--comment', q(`pod traffic for ${name} external destinations`), '-s', cidr, '-j', clusterChain);
				nat(extChain, '-m', 'comment', '--comment', q(`masquerade LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', KUBE_MARK_MASQ);
				nat(extChain, '-m', 'comment', '--comment', q(`route LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', clusterChain);
			}
			if (hasExternal) nat(extChain, '-j', externalPolicyChain);
		}
		if (usesFW) {
			const fw = info.iptables.fw;
			chains.nat.push(fw);
			const args = ['-m', 'comment', '--comment', q(`${name} loadbalancer IP`)];
			let allowFromNode = false;
			for (const range of info.loadBalancerSourceRanges) {
				nat(fw, ...args, '-s', range, '-j', extChain);
				if (t.node.addresses.some((a) => cidrContains(range, a))) allowFromNode = true;
			}
			if (allowFromNode) for (const ip of info.loadBalancerIPs) nat(fw, ...args, '-s', ip, '-j', extChain);
			nat(fw, '-m', 'comment', '--comment', q(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`));
		}
		const writeServiceToEndpoints = (chain: string, bs: Backend[]) => {
			if (info.sessionAffinity.type === 'ClientIP')
				for (const b of bs)
					nat(chain, ...comment(q(`${name} -> ${b.endpoint.endpoint}`)), '-m', 'recent', '--name', b.chain, '--rcheck', '--seconds', String(info.sessionAffinity.timeoutSeconds), '--reap', '-j', b.chain);
			bs.forEach((b, i) => {
				const stat = i < bs.length - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(bs.length - i)] : [];
				nat(chain, ...comment(q(`${name} -> ${b.endpoint.endpoint}`)), ...stat, '-j', b.chain);
			});
		};
		const cluster = clusterBackends(e);
		if (usesClusterChain) {
			chains.nat.push(clusterChain);
			writeServiceToEndpoints(clusterChain, cluster);
		}
		const local = localBackends(e);
		if (usesLocalChain) {
			chains.nat.push(localChain);
			writeServiceToEndpoints(localChain, local);
		}
		const byEp = new Map([...cluster, ...local].map((b) => [b.endpoint, b]));
		for (const ep of e.allReachable) {
			const b = byEp.get(ep)!;
			chains.nat.push(b.chain);
			const base = comment(name);
			nat(b.chain, ...base, '-s', ep.ip, '-j', KUBE_MARK_MASQ);
			const affinity = info.sessionAffinity.type === 'ClientIP' ? ['-m', 'recent', '--name', b.chain, '--set'] : [];
			nat(b.chain, ...base, ...affinity, '-m', proto, '-p', proto, '-j', 'DNAT', '--to-destination', ep.endpoint);
		}
	}
	nat(KUBE_SERVICES, '-m', 'comment', '--comment', q('kubernetes service nodeports; NOTE: this must be the last rule in this chain'), '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', KUBE_NODEPORTS);
	filter(KUBE_FORWARD, '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP');
	filter(KUBE_FORWARD, '-m', 'comment', '--comment', q('kubernetes forwarding rules'), '-m', 'mark', '--mark', `${mark}/${mark}`, '-j', 'ACCEPT');
	filter(KUBE_FORWARD, '-m', 'comment', '--comment', q('kubernetes forwarding conntrack rule'), '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');
	return { chains, rules };
}

/** Backends of the Cluster-policy chain (KUBE-SVC). */
export const clusterBackends = (e: NodeServicePort): Backend[] => pick(e, e.clusterEndpoints);
/** Backends of the Local-policy chain (KUBE-SVL). */
export const localBackends = (e: NodeServicePort): Backend[] => pick(e, e.localEndpoints);

function pick(e: NodeServicePort, eps: NodeServicePort['clusterEndpoints']): Backend[] {
	const all = new Map<unknown, Backend>();
	for (const v of e.vips) for (const b of [...v.backends, ...(v.shortCircuit ?? [])]) all.set(b.endpoint, b);
	return eps.map((ep) => all.get(ep)!).filter(Boolean);
}

/** IPv4 CIDR membership. */
export function cidrContains(cidr: string, ip: string): boolean {
	const [net, bitsText] = cidr.split('/');
	const bits = bitsText === undefined ? 32 : Number(bitsText);
	const a = ipv4ToInt(net);
	const b = ipv4ToInt(ip);
	if (a === undefined || b === undefined) return false;
	const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
	return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

export function ipv4ToInt(ip: string): number | undefined {
	const parts = ip.split('.');
	if (parts.length !== 4) return undefined;
	let n = 0;
	for (const p of parts) {
		const v = Number(p);
		if (!Number.isInteger(v) || v < 0 || v > 255) return undefined;
		n = n * 256 + v;
	}
	return n;
}

const TEST_FIRST = [KUBE_NODEPORTS, KUBE_SERVICES];

/** Chain order of kube-proxy's unit tests (`sortIPTablesRules`): NODEPORTS, SERVICES, then by name. */
function testChainOrder(chains: string[]): string[] {
	const rest = chains.filter((c) => !TEST_FIRST.includes(c)).sort();
	return [...TEST_FIRST.filter((c) => chains.includes(c)), ...new Set(rest)];
}

/** kube-proxy's iptables-restore input (filter then nat), in the order its unit tests compare. */
export function renderIptablesRestore(t: NodeTable, opts: IptablesOptions = {}): string {
	const dump = iptablesRules(t, opts);
	const out: string[] = [];
	for (const table of ['filter', 'nat'] as const) {
		out.push(`*${table}`);
		const order = testChainOrder(dump.chains[table]);
		for (const c of order) out.push(`:${c} - [0:0]`);
		for (const c of order) for (const r of dump.rules) if (r.table === table && r.chain === c) out.push(`-A ${c} ${r.args.join(' ')}`);
		out.push('COMMIT');
	}
	return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// iptables-save

/** Jumps kube-proxy (`iptablesJumpChains`, prepended, so the last written comes first) and the kubelet put in built-in chains. */
const BUILTIN_JUMPS: Record<IptTable, Record<string, string[][]>> = {
	filter: {
		INPUT: [
			['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', q('kubernetes load balancer firewall'), '-j', KUBE_PROXY_FIREWALL],
			['-m', 'comment', '--comment', q('kubernetes health check service ports'), '-j', KUBE_NODEPORTS],
			['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', q('kubernetes externally-visible service portals'), '-j', KUBE_EXTERNAL_SERVICES],
			['-j', KUBE_FIREWALL]
		],
		FORWARD: [
			['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', q('kubernetes load balancer firewall'), '-j', KUBE_PROXY_FIREWALL],
			['-m', 'comment', '--comment', q('kubernetes forwarding rules'), '-j', KUBE_FORWARD],
			['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', q('kubernetes service portals'), '-j', KUBE_SERVICES],
			['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', q('kubernetes externally-visible service portals'), '-j', KUBE_EXTERNAL_SERVICES]
		],
		OUTPUT: [
			['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', q('kubernetes load balancer firewall'), '-j', KUBE_PROXY_FIREWALL],
			['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', q('kubernetes service portals'), '-j', KUBE_SERVICES],
			['-j', KUBE_FIREWALL]
		]
	},
	nat: {
		PREROUTING: [['-m', 'comment', '--comment', q('kubernetes service portals'), '-j', KUBE_SERVICES]],
		INPUT: [],
		OUTPUT: [['-m', 'comment', '--comment', q('kubernetes service portals'), '-j', KUBE_SERVICES]],
		POSTROUTING: [['-m', 'comment', '--comment', q('kubernetes postrouting rules'), '-j', KUBE_POSTROUTING]]
	}
};

/** Canary chains kube-proxy and the kubelet create to notice a flush. */
const CANARIES = ['KUBE-PROXY-CANARY', 'KUBE-KUBELET-CANARY'];

/** `Mon Nov 24 10:00:00 2025`, as ctime prints it (UTC here). */
export function ctime(d: Date): string {
	const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
	const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${day} ${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export interface SaveOptions extends IptablesOptions {
	/** Tables to print (default nat then filter, like `iptables-save -t nat; iptables-save -t filter`). */
	tables?: IptTable[];
	now?: Date;
}

/** What `iptables-save -t <table>` prints on the node. */
export function renderIptablesSave(t: NodeTable, opts: SaveOptions = {}): string {
	const dump = iptablesRules(t, opts);
	const date = ctime(opts.now ?? new Date());
	const out: string[] = [];
	for (const table of opts.tables ?? (['nat', 'filter'] as const)) {
		out.push(`# Generated by iptables-save v1.8.9 (nf_tables) on ${date}`, `*${table}`);
		const builtins = Object.keys(BUILTIN_JUMPS[table]);
		for (const b of builtins) out.push(`:${b} ACCEPT [0:0]`);
		const userChains = [...new Set([...dump.chains[table], ...CANARIES])].sort();
		for (const c of userChains) out.push(`:${c} - [0:0]`);
		for (const b of builtins) for (const args of BUILTIN_JUMPS[table][b]) out.push(`-A ${b} ${saveArgs(args)}`);
		// Rules of each chain in the order kube-proxy wrote them; chains in iptables-save's order.
		const byChain = new Map<string, string[]>();
		for (const r of dump.rules) {
			if (r.table !== table) continue;
			let l = byChain.get(r.chain);
			if (!l) byChain.set(r.chain, (l = []));
			l.push(`-A ${r.chain} ${saveArgs(r.args)}`.trimEnd());
		}
		for (const c of userChains) out.push(...(byChain.get(c) ?? []));
		out.push('COMMIT', `# Completed on ${date}`);
	}
	return out.join('\n') + '\n';
}

interface ParsedOpt {
	neg: boolean;
	name: string;
	values: string[];
}

const GENERIC: Record<string, string> = { '-s': 's', '--source': 's', '-d': 'd', '--destination': 'd', '-p': 'p', '--protocol': 'p', '-i': 'i', '-o': 'o' };

/** Re-prints restore arguments the way iptables-save shows the rule after the kernel round trip. */
export function saveArgs(args: string[]): string {
	const generic: Record<string, { neg: boolean; value: string }> = {};
	const modules: { name: string; opts: ParsedOpt[] }[] = [];
	let target: { name: string; opts: ParsedOpt[] } | undefined;
	let neg = false;
	for (let i = 0; i < args.length; i++) {
		const a = args[i];
		if (a === '!') {
			neg = true;
			continue;
		}
		if (GENERIC[a]) {
			generic[GENERIC[a]] = { neg, value: args[++i] };
		} else if (a === '-m') {
			modules.push({ name: args[++i], opts: [] });
		} else if (a === '-j') {
			target = { name: args[++i], opts: [] };
		} else if (a.startsWith('-')) {
			const values: string[] = [];
			while (i + 1 < args.length && !args[i + 1].startsWith('-') && args[i + 1] !== '!') values.push(args[++i]);
			(target ?? modules[modules.length - 1]).opts.push({ neg, name: a, values });
		}
		neg = false;
	}
	const out: string[] = [];
	const addr = (v: string) => (v.includes('/') ? v : `${v}/32`);
	for (const [k, flag] of [['s', '-s'], ['d', '-d'], ['i', '-i'], ['o', '-o'], ['p', '-p']] as const) {
		const g = generic[k];
		if (!g) continue;
		if (g.neg) out.push('!');
		out.push(flag, k === 's' || k === 'd' ? addr(g.value) : g.value);
	}
	for (const m of modules) out.push('-m', m.name, ...saveModule(m.name, m.opts));
	if (target) out.push('-j', target.name, ...saveTarget(target.name, target.opts));
	return out.join(' ');
}

const unquote = (s: string) => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);

/** `xtables_save_string`: bare if only [A-Za-z0-9_-], else double-quoted with `"\'` escaped. */
export function saveString(value: string): string {
	if (/^[A-Za-z0-9_-]+$/.test(value)) return value;
	return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

function saveModule(name: string, opts: ParsedOpt[]): string[] {
	const get = (n: string) => opts.find((o) => o.name === n);
	const neg = (o: ParsedOpt) => (o.neg ? ['!'] : []);
	switch (name) {
		case 'comment': {
			const c = get('--comment');
			return c ? ['--comment', saveString(unquote(c.values.join(' ')))] : [];
		}
		case 'statistic': {
			const p = get('--probability');
			if (!p) return opts.flatMap((o) => [o.name, ...o.values]);
			// The kernel keeps lround(2^31 * p); iptables-save prints that back with 11 decimals.
			const stored = Math.round(0x80000000 * Number(p.values[0]));
			return ['--mode', 'random', '--probability', (stored / 0x80000000).toFixed(11)];
		}
		case 'recent': {
			const out: string[] = [];
			for (const f of ['--rcheck', '--set', '--update', '--remove']) if (get(f)) out.push(f);
			const s = get('--seconds');
			if (s) out.push('--seconds', s.values[0]);
			if (get('--reap')) out.push('--reap');
			const n = get('--name');
			out.push('--name', n ? n.values[0] : 'DEFAULT', '--mask', '255.255.255.255', get('--rdest') ? '--rdest' : '--rsource');
			return out;
		}
		case 'addrtype':
			return ['--src-type', '--dst-type'].flatMap((f) => {
				const o = get(f);
				return o ? [...neg(o), f, o.values[0]] : [];
			});
		default:
			return opts.flatMap((o) => [...neg(o), o.name, ...o.values]);
	}
}

function saveTarget(name: string, opts: ParsedOpt[]): string[] {
	if (name === 'MARK') {
		const or = opts.find((o) => o.name === '--or-mark');
		if (or) return ['--set-xmark', `${or.values[0]}/${or.values[0]}`];
		const xor = opts.find((o) => o.name === '--xor-mark');
		if (xor) return ['--set-xmark', `${xor.values[0]}/0x0`];
	}
	if (name === 'REJECT' && !opts.length) return ['--reject-with', 'icmp-port-unreachable'];
	return opts.flatMap((o) => [o.name, ...o.values]);
}
