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

export function encodeRecord(r: WalRecord): Uint8Array {
	return enc.encode(JSON.stringify(r, (_k, v) => (v instanceof Uint8Array ? { $b: toBase64(v) } : v)));
}

export function decodeRecord(bytes: Uint8Array): WalRecord {
	return JSON.parse(dec.decode(bytes), (_k, v) => (v && typeof v === 'object' && typeof v.$b === 'string' ? fromBase64(v.$b) : v)) as WalRecord;
}
