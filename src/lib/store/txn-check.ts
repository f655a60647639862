/**
 * Validation of a txn request before it runs, as etcd 3.4's v3rpc does: first `checkTxnRequest`
 * over the whole tree (op counts, empty keys, ignore_value/ignore_lease misuse), then
 * `checkIntervals` on each branch (no key written twice in one branch, nested txns included).
 *
 * Two etcd details are kept on purpose:
 * - A nested txn's op budget is what its parent left: maxTxnOps minus the parent's largest list.
 * - A delete whose range end is "\0" (every key ≥ key) is recorded as the interval
 *   [key, "\0"), which is empty, so it never conflicts with a put in the same txn.
 *
 * @module
 */
import { inSpan, spanOf, toLatin1, type KeySpan } from './bytes';
import { Errors, Limits } from './errors';
import type { PutRequest, RequestOp, TxnRequest } from './types';

/** etcd's checkPutRequest (v3rpc), for a plain put. */
export function checkPut(req: PutRequest): void {
	if (req.key.length === 0) throw Errors.emptyKey();
	if (req.ignoreValue && req.value.length !== 0) throw Errors.valueProvided();
	if (req.ignoreLease && (req.lease ?? 0) !== 0) throw Errors.leaseProvided();
}

export function checkTxn(req: TxnRequest, maxOps: number = Limits.maxTxnOps): void {
	checkTxnRequest(req, maxOps);
	checkIntervals(req.success);
	checkIntervals(req.failure);
}

function checkTxnRequest(req: TxnRequest, maxOps: number): void {
	const opc = Math.max(req.compare.length, req.success.length, req.failure.length);
	if (opc > maxOps) throw Errors.tooManyOps();
	for (const c of req.compare) if (c.key.length === 0) throw Errors.emptyKey();
	for (const op of req.success) checkRequestOp(op, maxOps - opc);
	for (const op of req.failure) checkRequestOp(op, maxOps - opc);
}

function checkRequestOp(op: RequestOp, maxOps: number): void {
	if ('requestRange' in op) {
		if (op.requestRange.key.length === 0) throw Errors.emptyKey();
	} else if ('requestPut' in op) {
		checkPut(op.requestPut);
	} else if ('requestDeleteRange' in op) {
		if (op.requestDeleteRange.key.length === 0) throw Errors.emptyKey();
	} else if ('requestTxn' in op) {
		checkTxnRequest(op.requestTxn, maxOps);
	} else {
		// An empty union: etcd answers ErrGRPCKeyNotFound.
		throw Errors.keyNotFound();
	}
}

interface Writes {
	puts: Map<string, Uint8Array>;
	/** Delete ranges that can conflict ("\0" ones cannot, see the module comment). */
	dels: KeySpan[];
}

/** The puts and deletes of one branch; throws on a key written twice (etcd's order of checks). */
function checkIntervals(ops: RequestOp[]): Writes {
	const dels: KeySpan[] = [];
	for (const op of ops) {
		if (!('requestDeleteRange' in op)) continue;
		const span = spanOf(op.requestDeleteRange.key, op.requestDeleteRange.rangeEnd);
		if (span.kind !== 'from') dels.push(span);
	}
	const puts = new Map<string, Uint8Array>();
	const deleted = (key: Uint8Array) => dels.some((d) => inSpan(d, key));
	// Children first: their puts against this level's deletes and earlier children's writes.
	for (const op of ops) {
		if (!('requestTxn' in op)) continue;
		const then = checkIntervals(op.requestTxn.success);
		const otherwise = checkIntervals(op.requestTxn.failure);
		for (const [k, key] of then.puts) {
			if (puts.has(k) || deleted(key)) throw Errors.duplicateKey();
			puts.set(k, key);
		}
		for (const [k, key] of otherwise.puts) {
			// The same key in both branches of one child is fine: only one branch runs.
			if ((puts.has(k) && !then.puts.has(k)) || deleted(key)) throw Errors.duplicateKey();
			puts.set(k, key);
		}
		dels.push(...then.dels, ...otherwise.dels);
	}
	for (const op of ops) {
		if (!('requestPut' in op)) continue;
		const key = op.requestPut.key;
		const k = toLatin1(key);
		if (puts.has(k) || deleted(key)) throw Errors.duplicateKey();
		puts.set(k, key);
	}
	return { puts, dels };
}
