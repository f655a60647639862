import { describe, expect, it } from 'vitest';
import type { KubeObject, ResourceRef } from '../controllers/types';
import { evaluateCheck } from './checks';
import type { Check, ClusterLists } from './types';

function lists(objs: KubeObject[]): ClusterLists {
	return { list: (r: ResourceRef) => objs.filter((o) => o.kind === r.kind) };
}

const deploy = (ready: number, managers: string[] = ['kubectl-client-side-apply']): KubeObject => ({
	kind: 'Deployment',
	metadata: { name: 'web', namespace: 'default', managedFields: managers.map((manager) => ({ manager, operation: 'Update' })) } as KubeObject['metadata'],
	spec: { replicas: 5 },
	status: { readyReplicas: ready, replicas: 5 }
});
const pod = (name: string, node: string | undefined, extra: Partial<KubeObject> = {}): KubeObject => ({
	kind: 'Pod',
	metadata: { name, namespace: 'default', labels: { app: 'web' } },
	spec: { nodeName: node },
	status: { phase: node ? 'Running' : 'Pending', conditions: node ? [{ type: 'Ready', status: 'True' }] : [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
	...extra
});
const node = (name: string, ready: string, taints?: unknown[]): KubeObject => ({ kind: 'Node', metadata: { name }, spec: { taints }, status: { conditions: [{ type: 'Ready', status: ready }] } });

const check = (c: Record<string, unknown>): Check => ({ id: 'c', title: 't', ...c }) as Check;

describe('evaluateCheck: objects', () => {
	const cases: Array<{ name: string; check: Record<string, unknown>; objs: KubeObject[]; wantMessage?: string }> = [
		{ name: 'ready replicas reached (bare name looks in status)', check: { kind: 'Deployment', name: 'web', expect: { readyReplicas: 5 } }, objs: [deploy(5)] },
		{ name: 'ready replicas short', check: { kind: 'Deployment', name: 'web', expect: { readyReplicas: 5 } }, objs: [deploy(3)], wantMessage: 'expected status.readyReplicas = 5, found 3 (Deployment default/web)' },
		{ name: 'missing object', check: { kind: 'Deployment', name: 'api', expect: { readyReplicas: 1 } }, objs: [deploy(3)], wantMessage: 'Deployment default/api not found' },
		{ name: 'operator gte', check: { kind: 'Deployment', name: 'web', expect: { 'status.readyReplicas': { gte: 4 } } }, objs: [deploy(3)], wantMessage: 'expected status.readyReplicas ≥ 4, found 3 (Deployment default/web)' },
		{ name: 'made by kubectl', check: { kind: 'Deployment', name: 'web', expect: { managedBy: 'kubectl' } }, objs: [deploy(1)] },
		{ name: 'not made by kubectl', check: { kind: 'Deployment', name: 'web', expect: { managedBy: 'kubectl' } }, objs: [deploy(1, ['converge:web.yaml'])], wantMessage: 'expected a field manager kubectl (a kubectl command), found converge:web.yaml (Deployment default/web)' },
		{ name: 'manager prefix', check: { kind: 'Deployment', name: 'web', expect: { managedBy: 'converge:*' } }, objs: [deploy(1, ['converge:web.yaml'])] },
		{ name: 'unschedulable pod', check: { kind: 'Pod', name: 'big', expect: { phase: 'Pending', condition: { type: 'PodScheduled', status: 'False', reason: 'Unschedulable' } } }, objs: [pod('big', undefined)] },
		{
			name: 'scheduled pod is not unschedulable',
			check: { kind: 'Pod', name: 'big', expect: { condition: { type: 'PodScheduled', status: 'False', reason: 'Unschedulable' } } },
			objs: [pod('big', 'n1')],
			wantMessage: 'expected a condition with type=PodScheduled, status=False, reason=Unschedulable, found [type=Ready status=True] (Pod default/big)'
		},
		{ name: 'node Unknown with taint', check: { kind: 'Node', name: 'n2', expect: { condition: { type: 'Ready', status: 'Unknown' }, taint: { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' } } }, objs: [node('n2', 'Unknown', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }])] },
		{ name: 'node without the taint', check: { kind: 'Node', name: 'n2', expect: { noTaint: 'node.kubernetes.io/unreachable' } }, objs: [node('n2', 'True')] },
		{ name: 'absent', check: { kind: 'Pod', name: 'gone', absent: true }, objs: [pod('other', 'n1')] },
		{ name: 'absent but present', check: { kind: 'Pod', name: 'other', absent: true }, objs: [pod('other', 'n1')], wantMessage: 'expected Pod default/other to be gone, but it exists' },
		{ name: 'count with where', check: { kind: 'Pod', selector: 'app=web', where: { ready: true }, count: 2 }, objs: [pod('a', 'n1'), pod('b', 'n2'), pod('c', undefined)] },
		{ name: 'count short', check: { kind: 'Pod', selector: 'app=web', where: { phase: 'Running' }, count: 3 }, objs: [pod('a', 'n1'), pod('c', undefined)], wantMessage: 'expected 3 Pod objects with app=web in default matching, found 1' },
		{ name: 'distinct nodes', check: { kind: 'Pod', selector: 'app=web', distinctNodes: 2 }, objs: [pod('a', 'n1'), pod('b', 'n1')], wantMessage: 'expected the 2 Pod objects with app=web in default on 2 distinct nodes, found 1 (n1)' },
		{ name: 'events by reason', check: { kind: 'Event', where: { reason: 'TaintManagerEviction', 'involvedObject.name': 'a' }, count: { gte: 1 } }, objs: [{ kind: 'Event', metadata: { name: 'e', namespace: 'default' }, reason: 'TaintManagerEviction', involvedObject: { name: 'a' } }] },
		{ name: 'label path with dots', check: { kind: 'Pod', name: 'a', expect: { 'metadata.labels["app"]': 'web', 'spec.nodeName': { in: ['n1', 'n2'] } } }, objs: [pod('a', 'n1')] },
		{ name: 'some over decision verdicts', check: { kind: 'SchedulingDecision', name: 'a', expect: { 'filter.verdicts': { some: { node: 'n1', plugin: 'TaintToleration' } } } }, objs: [{ kind: 'SchedulingDecision', metadata: { name: 'a', namespace: 'default' }, filter: { verdicts: [{ node: 'n1', verdict: 'failed', plugin: 'TaintToleration' }] } }] },
		{ name: 'unknown kind', check: { kind: 'Widget', name: 'a' }, objs: [], wantMessage: 'the check cannot be evaluated: unknown kind "Widget" in a check; one of: Pod, Node, Namespace, Service, Event, ConfigMap, PersistentVolumeClaim, Deployment, ReplicaSet, DaemonSet, StatefulSet, Job, EndpointSlice, NetworkPolicy, Ingress, PodDisruptionBudget, Lease, SchedulingDecision' }
	];
	for (const c of cases)
		it(c.name, () => {
			const r = evaluateCheck(check(c.check), lists(c.objs));
			expect(r.message).toBe(c.wantMessage);
			expect(r.passed).toBe(c.wantMessage === undefined);
		});
});

describe('evaluateCheck: network', () => {
	const nodeObj = (name: string, ip: string): KubeObject => ({ kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: { podCIDR: '10.244.0.0/24' }, status: { addresses: [{ type: 'InternalIP', address: ip }], conditions: [{ type: 'Ready', status: 'True' }] } });
	const svc: KubeObject = { kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } };
	const endpoint = (ip: string, node: string, ready = true) => ({ addresses: [ip], nodeName: node, conditions: { ready, serving: ready, terminating: false }, targetRef: { kind: 'Pod', namespace: 'default', name: `web-${ip}` } });
	const slice = (eps: unknown[]): KubeObject => ({ kind: 'EndpointSlice', metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', ports: [{ port: 8080, protocol: 'TCP', name: '' }], endpoints: eps });
	const objs = (eps: unknown[]) => [nodeObj('n1', '172.18.0.2'), nodeObj('n2', '172.18.0.3'), svc, slice(eps)];

	it('routes the VIP to 2 endpoints on n2', () => {
		const r = evaluateCheck(check({ vip: { node: 'n2', service: 'web', port: 80 }, expect: { verdict: 'forward', backends: 2 } }), lists(objs([endpoint('10.244.0.5', 'n1'), endpoint('10.244.1.5', 'n2')])));
		expect(r).toMatchObject({ passed: true });
	});
	it('says how many endpoints it found', () => {
		const r = evaluateCheck(check({ vip: { node: 'n2', service: 'web', port: 80 }, expect: { backends: 2 } }), lists(objs([endpoint('10.244.0.5', 'n1'), endpoint('10.244.1.5', 'n2', false)])));
		expect(r.message).toBe('expected n2 to route 10.96.0.10:80 (default/web) to 2 endpoints, found 1 (10.244.0.5:8080)');
	});
	it('rejects without endpoints', () => {
		const r = evaluateCheck(check({ vip: { node: 'n1', service: 'web' }, expect: { verdict: 'forward' } }), lists(objs([])));
		expect(r.message).toBe("expected n1's ClusterIP 10.96.0.10:80 (default/web) to forward, it does reject");
	});
	it('names a missing node and service', () => {
		expect(evaluateCheck(check({ vip: { node: 'n9', service: 'web' }, expect: {} }), lists(objs([]))).message).toBe('node n9 not found');
		expect(evaluateCheck(check({ vip: { node: 'n1', service: 'api' }, expect: {} }), lists(objs([]))).message).toBe('kube-proxy on n1 has no rules for Service default/api');
	});
	it('needs a running source pod for a connection', () => {
		const r = evaluateCheck(check({ connection: { from: { selector: 'app=client' }, to: 'web:80' }, expect: 'denied' }), lists(objs([])));
		expect(r.message).toBe('no Running pod with app=client in default to connect from');
	});
});

describe('evaluateCheck: list operators on a path', () => {
	it('words some as "to have an item"', () => {
		const d: KubeObject = { kind: 'Deployment', metadata: { name: 'trainer', namespace: 'default' }, spec: { template: { spec: {} } } };
		const r = evaluateCheck(check({ kind: 'Deployment', name: 'trainer', expect: { 'spec.template.spec.tolerations': { some: { key: 'dedicated' } } } }), lists([d]));
		expect(r.message).toBe('expected spec.template.spec.tolerations to have an item with key=dedicated, found nothing (Deployment default/trainer)');
	});
});

describe('evaluateCheck: quantities', () => {
	const podWith = (cpu: string): KubeObject => ({ kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ resources: { requests: { cpu } } }] } });
	const cpuCheck = check({ kind: 'Pod', name: 'p', expect: { 'spec.containers[0].resources.requests.cpu': { lte: 4 } } });
	it('compares cpu quantities as numbers', () => {
		expect(evaluateCheck(cpuCheck, lists([podWith('3500m')])).passed).toBe(true);
		expect(evaluateCheck(cpuCheck, lists([podWith('4500m')])).message).toBe('expected spec.containers[0].resources.requests.cpu ≤ 4, found 4500m (Pod default/p)');
	});
});
