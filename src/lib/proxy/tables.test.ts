import { describe, expect, it } from 'vitest';
import { node, slice, svc } from './fixtures';
import { proxyConfigFrom } from './model';
import { renderIptablesSave } from './render-iptables';
import { tableJson } from './render';
import { ProxyTables, tablesFrom } from './tables';
import type { NodeServicePort, VipEntry } from './types';

const nodes = [node('node-a', '172.18.0.3', 'zone-a'), node('node-b', '172.18.0.4', 'zone-b'), node('node-c', '172.18.0.5', 'zone-a')];
const P = [{ name: 'http', port: 8080 }];
const web = (spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}) =>
	svc('default', 'web', { clusterIP: '10.96.45.10', ports: [{ name: 'http', port: 80, protocol: 'TCP', ...((spec.port as object) ?? {}) }], ...spec }, status);

function entry(t: ProxyTables, n: string): NodeServicePort {
	return t.nodeTable(n)!.services.find((s) => s.info.service === 'web')!;
}
const vip = (e: NodeServicePort, kind: VipEntry['kind']) => e.vips.find((v) => v.kind === kind)!;
const eps = (v: VipEntry) => v.backends.map((b) => b.endpoint.ip);

describe('per-node tables', () => {
	it('uses ready endpoints with equal shares, the same on every node for Cluster policies', () => {
		const t = tablesFrom({ services: [web()], slices: [slice('default', 'web', 'a', [{ ip: '10.244.1.5', node: 'node-a' }, { ip: '10.244.2.7', node: 'node-b', ready: false, serving: false }], P)], nodes });
		const a = entry(t, 'node-a');
		expect(eps(vip(a, 'ClusterIP'))).toEqual(['10.244.1.5']);
		expect(vip(a, 'ClusterIP').backends[0].probability).toBe(1);
		expect(entry(t, 'node-b')).toBe(a);
	});

	it('probabilities are 1/n for 1 to 5 endpoints', () => {
		for (let n = 1; n <= 5; n++) {
			const list = Array.from({ length: n }, (_, i) => ({ ip: `10.244.0.${i + 1}` }));
			const t = tablesFrom({ services: [web()], slices: [slice('default', 'web', 'a', list, P)], nodes });
			expect(vip(entry(t, 'node-a'), 'ClusterIP').backends.map((b) => b.probability)).toEqual(Array(n).fill(1 / n));
		}
	});

	it('rejects when no endpoint is usable anywhere', () => {
		const t = tablesFrom({ services: [web()], slices: [slice('default', 'web', 'a', [{ ip: '10.244.1.5', ready: false, serving: false }], P)], nodes });
		const e = entry(t, 'node-a');
		expect(e.hasEndpoints).toBe(false);
		expect(vip(e, 'ClusterIP').verdict).toBe('reject');
		expect(renderIptablesSave(t.nodeTable('node-a')!, { tables: ['filter'] })).toContain(
			'-A KUBE-SERVICES -d 10.96.45.10/32 -p tcp -m comment --comment "default/web:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable'
		);
	});

	it('falls back to serving+terminating endpoints when none is ready', () => {
		const t = tablesFrom({
			services: [web()],
			slices: [slice('default', 'web', 'a', [{ ip: '10.244.1.5', node: 'node-a', ready: false, serving: true, terminating: true }, { ip: '10.244.2.7', ready: false, serving: false, terminating: true }], P)],
			nodes
		});
		const v = vip(entry(t, 'node-b'), 'ClusterIP');
		expect(v.verdict).toBe('forward');
		expect(v.backends.map((b) => [b.endpoint.ip, b.endpoint.state])).toEqual([['10.244.1.5', 'terminating']]);
	});

	it('internalTrafficPolicy Local: only local endpoints, DROP where there are none', () => {
		const t = tablesFrom({ services: [web({ internalTrafficPolicy: 'Local' })], slices: [slice('default', 'web', 'a', [{ ip: '10.244.1.5', node: 'node-a' }, { ip: '10.244.2.7', node: 'node-b' }], P)], nodes });
		expect(eps(vip(entry(t, 'node-a'), 'ClusterIP'))).toEqual(['10.244.1.5']);
		expect(eps(vip(entry(t, 'node-b'), 'ClusterIP'))).toEqual(['10.244.2.7']);
		const c = vip(entry(t, 'node-c'), 'ClusterIP');
		expect([c.verdict, c.backends.length]).toEqual(['drop', 0]);
		const save = renderIptablesSave(t.nodeTable('node-a')!, { now: new Date(0) });
		expect(save).toContain('-j KUBE-SVL-CDGGSHYLG3RE2FKL');
		expect(renderIptablesSave(t.nodeTable('node-c')!, { tables: ['filter'] })).toContain('"default/web:http has no local endpoints" -m tcp --dport 80 -j DROP');
	});

	it('externalTrafficPolicy Local: external VIPs use local endpoints, short-circuit the rest, and a health check node port', () => {
		const t = tablesFrom({
			services: [web({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31999, port: { nodePort: 30080 } }, { loadBalancer: { ingress: [{ ip: '172.18.255.1' }] } })],
			slices: [slice('default', 'web', 'a', [{ ip: '10.244.1.5', node: 'node-a' }, { ip: '10.244.2.7', node: 'node-b' }], P)],
			nodes
		});
		const a = entry(t, 'node-a');
		const c = entry(t, 'node-c');
		expect(eps(vip(a, 'NodePort'))).toEqual(['10.244.1.5']);
		expect(eps(vip(a, 'LoadBalancer'))).toEqual(['10.244.1.5']);
		expect(eps(vip(a, 'ClusterIP'))).toEqual(['10.244.1.5', '10.244.2.7']);
		expect(vip(c, 'NodePort').verdict).toBe('drop');
		expect(vip(c, 'NodePort').shortCircuit!.map((b) => b.endpoint.ip)).toEqual(['10.244.1.5', '10.244.2.7']);
		expect(vip(a, 'NodePort').masquerade).toMatchObject({ always: false, nodeLocal: true });
		expect(a.info.healthCheckNodePort).toBe(31999);
		expect(renderIptablesSave(t.nodeTable('node-c')!, { tables: ['filter'] })).toContain('-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web:http health check node port" -m tcp --dport 31999 -j ACCEPT');
		// Nodes without local endpoints share one entry.
		t.upsertNode(node('node-d', '172.18.0.6'));
		expect(entry(t, 'node-d').vips.map((v) => v.verdict)).toEqual(entry(t, 'node-c').vips.map((v) => v.verdict));
		expect(tableJson(t.nodeTable('node-a')!).services[0].vips.find((v) => v.kind === 'NodePort')!.addresses).toEqual(['172.18.0.3']);
	});

	it('externalTrafficPolicy Cluster masquerades external traffic', () => {
		const t = tablesFrom({ services: [web({ type: 'NodePort', port: { nodePort: 30080 } })], slices: [slice('default', 'web', 'a', [{ ip: '10.244.1.5', node: 'node-a' }], P)], nodes });
		expect(vip(entry(t, 'node-b'), 'NodePort').masquerade.always).toBe(true);
		expect(eps(vip(entry(t, 'node-b'), 'NodePort'))).toEqual(['10.244.1.5']);
	});

	it('topology hints apply only when every ready endpoint has one and one is for the node zone', () => {
		const hinted = [
			{ ip: '10.244.1.5', node: 'node-a', hints: ['zone-a'] },
			{ ip: '10.244.2.7', node: 'node-b', hints: ['zone-b'] }
		];
		const t = tablesFrom({ services: [web()], slices: [slice('default', 'web', 'a', hinted, P)], nodes: [...nodes, node('node-z', '172.18.0.9', 'zone-z')] });
		expect(eps(vip(entry(t, 'node-c'), 'ClusterIP'))).toEqual(['10.244.1.5']);
		expect(entry(t, 'node-c').topologyApplied).toBe(true);
		expect(eps(vip(entry(t, 'node-b'), 'ClusterIP'))).toEqual(['10.244.2.7']);
		expect(eps(vip(entry(t, 'node-z'), 'ClusterIP'))).toEqual(['10.244.1.5', '10.244.2.7']);
		t.upsertSlice(slice('default', 'web', 'a', [...hinted, { ip: '10.244.3.3' }], P));
		expect(eps(vip(entry(t, 'node-c'), 'ClusterIP'))).toEqual(['10.244.1.5', '10.244.2.7', '10.244.3.3']);
	});

	it('session affinity ClientIP carries the timeout into the rules', () => {
		const t = tablesFrom({ services: [web({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } })], slices: [slice('default', 'web', 'a', [{ ip: '10.244.1.5' }], P)], nodes });
		expect(entry(t, 'node-a').info.sessionAffinity).toEqual({ type: 'ClientIP', timeoutSeconds: 600 });
		expect(renderIptablesSave(t.nodeTable('node-a')!, { tables: ['nat'] })).toContain(
			'-m recent --rcheck --seconds 600 --reap --name KUBE-SEP-AFGSLHOD2HFNCBX4 --mask 255.255.255.255 --rsource -j KUBE-SEP-AFGSLHOD2HFNCBX4'
		);
	});

	it('skips headless and ExternalName Services', () => {
		const t = tablesFrom({ services: [svc('default', 'h', { clusterIP: 'None', ports: [{ port: 80 }] }), svc('default', 'x', { type: 'ExternalName', externalName: 'example.com' })], slices: [], nodes });
		expect(t.nodeTable('node-a')!.services).toEqual([]);
	});

	it('unknown node has no table', () => {
		expect(tablesFrom({ services: [], slices: [], nodes }).nodeTable('nope')).toBeUndefined();
	});
});

