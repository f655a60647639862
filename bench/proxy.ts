/**
 * kube-proxy tables (issue 9): 10,000 Services × 10 endpoints on 1,000 nodes, pure code
 * (src/lib/proxy), no I/O.
 * - ingest: Services, EndpointSlices and Nodes into `ProxyTables` (parsing, merging, hashing the
 *   service chain names);
 * - full computation for one node (the first table: every shared entry computed), then for all
 *   1,000 nodes (what 1,000 real kube-proxies each do on a full sync);
 * - one endpoint change (an endpoint turns not-ready), brought up to date on every node — for a
 *   Cluster-policy Service and for an externalTrafficPolicy Local one;
 * - rendering one node's `iptables-save` (nat + filter).
 * 10% of the Services are NodePort with externalTrafficPolicy Local, so Local tables differ per node.
 *
 * References: real kube-proxy in iptables mode, where a full sync of a large cluster's rules took
 * seconds per node (kubernetes/kubernetes#92836: "lots of reports of people whose iptables runs
 * were 4-5 seconds each"; KEP-3453 then restricted restores to changed Services). Their figure
 * includes the kernel's iptables-restore, ours is only the computation and text.
 * `PROXY_SERVICES`, `PROXY_NODES` shrink the run.
 *
 * @module
 */
import { loadavg } from 'node:os';
import type { KubeObject } from '../src/lib/controllers/types';
import { renderIptablesSave } from '../src/lib/proxy/render-iptables';
import { ProxyTables } from '../src/lib/proxy/tables';
import type { NodeTable } from '../src/lib/proxy/types';
import { percentile, row, writeReport, type Row } from './lib/report';

const SERVICES = Number(process.env.PROXY_SERVICES ?? 10_000);
const NODES = Number(process.env.PROXY_NODES ?? 1_000);
const ENDPOINTS = 10;
const REF_NAME =
	'real kube-proxy (iptables mode) full sync in large clusters: "iptables runs were 4-5 seconds each" (kubernetes/kubernetes#92836, T. Hockin; the motivation of KEP-3453 "Minimizing iptables-restore input size", https://www.kubernetes.dev/resources/keps/3453/); includes iptables-restore';
const REF_FULL_SYNC_MS = 4000;

