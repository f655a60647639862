/**
 * Renderings against dumps taken on real nodes (found with search; quoted as facts):
 * `iptables -t nat -S` on a kind worker, and `nft list table ip kube-proxy` on a node, plus the
 * endpoint-selection sequences kube-proxy writes for 1 to 5 endpoints.
 */
import { describe, expect, it } from 'vitest';
import { node, slice, svc } from './fixtures';
import { DEFAULT_PROXY_CONFIG } from './model';
import { renderIptablesSave } from './render-iptables';
import { renderIpvsadm } from './render-ipvs';
import { priorityName, renderNftList } from './render-nft';
import { nftChains, nftEndpointChain, nftHashAndTruncate } from './names';
import { tablesFrom } from './tables';
import type { NodeTable } from './types';

/** `iptables-save` lines of one table, without the header, counters and COMMIT. */
const natLines = (t: NodeTable) => renderIptablesSave(t, { tables: ['nat'], now: new Date(0) }).split('\n');

/** One Service with an unnamed TCP port and its endpoints, on a kubeadm/kind node (clusterCIDR 10.244.0.0/16). */
function oneService(name: string, clusterIP: string, port: number, targetPort: number, ips: string[], config = DEFAULT_PROXY_CONFIG) {
	return tablesFrom({
		services: [svc('default', name, { clusterIP, ports: [{ port, protocol: 'TCP', targetPort }] })],
		slices: [slice('default', name, 'x', ips.map((ip) => ({ ip, node: 'kind-worker' })), [{ name: '', port: targetPort }])],
		nodes: [node('kind-worker2', '172.18.0.3'), node('kind-worker', '172.18.0.4')],
		config
	});
}

describe('iptables-save against a real kind node', () => {
	it('renders default/web-service (3 endpoints) exactly as `iptables -t nat -S` showed it on kind-cluster-worker2', () => {
		const lines = natLines(oneService('web-service', '10.96.206.52', 80, 80, ['10.244.1.9', '10.244.1.10', '10.244.1.11']).nodeTable('kind-worker2')!);
		// iptables -S prints `-A` rules like iptables-save.
		for (const want of [
			'-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
			'-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
			'-A KUBE-SERVICES -d 10.96.206.52/32 -p tcp -m comment --comment "default/web-service cluster IP" -m tcp --dport 80 -j KUBE-SVC-SZGXCNNBZLC4E3DM',
			'-A KUBE-SVC-SZGXCNNBZLC4E3DM ! -s 10.244.0.0/16 -d 10.96.206.52/32 -p tcp -m comment --comment "default/web-service cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
			'-A KUBE-SVC-SZGXCNNBZLC4E3DM -m comment --comment "default/web-service -> 10.244.1.10:80" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-LJSFUGXYHK6BOCVT',
			'-A KUBE-SVC-SZGXCNNBZLC4E3DM -m comment --comment "default/web-service -> 10.244.1.11:80" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-V64CEIOABZ4EVXRD',
			'-A KUBE-SVC-SZGXCNNBZLC4E3DM -m comment --comment "default/web-service -> 10.244.1.9:80" -j KUBE-SEP-5B6VHRE3J4X6IDTW',
			'-A KUBE-SEP-LJSFUGXYHK6BOCVT -s 10.244.1.10/32 -m comment --comment "default/web-service" -j KUBE-MARK-MASQ',
			'-A KUBE-SEP-LJSFUGXYHK6BOCVT -p tcp -m comment --comment "default/web-service" -m tcp -j DNAT --to-destination 10.244.1.10:80',
			'-A KUBE-SEP-V64CEIOABZ4EVXRD -s 10.244.1.11/32 -m comment --comment "default/web-service" -j KUBE-MARK-MASQ',
			'-A KUBE-SEP-V64CEIOABZ4EVXRD -p tcp -m comment --comment "default/web-service" -m tcp -j DNAT --to-destination 10.244.1.11:80',
			'-A KUBE-SEP-5B6VHRE3J4X6IDTW -s 10.244.1.9/32 -m comment --comment "default/web-service" -j KUBE-MARK-MASQ',
			'-A KUBE-SEP-5B6VHRE3J4X6IDTW -p tcp -m comment --comment "default/web-service" -m tcp -j DNAT --to-destination 10.244.1.9:80'
		])
			expect(lines).toContain(want);
		// The SVC chain holds exactly those four rules, in that order (endpoints sorted as strings: .10 < .11 < .9).
		expect(lines.filter((l) => l.startsWith('-A KUBE-SVC-SZGXCNNBZLC4E3DM ')).map((l) => l.match(/-j (\S+)$/)![1])).toEqual([
			'KUBE-MARK-MASQ',
			'KUBE-SEP-LJSFUGXYHK6BOCVT',
			'KUBE-SEP-V64CEIOABZ4EVXRD',
			'KUBE-SEP-5B6VHRE3J4X6IDTW'
		]);
	});

	it('names the chains of default/nginx (port 8080 → 80) as a kind control plane did', () => {
		const lines = natLines(oneService('nginx', '10.96.175.117', 8080, 80, ['10.244.0.20', '10.244.0.21', '10.244.0.22']).nodeTable('kind-worker')!);
		expect(lines).toContain('-A KUBE-SERVICES -d 10.96.175.117/32 -p tcp -m comment --comment "default/nginx cluster IP" -m tcp --dport 8080 -j KUBE-SVC-2CMXP7HKUVJN7L6M');
		expect(lines.filter((l) => l.startsWith('-A KUBE-SVC-2CMXP7HKUVJN7L6M -m comment'))).toEqual([
			'-A KUBE-SVC-2CMXP7HKUVJN7L6M -m comment --comment "default/nginx -> 10.244.0.20:80" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-BRZDTZFF2SFWJV4H',
			'-A KUBE-SVC-2CMXP7HKUVJN7L6M -m comment --comment "default/nginx -> 10.244.0.21:80" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-OI2S57TQ5WH5FOMC',
			'-A KUBE-SVC-2CMXP7HKUVJN7L6M -m comment --comment "default/nginx -> 10.244.0.22:80" -j KUBE-SEP-473MVOWGJMIYYUKK'
		]);
	});
});

