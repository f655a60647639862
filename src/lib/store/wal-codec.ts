/**
 * The store's WAL records: each applied write request, numbered, so that replaying them into an
 * engine restored from the last snapshot reproduces the same state (same revisions, same lease
 * ids). JSON with bytes as base64: readable with `jq` when debugging a room.
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

/** First byte of a snapshot record; op records are JSON and start with `{`. */
const SNAPSHOT_TAG = 1;

/**
 * Ops are JSON (small, readable). A snapshot carries the engine's state as raw bytes after a
 * small JSON header: `[1][u32 header length][header][engine bytes]` — base64 in JSON would cost
 * a third more space and most of a snapshot's CPU.
 */
export function encodeRecord(r: WalRecord): Uint8Array {
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

export function decodeRecord(bytes: Uint8Array): WalRecord {
	if (bytes[0] === SNAPSHOT_TAG) {
		const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, true);
		const header = JSON.parse(dec.decode(bytes.subarray(5, 5 + len)));
		return { ...header, engine: bytes.subarray(5 + len) } as WalRecord;
	}
	return JSON.parse(dec.decode(bytes), (_k, v) => (v && typeof v === 'object' && typeof v.$b === 'string' ? fromBase64(v.$b) : v)) as WalRecord;
}