const ip = (n: number, base: number) => `10.${base + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;

function service(i: number): KubeObject {
	const local = i % 10 === 0;
	return {
		apiVersion: 'v1',
		kind: 'Service',
		metadata: { namespace: `ns-${i % 100}`, name: `svc-${i}` },
		spec: {
			type: local ? 'NodePort' : 'ClusterIP',
			clusterIP: ip(i + 1, 96),
			...(local ? { externalTrafficPolicy: 'Local' } : {}),
			ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, ...(local ? { nodePort: 30000 + (i % 2768) } : {}) }]
		}
	};
}

function slice(i: number, notReady = -1): KubeObject {
	return {
		apiVersion: 'discovery.k8s.io/v1',
		kind: 'EndpointSlice',
		metadata: { namespace: `ns-${i % 100}`, name: `svc-${i}-abcde`, labels: { 'kubernetes.io/service-name': `svc-${i}` } },
		addressType: 'IPv4',
		endpoints: Array.from({ length: ENDPOINTS }, (_, e) => ({
			addresses: [ip(i * ENDPOINTS + e, 200)],
			nodeName: `node-${(i * ENDPOINTS + e) % NODES}`,
			conditions: { ready: e !== notReady, serving: e !== notReady, terminating: false }
		})),
		ports: [{ name: 'http', port: 8080, protocol: 'TCP' }]
	};
}

const node = (n: number): KubeObject => ({
	apiVersion: 'v1',
	kind: 'Node',
	metadata: { name: `node-${n}`, labels: { 'topology.kubernetes.io/zone': `zone-${n % 3}` } },
	status: { addresses: [{ type: 'InternalIP', address: `172.18.${n >> 8}.${n & 255}` }] }
});

const ms = (t0: number) => performance.now() - t0;
const heapMiB = () => process.memoryUsage().heapUsed / 1024 ** 2;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

function main(): void {
	gc();
	const heap0 = heapMiB();
	const services = Array.from({ length: SERVICES }, (_, i) => service(i));
	const slices = Array.from({ length: SERVICES }, (_, i) => slice(i));
	const nodes = Array.from({ length: NODES }, (_, n) => node(n));

	let t0 = performance.now();
	const tables = new ProxyTables();
	for (const n of nodes) tables.upsertNode(n);
	for (const s of services) tables.upsertService(s);
	for (const s of slices) tables.upsertSlice(s);
	const ingestMs = ms(t0);

	t0 = performance.now();
	const cpu0 = process.cpuUsage();
	const all: NodeTable[] = [tables.nodeTable('node-0')!];
	const firstNodeMs = ms(t0);
	const firstNodeCpu = process.cpuUsage(cpu0);
	t0 = performance.now();
	for (let n = 1; n < NODES; n++) all.push(tables.nodeTable(`node-${n}`)!);
	const allNodesMs = firstNodeMs + ms(t0);
	gc();
	const heapAll = heapMiB() - heap0;
	const rssAll = process.memoryUsage().rss / 1024 ** 2;

	// One endpoint change, brought up to date on every node (median of 21 changes).
	const incremental = (pick: (k: number) => number) => {
		const times: number[] = [];
		for (let k = 0; k < 21; k++) {
			const i = pick(k);
			const t = performance.now();
			const key = tables.upsertSlice(slice(i, k % ENDPOINTS))!;
			tables.refreshService(key);
			times.push(ms(t));
		}
		return percentile(times, 50);
	};
	const clusterIncMs = incremental((k) => 1 + k * 7);
	const localIncMs = incremental((k) => 10 * (k + 1));
	// The node tables after the change: what a node shows (every entry already computed).
	t0 = performance.now();
	for (let n = 0; n < NODES; n++) tables.nodeTable(`node-${n}`);
	const rereadMs = ms(t0);

	const renderTimes: number[] = [];
	let text = '';
	for (let k = 0; k < 5; k++) {
		const t = performance.now();
		text = renderIptablesSave(tables.nodeTable('node-1')!, { now: new Date(0) });
		renderTimes.push(ms(t));
	}
	const renderMs = percentile(renderTimes, 50);

	const what = `${SERVICES} Services × ${ENDPOINTS} endpoints, ${NODES} nodes`;
	const rows: Row[] = [
		row({ metric: `${what}: ingest Services, slices, Nodes`, unit: 'ms', ours: ingestMs, better: 'lower' }),
		row({ metric: `full computation, one node's table (all shared entries)`, unit: 'ms', ours: firstNodeMs, goal: 200, reference: REF_FULL_SYNC_MS, referenceName: REF_NAME, better: 'lower' }),
		row({ metric: `  its CPU time (user + system; less sensitive to other processes than wall time)`, unit: 'ms', ours: (firstNodeCpu.user + firstNodeCpu.system) / 1000, goal: 200, better: 'lower' }),
		row({ metric: `full computation, all ${NODES} node tables`, unit: 'ms', ours: allNodesMs, better: 'lower' }),
		row({ metric: `one endpoint change, all nodes up to date (Cluster policy), median`, unit: 'ms', ours: clusterIncMs, goal: 20, better: 'lower' }),
		row({ metric: `one endpoint change, all nodes up to date (ETP Local), median`, unit: 'ms', ours: localIncMs, goal: 20, better: 'lower' }),
		row({ metric: `re-reading all ${NODES} node tables after changes`, unit: 'ms', ours: rereadMs, better: 'lower' }),
		row({ metric: `render one node's iptables-save (nat + filter), median`, unit: 'ms', ours: renderMs, better: 'lower' }),
		row({ metric: `  its size`, unit: 'lines', ours: text.split('\n').length, better: 'lower' }),
		row({ metric: `heap: objects + tables of all nodes`, unit: 'MiB', ours: heapAll, goal: 1024, better: 'lower' }),
		row({ metric: `process RSS with all node tables`, unit: 'MiB', ours: rssAll, goal: 1024, better: 'lower' })
	];
	const notes = [
		'Entries are shared between nodes where kube-proxy would program the same thing: one per service port for Cluster policies, one per (Local service, node with endpoints) plus one "no local endpoints" entry.',
		'Endpoint chain names (sha256 + base32) are computed once per endpoint and cached.',
		(globalThis as { gc?: unknown }).gc ? 'heap measured after a forced GC' : 'heap measured without a forced GC (run with --expose-gc for a tighter figure)',
		`load average at the end: ${loadavg()
			.map((l) => l.toFixed(1))
			.join(' ')} (wall times scale with machine load; sha256 of the endpoint chain names is most of the first rendering)`
	];
	writeReport('proxy', rows, undefined, notes);
}

main();
