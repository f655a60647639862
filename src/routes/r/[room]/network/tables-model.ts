/**
 * The Network view's tables part, pure: kube-proxy's tables computed in the browser from the
 * room's informers (the same src/lib/proxy code the server's rules API runs), VIP rows for a node,
 * one Service side by side across nodes, and light highlighting of rendered rules.
 *
 * @module
 */
import type { KubeObject } from '$lib/controllers/types';
import { isLocalEndpoint } from '$lib/proxy/categorize';
import { tablesFrom, type ProxyTables } from '$lib/proxy/tables';
import type { NodeServicePort, NodeTable, ProxyConfig, VipEntry } from '$lib/proxy/types';

/** Two revisions of the room's tables to diff (older first), from the time-travel replica. */
export interface RulesComparison {
	from: number;
	to: number;
	/** `to` is the replica's newest revision. */
	toIsNow: boolean;
	before: ProxyTables;
	after: ProxyTables;
}

export function browserTables(services: KubeObject[], slices: KubeObject[], nodes: KubeObject[], config: ProxyConfig): ProxyTables {
	return tablesFrom({ services, slices, nodes, config });
}

export interface BackendRow {
	endpoint: string;
	node: string;
	local: boolean;
	state: string;
	/** Percent of new connections. */
	percent: number;
}

export interface VipRow {
	service: string;
	kind: VipEntry['kind'];
	/** `ip:port/PROTO`; NodePort shows the node's addresses. */
	vip: string;
	policy: string;
	verdict: VipEntry['verdict'];
	note: string;
	backends: BackendRow[];
}

const backendRows = (v: VipEntry, node: string): BackendRow[] =>
	v.backends.map((b) => ({ endpoint: b.endpoint.endpoint, node: b.endpoint.nodeName ?? '', local: isLocalEndpoint(b.endpoint, node), state: b.endpoint.state, percent: Math.round(b.probability * 1000) / 10 }));

/** Why a VIP behaves as it does, in a few words. */
function note(e: NodeServicePort, v: VipEntry): string {
	const parts: string[] = [];
	if (v.verdict === 'reject') parts.push('no endpoints: REJECT');
	if (v.verdict === 'drop') parts.push(v.kind === 'ClusterIP' ? 'no local endpoints: DROP' : 'no local endpoints: DROP from off-node (pods and node short-circuit)');
	if (v.masquerade.always) parts.push('SNAT');
	else if (v.masquerade.nodeLocal) parts.push('client IP kept');
	if (e.info.sessionAffinity.type === 'ClientIP') parts.push(`affinity ClientIP ${e.info.sessionAffinity.timeoutSeconds}s`);
	if (e.topologyApplied) parts.push('topology hints');
	if (e.info.healthCheckNodePort && v.kind !== 'ClusterIP') parts.push(`health check :${e.info.healthCheckNodePort}`);
	if (v.sourceRanges) parts.push(`from ${v.sourceRanges.join(', ')}`);
	return parts.join(' · ');
}

export function vipRows(t: NodeTable): VipRow[] {
	const rows: VipRow[] = [];
	for (const e of t.services)
		for (const v of e.vips)
			rows.push({
				service: e.info.name,
				kind: v.kind,
				vip: `${v.kind === 'NodePort' ? t.node.addresses.join(',') || '<node>' : v.ip}:${v.port}/${v.protocol}`,
				policy: v.policy,
				verdict: v.verdict,
				note: note(e, v),
				backends: backendRows(v, t.node.name)
			});
	return rows;
}

/** `ns/name` of every proxied Service. */
export function serviceNames(tables: ProxyTables): string[] {
	return [...new Set(tables.servicePortInfos().map((i) => `${i.namespace}/${i.service}`))];
}

export interface AcrossRow {
	node: string;
	vips: VipRow[];
}

/** One Service's VIPs on every node, to compare where Local policies make nodes differ. */
export function serviceAcross(tables: ProxyTables, key: string): AcrossRow[] {
	const [ns, name] = key.split('/');
	return tables.serviceAcrossNodes(ns, name).map(({ node, ports }) => ({
		node: node.name,
		vips: vipRows({ node, config: tables.config, services: ports, endpointCount: tables.endpointCount })
	}));
}

export type TokenKind = 'text' | 'chain' | 'comment' | 'flag' | 'target' | 'addr' | 'header';

export interface Token {
	kind: TokenKind;
	text: string;
}

const TOKEN = /("(?:[^"\\]|\\.)*")|((?:KUBE|kube)-[A-Za-z0-9-]+|(?:service|endpoint|external|local|firewall)-[A-Z2-7]{8}-\S+)|(\s--?[a-z][a-z-]*)|\b(DNAT|SNAT|MASQUERADE|DROP|REJECT|ACCEPT|RETURN|MARK|Masq|goto|jump|drop|reject|dnat|masquerade)\b|(\d+\.\d+\.\d+\.\d+(?:\/\d+|:\d+)?)/g;

/** Splits a rules line into tokens for highlighting. */
export function tokenize(line: string): Token[] {
	if (/^(#|\*|COMMIT|:|IP Virtual|Prot |table |\s*->\s*RemoteAddress)/.test(line) && !line.startsWith(':KUBE')) return [{ kind: 'header', text: line }];
	const out: Token[] = [];
	let last = 0;
	for (const m of line.matchAll(TOKEN)) {
		if (m.index > last) out.push({ kind: 'text', text: line.slice(last, m.index) });
		const kind: TokenKind = m[1] ? 'comment' : m[2] ? 'chain' : m[3] ? 'flag' : m[4] ? 'target' : 'addr';
		out.push({ kind, text: m[0] });
		last = m.index + m[0].length;
	}
	if (last < line.length) out.push({ kind: 'text', text: line.slice(last) });
	return out;
}

/** Lines containing `query` (case-insensitive), with their 1-based numbers; all lines when empty. */
export function searchLines(text: string, query: string): { n: number; line: string }[] {
	const q = query.trim().toLowerCase();
	const lines = text.split('\n');
	if (lines.at(-1) === '') lines.pop();
	return lines.map((line, i) => ({ n: i + 1, line })).filter((l) => !q || l.line.toLowerCase().includes(q));
}
