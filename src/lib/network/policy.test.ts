import { describe, expect, it } from 'vitest';
import { evaluateConnection, evaluateDirection, policyInputs, policyTypes, type Connection } from './policy';
import type { Endpoint, KubeObject } from './types';

// The scenarios of kubernetes.io/docs/concepts/services-networking/network-policies, each with
// the verdict the page states.

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
const pod = (namespace: string, name: string, labels: Record<string, string>, ip: string, node = 'node-b', ports: object[] = []): Endpoint => ({
	ip,
	pod: { metadata: { namespace, name, labels }, spec: { nodeName: node, containers: [{ name: 'app', ports }] }, status: { podIP: ip } }
});
const np = (name: string, spec: object, namespace = 'default'): KubeObject => ({ metadata: { namespace, name }, spec });

const namespaces = [ns('default'), ns('myproject', { project: 'myproject' }), ns('alice', { user: 'alice' })];
const nodes: KubeObject[] = [{ metadata: { name: 'node-a' }, status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] } }];
const db = pod('default', 'db', { role: 'db' }, '10.244.1.10', 'node-a', [{ name: 'redis', containerPort: 6379 }]);
const frontend = pod('default', 'frontend', { role: 'frontend' }, '10.244.2.5');
const other = pod('default', 'other', { role: 'other' }, '10.244.2.7');
const defaultClient = pod('default', 'client', { role: 'client' }, '10.244.2.8');
const myproject = pod('myproject', 'tool', { app: 'tool' }, '10.244.2.6');
const aliceClient = pod('alice', 'client', { role: 'client' }, '10.244.2.9');
const aliceOther = pod('alice', 'other', { role: 'other' }, '10.244.2.10');
const ext = (ip: string): Endpoint => ({ ip });

const conn = (from: Endpoint, to: Endpoint, port: number, protocol: Connection['protocol'] = 'TCP'): Connection => ({ from, to, port, protocol });
const check = (policies: KubeObject[], c: Connection) => evaluateConnection(c, policyInputs(policies, namespaces, nodes));

const denyIngress = np('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
const allowAllIngress = np('allow-all-ingress', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] });
const denyEgress = np('default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
const allowAllEgress = np('allow-all-egress', { podSelector: {}, egress: [{}], policyTypes: ['Egress'] });
const denyAll = np('default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
// The page's first example, `test-network-policy`.
const testPolicy = np('test-network-policy', {
	podSelector: { matchLabels: { role: 'db' } },
	policyTypes: ['Ingress', 'Egress'],
	ingress: [
		{
			from: [{ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }, { namespaceSelector: { matchLabels: { project: 'myproject' } } }, { podSelector: { matchLabels: { role: 'frontend' } } }],
			ports: [{ protocol: 'TCP', port: 6379 }]
		}
	],
	egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }]
});

