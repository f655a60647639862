/**
 * Topology-aware routing end to end: a Service with `trafficDistribution: PreferClose` gets zone
 * hints from the EndpointSlice controller (its ready endpoints hint their own zone), and
 * kube-proxy on each node then uses only the endpoints of its zone; a node of a zone without
 * endpoints falls back to all of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type KubeRoom } from '../kubectl/harness';
import type { KubeletRoom, Obj } from './kubelet-room';
import { startProxyRoom } from './proxy-room';

let r: KubeletRoom;
let k: KubeRoom;
const table = async (node: string): Promise<Obj> => (await (await k.api(`/api/rooms/${k.roomId}/nodes/${node}/rules?format=json`)).json()) as Obj;
const web = async (node: string) => (await table(node)).services.find((s: Obj) => s.name === 'topo/web:http');
const clusterIPBackends = async (node: string) => ((await web(node))?.vips.find((v: Obj) => v.kind === 'ClusterIP')?.backends ?? []).map((b: Obj) => b.node as string);

const deployment = (name: string, node: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: topo }
spec:
  replicas: 1
  selector: { matchLabels: { app: web, part: ${name} } }
  template:
    metadata: { labels: { app: web, part: ${name} } }
    spec:
      nodeSelector: { kubernetes.io/hostname: ${node} }
      containers: [{ name: app, image: nginx:1.27, ports: [{ name: http, containerPort: 8080 }] }]
`;

const manifests = `${deployment('web-a', 'worker-1')}---${deployment('web-b', 'worker-2')}---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: topo }
spec:
  trafficDistribution: PreferClose
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http }]
`;

beforeAll(async () => {
	r = await startProxyRoom(['worker-1', 'worker-2', 'worker-3'], { namespace: 'topo' });
	k = r.k;
	// Zones before the pods, so their endpoints carry them from the start.
	for (const [node, zone] of [['worker-1', 'zone-a'], ['worker-2', 'zone-b'], ['worker-3', 'zone-c']]) {
		const res = await k.kubectl(['label', 'node', node, `topology.kubernetes.io/zone=${zone}`]);
		expect(res.code, res.stderr).toBe(0);
	}
	const applied = await k.kubectl(['apply', '-f', '-'], { input: manifests });
	expect(applied.code, applied.stderr).toBe(0);
});

afterAll(async () => {
	await k?.stop();
});

describe('trafficDistribution PreferClose', () => {
	it('the EndpointSlice carries each ready endpoint’s zone as its hint', async () => {
		for (let i = 0; i < 120 && (await clusterIPBackends('worker-3')).length < 2; i++) await r.step(1);
		const slices = (await r.getJson('/apis/discovery.k8s.io/v1/namespaces/topo/endpointslices')).items as Obj[];
		const eps = slices.flatMap((s) => s.endpoints ?? []);
		expect(eps.map((e: Obj) => [e.nodeName, e.zone, e.hints?.forZones]).sort()).toEqual([
			['worker-1', 'zone-a', [{ name: 'zone-a' }]],
			['worker-2', 'zone-b', [{ name: 'zone-b' }]]
		]);
	});

	it('kube-proxy routes to the endpoints of the node’s own zone; a zone without endpoints uses all of them', async () => {
		await eventually(async () => (await clusterIPBackends('worker-1')).length === 1, 'zone-a filtered');
		expect(await clusterIPBackends('worker-1')).toEqual(['worker-1']);
		expect(await clusterIPBackends('worker-2')).toEqual(['worker-2']);
		expect((await web('worker-1')).topologyApplied).toBe(true);
		expect((await clusterIPBackends('worker-3')).sort()).toEqual(['worker-1', 'worker-2']);
		expect((await web('worker-3')).topologyApplied).toBe(false);
		// iptables-save on worker-1: the SVC chain jumps to one endpoint only, without a statistic rule.
		const nat = await (await k.api(`/api/rooms/${k.roomId}/nodes/worker-1/rules?format=iptables&table=nat`)).text();
		const svcRules = nat.split('\n').filter((l) => l.startsWith('-A KUBE-SVC-') && l.includes('"topo/web:http -> '));
		expect(svcRules).toHaveLength(1);
		expect(svcRules[0]).not.toContain('--probability');
	});
});
