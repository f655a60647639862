/**
 * The simulated cloud's pool of LoadBalancer addresses, handed out by the service-lb controller
 * (server/controllers/service-lb.ts). Default `172.18.255.200-172.18.255.250`, the range kind's
 * MetalLB guide uses on its `172.18.0.0/16` docker network (the network the simulated nodes'
 * InternalIPs come from). A room sets its own in the ConfigMap `kube-system/converge-network`,
 * key `loadBalancerAddresses`, written like MetalLB's `IPAddressPool.spec.addresses`: ranges
 * `a.b.c.d-e.f.g.h` and CIDRs, comma- or newline-separated.
 *
 * @module
 */
import { formatIPv4, parseCidr, parseIPv4 } from '../kube/ip-range';
import { networkConfigMap } from './plugins';
import type { KubeObject } from './types';

export const LB_POOL_KEY = 'loadBalancerAddresses';
export const DEFAULT_LB_POOL = '172.18.255.200-172.18.255.250';

/** Inclusive address ranges as numbers, in the order written. */
export interface LbPool {
	text: string;
	ranges: Array<{ first: number; last: number }>;
}

/** Parses a pool; throws an Error naming the bad entry. */
export function parseLbPool(text: string): LbPool {
	const ranges: LbPool['ranges'] = [];
	for (const entry of text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean)) {
		if (entry.includes('/')) {
			const c = parseCidr(entry);
			if (!c) throw new Error(`invalid CIDR "${entry}"`);
			ranges.push({ first: c.ip, last: c.ip + c.size - 1 });
			continue;
		}
		const [a, b = a, ...rest] = entry.split('-').map((s) => s.trim());
		const first = parseIPv4(a);
		const last = parseIPv4(b);
		if (rest.length || first === undefined || last === undefined || last < first) throw new Error(`invalid address range "${entry}"`);
		ranges.push({ first, last });
	}
	if (!ranges.length) throw new Error('the pool has no addresses');
	return { text: ranges.map((r) => (r.first === r.last ? formatIPv4(r.first) : `${formatIPv4(r.first)}-${formatIPv4(r.last)}`)).join(','), ranges };
}

/** The room's pool (its ConfigMap's, else the default), or the reason it cannot be used. */
export function roomLbPool(configMaps: KubeObject[] | undefined): { pool: LbPool; error?: string } {
	const text = (networkConfigMap(configMaps)?.data?.[LB_POOL_KEY] as string | undefined)?.trim();
	if (!text) return { pool: parseLbPool(DEFAULT_LB_POOL) };
	try {
		return { pool: parseLbPool(text) };
	} catch (e) {
		return { pool: parseLbPool(DEFAULT_LB_POOL), error: `data.${LB_POOL_KEY}: Invalid value: "${text}": ${(e as Error).message}` };
	}
}

export function poolContains(pool: LbPool, ip: string): boolean {
	const n = parseIPv4(ip);
	return n !== undefined && pool.ranges.some((r) => n >= r.first && n <= r.last);
}

/**
 * An address for a Service: `requested` (spec.loadBalancerIP) if it is in the pool and free,
 * else the lowest free one (MetalLB's order). Throws with the cloud's message when it cannot.
 */
export function allocateLbIP(pool: LbPool, used: Set<string>, requested?: string): string {
	if (requested) {
		if (!poolContains(pool, requested)) throw new Error(`requested loadBalancerIP "${requested}" is not in the pool ${pool.text}`);
		if (used.has(requested)) throw new Error(`requested loadBalancerIP "${requested}" is already in use`);
		return requested;
	}
	for (const r of pool.ranges) {
		for (let n = r.first; n <= r.last; n++) {
			const ip = formatIPv4(n);
			if (!used.has(ip)) return ip;
		}
	}
	throw new Error(`no available IPs in the pool ${pool.text}`);
}