describe('NetworkPolicy: the documentation scenarios', () => {
	const cases: Array<{ name: string; policies: KubeObject[]; c: Connection; wantAllowed: boolean; wantReason: string | RegExp }> = [
		{ name: 'no policy: all traffic allowed', policies: [], c: conn(frontend, db, 6379), wantAllowed: true, wantReason: 'no NetworkPolicy selects pod default/db for ingress: allowed' },
		{
			name: 'default deny all ingress',
			policies: [denyIngress],
			c: conn(frontend, db, 6379),
			wantAllowed: false,
			wantReason: 'denied: pod default/db is isolated for ingress by NetworkPolicy default/default-deny-ingress, and no rule allows TCP/6379 from pod default/frontend (10.244.2.5)'
		},
		{ name: 'default deny ingress leaves egress alone', policies: [denyIngress], c: conn(db, ext('93.184.216.34'), 443), wantAllowed: true, wantReason: 'no NetworkPolicy selects pod default/db for egress: allowed' },
		{ name: 'default allow all ingress beats a default deny', policies: [denyIngress, allowAllIngress], c: conn(frontend, db, 6379), wantAllowed: true, wantReason: 'allowed by NetworkPolicy default/allow-all-ingress (spec.ingress[0])' },
		{ name: 'default deny all egress', policies: [denyEgress], c: conn(db, ext('93.184.216.34'), 443), wantAllowed: false, wantReason: /isolated for egress by NetworkPolicy default\/default-deny-egress/ },
		{ name: 'default allow all egress', policies: [denyEgress, allowAllEgress], c: conn(db, ext('93.184.216.34'), 443), wantAllowed: true, wantReason: /allow-all-egress/ },
		{ name: 'default deny all: ingress denied', policies: [denyAll], c: conn(ext('8.8.8.8'), db, 80), wantAllowed: false, wantReason: /isolated for ingress by NetworkPolicy default\/default-deny-all/ },
		{ name: 'default deny all: egress denied', policies: [denyAll], c: conn(db, frontend, 80), wantAllowed: false, wantReason: /isolated for egress/ },
		{ name: 'example: frontend pod to 6379', policies: [testPolicy], c: conn(frontend, db, 6379), wantAllowed: true, wantReason: 'allowed by NetworkPolicy default/test-network-policy (spec.ingress[0])' },
		{ name: 'example: frontend pod to another port', policies: [testPolicy], c: conn(frontend, db, 80), wantAllowed: false, wantReason: /no rule allows TCP\/80 from pod default\/frontend/ },
		{ name: 'example: UDP 6379 is not TCP 6379', policies: [testPolicy], c: conn(frontend, db, 6379, 'UDP'), wantAllowed: false, wantReason: /UDP\/6379/ },
		{ name: 'example: a pod of another role', policies: [testPolicy], c: conn(other, db, 6379), wantAllowed: false, wantReason: /isolated for ingress/ },
		{ name: 'example: any pod of a project=myproject namespace', policies: [testPolicy], c: conn(myproject, db, 6379), wantAllowed: true, wantReason: /spec\.ingress\[0\]/ },
		{ name: 'example: 172.17.0.5 is in the ipBlock', policies: [testPolicy], c: conn(ext('172.17.0.5'), db, 6379), wantAllowed: true, wantReason: /spec\.ingress\[0\]/ },
		{ name: 'example: 172.17.1.5 is in the except block', policies: [testPolicy], c: conn(ext('172.17.1.5'), db, 6379), wantAllowed: false, wantReason: /from 172\.17\.1\.5$/ },
		{ name: 'example: 172.17.2.0 is in the ipBlock again', policies: [testPolicy], c: conn(ext('172.17.2.0'), db, 6379), wantAllowed: true, wantReason: /spec\.ingress\[0\]/ },
		{ name: 'example: egress to 10.0.0.0/24 on 5978', policies: [testPolicy], c: conn(db, ext('10.0.0.7'), 5978), wantAllowed: true, wantReason: 'allowed by NetworkPolicy default/test-network-policy (spec.egress[0])' },
		{ name: 'example: egress to 10.0.0.0/24 on another port', policies: [testPolicy], c: conn(db, ext('10.0.0.7'), 80), wantAllowed: false, wantReason: /isolated for egress by NetworkPolicy default\/test-network-policy, and no rule allows TCP\/80 to 10\.0\.0\.7/ },
		{ name: 'example: egress to a pod outside the block', policies: [testPolicy], c: conn(db, frontend, 5978), wantAllowed: false, wantReason: /isolated for egress/ },
		{ name: 'traffic from the pod\u2019s own node passes a default deny', policies: [denyIngress], c: conn(ext('172.18.0.2'), db, 6379), wantAllowed: true, wantReason: "traffic from the pod's own node node-a is always allowed (kubelet probes)" }
	];
	for (const tc of cases) {
		it(tc.name, () => {
			const v = check(tc.policies, tc.c);
			expect(v.allowed).toBe(tc.wantAllowed);
			// The verdict of the direction the scenario is about: egress when the pod sends to a non-pod or egress policies are in play.
			const decisive = tc.c.to.pod && !/egress/.test(tc.name) ? v.ingress : v.egress;
			if (typeof tc.wantReason === 'string') expect(decisive.reason).toBe(tc.wantReason);
			else expect(decisive.reason).toMatch(tc.wantReason);
		});
	}
});

describe('NetworkPolicy: namespaceSelector and podSelector, AND vs OR', () => {
	const and = np('and', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } }] }] });
	const or = np('or', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } } }, { podSelector: { matchLabels: { role: 'client' } } }] }] });
	const cases = [
		{ name: 'AND: role=client in a user=alice namespace', policy: and, from: aliceClient, want: true },
		{ name: 'AND: another pod of the user=alice namespace', policy: and, from: aliceOther, want: false },
		{ name: 'AND: role=client in the local namespace', policy: and, from: defaultClient, want: false },
		{ name: 'OR: role=client in a user=alice namespace', policy: or, from: aliceClient, want: true },
		{ name: 'OR: any pod of the user=alice namespace', policy: or, from: aliceOther, want: true },
		{ name: 'OR: role=client in the local namespace', policy: or, from: defaultClient, want: true },
		{ name: 'OR: another pod of the local namespace', policy: or, from: other, want: false },
		{ name: 'OR: a podSelector never matches another namespace', policy: or, from: pod('myproject', 'c', { role: 'client' }, '10.244.2.11'), want: false }
	];
	for (const tc of cases) it(tc.name, () => expect(check([tc.policy], conn(tc.from, db, 6379)).allowed).toBe(tc.want));

	it('targets multiple namespaces by label (the egress-namespaces example, matchExpressions In)', () => {
		const egress = np('egress-namespaces', { podSelector: { matchLabels: { role: 'frontend' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: 'user', operator: 'In', values: ['alice', 'bob'] }] } }] }] });
		expect(check([egress], conn(frontend, aliceOther, 80)).egress.reason).toBe('allowed by NetworkPolicy default/egress-namespaces (spec.egress[0])');
		expect(check([egress], conn(frontend, myproject, 80)).allowed).toBe(false);
		expect(check([egress], conn(frontend, ext('10.0.0.1'), 80)).allowed).toBe(false);
	});

	it('targets a namespace by name through kubernetes.io/metadata.name', () => {
		const byName = np('by-name', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'myproject' } } }] }] });
		expect(check([byName], conn(myproject, db, 1)).allowed).toBe(true);
		expect(check([byName], conn(aliceClient, db, 1)).allowed).toBe(false);
	});
});

