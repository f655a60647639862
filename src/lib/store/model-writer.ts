/**
 * One write request in progress on the model (etcd's storeTxnWrite + the applier's op
 * functions): all its changes share revision + 1 in sub-revision order, reads inside it see its
 * own writes, and `rollback` removes them if the request fails part-way.
 *
 * @module
 */
import { compareBytes, spanOf, toLatin1, type KeySpan } from './bytes';
import { Errors } from './errors';
import { rangeAt } from './range';
import { PathCursor } from './txn-path';
import type { Compare, DeleteRangeRequest, DeleteRangeResponse, Event, KeyValue, PutRequest, PutResponse, RequestOp, ResponseOp, TxnRequest, TxnResponse } from './types';

export interface Rev {
	main: number;
	sub: number;
	/** undefined = a deletion (tombstone). */
	kv?: KeyValue;
}

/** What a writer needs from the model. */
export interface ModelState {
	readonly revision: number;
	historyOf(k: string): Rev[] | undefined;
	live(span: KeySpan, rev: number): KeyValue[];
	append(k: string, r: Rev): void;
	/** Removes the entries at `main` and above (and the key if nothing is left). */
	truncate(k: string, main: number): void;
}

export class Writer {
	events: Event[] = [];
	private sub = 0;
	private touched = new Set<string>();
	constructor(private readonly m: ModelState) {}

	private get rev(): number {
		return this.m.revision + 1;
	}

	/** What a read inside the request sees: its own writes once it has made any. */
	readRev(): number {
		return this.sub > 0 ? this.rev : this.m.revision;
	}

	private current(span: KeySpan): KeyValue[] {
		return this.m.live(span, this.readRev());
	}

	/** The key's state before this request: what a watcher's prev_kv shows (state at rev - 1). */
	private before(key: Uint8Array): KeyValue | undefined {
		return stateAt(this.m.historyOf(toLatin1(key)) ?? [], this.m.revision);
	}

	private write(key: Uint8Array, kv: KeyValue | undefined): void {
		const k = toLatin1(key);
		this.m.append(k, { main: this.rev, sub: this.sub++, kv });
		this.touched.add(k);
	}

	/** The caller has checked the lease. Throws (changing nothing) for ignore_* on a missing key. */
	put(req: PutRequest): Omit<PutResponse, 'header'> {
		const [prev] = this.current({ kind: 'one', key: req.key });
		if ((req.ignoreValue || req.ignoreLease) && !prev) throw Errors.keyNotFound();
		const kv: KeyValue = {
			key: req.key.slice(),
			createRevision: prev ? prev.createRevision : this.rev,
			modRevision: this.rev,
			version: prev ? prev.version + 1 : 1,
			value: req.ignoreValue ? prev!.value : req.value.slice(),
			lease: req.ignoreLease ? prev!.lease : (req.lease ?? 0)
		};
		const before = kv.createRevision === kv.modRevision ? undefined : this.before(req.key);
		this.write(req.key, kv);
		this.events.push(before ? { type: 'PUT', kv, prevKv: before } : { type: 'PUT', kv });
		return req.prevKv && prev ? { prevKv: prev } : {};
	}

	deleteRange(req: DeleteRangeRequest): Omit<DeleteRangeResponse, 'header'> {
		const victims = this.current(spanOf(req.key, req.rangeEnd));
		for (const kv of victims) {
			const before = this.before(kv.key);
			this.write(kv.key, undefined);
			const ev: Event = { type: 'DELETE', kv: tombstoneKv(kv.key, this.rev) };
			if (before) ev.prevKv = before;
			this.events.push(ev);
		}
		return { deleted: victims.length, prevKvs: req.prevKv ? victims : [] };
	}

	/** Runs the branches the path chose; the caller has run every pre-write check. */
	txn(req: TxnRequest, path: PathCursor): Omit<TxnResponse, 'header'> {
		const succeeded = path.next();
		const ops = succeeded ? req.success : req.failure;
		return { succeeded, responses: ops.map((op) => this.op(op, path)) };
	}

	/** Inner headers as etcd fills them: put → rev + 1, delete/range → what reads see, txn → 0. */
	private op(op: RequestOp, path: PathCursor): ResponseOp {
		if ('requestRange' in op) {
			const r = op.requestRange;
			const readRev = this.readRev();
			const at = (r.revision ?? 0) > 0 ? r.revision! : readRev;
			return { responseRange: rangeAt(this.m.live(spanOf(r.key, r.rangeEnd), at), r, readRev) };
		}
		if ('requestPut' in op) return { responsePut: { header: { revision: this.rev }, ...this.put(op.requestPut) } };
		if ('requestDeleteRange' in op) {
			const res = this.deleteRange(op.requestDeleteRange);
			return { responseDeleteRange: { header: { revision: this.readRev() }, ...res } };
		}
		return { responseTxn: { header: { revision: 0 }, ...this.txn(op.requestTxn, path) } };
	}

	/** Undoes every write of this request. */
	rollback(): void {
		for (const k of this.touched) this.m.truncate(k, this.rev);
		this.touched.clear();
		this.events = [];
		this.sub = 0;
	}

	/** The revision after the request: advanced only when something changed. */
	get endRevision(): number {
		return this.readRev();
	}
}

/** etcd's compareKV on one key-value (a missing key compares as a zero key-value). */
export function compareKv(c: Compare, kv: KeyValue | undefined): boolean {
	let cmp: number;
	switch (c.target) {
		case 'VALUE':
			cmp = compareBytes(kv?.value ?? new Uint8Array(0), c.value ?? new Uint8Array(0));
			break;
		case 'VERSION':
			cmp = (kv?.version ?? 0) - (c.version ?? 0);
			break;
		case 'CREATE':
			cmp = (kv?.createRevision ?? 0) - (c.createRevision ?? 0);
			break;
		case 'MOD':
			cmp = (kv?.modRevision ?? 0) - (c.modRevision ?? 0);
			break;
		case 'LEASE':
			cmp = (kv?.lease ?? 0) - (c.lease ?? 0);
			break;
	}
	switch (c.result) {
		case 'EQUAL':
			return cmp === 0;
		case 'GREATER':
			return cmp > 0;
		case 'LESS':
			return cmp < 0;
		case 'NOT_EQUAL':
			return cmp !== 0;
	}
}

/** etcd's applyCompare: every live key in the span must satisfy it; none → VALUE fails. */
export function holdsOn(c: Compare, kvs: KeyValue[]): boolean {
	if (kvs.length === 0) return c.target === 'VALUE' ? false : compareKv(c, undefined);
	return kvs.every((kv) => compareKv(c, kv));
}

/** The key's live state at `rev` (undefined when absent or deleted). */
export function stateAt(revs: Rev[], rev: number): KeyValue | undefined {
	for (let i = revs.length - 1; i >= 0; i--) if (revs[i].main <= rev) return revs[i].kv;
	return undefined;
}

/** A deletion as watchers see it: the key and the deletion's revision, nothing else. */
export function tombstoneKv(key: Uint8Array, rev: number): KeyValue {
	return { key: key.slice(), createRevision: 0, modRevision: rev, version: 0, value: new Uint8Array(0), lease: 0 };
}
