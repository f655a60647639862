/**
 * IPVS mode: `ipvsadm -Ln` as printed on the node. kube-proxy (pkg/proxy/ipvs/proxier.go) makes a
 * virtual server per ClusterIP, externalIP and LoadBalancer IP and one per node address and
 * NodePort, real servers with weight 1 and Masq forwarding; ClientIP affinity sets `persistent`.
 * A VIP without usable endpoints keeps its virtual server with no real servers (the kernel answers
 * ICMP port-unreachable); Local policies use only local endpoints. ipvsadm sorts virtual servers by
 * protocol number, address and port, and real servers by address and port.
 *
 * @module
 */
import { ipv4ToInt } from './render-iptables';
import type { Backend, NodeTable, Protocol } from './types';

const PROTO_NUMBER: Record<Protocol, number> = { TCP: 6, UDP: 17, SCTP: 132 };

export interface VirtualServer {
	protocol: Protocol;
	ip: string;
	port: number;
	scheduler: string;
	/** ClientIP affinity timeout, seconds. */
	persistent?: number;
	realServers: { ip: string; port: number; weight: number }[];
	/** `ns/svc:port` and VIP kind, for the UI. */
	service: string;
	kind: string;
}

export function ipvsVirtualServers(t: NodeTable): VirtualServer[] {
	const scheduler = t.config.ipvsScheduler || 'rr';
	const out: VirtualServer[] = [];
	for (const e of t.services) {
		const persistent = e.info.sessionAffinity.type === 'ClientIP' ? e.info.sessionAffinity.timeoutSeconds : undefined;
		for (const vip of e.vips) {
			// ipvs keeps a VS for DROP/REJECT cases too, just without real servers.
			const rs = vip.verdict === 'forward' ? real(vip.backends) : [];
			const ips = vip.kind === 'NodePort' ? t.node.addresses : [vip.ip];
			for (const ip of ips) out.push({ protocol: vip.protocol, ip, port: vip.port, scheduler, persistent, realServers: rs, service: e.info.name, kind: vip.kind });
		}
	}
	return out.sort((a, b) => PROTO_NUMBER[a.protocol] - PROTO_NUMBER[b.protocol] || ipv4ToInt(a.ip)! - ipv4ToInt(b.ip)! || a.port - b.port);
}

const real = (bs: Backend[]) => bs.map((b) => ({ ip: b.endpoint.ip, port: b.endpoint.port, weight: 1 })).sort((a, b) => ipv4ToInt(a.ip)! - ipv4ToInt(b.ip)! || a.port - b.port);

/** `ipvsadm -Ln` (`print_service_entry`: real servers `"  -> %-28s %-7s %-6d %-10u %-10u"`). */
export function renderIpvsadm(t: NodeTable): string {
	const lines = ['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'];
	for (const vs of ipvsVirtualServers(t)) {
		lines.push(`${vs.protocol}  ${vs.ip}:${vs.port} ${vs.scheduler}${vs.persistent !== undefined ? ` persistent ${vs.persistent}` : ''}`);
		for (const rs of vs.realServers) lines.push(`  -> ${`${rs.ip}:${rs.port}`.padEnd(28)} ${'Masq'.padEnd(7)} ${String(rs.weight).padEnd(6)} ${'0'.padEnd(10)} ${'0'.padEnd(10)}`);
	}
	return lines.join('\n') + '\n';
}