/** The `--probability` of each rule of a Service's SVC chain, in order ('-' for the last, unconditional one). */
function sequence(n: number): string[] {
	const ips = Array.from({ length: n }, (_, i) => `10.244.1.${i + 1}`);
	const lines = natLines(oneService('web', '10.96.0.50', 80, 8080, ips).nodeTable('kind-worker')!);
	return lines.filter((l) => l.startsWith('-A KUBE-SVC-') && l.includes(' -> ')).map((l) => l.match(/--probability (\S+)/)?.[1] ?? '-');
}

describe('endpoint selection for 1 to 5 endpoints', () => {
	it('iptables: rule i of n matches with 1/(n-i), as iptables-save prints the kernel value; the last rule always', () => {
		expect(sequence(1)).toEqual(['-']);
		expect(sequence(2)).toEqual(['0.50000000000', '-']);
		expect(sequence(3)).toEqual(['0.33333333349', '0.50000000000', '-']);
		expect(sequence(4)).toEqual(['0.25000000000', '0.33333333349', '0.50000000000', '-']);
		expect(sequence(5)).toEqual(['0.20000000019', '0.25000000000', '0.33333333349', '0.50000000000', '-']);
	});

	it('nftables: one numgen over all n endpoint chains; IPVS: n real servers of weight 1', () => {
		for (let n = 1; n <= 5; n++) {
			const ips = Array.from({ length: n }, (_, i) => `10.244.1.${i + 1}`);
			const t = oneService('web', '10.96.0.50', 80, 8080, ips).nodeTable('kind-worker')!;
			const numgen = renderNftList(t).match(/numgen random mod (\d+) vmap \{ (.*) \}/)!;
			expect(Number(numgen[1])).toBe(n);
			expect(numgen[2].split(', ').map((g) => g.split(' : ')[0])).toEqual(Array.from({ length: n }, (_, i) => String(i)));
			const ipvs = renderIpvsadm(t).split('\n');
			const at = ipvs.indexOf('TCP  10.96.0.50:80 rr');
			expect(ipvs.slice(at + 1, at + 1 + n).every((l) => /^ {2}-> 10\.244\.1\.\d:8080 +Masq {4}1 {6}0 {10}0 {9}$/.test(l))).toBe(true);
			expect(ipvs[at + 1 + n] ?? '').not.toMatch(/^ {2}->/);
		}
	});
});

