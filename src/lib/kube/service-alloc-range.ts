/**
 * kube-apiserver's Service allocators (pkg/registry/core/service/allocator, ipallocator,
 * portallocator) as plain data: a bitmap with one bit per address or port, split by
 * ServiceIPStaticSubrange / ServiceNodePortStaticSubrange into a lower *static* band (preferred
 * for addresses a user asks for) and an upper *dynamic* band that random allocation tries first,
 * falling back to the lower band only when the upper one is full.
 *
 *   10.96.0.0/12: offsets 0..1048573 are 10.96.0.1..10.111.255.254 (network and broadcast
 *                 addresses are never handed out); the static band is the first
 *                 min(max(16, size/16), 256) = 256 offsets (10.96.0.1..10.96.1.0).
 *   30000-32767:  2768 ports; static band min(max(16, size/32), 128) = 86 ports (30000..30085).
 *
 * The state persists like kube's etcd-backed allocators: a `RangeAllocation` (`range` text plus
 * `data`, the bitmap as the big-endian bytes of Go's big.Int, base64 in JSON).
 *
 * @module
 */
import { cidrContains, formatIPv4, parseCidr, parseIPv4, type Cidr } from './ip-range';

/** An allocator refusal, worded like kube's (`provided IP is already allocated`, `range is full`). */
export class AllocError extends Error {
	override name = 'AllocError';
}

export const ERR_FULL = 'range is full';
export const ERR_IP_ALLOCATED = 'provided IP is already allocated';
export const ERR_PORT_ALLOCATED = 'provided port is already allocated';

/** kube's calculateRangeOffset: `min(max(lo, size/step), hi)`, 0 for ranges of `lo` or fewer. */
export function rangeOffset(size: number, lo: number, hi: number, step: number): number {
	if (size <= lo) return 0;
	return Math.min(Math.max(lo, Math.floor(size / step)), hi);
}

/** One bit per item; `offset` items form the static (lower) band. */
export class AllocationBitmap {
	private readonly bits: Uint8Array;
	private used = 0;

	constructor(
		readonly max: number,
		readonly offset: number
	) {
		this.bits = new Uint8Array(Math.ceil(max / 8));
	}

	has(i: number): boolean {
		return i >= 0 && i < this.max && (this.bits[i >> 3] & (1 << (i & 7))) !== 0;
	}

	/** Sets bit `i`; false when it was already set. */
	allocate(i: number): boolean {
		if (this.has(i)) return false;
		this.bits[i >> 3] |= 1 << (i & 7);
		this.used++;
		return true;
	}

	release(i: number): void {
		if (!this.has(i)) return;
		this.bits[i >> 3] &= ~(1 << (i & 7));
		this.used--;
	}

	get free(): number {
		return this.max - this.used;
	}

	/** randomScanStrategyWithOffset: a random start in the upper band, scanning (and wrapping); then the lower band. */
	allocateNext(random: () => number): number | undefined {
		if (this.used >= this.max) return undefined;
		const upper = this.max - this.offset;
		const pick = (n: number) => Math.min(n - 1, Math.floor(random() * n));
		if (upper > 0) {
			const start = pick(upper);
			for (let k = 0; k < upper; k++) {
				const at = this.offset + ((start + k) % upper);
				if (this.allocate(at)) return at;
			}
		}
		if (this.offset > 0) {
			const start = pick(this.offset);
			for (let k = 0; k < this.offset; k++) {
				const at = (start + k) % this.offset;
				if (this.allocate(at)) return at;
			}
		}
		return undefined;
	}

	/** The set bits, ascending. */
	*[Symbol.iterator](): IterableIterator<number> {
		for (let b = 0; b < this.bits.length; b++) {
			if (!this.bits[b]) continue;
			for (let j = 0; j < 8; j++) if (this.bits[b] & (1 << j)) yield b * 8 + j;
		}
	}

	/** Go's big.Int.Bytes() of the bitmap: big-endian, no leading zero bytes. */
	snapshot(): Uint8Array {
		let top = this.bits.length;
		while (top > 0 && this.bits[top - 1] === 0) top--;
		return this.bits.slice(0, top).reverse();
	}

	/** Loads a snapshot (bits beyond `max` are ignored). */
	restore(data: Uint8Array): void {
		this.bits.fill(0);
		this.used = 0;
		const n = Math.min(data.length, this.bits.length);
		for (let k = 0; k < n; k++) this.bits[k] = data[data.length - 1 - k];
		const tail = this.max % 8;
		if (tail && n === this.bits.length) this.bits[n - 1] &= (1 << tail) - 1;
		for (const byte of this.bits) for (let v = byte; v; v &= v - 1) this.used++;
	}
}