describe('incremental updates', () => {
	it('an EndpointSlice change recomputes only its Service', () => {
		const other = svc('default', 'api', { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80 }] });
		const t = tablesFrom({ services: [web(), other], slices: [slice('default', 'web', 'a', [{ ip: '10.244.1.5' }], P), slice('default', 'api', 'a', [{ ip: '10.244.9.9' }], P)], nodes });
		const before = t.nodeTable('node-a')!.services;
		const gen = t.generation;
		t.upsertSlice(slice('default', 'web', 'a', [{ ip: '10.244.1.5' }, { ip: '10.244.1.6' }], P));
		const after = t.nodeTable('node-a')!.services;
		expect(t.generation).toBeGreaterThan(gen);
		expect(after.find((s) => s.info.service === 'api')).toBe(before.find((s) => s.info.service === 'api'));
		expect(eps(vip(after.find((s) => s.info.service === 'web')!, 'ClusterIP'))).toEqual(['10.244.1.5', '10.244.1.6']);
		expect(t.endpointCount).toBe(3);
		t.deleteSlice(slice('default', 'web', 'a', [], P));
		expect(t.endpointCount).toBe(1);
		t.deleteService('default', 'web');
		expect(t.nodeTable('node-a')!.services.map((s) => s.info.service)).toEqual(['api']);
	});

	it('refreshService computes one shared entry for Cluster policy and per-node ones only for Local', () => {
		const t = tablesFrom({ services: [web()], slices: [slice('default', 'web', 'a', [{ ip: '10.244.1.5', node: 'node-a' }], P)], nodes });
		expect(t.refreshService('default/web')).toBe(1);
		const l = tablesFrom({ services: [web({ internalTrafficPolicy: 'Local' })], slices: [slice('default', 'web', 'a', [{ ip: '10.244.1.5', node: 'node-a' }], P)], nodes });
		expect(l.refreshService('default/web')).toBe(2);
	});
});

describe('KubeProxyConfiguration', () => {
	it('reads mode and masquerade settings, rejecting unknown modes like kube-proxy validation', () => {
		expect(proxyConfigFrom({ apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', kind: 'KubeProxyConfiguration', mode: 'ipvs', ipvs: { scheduler: 'lc' } }).config).toMatchObject({ mode: 'ipvs', ipvsScheduler: 'lc' });
		expect(proxyConfigFrom({ kind: 'KubeProxyConfiguration', mode: '' }).config.mode).toBe('iptables');
		expect(proxyConfigFrom({ kind: 'KubeProxyConfiguration', mode: 'userspace' }).errors[0]).toContain('Mode: Invalid value: "userspace"');
	});
});
