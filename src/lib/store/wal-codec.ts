/**
 * The store's WAL records: each applied write request, numbered, so that replaying them into an
 * engine restored from the last snapshot reproduces the same state (same revisions, same lease
 * ids). JSON with bytes as base64 (readable with `jq` when debugging a room), except snapshots and
 * puts, which are binary.
 *
 * @module
 */
import { fromBase64, toBase64 } from 'lib0/buffer';
import type { DeleteRangeRequest, PutRequest, TxnRequest } from './types';

export type WalOp =
	| { t: 'put'; req: PutRequest }
	| { t: 'del'; req: DeleteRangeRequest }
	| { t: 'txn'; req: TxnRequest }
	| { t: 'compact'; rev: number }
	| { t: 'grant'; id: number; ttl: number; auto: boolean }
	| { t: 'revoke'; id: number };

/** A numbered op, or a snapshot covering every op up to `seq`. */
export type WalRecord =
	| ({ seq: number } & WalOp)
	| { seq: number; t: 'snapshot'; engine: Uint8Array; leases: Array<{ id: number; ttl: number }>; leaseSeed: number };

const enc = new TextEncoder();
const dec = new TextDecoder();

/** First byte of a snapshot record; op records are JSON and start with `{`, except puts. */
const SNAPSHOT_TAG = 1;
/** First byte of a binary put record (the commonest record: JSON + base64 cost more than the engine's put). */
const PUT_TAG = 2;
const PUT_HEADER = 22;

const enum PutBits {
	prevKv = 1,
	ignoreValue = 2,
	ignoreLease = 4,
	hasLease = 8
}

/**
 * Ops are JSON (small, readable). A snapshot carries the engine's state as raw bytes after a
 * small JSON header: `[1][u32 header length][header][engine bytes]` — base64 in JSON would cost
 * a third more space and most of a snapshot's CPU. A put is
 * `[2][u8 flags][f64 seq][f64 lease][u32 key length][key][value]` (little endian).
 */
export function encodeRecord(r: WalRecord): Uint8Array {
	if (r.t === 'put') return encodePut(r.seq, r.req);
	if (r.t === 'snapshot') {
		const header = enc.encode(JSON.stringify({ seq: r.seq, t: r.t, leases: r.leases, leaseSeed: r.leaseSeed }));
		const out = new Uint8Array(5 + header.length + r.engine.length);
		out[0] = SNAPSHOT_TAG;
		new DataView(out.buffer).setUint32(1, header.length, true);
		out.set(header, 5);
		out.set(r.engine, 5 + header.length);
		return out;
	}
	return enc.encode(JSON.stringify(r, (_k, v) => (v instanceof Uint8Array ? { $b: toBase64(v) } : v)));
}

function encodePut(seq: number, req: PutRequest): Uint8Array {
	const out = new Uint8Array(PUT_HEADER + req.key.length + req.value.length);
	const view = new DataView(out.buffer);
	out[0] = PUT_TAG;
	out[1] =
		(req.prevKv ? PutBits.prevKv : 0) |
		(req.ignoreValue ? PutBits.ignoreValue : 0) |
		(req.ignoreLease ? PutBits.ignoreLease : 0) |
		(req.lease !== undefined ? PutBits.hasLease : 0);
	view.setFloat64(2, seq, true);
	view.setFloat64(10, req.lease ?? 0, true);
	view.setUint32(18, req.key.length, true);
	out.set(req.key, PUT_HEADER);
	out.set(req.value, PUT_HEADER + req.key.length);
	return out;
}

function decodePut(bytes: Uint8Array): WalRecord {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const flags = bytes[1];
	const keyEnd = PUT_HEADER + view.getUint32(18, true);
	if (keyEnd > bytes.length) throw new Error('put record: key past the end');
	const req: PutRequest = { key: bytes.subarray(PUT_HEADER, keyEnd), value: bytes.subarray(keyEnd) };
	if (flags & PutBits.hasLease) req.lease = view.getFloat64(10, true);
	if (flags & PutBits.prevKv) req.prevKv = true;
	if (flags & PutBits.ignoreValue) req.ignoreValue = true;
	if (flags & PutBits.ignoreLease) req.ignoreLease = true;
	return { seq: view.getFloat64(2, true), t: 'put', req };
}

export function decodeRecord(bytes: Uint8Array): WalRecord {
	if (bytes[0] === PUT_TAG) return decodePut(bytes);
	if (bytes[0] === SNAPSHOT_TAG) {
		const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, true);
		const header = JSON.parse(dec.decode(bytes.subarray(5, 5 + len)));
		return { ...header, engine: bytes.subarray(5 + len) } as WalRecord;
	}
	return JSON.parse(dec.decode(bytes), (_k, v) => (v && typeof v === 'object' && typeof v.$b === 'string' ? fromBase64(v.$b) : v)) as WalRecord;
}
