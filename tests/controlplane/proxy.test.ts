import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type KubeRoom } from '../kubectl/harness';
import type { KubeletRoom, Obj } from './kubelet-room';
import { startProxyRoom } from './proxy-room';

let r: KubeletRoom;
let k: KubeRoom;
const rules = (node: string, query = '', token?: string) => k.api(`/api/rooms/${k.roomId}/nodes/${node}/rules${query}`, token ? { token } : {});
const table = async (node: string): Promise<Obj> => (await (await rules(node, '?format=json')).json()) as Obj;
const webPort = (t: Obj) => t.services.find((s: Obj) => s.name === 'px/web:http');
const vip = (t: Obj, kind: string) => webPort(t)?.vips.find((v: Obj) => v.kind === kind);
const text = async (node: string, query = '') => (await rules(node, query)).text();

/** Steps the clock a second at a time until `pred` holds. */
async function stepUntil(pred: () => Promise<boolean>, what: string, max = 120): Promise<void> {
	for (let i = 0; i < max; i++) {
		if (await pred()) return;
		await r.step(1);
	}
	throw new Error(`never: ${what}`);
}

const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: px }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
      annotations: { sim.converge.dev/ready-after-seconds: "20", sim.converge.dev/shutdown-seconds: "600" }
    spec:
      nodeSelector: { kubernetes.io/hostname: worker-1 }
      terminationGracePeriodSeconds: 900
      containers: [{ name: app, image: nginx:1.27, ports: [{ name: http, containerPort: 8080 }] }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: px }
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http }]
`;

let revisionBeforeReady = '';

beforeAll(async () => {
	r = await startProxyRoom(['worker-1', 'worker-2'], { namespace: 'px', manifests });
	k = r.k;
});

afterAll(async () => {
	await k?.stop();
});

describe('kube-proxy rules API', () => {
	it('shows the Service without endpoints (REJECT) while its pod runs but is not Ready', async () => {
		await stepUntil(async () => {
			const pods = (await r.getJson('/api/v1/namespaces/px/pods')).items as Obj[];
			return pods.length === 1 && pods[0].status?.phase === 'Running' && !!pods[0].status?.podIP;
		}, 'the web pod running');
		await eventually(async () => !!webPort(await table('worker-1')), 'the Service in the table');
		const t = await table('worker-1');
		expect(vip(t, 'ClusterIP')).toMatchObject({ verdict: 'reject', backends: [] });
		expect(webPort(t).endpoints).toEqual([expect.objectContaining({ ready: false, state: 'not-ready' })]);
		expect(await text('worker-1', '?format=iptables&table=filter')).toMatch(/-A KUBE-SERVICES -d 10\.\d+\.\d+\.\d+\/32 -p tcp -m comment --comment "px\/web:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable/);
		revisionBeforeReady = (await r.getJson('/api/v1/nodes')).metadata.resourceVersion;
	});

	it('lists the endpoint once the pod is Ready, as kube-proxy chains with real hashes', async () => {
		await stepUntil(async () => vip(await table('worker-1'), 'ClusterIP')?.verdict === 'forward', 'the endpoint ready');
		const t = await table('worker-1');
		const pod = ((await r.getJson('/api/v1/namespaces/px/pods')).items as Obj[])[0];
		expect(vip(t, 'ClusterIP').backends).toEqual([expect.objectContaining({ endpoint: `${pod.status.podIP}:8080`, node: 'worker-1', local: true, state: 'ready', probability: 1 })]);
		const nat = await text('worker-1', '?format=iptables&table=nat');
		expect(nat).toContain(`-A KUBE-SVC-${webPort(t).chains.iptables.svc.slice(9)} -m comment --comment "px/web:http -> ${pod.status.podIP}:8080" -j KUBE-SEP-`);
		expect(nat).toContain(`-j DNAT --to-destination ${pod.status.podIP}:8080`);
		// What changed since the revision before readiness: the endpoint chains appeared.
		const diff = await text('worker-1', `?format=iptables&table=nat&diff=${revisionBeforeReady}`);
		expect(diff).toContain(`+-A KUBE-SEP-`);
		expect(diff).toContain(`+:KUBE-SVC-`);
		const before = await text('worker-1', `?format=iptables&table=nat&revision=${revisionBeforeReady}`);
		expect(before).not.toContain('px/web:http -> ');
	});

	it('externalTrafficPolicy Local: the node with the endpoint forwards NodePort traffic, the other drops it', async () => {
		const [one, two] = [await table('worker-1'), await table('worker-2')];
		expect(vip(one, 'NodePort')).toMatchObject({ verdict: 'forward', policy: 'Local' });
		expect(vip(one, 'NodePort').backends).toHaveLength(1);
		expect(vip(two, 'NodePort')).toMatchObject({ verdict: 'drop', backends: [] });
		expect(vip(two, 'NodePort').shortCircuit).toHaveLength(1);
		expect(vip(two, 'ClusterIP').verdict).toBe('forward');
		const port = vip(one, 'NodePort').port;
		expect(await text('worker-2', '?format=iptables&table=filter')).toContain(`-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "px/web:http has no local endpoints" -m addrtype --dst-type LOCAL -m tcp --dport ${port} -j DROP`);
		expect(await text('worker-1', '?format=iptables&table=filter')).not.toContain('has no local endpoints');
		expect(await text('worker-1', '?format=iptables&table=nat')).toContain(`-A KUBE-NODEPORTS -p tcp -m comment --comment "px/web:http" -m tcp --dport ${port} -j KUBE-EXT-`);
		const ipvs = await text('worker-2', '?format=ipvs');
		expect(ipvs).toMatch(new RegExp(`TCP  172\\.18\\.0\\.\\d+:${port} rr\\n`));
	});

	it('a deleted pod moves to the terminating state and is still used while no other is ready', async () => {
		const pod = ((await r.getJson('/api/v1/namespaces/px/pods')).items as Obj[])[0];
		const del = await k.kubectl(['delete', 'pod', '-n', 'px', pod.metadata.name, '--wait=false']);
		expect(del.code, del.stderr).toBe(0);
		await eventually(async () => webPort(await table('worker-1'))?.endpoints.some((e: Obj) => e.ip === pod.status.podIP && e.state === 'terminating'), 'the endpoint terminating');
		const t = await table('worker-1');
		expect(webPort(t).endpoints.find((e: Obj) => e.ip === pod.status.podIP)).toMatchObject({ ready: false, serving: true, terminating: true });
		expect(vip(t, 'ClusterIP').backends.map((b: Obj) => [b.endpoint, b.state])).toEqual([[`${pod.status.podIP}:8080`, 'terminating']]);
	});

	it('answers 404 for an unknown node and 400 for an unknown format, and viewers may read', async () => {
		const res = await rules('nope');
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'nodes "nope" not found', code: 404 });
		expect((await rules('worker-1', '?format=pf')).status).toBe(400);
		const viewer = await rules('worker-1', '?format=nft', k.tokens.viewer);
		expect(viewer.status).toBe(200);
		expect(viewer.headers.get('content-type')).toContain('text/plain');
		expect(await viewer.text()).toContain('table ip kube-proxy {');
		expect((await rules('worker-1', '', 'wrong-token')).status).toBe(401);
	});
});
