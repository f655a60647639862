/**
 * A plain in-memory model of etcd's MVCC semantics: the oracle the WASM engine is tested against
 * (and a reference anyone can read). Clarity over speed: every key keeps its list of revisions,
 * keys are latin1 strings so JS ordering equals etcd's byte ordering.
 *
 * Follows etcd 3.4's mvcc + applier: one revision per write request (a txn's writes share it,
 * with sub-revisions in order), no revision for writes that change nothing, compaction keeps each
 * key's latest state at or before the compact revision (dropping it when it is a deletion).
 *
 * @module
 */
import { compareBytes, fromLatin1, spanOf, toLatin1, type KeySpan } from './bytes';
import { Errors } from './errors';
import type {
	Compare,
	CompactionResponse,
	DeleteRangeRequest,
	DeleteRangeResponse,
	Event,
	KeyValue,
	LeaseCheck,
	MvccEngine,
	PutRequest,
	PutResponse,
	RangeRequest,
	RangeResponse,
	RequestOp,
	ResponseOp,
	TxnRequest,
	TxnResponse,
	WriteResult
} from './types';
import { checkTxn } from './txn-check';

interface Rev {
	main: number;
	sub: number;
	/** undefined = a deletion (tombstone). */
	kv?: KeyValue;
}

export class ModelEngine implements MvccEngine {
	private keys = new Map<string, Rev[]>();
	private sorted: string[] = [];
	revision = 1;
	compactRevision = 0;

	// — reads —

	range(req: RangeRequest): RangeResponse {
		if (req.key.length === 0) throw Errors.emptyKey();
		const rev = this.readRev(req.revision ?? 0);
		return rangeAt(this.liveAt(spanOf(req.key, req.rangeEnd), rev), req, this.revision);
	}

	private readRev(rev: number): number {
		if (rev > this.revision) throw Errors.futureRev();
		if (rev > 0 && rev < this.compactRevision) throw Errors.compacted();
		return rev > 0 ? rev : this.revision;
	}

	/** Live key-values in `span` at `rev`, in key order. */
	private liveAt(span: KeySpan, rev: number): KeyValue[] {
		const out: KeyValue[] = [];
		for (const k of this.keysIn(span)) {
			const kv = stateAt(this.keys.get(k)!, rev);
			if (kv) out.push(kv);
		}
		return out;
	}

	private keysIn(span: KeySpan): string[] {
		if (span.kind === 'one') {
			const k = toLatin1(span.key);
			return this.keys.has(k) ? [k] : [];
		}
		const start = toLatin1(span.key);
		const end = span.kind === 'range' ? toLatin1(span.end) : undefined;
		const out: string[] = [];
		for (let i = lowerBound(this.sorted, start); i < this.sorted.length; i++) {
			if (end !== undefined && this.sorted[i] >= end) break;
			out.push(this.sorted[i]);
		}
		return out;
	}

	// — writes —

	put(req: PutRequest, leaseExists?: LeaseCheck): WriteResult<PutResponse> {
		checkPut(req);
		const w = new Writer(this);
		const response = w.put(req, leaseExists);
		return { response: { ...response, header: { revision: w.end() } }, events: w.events };
	}

	deleteRange(req: DeleteRangeRequest): WriteResult<DeleteRangeResponse> {
		if (req.key.length === 0) throw Errors.emptyKey();
		const w = new Writer(this);
		const response = w.deleteRange(req);
		return { response: { ...response, header: { revision: w.end() } }, events: w.events };
	}

	txn(req: TxnRequest, leaseExists?: LeaseCheck): WriteResult<TxnResponse> {
		checkTxn(req);
		const w = new Writer(this);
		const response = w.txn(req, leaseExists);
		const revision = w.end();
		return { response: { ...response, header: { revision } }, events: w.events };
	}

	compact(revision: number): CompactionResponse {
		if (revision <= this.compactRevision) throw Errors.compacted();
		if (revision > this.revision) throw Errors.futureRev();
		for (const [k, revs] of this.keys) {
			// Keep the latest revision ≤ compact revision unless it is a deletion; drop older ones.
			let keepFrom = 0;
			for (let i = 0; i < revs.length; i++) if (revs[i].main <= revision) keepFrom = i;
			let kept = revs.slice(keepFrom);
			if (kept.length && kept[0].main <= revision && !kept[0].kv) kept = kept.slice(1);
			if (kept.length) this.keys.set(k, kept);
			else this.keys.delete(k);
		}
		this.sorted = [...this.keys.keys()].sort();
		this.compactRevision = revision;
		return { header: { revision: this.revision } };
	}