/** The stored form of an allocator (core/v1 RangeAllocation). */
export interface RangeAllocation {
	kind: 'RangeAllocation';
	apiVersion: 'v1';
	metadata: Record<string, unknown>;
	range: string;
	data: string;
}

function toBase64(bytes: Uint8Array): string {
	let s = '';
	for (const b of bytes) s += String.fromCharCode(b);
	return btoa(s);
}

function fromBase64(text: string): Uint8Array {
	const s = atob(text);
	return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function rangeAllocation(range: string, map: AllocationBitmap): RangeAllocation {
	return { kind: 'RangeAllocation', apiVersion: 'v1', metadata: { creationTimestamp: null }, range, data: toBase64(map.snapshot()) };
}

/** kube's ipallocator.Range over one IPv4 CIDR. */
export class IPRange {
	readonly cidr: Cidr;
	readonly map: AllocationBitmap;
	/** The first allocatable address (network + 1). */
	private readonly base: number;

	constructor(cidrText: string, snapshot?: RangeAllocation) {
		const c = parseCidr(cidrText);
		if (!c) throw new Error(`invalid service CIDR ${cidrText}`);
		this.cidr = c;
		this.base = c.ip + 1;
		this.map = new AllocationBitmap(Math.max(0, c.size - 2), rangeOffset(c.size, 16, 256, 16));
		if (snapshot && snapshot.range === c.text) this.map.restore(fromBase64(snapshot.data));
	}

	private offsetOf(ip: string): number | undefined {
		const n = parseIPv4(ip);
		if (n === undefined || !cidrContains(this.cidr, n)) return undefined;
		const off = n - this.base;
		return off >= 0 && off < this.map.max ? off : undefined;
	}

	/** Reserves `ip`; throws AllocError (not in range, already allocated). */
	allocate(ip: string): void {
		const off = this.offsetOf(ip);
		if (off === undefined) throw new AllocError(`the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr.text}`);
		if (!this.map.allocate(off)) throw new AllocError(ERR_IP_ALLOCATED);
	}

	/** Checks `ip` as a dry run does: only that it is in the range. */
	checkInRange(ip: string): void {
		if (this.offsetOf(ip) === undefined) throw new AllocError(`the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr.text}`);
	}

	allocateNext(random: () => number): string {
		const off = this.map.allocateNext(random);
		if (off === undefined) throw new AllocError(ERR_FULL);
		return formatIPv4(this.base + off);
	}

	release(ip: string): void {
		const off = this.offsetOf(ip);
		if (off !== undefined) this.map.release(off);
	}

	has(ip: string): boolean {
		const off = this.offsetOf(ip);
		return off !== undefined && this.map.has(off);
	}

	/** The network address: what a dry-run AllocateNext answers (kube does not look for a free one). */
	get networkAddress(): string {
		return formatIPv4(this.cidr.ip);
	}

	snapshot(): RangeAllocation {
		return rangeAllocation(this.cidr.text, this.map);
	}
}

/** kube's portallocator over `base-last` (net.PortRange). */
export class PortRange {
	readonly base: number;
	readonly size: number;
	readonly text: string;
	readonly map: AllocationBitmap;

	constructor(text: string, snapshot?: RangeAllocation) {
		const m = /^(\d+)-(\d+)$/.exec(text);
		if (!m || Number(m[2]) < Number(m[1])) throw new Error(`invalid node port range ${text}`);
		this.base = Number(m[1]);
		this.size = Number(m[2]) - this.base + 1;
		this.text = text;
		this.map = new AllocationBitmap(this.size, rangeOffset(this.size, 16, 128, 32));
		if (snapshot && snapshot.range === text) this.map.restore(fromBase64(snapshot.data));
	}

	contains(port: number): boolean {
		return port >= this.base && port < this.base + this.size;
	}

	allocate(port: number): void {
		if (!this.contains(port)) throw new AllocError(`provided port is not in the valid range. The range of valid ports is ${this.text}`);
		if (!this.map.allocate(port - this.base)) throw new AllocError(ERR_PORT_ALLOCATED);
	}

	allocateNext(random: () => number): number {
		const off = this.map.allocateNext(random);
		if (off === undefined) throw new AllocError(ERR_FULL);
		return this.base + off;
	}

	release(port: number): void {
		if (this.contains(port)) this.map.release(port - this.base);
	}

	has(port: number): boolean {
		return this.contains(port) && this.map.has(port - this.base);
	}

	snapshot(): RangeAllocation {
		return rangeAllocation(this.text, this.map);
	}
}
