/**
 * How etcd 3.4's applier walks a txn (etcdserver/apply.go): every compare, nested ones included,
 * is evaluated against the state before the txn (`compareToPath`), which fixes the branch taken
 * at every level; the executed ops are then checked (puts: key present for ignore_*, lease
 * exists; ranges: revision not future, not compacted) before anything is written.
 *
 * The path is the list of compare outcomes in depth-first order: the txn's own, then those of
 * the nested txns of the branch it takes, each followed by its own nested ones.
 *
 * @module
 */
import { Errors } from './errors';
import type { Compare, RequestOp, TxnRequest } from './types';

export function txnPath(req: TxnRequest, holds: (c: Compare) => boolean): boolean[] {
	const path: boolean[] = [];
	const walk = (t: TxnRequest) => {
		const ok = t.compare.every(holds);
		path.push(ok);
		for (const op of ok ? t.success : t.failure) if ('requestTxn' in op) walk(op.requestTxn);
	};
	walk(req);
	return path;
}

/** Reads a path in the order the walk produced it. */
export class PathCursor {
	private i = 0;
	constructor(private readonly path: boolean[]) {}

	next(): boolean {
		return this.path[this.i++];
	}
}

/** Calls `fn` for each op that will run (not txns themselves), in execution order. */
export function forEachOnPath(req: TxnRequest, path: boolean[], fn: (op: RequestOp) => void): void {
	const cursor = new PathCursor(path);
	const walk = (t: TxnRequest) => {
		for (const op of cursor.next() ? t.success : t.failure) {
			if ('requestTxn' in op) walk(op.requestTxn);
			else fn(op);
		}
	};
	walk(req);
}

/** etcd's isTxnReadonly: only ranges at the top level (a nested txn counts as a write). */
export function isReadOnly(req: TxnRequest): boolean {
	return [...req.success, ...req.failure].every((op) => 'requestRange' in op);
}

/** What the pre-write checks need from an engine, read before the txn writes anything. */
export interface PathEnv {
	/** Whether the key is live now. */
	keyExists(key: Uint8Array): boolean;
	leaseExists?: (lease: number) => boolean;
	revision: number;
	/** etcd's compactMainRev (-1 before the first compaction). */
	compactMain: number;
}

/**
 * etcd's checkRequests: puts of the executed path (only for a txn that writes), then its ranges.
 * Throws the first error; nothing has been written yet.
 */
export function checkExecuted(req: TxnRequest, path: boolean[], env: PathEnv): void {
	if (!isReadOnly(req)) {
		forEachOnPath(req, path, (op) => {
			if (!('requestPut' in op)) return;
			const p = op.requestPut;
			if ((p.ignoreValue || p.ignoreLease) && !env.keyExists(p.key)) throw Errors.keyNotFound();
			const lease = p.lease ?? 0;
			if (lease !== 0 && env.leaseExists && !env.leaseExists(lease)) throw Errors.leaseNotFound();
		});
	}
	forEachOnPath(req, path, (op) => {
		if (!('requestRange' in op)) return;
		const rev = op.requestRange.revision ?? 0;
		if (rev === 0) return;
		if (rev > env.revision) throw Errors.futureRev();
		if (rev < env.compactMain) throw Errors.compacted();
	});
}