	eventsSince(fromRevision: number, key: Uint8Array, rangeEnd: Uint8Array | undefined): Event[] {
		if (fromRevision > 0 && fromRevision < this.compactRevision) throw Errors.compacted();
		const span = spanOf(key, rangeEnd);
		const found: Array<{ main: number; sub: number; ev: Event }> = [];
		for (const k of this.keysIn(span)) {
			const revs = this.keys.get(k)!;
			revs.forEach((r, i) => {
				if (r.main < fromRevision) return;
				const prev = i > 0 ? revs[i - 1].kv : undefined;
				const ev: Event = r.kv ? { type: 'PUT', kv: r.kv } : { type: 'DELETE', kv: tombstoneKv(fromLatin1(k), r.main) };
				if (prev) ev.prevKv = prev;
				found.push({ main: r.main, sub: r.sub, ev });
			});
		}
		return found.sort((a, b) => a.main - b.main || a.sub - b.sub).map((f) => f.ev);
	}

	keysOfLease(lease: number): Uint8Array[] {
		const out: Uint8Array[] = [];
		for (const k of this.sorted) {
			const kv = stateAt(this.keys.get(k)!, this.revision);
			if (kv && kv.lease === lease) out.push(kv.key);
		}
		return out;
	}

	sizeBytes(): number {
		let n = 0;
		for (const [k, revs] of this.keys) for (const r of revs) n += k.length + (r.kv ? r.kv.value.length : 0) + 32;
		return n;
	}

	snapshot(): Uint8Array {
		const enc = new TextEncoder();
		const json = JSON.stringify({
			revision: this.revision,
			compactRevision: this.compactRevision,
			keys: [...this.keys].map(([k, revs]) => [k, revs.map((r) => ({ main: r.main, sub: r.sub, kv: r.kv && { ...r.kv, key: undefined, value: toLatin1(r.kv.value) } }))])
		});
		return enc.encode(json);
	}

	restore(snapshot: Uint8Array): void {
		const s = JSON.parse(new TextDecoder().decode(snapshot));
		this.revision = s.revision;
		this.compactRevision = s.compactRevision;
		this.keys = new Map(
			(s.keys as Array<[string, any[]]>).map(([k, revs]) => [
				k,
				revs.map((r) => ({ main: r.main, sub: r.sub, kv: r.kv && { ...r.kv, key: fromLatin1(k), value: fromLatin1(r.kv.value) } }))
			])
		);
		this.sorted = [...this.keys.keys()].sort();
	}

	/** @internal Writer access. */
	historyOf(k: string): Rev[] | undefined {
		return this.keys.get(k);
	}

	/** @internal Writer access. */
	append(k: string, r: Rev): void {
		const revs = this.keys.get(k);
		if (revs) revs.push(r);
		else {
			this.keys.set(k, [r]);
			this.sorted.splice(lowerBound(this.sorted, k), 0, k);
		}
	}

	/** @internal */
	live(span: KeySpan, rev: number): KeyValue[] {
		return this.liveAt(span, rev);
	}
}

/** One write request in progress: all its changes share revision + 1, in sub-revision order. */
class Writer {
	events: Event[] = [];
	private sub = 0;
	constructor(private readonly m: ModelEngine) {}

	private get rev(): number {
		return this.m.revision + 1;
	}

	/** Reads inside the request see its own earlier writes. */
	private current(span: KeySpan): KeyValue[] {
		return this.m.live(span, this.sub > 0 ? this.rev : this.m.revision);
	}

	put(req: PutRequest, leaseExists?: LeaseCheck): Omit<PutResponse, 'header'> {
		const [prev] = this.current({ kind: 'one', key: req.key });
		if ((req.ignoreValue || req.ignoreLease) && !prev) throw Errors.keyNotFound();
		const lease = req.ignoreLease ? prev!.lease : (req.lease ?? 0);
		if (lease !== 0 && !req.ignoreLease && leaseExists && !leaseExists(lease)) throw Errors.leaseNotFound();
		const kv: KeyValue = {
			key: req.key.slice(),
			createRevision: prev ? prev.createRevision : this.rev,
			modRevision: this.rev,
			version: prev ? prev.version + 1 : 1,
			value: req.ignoreValue ? prev!.value : req.value.slice(),
			lease
		};
		this.m.append(toLatin1(req.key), { main: this.rev, sub: this.sub++, kv });
		this.events.push(prev ? { type: 'PUT', kv, prevKv: prev } : { type: 'PUT', kv });
		return req.prevKv && prev ? { prevKv: prev } : {};
	}

	deleteRange(req: DeleteRangeRequest): Omit<DeleteRangeResponse, 'header'> {
		const victims = this.current(spanOf(req.key, req.rangeEnd));
		for (const kv of victims) {
			this.m.append(toLatin1(kv.key), { main: this.rev, sub: this.sub++ });
			this.events.push({ type: 'DELETE', kv: tombstoneKv(kv.key, this.rev), prevKv: kv });
		}
		return { deleted: victims.length, prevKvs: req.prevKv ? victims : [] };
	}