describe('session affinity in every mode', () => {
	const affine = (timeoutSeconds?: number) =>
		tablesFrom({
			services: [svc('default', 'web', { clusterIP: '10.96.0.50', sessionAffinity: 'ClientIP', ...(timeoutSeconds ? { sessionAffinityConfig: { clientIP: { timeoutSeconds } } } : {}), ports: [{ name: 'http', port: 80 }] })],
			slices: [slice('default', 'web', 'x', [{ ip: '10.244.1.5' }, { ip: '10.244.2.7' }], [{ name: 'http', port: 8080 }])],
			nodes: [node('n1', '172.18.0.3')]
		}).nodeTable('n1')!;

	it('defaults to 10800 s: recent --rcheck per endpoint before the statistic rules, recent --set before the DNAT', () => {
		const lines = natLines(affine());
		const svcRules = lines.filter((l) => l.startsWith('-A KUBE-SVC-CDGGSHYLG3RE2FKL ') && l.includes(' -> '));
		expect(svcRules.map((l) => (l.includes('--rcheck') ? 'rcheck' : l.includes('statistic') ? 'statistic' : 'last'))).toEqual(['rcheck', 'rcheck', 'statistic', 'last']);
		expect(svcRules[0]).toBe(
			'-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 10.244.1.5:8080" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-AFGSLHOD2HFNCBX4 --mask 255.255.255.255 --rsource -j KUBE-SEP-AFGSLHOD2HFNCBX4'
		);
		expect(lines).toContain('-A KUBE-SEP-AFGSLHOD2HFNCBX4 -p tcp -m comment --comment "default/web:http" -m recent --set --name KUBE-SEP-AFGSLHOD2HFNCBX4 --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.244.1.5:8080');
	});

	it('a set timeout reaches IPVS persistence and the nftables affinity sets', () => {
		const t = affine(600);
		expect(renderIpvsadm(t)).toContain('TCP  10.96.0.50:80 rr persistent 600\n');
		const nft = renderNftList(t);
		expect(nft.match(/\tset affinity-\S+ \{\n\t\ttype ipv4_addr\n\t\tflags dynamic,timeout\n\t\ttimeout 10m\n\t\}/g)).toHaveLength(2);
		expect(nft).toMatch(/\t\tip saddr @affinity-\S+__10\.244\.1\.5\/8080 goto endpoint-\S+__10\.244\.1\.5\/8080\n/);
		expect(nft).toMatch(/\t\tupdate @affinity-\S+__10\.244\.2\.7\/8080 \{ ip saddr \}\n/);
	});
});

