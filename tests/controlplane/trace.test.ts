import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeRoom } from '../kubectl/harness';
import type { KubeletRoom, Obj } from './kubelet-room';
import { startProxyRoom } from './proxy-room';

let r: KubeletRoom;
let k: KubeRoom;

const post = (body: unknown, opts: { token?: string; raw?: string } = {}) =>
	k.api(`/api/rooms/${k.roomId}/trace`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: opts.raw ?? JSON.stringify(body), ...(opts.token ? { token: opts.token } : {}) });
const traced = async (body: unknown): Promise<Obj> => {
	const res = await post(body);
	const out = (await res.json()) as Obj;
	expect(res.status, JSON.stringify(out)).toBe(200);
	return out;
};

const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: tr }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: { matchLabels: { app: web } } }]
      containers: [{ name: app, image: nginx:1.27, ports: [{ name: http, containerPort: 8080 }] }]
---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: tr, labels: { app: client } }
spec:
  containers: [{ name: app, image: busybox:1.36 }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: tr }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http }]
`;

beforeAll(async () => {
	r = await startProxyRoom(['worker-1', 'worker-2'], { namespace: 'tr', manifests });
	k = r.k;
	for (let i = 0; i < 120; i++) {
		const slices = (await r.getJson('/apis/discovery.k8s.io/v1/namespaces/tr/endpointslices')).items as Obj[];
		const ready = slices.flatMap((s) => s.endpoints ?? []).filter((e: Obj) => e.conditions?.ready).length;
		const client = await r.getJson('/api/v1/namespaces/tr/pods/client');
		if (ready === 2 && client.status?.podIP) return;
		await r.step(1);
	}
	throw new Error('never: two ready endpoints and a running client');
});

afterAll(async () => {
	await k?.stop();
});

describe('POST /api/rooms/<id>/trace', () => {
	it('traces a pod to a Service name: DNS, the node\u2019s kube-proxy rules, DNAT, delivered', async () => {
		const out = await traced({ from: { pod: 'tr/client' }, to: 'web:80', seed: 7 });
		expect(out).toMatchObject({ mode: 'iptables', all: false, seed: 7 });
		expect(out.revision).toMatch(/^\d+$/);
		const [res] = out.results as Obj[];
		expect(res.outcome).toBe('delivered');
		expect(res.verdict).toMatch(/^delivered to pod tr\/web-[a-z0-9]+-[a-z0-9]+ \(10\.244\.\d+\.\d+:8080\) on worker-[12]$/);
		const steps = res.steps as Obj[];
		expect(steps[1]).toMatchObject({ stage: 'dns' });
		expect(steps[1].text).toMatch(/^web\.tr\.svc\.cluster\.local: NOERROR A 10\.\d+\.\d+\.\d+ \(Service tr\/web → ClusterIP /);
		expect(steps.some((s) => /^-A KUBE-SERVICES -d 10\.\d+\.\d+\.\d+\/32 -p tcp -m comment --comment "tr\/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-[A-Z2-7]{16}$/.test(s.rule ?? ''))).toBe(true);
		// The same seed over the same state: the same path.
		expect(((await traced({ from: { pod: 'tr/client' }, to: 'web:80', seed: 7 })).results as Obj[])[0].verdict).toBe(res.verdict);
	});

	it('all branches: one per endpoint, each with probability 1/2', async () => {
		const out = await traced({ from: { pod: 'tr/client' }, to: 'web.tr.svc.cluster.local:80', all: true });
		const results = out.results as Obj[];
		expect(out.seed).toBeUndefined();
		expect(results).toHaveLength(2);
		expect(new Set(results.map((x) => x.verdict)).size).toBe(2);
		for (const x of results) expect(x.probability).toBeCloseTo(0.5, 10);
	});

	it('from a node: nat OUTPUT and masquerade; node processes do not resolve cluster names', async () => {
		const svc = await r.getJson('/api/v1/namespaces/tr/services/web');
		const [res] = (await traced({ from: { node: 'worker-1' }, to: `${svc.spec.clusterIP}:80` })).results as Obj[];
		expect(res.outcome).toBe('delivered');
		expect((res.steps as Obj[]).some((s) => s.chain === 'OUTPUT')).toBe(true);
		expect((res.steps as Obj[]).some((s) => /is outside the cluster CIDR 10\.244\.0\.0\/16 → KUBE-MARK-MASQ/.test(s.text))).toBe(true);
		const [dns] = (await traced({ from: { node: 'worker-1' }, to: 'web.tr:80' })).results as Obj[];
		expect(dns.outcome).toBe('nxdomain');
	});

	it('an outside client to a port nothing serves: no route', async () => {
		const [res] = (await traced({ from: { ip: '203.0.113.9' }, to: '10.96.200.200:80' })).results as Obj[];
		expect(res.outcome).toBe('no-route');
	});

	it('answers Kubernetes Status errors on bad input, and lets viewers trace', async () => {
		const bad = await post({ from: { pod: 'tr/client' }, protocol: 'ICMP', extra: 1 });
		expect(bad.status).toBe(422);
		expect(await bad.json()).toEqual({
			kind: 'Status',
			apiVersion: 'v1',
			metadata: {},
			status: 'Failure',
			reason: 'Invalid',
			code: 422,
			message: 'trace request is invalid: [extra: Unsupported value: unknown field (supported: from, to, protocol, seed, all), to: Required value: name:port, ip:port or http://host/path, protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"]'
		});
		const missing = await post({ from: { pod: 'tr/ghost' }, to: 'web:80' });
		expect(missing.status).toBe(404);
		expect(await missing.json()).toMatchObject({ reason: 'NotFound', message: 'pods "ghost" not found in namespace "tr"' });
		expect(await (await post({ from: { node: 'nope' }, to: 'web:80' })).json()).toMatchObject({ code: 404, message: 'nodes "nope" not found' });
		expect((await post(undefined, { raw: '{"to": ' })).status).toBe(400);
		expect((await post(undefined, { raw: JSON.stringify({ from: { ip: '1.2.3.4' }, to: 'x'.repeat(20000) }) })).status).toBe(413);
		expect((await k.api(`/api/rooms/${k.roomId}/trace`)).status).toBe(405);
		expect((await post({ from: { pod: 'tr/client' }, to: 'web:80' }, { token: k.tokens.viewer })).status).toBe(200);
		expect((await post({ from: { pod: 'tr/client' }, to: 'web:80' }, { token: 'wrong' })).status).toBe(401);
	});
});