describe('NetworkPolicy: ports', () => {
	it('resolves a named port on the destination pod', () => {
		const named = np('named', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ ports: [{ port: 'redis' }] }] });
		expect(check([named], conn(frontend, db, 6379)).ingress.reason).toBe('allowed by NetworkPolicy default/named (spec.ingress[0])');
		expect(check([named], conn(frontend, db, 6380)).allowed).toBe(false);
	});

	it('a named port never matches a destination that is not a pod', () => {
		const named = np('named-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'redis' }] }] });
		expect(check([named], conn(frontend, ext('10.0.0.7'), 6379)).allowed).toBe(false);
		expect(check([named], conn(frontend, db, 6379)).allowed).toBe(true);
	});

	it('targets a range of ports with endPort (the multi-port-egress example)', () => {
		const range = np('multi-port-egress', { podSelector: { matchLabels: { role: 'db' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }] });
		const want: Array<[number, Connection['protocol'], boolean]> = [
			[32000, 'TCP', true],
			[32768, 'TCP', true],
			[31999, 'TCP', false],
			[32769, 'TCP', false],
			[32000, 'UDP', false]
		];
		for (const [port, proto, allowed] of want) expect(check([range], conn(db, ext('10.0.0.1'), port, proto)).allowed, `${proto}/${port}`).toBe(allowed);
	});

	it('a port entry without a port admits every port of its protocol', () => {
		const udp = np('udp', { podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP' }] }] });
		expect(check([udp], conn(frontend, db, 53, 'UDP')).allowed).toBe(true);
		expect(check([udp], conn(frontend, db, 53, 'TCP')).allowed).toBe(false);
	});
});

describe('NetworkPolicy: isolation', () => {
	it('policyTypes default: Ingress always, Egress when egress rules exist', () => {
		expect(policyTypes(np('a', { podSelector: {} }))).toEqual(['Ingress']);
		expect(policyTypes(np('b', { podSelector: {}, egress: [{}] }))).toEqual(['Ingress', 'Egress']);
		expect(policyTypes(np('c', { podSelector: {}, policyTypes: ['Egress'] }))).toEqual(['Egress']);
	});

	it('a policy with only egress rules and no policyTypes still isolates ingress', () => {
		const p = np('egress-only', { podSelector: { matchLabels: { role: 'db' } }, egress: [{}] });
		expect(check([p], conn(frontend, db, 6379)).ingress.allowed).toBe(false);
		expect(check([p], conn(db, frontend, 80)).egress.allowed).toBe(true);
	});

	it('a policy in another namespace never selects the pod', () => {
		const p = np('elsewhere', { podSelector: {}, policyTypes: ['Ingress'] }, 'myproject');
		expect(check([p], conn(frontend, db, 6379)).allowed).toBe(true);
	});

	it('hostNetwork pods are not isolated and not matched by pod selectors', () => {
		const host: Endpoint = { ip: '172.18.0.3', pod: { metadata: { namespace: 'default', name: 'h', labels: { role: 'frontend' } }, spec: { hostNetwork: true, nodeName: 'node-b' } } };
		expect(evaluateDirection('Ingress', conn(frontend, host, 80), policyInputs([denyIngress])).allowed).toBe(true);
		expect(check([testPolicy], conn(host, db, 6379)).allowed).toBe(false);
	});

	it('an ipBlock matches pod IPs too', () => {
		const p = np('pod-cidr', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.244.2.5/32' } }] }] });
		expect(check([p], conn(frontend, db, 6379)).allowed).toBe(true);
		expect(check([p], conn(other, db, 6379)).allowed).toBe(false);
	});
});
