import { describe, expect, it } from 'vitest';
import { createRng } from '../clock/rng';
import { DEFAULT_PROXY_CONFIG } from '../proxy/model';
import { tablesFrom } from '../proxy/tables';
import type { ProxyConfig } from '../proxy/types';
import { PLUGINS } from './plugins';
import { parseTarget, seededChooser, trace, traceAll, type TraceEnv, type TraceRequest } from './trace';
import type { ClusterObjects, KubeObject } from './types';

// A small hand-built cluster: two nodes, a client, three web pods behind a ClusterIP Service
// (one on node-a, two on node-b), a Service without endpoints, a LoadBalancer with
// externalTrafficPolicy Local, an Ingress, and a NetworkPolicy admitting only app=client to web.

const nodeObj = (name: string, ip: string, n: number): KubeObject => ({ metadata: { name }, spec: { podCIDR: `10.244.${n}.0/24` }, status: { addresses: [{ type: 'InternalIP', address: ip }] } });
const pod = (name: string, ip: string, node: string, app: string): KubeObject => ({
	metadata: { namespace: 'shop', name, labels: { app } },
	spec: { nodeName: node, containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }] }] },
	status: { podIP: ip, phase: 'Running' }
});
const service = (name: string, spec: object, status: object = {}): KubeObject => ({ metadata: { namespace: 'shop', name }, spec: { type: 'ClusterIP', ...spec }, status });
const slice = (svc: string, eps: Array<[string, string]>): KubeObject => ({
	metadata: { namespace: 'shop', name: `${svc}-x`, labels: { 'kubernetes.io/service-name': svc } },
	addressType: 'IPv4',
	endpoints: eps.map(([ip, nodeName]) => ({ addresses: [ip], nodeName, conditions: { ready: true } })),
	ports: [{ name: 'http', port: 8080, protocol: 'TCP' }]
});

const web = [pod('web-1', '10.244.1.5', 'node-a', 'web'), pod('web-2', '10.244.2.7', 'node-b', 'web'), pod('web-3', '10.244.2.12', 'node-b', 'web')];
const cluster: ClusterObjects = {
	namespaces: [{ metadata: { name: 'shop' } }, { metadata: { name: 'default' } }],
	nodes: [nodeObj('node-a', '172.18.0.2', 1), nodeObj('node-b', '172.18.0.3', 2)],
	pods: [pod('client', '10.244.1.3', 'node-a', 'client'), pod('other', '10.244.2.3', 'node-b', 'other'), ...web],
	services: [
		service('web', { clusterIP: '10.96.45.10', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] }),
		service('empty', { clusterIP: '10.96.45.11', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
		service('front', { type: 'LoadBalancer', clusterIP: '10.96.45.12', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }] }, { loadBalancer: { ingress: [{ ip: '172.18.255.200', ipMode: 'VIP' }] } })
	],
	endpointSlices: [slice('web', [['10.244.1.5', 'node-a'], ['10.244.2.7', 'node-b'], ['10.244.2.12', 'node-b']]), slice('front', [['10.244.1.5', 'node-a']])],
	networkPolicies: [{ metadata: { namespace: 'shop', name: 'web-from-client' }, spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 'http' }] }] } }],
	ingressClasses: [{ metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'k8s.io/ingress-nginx' } }],
	ingresses: [{ metadata: { namespace: 'shop', name: 'shop' }, spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }] } }]
};

function env(config: ProxyConfig = DEFAULT_PROXY_CONFIG, c: ClusterObjects = cluster): TraceEnv {
	const tables = tablesFrom({ services: c.services!, slices: c.endpointSlices!, nodes: c.nodes!, config });
	return { cluster: c, table: (n) => tables.nodeTable(n) };
}
const fromClient: TraceRequest['from'] = { pod: 'shop/client' };

