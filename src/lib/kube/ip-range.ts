/**
 * IPv4 addresses and CIDRs as numbers, for the Service ClusterIP allocator (a room's cluster is
 * single-stack IPv4, like kubeadm's default `--service-cluster-ip-range=10.96.0.0/12`).
 *
 *   parseCidr('10.96.0.0/12') → { ip: 0x0a600000, prefix: 12, size: 1048576, text: '10.96.0.0/12' }
 *   formatIPv4(0x0a600001)    → '10.96.0.1'
 *
 * @module
 */

export interface Cidr {
	/** Network address (host bits cleared), as an unsigned 32-bit number. */
	ip: number;
	prefix: number;
	/** Addresses in the block (2^(32-prefix)). */
	size: number;
	/** Canonical text (`10.96.0.0/12`), what kube's RangeAllocation.range holds. */
	text: string;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** A dotted-quad IPv4 address as an unsigned number, or undefined. */
export function parseIPv4(s: string): number | undefined {
	const parts = s.split('.');
	if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
	return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIPv4(n: number): string {
	return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** True for something that parses as an IPv6 address (enough to name its family). */
export function looksIPv6(s: string): boolean {
	return s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s);
}

/** `a.b.c.d/n` with host bits cleared in the result (like Go's net.ParseCIDR), or undefined. */
export function parseCidr(s: string): Cidr | undefined {
	const [addr, bits, ...rest] = s.split('/');
	if (rest.length || bits === undefined || !/^\d{1,2}$/.test(bits)) return undefined;
	const prefix = Number(bits);
	const ip = parseIPv4(addr);
	if (ip === undefined || prefix > 32) return undefined;
	const size = 2 ** (32 - prefix);
	const net = ip - (ip % size);
	return { ip: net, prefix, size, text: `${formatIPv4(net)}/${prefix}` };
}

export function cidrContains(c: Cidr, ip: number): boolean {
	return ip >= c.ip && ip < c.ip + c.size;
}

/** kubeadm's default `--service-cluster-ip-range`. */
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

/**
 * Why `s` cannot be a service range, in kube-apiserver's words for its
 * `--service-cluster-ip-range` flag; undefined when it can. IPv4 only (no dual stack here).
 */
export function serviceCIDRProblem(s: string): string | undefined {
	const c = parseCidr(s);
	if (!c) return `invalid CIDR address: ${s}`;
	// kube-apiserver refuses ranges above 20 bits of host (options/validation.go).
	if (c.prefix < 12) return 'specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12';
	// The range needs room for the `kubernetes` Service (.1) and at least one more.
	if (c.prefix > 29) return 'specified --service-cluster-ip-range is too small; for 32-bit addresses, the mask must be <= 29';
	return undefined;
}