	txn(req: TxnRequest, leaseExists?: LeaseCheck): Omit<TxnResponse, 'header'> {
		const succeeded = req.compare.every((c) => this.compare(c));
		const ops = succeeded ? req.success : req.failure;
		// etcd checks the leases of the branch that runs before applying any of it.
		if (leaseExists) for (const l of leasesOf(ops)) if (!leaseExists(l)) throw Errors.leaseNotFound();
		return { succeeded, responses: ops.map((op) => this.op(op, leaseExists)) };
	}

	private op(op: RequestOp, leaseExists?: LeaseCheck): ResponseOp {
		const header = { revision: 0 };
		if ('requestRange' in op) {
			const r = op.requestRange;
			const readRev = this.sub > 0 ? this.rev : this.m.revision;
			if ((r.revision ?? 0) > readRev) throw Errors.futureRev();
			if ((r.revision ?? 0) > 0 && r.revision! < this.m.compactRevision) throw Errors.compacted();
			const at = r.revision && r.revision > 0 ? r.revision : readRev;
			return { responseRange: rangeAt(this.m.live(spanOf(r.key, r.rangeEnd), at), r, readRev) };
		}
		if ('requestPut' in op) return { responsePut: { header, ...this.put(op.requestPut, leaseExists) } };
		if ('requestDeleteRange' in op) return { responseDeleteRange: { header, ...this.deleteRange(op.requestDeleteRange) } };
		return { responseTxn: { header, ...this.txn(op.requestTxn, leaseExists) } };
	}

	private compare(c: Compare): boolean {
		const kvs = this.current(spanOf(c.key, c.rangeEnd));
		if (kvs.length === 0) return c.target === 'VALUE' ? false : compareKv(c, undefined);
		return kvs.every((kv) => compareKv(c, kv));
	}

	/** Commits: the revision advances only when something changed. */
	end(): number {
		if (this.sub > 0) this.m.revision = this.rev;
		return this.m.revision;
	}
}

function leasesOf(ops: RequestOp[]): number[] {
	const out: number[] = [];
	for (const op of ops) if ('requestPut' in op && op.requestPut.lease && !op.requestPut.ignoreLease) out.push(op.requestPut.lease);
	return out;
}

function compareKv(c: Compare, kv: KeyValue | undefined): boolean {
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

function checkPut(req: PutRequest): void {
	if (req.key.length === 0) throw Errors.emptyKey();
	if (req.ignoreValue && req.value.length !== 0) throw Errors.valueProvided();
	if (req.ignoreLease && (req.lease ?? 0) !== 0) throw Errors.leaseProvided();
}

function stateAt(revs: Rev[], rev: number): KeyValue | undefined {
	for (let i = revs.length - 1; i >= 0; i--) if (revs[i].main <= rev) return revs[i].kv;
	return undefined;
}

function tombstoneKv(key: Uint8Array, rev: number): KeyValue {
	return { key: key.slice(), createRevision: 0, modRevision: rev, version: 0, value: new Uint8Array(0), lease: 0 };
}

function lowerBound(a: string[], k: string): number {
	let lo = 0;
	let hi = a.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (a[mid] < k) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * etcd's applier Range over the live key-values at the read revision: filters, then sort, then
 * limit (with `more`); `count` is the number of keys in the range before filters and limit.
 */
export function rangeAt(all: KeyValue[], req: RangeRequest, headerRev: number): RangeResponse {
	const count = all.length;
	if (req.countOnly) return { header: { revision: headerRev }, kvs: [], more: false, count };
	let kvs = all.filter(
		(kv) =>
			!(req.maxModRevision && kv.modRevision > req.maxModRevision) &&
			!(req.minModRevision && kv.modRevision < req.minModRevision) &&
			!(req.maxCreateRevision && kv.createRevision > req.maxCreateRevision) &&
			!(req.minCreateRevision && kv.createRevision < req.minCreateRevision)
	);
	let order = req.sortOrder ?? 'NONE';
	const target = req.sortTarget ?? 'KEY';
	if (target !== 'KEY' && order === 'NONE') order = 'ASCEND';
	if (order !== 'NONE') {
		const key = (kv: KeyValue): number | Uint8Array =>
			target === 'KEY' ? kv.key : target === 'VALUE' ? kv.value : target === 'VERSION' ? kv.version : target === 'CREATE' ? kv.createRevision : kv.modRevision;
		const cmp = (a: KeyValue, b: KeyValue) => {
			const x = key(a);
			const y = key(b);
			return typeof x === 'number' ? x - (y as number) : compareBytes(x, y as Uint8Array);
		};
		kvs = [...kvs].sort((a, b) => (order === 'DESCEND' ? cmp(b, a) : cmp(a, b)));
	}
	const limit = req.limit ?? 0;
	const more = limit > 0 && kvs.length > limit;
	if (more) kvs = kvs.slice(0, limit);
	if (req.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: new Uint8Array(0) }));
	return { header: { revision: headerRev }, kvs, more, count };
}