describe('nft list table ip kube-proxy against a real node', () => {
	it('prints base chain priorities like the node’s nft: named only where nft allows the name for the hook', () => {
		// From a node's listing: nat-prerouting "dstnat", nat-output "-100", nat-postrouting "srcnat",
		// filter-prerouting "dstnat - 10", filter-output "-110", filter-output-post-dnat "-90".
		expect(priorityName('prerouting', -100)).toBe('dstnat');
		expect(priorityName('output', -100)).toBe('-100');
		expect(priorityName('postrouting', 100)).toBe('srcnat');
		expect(priorityName('prerouting', -110)).toBe('dstnat - 10');
		expect(priorityName('output', -110)).toBe('-110');
		expect(priorityName('output', -90)).toBe('-90');
		expect(priorityName('input', -110)).toBe('-110');
		expect(priorityName('forward', 0)).toBe('filter');
		const text = renderNftList(oneService('web', '10.96.0.50', 80, 8080, ['10.244.1.5']).nodeTable('kind-worker')!);
		expect(text).toContain('\tchain nat-output {\n\t\ttype nat hook output priority -100; policy accept;\n\t\tjump services\n\t}');
		expect(text).toContain('\tchain nat-postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tjump masquerading\n\t}');
		expect(text).toContain('\tchain filter-output-pre-dnat {\n\t\ttype filter hook output priority -110; policy accept;\n');
	});

	it('writes the chains and maps of a Service as the node listed them', () => {
		const text = renderNftList(oneService('web', '10.96.0.50', 80, 8080, ['10.244.1.5', '10.244.1.6']).nodeTable('kind-worker')!);
		// Shapes from the real listing (riset/hellopod-np-svc there): masquerade of off-cluster sources, numgen, endpoint chains.
		expect(text).toMatch(/\tchain service-[A-Z2-7]{8}-default\/web\/tcp\/ \{\n\t\tip daddr 10\.96\.0\.50 ip saddr != 10\.244\.0\.0\/16 jump mark-for-masquerade\n\t\tnumgen random mod 2 vmap \{ 0 : goto endpoint-[A-Z2-7]{8}-default\/web\/tcp\/__10\.244\.1\.5\/8080, 1 : goto endpoint-[A-Z2-7]{8}-default\/web\/tcp\/__10\.244\.1\.6\/8080 \}\n\t\}/);
		expect(text).toMatch(/\tchain endpoint-[A-Z2-7]{8}-default\/web\/tcp\/__10\.244\.1\.5\/8080 \{\n\t\tip saddr 10\.244\.1\.5 jump mark-for-masquerade\n\t\tmeta l4proto tcp dnat to 10\.244\.1\.5:8080\n\t\}/);
		expect(text).toContain('\tchain masquerading {\n\t\tmeta mark & 0x00004000 == 0x00000000 return\n\t\tmeta mark set meta mark ^ 0x00004000\n\t\tmasquerade fully-random\n\t}');
		expect(text).toContain('\tmap no-endpoint-nodeports {\n\t\ttype inet_proto . inet_service : verdict\n\t\tcomment "vmap to drop or reject packets to service nodeports with no endpoints"\n\t}');
		expect(text).toContain('\tset nodeport-ips {\n\t\ttype ipv4_addr\n\t\tcomment "IPs that accept NodePort traffic"\n\t\telements = { 172.18.0.4 }\n\t}');
	});

	it('names chains with the node’s hashes (a k3s node in nftables mode, cluster CIDR 10.42.0.0/16)', () => {
		expect(nftChains('default', 'kubernetes', 'TCP', 'https').svc).toBe('service-2QRHZV4L-default/kubernetes/tcp/https');
		expect(nftEndpointChain('default', 'kubernetes', 'tcp', 'https', '10.34.4.142', 6443)).toBe('endpoint-MIBO4EMV-default/kubernetes/tcp/https__10.34.4.142/6443');
		expect(nftChains('kube-system', 'kube-dns', 'UDP', 'dns').svc).toBe('service-FY5PMXPG-kube-system/kube-dns/udp/dns');
		expect(nftChains('kube-system', 'kube-dns', 'TCP', 'dns-tcp').svc).toBe('service-NWBZK7IH-kube-system/kube-dns/tcp/dns-tcp');
		expect(nftEndpointChain('kube-system', 'kube-dns', 'udp', 'dns', '10.42.0.171', 53)).toBe('endpoint-S4FSIJI2-kube-system/kube-dns/udp/dns__10.42.0.171/53');
		// An unnamed port leaves the last part empty.
		const t = tablesFrom({
			services: [svc('riset', 'hellopod-np-svc', { type: 'NodePort', clusterIP: '10.43.195.72', ports: [{ port: 8000, protocol: 'TCP', targetPort: 8080, nodePort: 30000 }] })],
			slices: [slice('riset', 'hellopod-np-svc', 'x', [{ ip: '10.42.2.218' }, { ip: '10.42.4.201' }], [{ name: '', port: 8080 }])],
			nodes: [node('k3s-1', '10.34.4.246')],
			config: { ...DEFAULT_PROXY_CONFIG, mode: 'nftables', clusterCIDR: '10.42.0.0/16' }
		});
		const text = renderNftList(t.nodeTable('k3s-1')!, { serviceCIDRs: ['10.43.0.0/16'] });
		for (const want of [
			'\tmap service-nodeports {\n\t\ttype inet_proto . inet_service : verdict\n\t\tcomment "NodePort traffic"\n\t\telements = { tcp . 30000 : goto external-P6J77WGM-riset/hellopod-np-svc/tcp/ }\n\t}',
			'\tchain external-P6J77WGM-riset/hellopod-np-svc/tcp/ {\n\t\tjump mark-for-masquerade\n\t\tgoto service-P6J77WGM-riset/hellopod-np-svc/tcp/\n\t}',
			'\t\tnumgen random mod 2 vmap { 0 : goto endpoint-VNXJG24O-riset/hellopod-np-svc/tcp/__10.42.2.218/8080, 1 : goto endpoint-VGSZZXMZ-riset/hellopod-np-svc/tcp/__10.42.4.201/8080 }\n',
			'\tchain endpoint-VGSZZXMZ-riset/hellopod-np-svc/tcp/__10.42.4.201/8080 {\n\t\tip saddr 10.42.4.201 jump mark-for-masquerade\n\t\tmeta l4proto tcp dnat to 10.42.4.201:8080\n\t}',
			'\tchain cluster-ips-check {\n\t\tip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"\n\t\tip daddr 10.43.0.0/16 drop comment "Drop traffic to unallocated ClusterIPs"\n\t}'
		])
			expect(text).toContain(want);
	});

	it('keeps readable names whole up to knftables’ 240-character base (never truncating real Service names)', () => {
		const longest = `${'n'.repeat(63)}/${'s'.repeat(63)}/sctp/${'p'.repeat(15)}__255.255.255.255/65535`;
		expect(nftHashAndTruncate(longest)).toBe(`${nftHashAndTruncate(longest).slice(0, 8)}-${longest}`);
		const tooLong = 'x'.repeat(300);
		expect(nftHashAndTruncate(tooLong)).toHaveLength(240);
		expect(nftHashAndTruncate(tooLong).endsWith('...')).toBe(true);
	});
});
