/**
 * Byte helpers for keys: etcd orders keys by raw bytes, which latin1 strings reproduce exactly
 * (one char per byte, compared by code unit), so the model can use them as Map keys and sort them.
 *
 * @module
 */

export const EMPTY = new Uint8Array(0);

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
	return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
	return a.length === b.length && compareBytes(a, b) === 0;
}

/** Bytes → latin1 string (one char per byte). */
export function toLatin1(b: Uint8Array): string {
	let s = '';
	for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
	return s;
}

export function fromLatin1(s: string): Uint8Array {
	const b = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
	return b;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
/** The parts back to back, in one new buffer. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

export const utf8 = (s: string): Uint8Array => enc.encode(s);
export const fromUtf8 = (b: Uint8Array): string => dec.decode(b);

/** The end of the range covering every key with `prefix` (etcd's GetPrefixRangeEnd). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
	const end = Uint8Array.from(prefix); // a copy: Buffer#slice would alias the prefix
	for (let i = end.length - 1; i >= 0; i--) {
		if (end[i] < 0xff) {
			end[i]++;
			return end.subarray(0, i + 1);
		}
	}
	// All 0xff: no upper bound, i.e. every key ≥ prefix.
	return new Uint8Array([0]);
}

/**
 * How a [key, rangeEnd) request selects keys: one key, every key ≥ key ("\0" range end), or a
 * half-open interval.
 */
export type KeySpan = { kind: 'one'; key: Uint8Array } | { kind: 'from'; key: Uint8Array } | { kind: 'range'; key: Uint8Array; end: Uint8Array };

export function spanOf(key: Uint8Array, rangeEnd: Uint8Array | undefined): KeySpan {
	if (!rangeEnd || rangeEnd.length === 0) return { kind: 'one', key };
	if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { kind: 'from', key };
	return { kind: 'range', key, end: rangeEnd };
}

export function inSpan(span: KeySpan, k: Uint8Array): boolean {
	if (span.kind === 'one') return bytesEqual(span.key, k);
	if (compareBytes(k, span.key) < 0) return false;
	return span.kind === 'from' || compareBytes(k, span.end) < 0;
}
