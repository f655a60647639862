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

export type LeaseList = Array<{ id: number; ttl: number }>;

/**
 * A numbered op, or a snapshot covering every op up to `seq`: `snap-begin`, the engine's state
 * in `snap-chunk`s (each 256 KiB, so no record nears MAX_RECORD_BYTES and none needs the whole
 * state in one buffer), `snap-end` with the number of chunks. `snapshot` is the one-record form
 * older journals have (still read, no longer written).
 */
export type WalRecord =
	| ({ seq: number } & WalOp)
	| { seq: number; t: 'snap-begin'; leases: LeaseList; leaseSeed: number }
	| { seq: number; t: 'snap-chunk'; data: Uint8Array }
	| { seq: number; t: 'snap-end'; chunks: number }
	| { seq: number; t: 'snapshot'; engine: Uint8Array; leases: LeaseList; leaseSeed: number };

const enc = new TextEncoder();
const dec = new TextDecoder();

/** First byte of a snapshot record; op records are JSON and start with `{`, except puts. */
const SNAPSHOT_TAG = 1;
/** First byte of a binary put record (the commonest record: JSON + base64 cost more than the engine's put). */
const PUT_TAG = 2;
const PUT_HEADER = 22;
/** First byte of a snapshot chunk: `[3][f64 seq][engine bytes]`. */
const CHUNK_TAG = 3;
const CHUNK_HEADER = 9;

const enum PutBits {
	prevKv = 1,
	ignoreValue = 2,
	ignoreLease = 4,
	hasLease = 8
}

/**
 * Ops are JSON (small, readable), and so are `snap-begin` and `snap-end`. A snapshot chunk
 * carries engine bytes raw: `[3][f64 seq][bytes]` — base64 in JSON would cost a third more space
 * and most of a snapshot's CPU (the old one-record snapshot is `[1][u32 header length][header]
 * [engine bytes]`). A put is `[2][u8 flags][f64 seq][f64 lease][u32 key length][key][value]`
 * (little endian).
 */
export function encodeRecord(r: WalRecord): Uint8Array {
	if (r.t === 'put') return encodePut(r.seq, r.req);
	if (r.t === 'snap-chunk') {
		const out = new Uint8Array(CHUNK_HEADER + r.data.length);
		out.set(chunkRecordHead(r.seq));
		out.set(r.data, CHUNK_HEADER);
		return out;
	}
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

/** A snapshot chunk record is this, then the engine bytes (written as two parts: no copy of the chunk). */
export function chunkRecordHead(seq: number): Uint8Array {
	const out = new Uint8Array(CHUNK_HEADER);
	out[0] = CHUNK_TAG;
	new DataView(out.buffer).setFloat64(1, seq, true);
	return out;
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
	if (bytes[0] === CHUNK_TAG) {
		if (bytes.length < CHUNK_HEADER) throw new Error('snapshot chunk record: too short');
		const seq = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(1, true);
		return { seq, t: 'snap-chunk', data: bytes.subarray(CHUNK_HEADER) };
	}
	if (bytes[0] === SNAPSHOT_TAG) {
		const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, true);
		const header = JSON.parse(dec.decode(bytes.subarray(5, 5 + len)));
		return { ...header, engine: bytes.subarray(5 + len) } as WalRecord;
	}
	return JSON.parse(dec.decode(bytes), (_k, v) => (v && typeof v === 'object' && typeof v.$b === 'string' ? fromBase64(v.$b) : v)) as WalRecord;
}
