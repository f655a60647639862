import { describe, expect, it } from 'vitest';
import { node, slice, svc } from '$lib/proxy/fixtures';
import { renderIptablesSave } from '$lib/proxy/render-iptables';
import { DEFAULT_PROXY_CONFIG } from '$lib/proxy/model';
import { browserTables, searchLines, serviceAcross, serviceNames, tokenize, vipRows } from './tables-model';

const nodes = [node('node-a', '172.18.0.3'), node('node-b', '172.18.0.4')];
const web = svc('default', 'web', { type: 'NodePort', externalTrafficPolicy: 'Local', clusterIP: '10.96.45.10', ports: [{ name: 'http', port: 80, nodePort: 30080 }] });
const eps = slice('default', 'web', 'a', [{ ip: '10.244.1.5', node: 'node-a' }, { ip: '10.244.2.7', node: 'node-b', ready: false, serving: true, terminating: true }], [{ name: 'http', port: 8080 }]);

describe('Network view tables model', () => {
	it('lists a node VIPs with endpoints, locality, state and shares', () => {
		const t = browserTables([web], [eps], nodes, DEFAULT_PROXY_CONFIG);
		const rows = vipRows(t.nodeTable('node-a')!);
		expect(rows.map((r) => [r.kind, r.vip, r.verdict])).toEqual([
			['ClusterIP', '10.96.45.10:80/TCP', 'forward'],
			['NodePort', '172.18.0.3:30080/TCP', 'forward']
		]);
		expect(rows[0].backends).toEqual([{ endpoint: '10.244.1.5:8080', node: 'node-a', local: true, state: 'ready', percent: 100 }]);
		expect(rows[1].note).toContain('client IP kept');
	});

	it('shows one Service across nodes, where Local policy makes them differ', () => {
		const t = browserTables([web], [eps], nodes, DEFAULT_PROXY_CONFIG);
		expect(serviceNames(t)).toEqual(['default/web']);
		const across = serviceAcross(t, 'default/web');
		expect(across.map((a) => [a.node, a.vips.find((v) => v.kind === 'NodePort')!.verdict])).toEqual([
			['node-a', 'forward'],
			['node-b', 'forward']
		]);
		// node-b only has a terminating local endpoint: Local policy falls back to it.
		expect(across[1].vips.find((v) => v.kind === 'NodePort')!.backends.map((b) => b.state)).toEqual(['terminating']);
	});

	it('tokenizes rules for highlighting and searches lines', () => {
		const toks = tokenize('-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 10.244.1.5:8080" -j KUBE-SEP-AFGSLHOD2HFNCBX4');
		expect(toks.filter((t) => t.kind === 'chain').map((t) => t.text)).toEqual(['KUBE-SVC-CDGGSHYLG3RE2FKL', 'KUBE-SEP-AFGSLHOD2HFNCBX4']);
		expect(toks.find((t) => t.kind === 'comment')!.text).toBe('"default/web:http -> 10.244.1.5:8080"');
		expect(toks.map((t) => t.text).join('')).toBe('-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 10.244.1.5:8080" -j KUBE-SEP-AFGSLHOD2HFNCBX4');
		const text = renderIptablesSave(browserTables([web], [eps], nodes, DEFAULT_PROXY_CONFIG).nodeTable('node-a')!, { now: new Date(0) });
		expect(searchLines(text, 'to-DESTINATION').map((l) => l.line)).toEqual(['-A KUBE-SEP-AFGSLHOD2HFNCBX4 -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.1.5:8080']);
	});
});
