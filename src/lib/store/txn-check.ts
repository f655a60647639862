/**
 * Validation of a txn request before it runs, as etcd's v3rpc does (checkTxnRequest +
 * checkIntervals): bounded op counts, empty keys, and no key written twice in one branch (a put
 * and a put, or a put inside a deleted range), nested txns included.
 *
 * @module
 */
import { inSpan, spanOf, toLatin1 } from './bytes';
import { Errors, Limits } from './errors';
import type { RequestOp, TxnRequest } from './types';

export function checkTxn(req: TxnRequest, maxOps: number = Limits.maxTxnOps): void {
	if (req.compare.length > maxOps || req.success.length > maxOps || req.failure.length > maxOps) throw Errors.tooManyOps();
	for (const c of req.compare) if (c.key.length === 0) throw Errors.emptyKey();
	for (const ops of [req.success, req.failure]) {
		for (const op of ops) checkOp(op, maxOps);
		checkIntervals(ops);
	}
}

function checkOp(op: RequestOp, maxOps: number): void {
	if ('requestRange' in op && op.requestRange.key.length === 0) throw Errors.emptyKey();
	if ('requestPut' in op) {
		const p = op.requestPut;
		if (p.key.length === 0) throw Errors.emptyKey();
		if (p.ignoreValue && p.value.length !== 0) throw Errors.valueProvided();
		if (p.ignoreLease && (p.lease ?? 0) !== 0) throw Errors.leaseProvided();
	}
	if ('requestDeleteRange' in op && op.requestDeleteRange.key.length === 0) throw Errors.emptyKey();
	if ('requestTxn' in op) checkTxn(op.requestTxn, maxOps);
}

interface Writes {
	puts: Map<string, Uint8Array>;
	dels: Array<{ key: Uint8Array; rangeEnd?: Uint8Array }>;
}

/** The puts and deletes of one branch; throws on a key written twice. */
function checkIntervals(ops: RequestOp[]): Writes {
	const w: Writes = { puts: new Map(), dels: [] };
	// Deletes first, then puts against them, then nested txns against both (etcd's order).
	for (const op of ops) if ('requestDeleteRange' in op) w.dels.push(op.requestDeleteRange);
	for (const op of ops) {
		if (!('requestPut' in op)) continue;
		const k = toLatin1(op.requestPut.key);
		if (w.puts.has(k)) throw Errors.duplicateKey();
		if (w.dels.some((d) => inSpan(spanOf(d.key, d.rangeEnd), op.requestPut.key))) throw Errors.duplicateKey();
		w.puts.set(k, op.requestPut.key);
	}
	for (const op of ops) {
		if (!('requestTxn' in op)) continue;
		const nested = [checkIntervals(op.requestTxn.success), checkIntervals(op.requestTxn.failure)];
		for (const n of nested) {
			for (const [k, key] of n.puts) {
				if (w.puts.has(k) || w.dels.some((d) => inSpan(spanOf(d.key, d.rangeEnd), key))) throw Errors.duplicateKey();
			}
			for (const d of n.dels) {
				for (const key of w.puts.values()) if (inSpan(spanOf(d.key, d.rangeEnd), key)) throw Errors.duplicateKey();
			}
		}
		// A nested txn's writes count for later siblings: union of both branches.
		for (const n of nested) {
			for (const [k, key] of n.puts) w.puts.set(k, key);
			w.dels.push(...n.dels);
		}
	}
	return w;
}
