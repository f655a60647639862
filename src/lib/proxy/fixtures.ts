/**
 * Test fixtures: the Services and EndpointSlices of kube-proxy's own
 * `TestOverallIPTablesRulesWithMultipleServices` / `TestOverallNFTablesRules`
 * (pkg/proxy/{iptables,nftables}/proxier_test.go), and small builders.
 *
 * @module
 */
import type { KubeObject } from '../controllers/types';

export function svc(ns: string, name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
	return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name, ...meta }, spec: { type: 'ClusterIP', ...spec }, status };
}

export interface Ep {
	ip: string;
	node?: string;
	ready?: boolean;
	serving?: boolean;
	terminating?: boolean;
	zone?: string;
	hints?: string[];
}

export function slice(ns: string, service: string, suffix: string, eps: Ep[], ports: { name: string; port: number; protocol?: string }[]): KubeObject {
	return {
		apiVersion: 'discovery.k8s.io/v1',
		kind: 'EndpointSlice',
		metadata: { namespace: ns, name: `${service}-${suffix}`, labels: { 'kubernetes.io/service-name': service } },
		addressType: 'IPv4',
		endpoints: eps.map((e) => ({
			addresses: [e.ip],
			...(e.node ? { nodeName: e.node } : {}),
			...(e.zone ? { zone: e.zone } : {}),
			...(e.hints ? { hints: { forZones: e.hints.map((name) => ({ name })) } } : {}),
			conditions: { ...(e.ready !== undefined ? { ready: e.ready } : {}), ...(e.serving !== undefined ? { serving: e.serving } : {}), ...(e.terminating !== undefined ? { terminating: e.terminating } : {}) }
		})),
		ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' }))
	};
}

export function node(name: string, ip: string, zone?: string): KubeObject {
	return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: zone ? { 'topology.kubernetes.io/zone': zone } : {} }, status: { addresses: [{ type: 'InternalIP', address: ip }] } };
}

const p80 = (extra: Record<string, unknown> = {}) => [{ name: 'p80', port: 80, protocol: 'TCP', ...extra }];
const one = (ns: string, name: string, ip: string, extraEps: Ep[] = []) => slice(ns, name, '1', [{ ip }, ...extraEps], [{ name: 'p80', port: 80 }]);

/** kube-proxy's test node. */
export const TEST_HOSTNAME = 'test-hostname';

/** The six Services of `TestOverallIPTablesRulesWithMultipleServices` (ns5 gains ClientIP affinity in the nftables variant). */
export function overallServices(ns5Affinity = false): KubeObject[] {
	return [
		svc('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: p80() }),
		svc(
			'ns2',
			'svc2',
			{ type: 'LoadBalancer', externalTrafficPolicy: 'Local', clusterIP: '172.30.0.42', ports: p80({ nodePort: 3001 }), externalIPs: ['192.168.99.22'], healthCheckNodePort: 30000 },
			{ loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }
		),
		svc('ns3', 'svc3', { type: 'NodePort', clusterIP: '172.30.0.43', ports: p80({ nodePort: 3003 }) }),
		svc('ns4', 'svc4', { type: 'NodePort', clusterIP: '172.30.0.44', externalIPs: ['192.168.99.33'], ports: p80() }),
		svc(
			'ns5',
			'svc5',
			{
				type: 'LoadBalancer',
				externalTrafficPolicy: 'Cluster',
				clusterIP: '172.30.0.45',
				ports: p80({ nodePort: 3002 }),
				healthCheckNodePort: 30000,
				loadBalancerSourceRanges: [' 203.0.113.0/25'],
				...(ns5Affinity ? { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } } : {})
			},
			{ loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } }
		),
		svc('ns6', 'svc6', { clusterIP: '172.30.0.46', ports: p80() })
	];
}

export function overallSlices(): KubeObject[] {
	return [one('ns1', 'svc1', '10.180.0.1'), one('ns2', 'svc2', '10.180.0.2'), one('ns3', 'svc3', '10.180.0.3'), one('ns4', 'svc4', '10.180.0.4', [{ ip: '10.180.0.5', node: TEST_HOSTNAME }]), one('ns5', 'svc5', '10.180.0.3')];
}
