/**
 * Evaluates lesson checks against the cluster's lists (pure): object checks (one object's fields,
 * conditions, taints, field managers; or how many objects match, on how many nodes), kube-proxy's
 * VIP table on a node (src/lib/proxy), and connections traced through DNS, kube-proxy and
 * NetworkPolicy (src/lib/network).
 *
 * @module
 */
import type { KubeObject } from '../controllers/types';
import { matchesLabels, parseLabelSelector } from '../kube/label-selector';
import { traceAll, type ClusterObjects } from '../network';
import { traceEnvFrom } from '../network/trace-env';
import { roomProxyConfig } from '../proxy/config';
import { tablesFrom } from '../proxy/tables';
import { CHECK_KINDS, KIND, NETWORK_KINDS } from './kinds';
import { checkPredicate, describeMatcher, matches } from './matchers';
import type { Check, CheckResult, CheckSpec, ClusterLists, ConnectionCheck, ObjectCheck, VipCheck } from './types';

export const isVipCheck = (c: CheckSpec): c is VipCheck => 'vip' in c;
export const isConnectionCheck = (c: CheckSpec): c is ConnectionCheck => 'connection' in c;

/** The kinds `check` reads (so a server lists only those). */
export function kindsOf(check: CheckSpec): string[] {
	if (isVipCheck(check) || isConnectionCheck(check)) return NETWORK_KINDS;
	return [(check as ObjectCheck).kind];
}

const objName = (kind: string, ns: string | undefined, name: string) => `${kind} ${ns ? `${ns}/` : ''}${name}`;

function namespaceOf(check: ObjectCheck): string | undefined {
	if (!KIND(check.kind).namespaced) return undefined;
	return check.namespace ?? 'default';
}

function selected(check: ObjectCheck, lists: ClusterLists): KubeObject[] {
	const ns = namespaceOf(check);
	const sel = check.selector ? parseLabelSelector(check.selector) : undefined;
	return lists
		.list(KIND(check.kind))
		.filter((o) => ns === undefined || ns === '*' || o.metadata.namespace === ns)
		.filter((o) => check.name === undefined || o.metadata.name === check.name)
		.filter((o) => !sel || matchesLabels(sel, o.metadata.labels));
}

function objectResult(check: ObjectCheck, lists: ClusterLists): string | undefined {
	const ns = namespaceOf(check);
	const found = selected(check, lists);
	if (check.name !== undefined && check.count === undefined) {
		const what = objName(check.kind, ns, check.name);
		const obj = found[0];
		if (check.absent) return obj ? `expected ${what} to be gone, but it exists` : undefined;
		if (!obj) return `${what} not found`;
		const r = checkPredicate(check.expect ?? {}, obj);
		return r.ok ? undefined : `${r.message} (${what})`;
	}
	const matching = check.where ? found.filter((o) => checkPredicate(check.where!, o).ok) : found;
	const what = `${check.kind} objects${check.selector ? ` with ${check.selector}` : ''}${ns && ns !== '*' ? ` in ${ns}` : ''}${check.where ? ' matching' : ''}`;
	if (check.count !== undefined && !matches(check.count, matching.length))
		return `expected ${describeMatcher(check.count)} ${what}, found ${matching.length}`;
	if (check.distinctNodes !== undefined) {
		const nodes = new Set(matching.map((p) => p.spec?.nodeName).filter(Boolean));
		if (!matches(check.distinctNodes, nodes.size))
			return `expected the ${matching.length} ${what} on ${describeMatcher(check.distinctNodes)} distinct nodes, found ${nodes.size}${nodes.size ? ` (${[...nodes].sort().join(', ')})` : ''}`;
	}
	return undefined;
}

function clusterObjects(lists: ClusterLists): ClusterObjects {
	const l = (kind: string) => lists.list(CHECK_KINDS[kind]);
	return { pods: l('Pod'), namespaces: l('Namespace'), nodes: l('Node'), services: l('Service'), endpointSlices: l('EndpointSlice'), networkPolicies: l('NetworkPolicy'), configMaps: l('ConfigMap') };
}

