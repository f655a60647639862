/**
 * A txn on the WASM engine, orchestrated from the host the way etcd 3.4's applier does it:
 * validate the request, evaluate every compare (nested ones too) against the state before the
 * txn, check the executed puts and ranges, and only then write — one revision for the whole
 * txn, sub-revisions in op order, reads seeing the txn's own writes. The engine cannot throw
 * mid-way (no exceptions in AssemblyScript), so the only failure left after the checks (a put
 * with ignore_* on a key this txn deleted) is undone with the engine's rollback.
 *
 * @module
 */
import { StoreError } from './errors';
import { checkTxn } from './txn-check';
import { checkExecuted, PathCursor, txnPath } from './txn-path';
import type {
	Compare,
	DeleteRangeRequest,
	DeleteRangeResponse,
	Event,
	LeaseCheck,
	PutRequest,
	PutResponse,
	RangeRequest,
	RangeResponse,
	ResponseOp,
	TxnRequest,
	TxnResponse,
	WriteResult
} from './types';

/** The engine operations a txn is made of (implemented by WasmEngine). */
export interface TxnHost {
	readonly revision: number;
	readonly compactMain: number;
	holds(c: Compare): boolean;
	exists(key: Uint8Array): boolean;
	begin(): void;
	/** The revision reads see now (the txn's once it has written). */
	readRevision(): number;
	rangeOp(req: RangeRequest, at: number, headerRev: number): RangeResponse;
	putOp(req: PutRequest, events: Event[]): Omit<PutResponse, 'header'>;
	deleteOp(req: DeleteRangeRequest, events: Event[]): Omit<DeleteRangeResponse, 'header'>;
	commit(): number;
	rollback(): void;
}

export function runTxn(host: TxnHost, req: TxnRequest, leaseExists?: LeaseCheck): WriteResult<TxnResponse> {
	checkTxn(req);
	const path = txnPath(req, (c) => host.holds(c));
	checkExecuted(req, path, {
		keyExists: (key) => host.exists(key),
		leaseExists,
		revision: host.revision,
		compactMain: host.compactMain
	});
	const pending = host.revision + 1;
	const events: Event[] = [];
	host.begin();
	let body: Omit<TxnResponse, 'header'>;
	try {
		body = apply(host, req, new PathCursor(path), pending, events);
	} catch (e) {
		// A refused request is undone; anything else leaves the engine to its owner's judgment.
		if (e instanceof StoreError) host.rollback();
		throw e;
	}
	const revision = host.commit();
	return { response: { header: { revision }, ...body }, events };
}

function apply(host: TxnHost, t: TxnRequest, path: PathCursor, pending: number, events: Event[]): Omit<TxnResponse, 'header'> {
	const succeeded = path.next();
	const responses: ResponseOp[] = [];
	for (const op of succeeded ? t.success : t.failure) {
		if ('requestRange' in op) {
			const r = op.requestRange;
			const readRev = host.readRevision();
			const at = (r.revision ?? 0) > 0 ? r.revision! : readRev;
			responses.push({ responseRange: host.rangeOp(r, at, readRev) });
		} else if ('requestPut' in op) {
			const res = host.putOp(op.requestPut, events);
			responses.push({ responsePut: { header: { revision: pending }, ...res } });
		} else if ('requestDeleteRange' in op) {
			const res = host.deleteOp(op.requestDeleteRange, events);
			responses.push({ responseDeleteRange: { header: { revision: host.readRevision() }, ...res } });
		} else {
			// etcd leaves a nested txn's header empty.
			responses.push({ responseTxn: { header: { revision: 0 }, ...apply(host, op.requestTxn, path, pending, events) } });
		}
	}
	return { succeeded, responses };
}