describe('packet tracer', () => {
	it('pod → Service name: DNS, KUBE-SERVICES → KUBE-SVC → KUBE-SEP, DNAT, policies, delivered', () => {
		const r = trace({ from: fromClient, to: 'web:80' }, env(), seededChooser(createRng(7)));
		expect(r.outcome).toBe('delivered');
		const text = r.steps.map((s) => `${s.node ?? '-'} ${s.stage} ${s.text}`);
		expect(text[1]).toBe('- dns web.shop.svc.cluster.local: NOERROR A 10.96.45.10 (Service shop/web → ClusterIP 10.96.45.10)');
		const rules = r.steps.map((s) => s.rule ?? '');
		expect(rules.some((l) => /^-A KUBE-SERVICES -d 10\.96\.45\.10\/32 -p tcp -m comment --comment "shop\/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-[A-Z2-7]{16}$/.test(l))).toBe(true);
		expect(rules.some((l) => /^-A KUBE-SEP-[A-Z2-7]{16} -p tcp .* -j DNAT --to-destination 10\.244\.\d\.\d+:8080$/.test(l))).toBe(true);
		expect(text).toContain('node-a snat not marked: the source stays 10.244.1.3');
		expect(r.steps.find((s) => s.stage === 'policy' && s.text.startsWith('ingress'))?.text).toBe('ingress: allowed by NetworkPolicy shop/web-from-client (spec.ingress[0])');
		expect(r.verdict).toMatch(/^delivered to pod shop\/web-\d \(10\.244\.\d\.\d+:8080\) on node-[ab]$/);
	});

	it('the same seed gives the same path', () => {
		const a = trace({ from: fromClient, to: 'web:80' }, env(), seededChooser(createRng(42)));
		const b = trace({ from: fromClient, to: 'web:80' }, env(), seededChooser(createRng(42)));
		expect(a.verdict).toBe(b.verdict);
	});

	it('all branches: one per endpoint, 1/3 each, rules 1/3 then 1/2 then the rest', () => {
		const all = traceAll({ from: fromClient, to: '10.96.45.10:80' }, env());
		expect(all.map((r) => r.verdict).sort()).toEqual([
			'delivered to pod shop/web-1 (10.244.1.5:8080) on node-a',
			'delivered to pod shop/web-2 (10.244.2.7:8080) on node-b',
			'delivered to pod shop/web-3 (10.244.2.12:8080) on node-b'
		]);
		for (const r of all) expect(r.probability).toBeCloseTo(1 / 3, 10);
		const stats = all.map((r) => r.steps.find((s) => s.probability !== undefined)!.rule!.match(/--probability (\S+)/)?.[1] ?? 'last');
		expect(stats).toEqual(['0.33333333349', '0.50000000000', 'last']);
		const remote = all.find((r) => r.verdict.includes('web-2'))!;
		expect(remote.steps.some((s) => s.stage === 'route' && s.text === '10.244.2.7 is on node-b: forwarded over the pod network to node-b')).toBe(true);
	});

	it('a Service without endpoints: filter REJECT, connection refused', () => {
		const r = trace({ from: fromClient, to: 'empty.shop.svc.cluster.local:80' }, env(), seededChooser(createRng(1)));
		expect(r.outcome).toBe('refused');
		expect(r.verdict).toBe('connection refused: shop/empty:http has no endpoints');
		expect(r.decidedBy).toBe('-A KUBE-SERVICES -d 10.96.45.11/32 -p tcp -m comment --comment "shop/empty:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable');
	});

	it('an unknown name: NXDOMAIN after the whole search path', () => {
		const r = trace({ from: fromClient, to: 'nope:80' }, env(), seededChooser(createRng(1)));
		expect(r.outcome).toBe('nxdomain');
		expect(r.steps.filter((s) => s.stage === 'dns')).toHaveLength(4);
	});

	it('a pod with dnsPolicy Default does not resolve cluster names', () => {
		const c: ClusterObjects = { ...cluster, pods: [...cluster.pods!, { ...pod('nodns', '10.244.1.9', 'node-a', 'x'), spec: { nodeName: 'node-a', dnsPolicy: 'Default', containers: [] } }] };
		const r = trace({ from: { pod: 'shop/nodns' }, to: 'web:80' }, env(DEFAULT_PROXY_CONFIG, c), seededChooser(createRng(1)));
		expect(r.outcome).toBe('nxdomain');
		expect(r.verdict).toBe("web does not resolve: dnsPolicy Default: the pod uses its node's resolv.conf, which does not know cluster names");
	});

	it('NetworkPolicy: another pod is dropped at the destination; plugin "none" lets it through', () => {
		const denied = trace({ from: { pod: 'shop/other' }, to: 'web:80' }, env(), seededChooser(createRng(3)));
		expect(denied.outcome).toBe('denied');
		expect(denied.decidedBy).toBe('shop/web-from-client');
		expect(denied.verdict).toMatch(/^dropped by the network plugin at the destination: denied: pod shop\/web-\d is isolated for ingress by NetworkPolicy shop\/web-from-client/);
		const open = trace({ from: { pod: 'shop/other' }, to: 'web:80' }, { ...env(), plugin: PLUGINS.none }, seededChooser(createRng(3)));
		expect(open.outcome).toBe('delivered');
	});

	it('an outside client to a LoadBalancer IP with externalTrafficPolicy Local: a node with a local endpoint, source kept', () => {
		const r = trace({ from: { ip: '203.0.113.9' }, to: '172.18.255.200:80' }, { ...env(), plugin: PLUGINS.none }, seededChooser(createRng(1)));
		expect(r.outcome).toBe('delivered');
		expect(r.steps[1].text).toBe('the network delivers 172.18.255.200:80 to node node-a');
		expect(r.steps.some((s) => s.text === 'not marked: the source stays 203.0.113.9')).toBe(true);
		expect(r.verdict).toBe('delivered to pod shop/web-1 (10.244.1.5:8080) on node-a');
	});

	it('an outside client to the NodePort of a node without a local endpoint is dropped', () => {
		const r = trace({ from: { ip: '203.0.113.9' }, to: '172.18.0.3:30080' }, env(), seededChooser(createRng(1)));
		expect(r.outcome).toBe('dropped');
		expect(r.verdict).toBe('dropped, the client times out: shop/front:http has no local endpoints');
	});

	it('a pod reaching another node\u2019s NodePort: routed there, short-circuited to the cluster-wide endpoints', () => {
		const r = trace({ from: fromClient, to: '172.18.0.3:30080' }, { ...env(), plugin: PLUGINS.none }, seededChooser(createRng(1)));
		const text = r.steps.map((s) => `${s.node} ${s.text}`);
		expect(text).toContain('node-a nat PREROUTING: 172.18.0.3:30080/TCP is not a service address here; no rule matches');
		expect(text).toContain("node-a 172.18.0.3 is node node-b's address: routed to node-b");
		expect(r.steps.some((s) => s.node === 'node-b' && s.text.startsWith('pod traffic short-circuits to the cluster-wide endpoints'))).toBe(true);
		expect(r.verdict).toBe('delivered to pod shop/web-1 (10.244.1.5:8080) on node-a');
	});

	it('an Ingress host: the controller routes to the Service and proxies from its node (masqueraded)', () => {
		const all = traceAll({ from: { ip: '203.0.113.9', node: 'node-b' }, to: 'http://shop.example.com/cart' }, env());
		expect(all[0].steps[1].text).toBe('shop.example.com Prefix / matches shop.example.com/cart → Ingress shop/shop (spec.rules[0].http.paths[0]) → Service web:http');
		expect(all[0].steps.some((s) => s.text === 'source 172.18.0.3 is outside the cluster CIDR 10.244.0.0/16 → KUBE-MARK-MASQ (mark 0x4000)')).toBe(true);
		// The policy admits only app=client pods; traffic from a pod's own node always passes.
		const byVerdict = Object.fromEntries(all.map((r) => [r.verdict.match(/web-\d/)![0], r.outcome]));
		expect(byVerdict).toEqual({ 'web-1': 'denied', 'web-2': 'delivered', 'web-3': 'delivered' });
	});

	it('hairpin: a pod reaching its own Service and picked as the endpoint is masqueraded', () => {
		const all = traceAll({ from: { pod: 'shop/web-1' }, to: '10.96.45.10:80' }, { ...env(), plugin: PLUGINS.none });
		const self = all.find((r) => r.verdict.includes('web-1'))!;
		expect(self.steps.some((s) => s.text === 'hairpin: the chosen endpoint is the client itself → KUBE-MARK-MASQ')).toBe(true);
		expect(self.steps.some((s) => s.text === 'marked 0x4000 → MASQUERADE: source 10.244.1.5 → 172.18.0.2')).toBe(true);
	});

	it('IPVS mode: the virtual server and its real servers', () => {
		const r = trace({ from: fromClient, to: '10.96.45.10:80' }, env({ ...DEFAULT_PROXY_CONFIG, mode: 'ipvs' }), seededChooser(createRng(2)));
		expect(r.outcome).toBe('delivered');
		expect(r.steps.find((s) => s.stage === 'ipvs')?.chain).toBe('TCP  10.96.45.10:80 rr');
	});

	it('nftables mode: numgen over the endpoint chains', () => {
		const r = trace({ from: fromClient, to: '10.96.45.10:80' }, env({ ...DEFAULT_PROXY_CONFIG, mode: 'nftables' }), seededChooser(createRng(2)));
		expect(r.steps.some((s) => /^numgen random mod 3 vmap \{ 0 : goto endpoint-[A-Z2-7]{8}-shop\/web\/tcp\/http__10\.244\.1\.5\/8080/.test(s.rule ?? ''))).toBe(true);
	});

	it('a process on a node: nat OUTPUT, masqueraded as off-cluster; no cluster DNS', () => {
		const r = trace({ from: { node: 'node-b' }, to: '10.96.45.10:80' }, { ...env(), plugin: PLUGINS.none }, seededChooser(createRng(5)));
		expect(r.steps[0].text).toBe('a process on node node-b (172.18.0.3) opens a connection');
		expect(r.steps.some((s) => s.chain === 'OUTPUT' && s.rule === '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES')).toBe(true);
		expect(r.steps.some((s) => s.text === 'source 172.18.0.3 is outside the cluster CIDR 10.244.0.0/16 → KUBE-MARK-MASQ (mark 0x4000)')).toBe(true);
		expect(r.outcome).toBe('delivered');
		const dns = trace({ from: { node: 'node-b' }, to: 'web:80' }, env(), seededChooser(createRng(5)));
		expect(dns).toMatchObject({ outcome: 'nxdomain', verdict: "web does not resolve: a process on node node-b uses the node's resolv.conf, which does not know cluster names" });
		expect(trace({ from: { node: 'ghost' }, to: 'web:80' }, env(), seededChooser(createRng(5)))).toMatchObject({ outcome: 'invalid', verdict: 'node ghost not found' });
	});

	it('a headless Service: DNS answers the pod IPs and the connection goes straight to a pod, no kube-proxy rule', () => {
		const c: ClusterObjects = {
			...cluster,
			services: [...cluster.services!, service('db', { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] })],
			endpointSlices: [...cluster.endpointSlices!, { ...slice('db', [['10.244.1.5', 'node-a'], ['10.244.2.7', 'node-b']]), metadata: { namespace: 'shop', name: 'db-x', labels: { 'kubernetes.io/service-name': 'db', 'service.kubernetes.io/headless': '' } } }]
		};
		const r = trace({ from: fromClient, to: 'db:8080' }, { ...env(DEFAULT_PROXY_CONFIG, c), plugin: PLUGINS.none }, seededChooser(createRng(1)));
		expect(r.steps.find((s) => s.stage === 'dns')?.text).toBe('db.shop.svc.cluster.local: NOERROR A 10.244.1.5, A 10.244.2.7 (headless Service shop/db: its ready endpoints)');
		expect(r.steps.some((s) => /KUBE-SVC|KUBE-SEP|DNAT/.test(`${s.chain ?? ''} ${s.rule ?? ''}`))).toBe(false);
		expect(r.outcome).toBe('delivered');
		expect(r.verdict).toMatch(/^delivered to pod shop\/web-[12] \(10\.244\.\d\.\d+:8080\) on node-[ab]$/);
	});

	it('session affinity ClientIP: the rule walk passes the recent checks and says the pick is remembered', () => {
		const c: ClusterObjects = { ...cluster, services: cluster.services!.map((s) => (s.metadata.name === 'web' ? { ...s, spec: { ...s.spec, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } } } : s)) };
		const all = traceAll({ from: fromClient, to: '10.96.45.10:80' }, { ...env(DEFAULT_PROXY_CONFIG, c), plugin: PLUGINS.none });
		expect(all).toHaveLength(3);
		for (const r of all) {
			expect(r.probability).toBeCloseTo(1 / 3, 10);
			expect(r.steps.some((s) => s.text.includes('sessionAffinity ClientIP: no entry yet for 10.244.1.3, so a new pick, remembered 600s'))).toBe(true);
		}
	});

	it('parses targets', () => {
		expect(parseTarget('web:80')).toEqual({ host: 'web', port: 80, path: '/', http: false });
		expect(parseTarget('http://shop.example.com/cart')).toEqual({ host: 'shop.example.com', port: 80, path: '/cart', http: true });
		expect(parseTarget('shop.example.com')).toEqual({ host: 'shop.example.com', port: undefined, path: '/', http: true });
	});
});