function vipResult(check: VipCheck, lists: ClusterLists): string | undefined {
	const { node, service, port, type = 'ClusterIP' } = check.vip;
	const ns = check.vip.namespace ?? 'default';
	const cluster = clusterObjects(lists);
	const tables = tablesFrom({ services: cluster.services!, slices: cluster.endpointSlices!, nodes: cluster.nodes!, config: roomProxyConfig(cluster.configMaps).config });
	const table = tables.nodeTable(node);
	if (!table) return `node ${node} not found`;
	const ports = table.services.filter((s) => s.info.namespace === ns && s.info.service === service);
	const sp = ports.find((s) => port === undefined || s.info.port === Number(port) || s.info.portName === String(port));
	if (!sp) return `kube-proxy on ${node} has no rules for Service ${ns}/${service}${port !== undefined ? ` port ${port}` : ''}`;
	const vip = sp.vips.find((v) => v.kind === type);
	if (!vip) return `kube-proxy on ${node} has no ${type} VIP for ${sp.info.name}`;
	const at = `${vip.ip || node}:${vip.port}`;
	if (check.expect.verdict !== undefined && !matches(check.expect.verdict, vip.verdict))
		return `expected ${node}'s ${type} ${at} (${sp.info.name}) to ${describeMatcher(check.expect.verdict)}, it does ${vip.verdict}`;
	if (check.expect.backends !== undefined && !matches(check.expect.backends, vip.backends.length))
		return `expected ${node} to route ${at} (${sp.info.name}) to ${describeMatcher(check.expect.backends)} endpoints, found ${vip.backends.length}${vip.backends.length ? ` (${vip.backends.map((b) => b.endpoint.endpoint).join(', ')})` : ''}`;
	const local = vip.backends.filter((b) => b.endpoint.nodeName === node).length;
	if (check.expect.localBackends !== undefined && !matches(check.expect.localBackends, local))
		return `expected ${describeMatcher(check.expect.localBackends)} of ${node}'s endpoints for ${at} on ${node} itself, found ${local}`;
	return undefined;
}

/** The pod a connection starts from: by name, or the first Running pod (by name) matching a selector. */
function sourcePod(from: ConnectionCheck['connection']['from'], pods: KubeObject[]): string | { error: string } {
	if (typeof from === 'string') return from.includes('/') ? from : `default/${from}`;
	const ns = from.namespace ?? 'default';
	const sel = parseLabelSelector(from.selector);
	const pod = pods
		.filter((p) => p.metadata.namespace === ns && matchesLabels(sel, p.metadata.labels) && p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)
		.sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))[0];
	return pod ? `${ns}/${pod.metadata.name}` : { error: `no Running pod with ${from.selector} in ${ns} to connect from` };
}

function connectionResult(check: ConnectionCheck, lists: ClusterLists): string | undefined {
	const cluster = clusterObjects(lists);
	const pod = sourcePod(check.connection.from, cluster.pods!);
	if (typeof pod !== 'string') return pod.error;
	const paths = traceAll({ from: { pod }, to: check.connection.to }, traceEnvFrom(cluster));
	const want = check.expect;
	const outcomes = [...new Set(paths.map((p) => p.outcome))];
	const ok = want === 'allowed' ? outcomes.every((o) => o === 'delivered') : outcomes.every((o) => o === want);
	if (ok && paths.length) return undefined;
	const wrong = paths.find((p) => (want === 'allowed' ? p.outcome !== 'delivered' : p.outcome !== want)) ?? paths[0];
	const verb = want === 'allowed' ? 'to be delivered' : `to be ${want}`;
	return `expected ${pod} → ${check.connection.to} ${verb}, but it is ${wrong?.outcome ?? 'not traced'}${wrong ? `: ${wrong.verdict}` : ''}`;
}

/** Evaluates one check; a malformed check fails with its error rather than throwing. */
export function evaluateCheck(check: Check, lists: ClusterLists): CheckResult {
	let message: string | undefined;
	try {
		message = isVipCheck(check) ? vipResult(check, lists) : isConnectionCheck(check) ? connectionResult(check, lists) : objectResult(check, lists);
	} catch (e) {
		message = `the check cannot be evaluated: ${(e as Error).message}`;
	}
	return { id: check.id, title: check.title, passed: message === undefined, ...(message !== undefined ? { message } : {}) };
}
