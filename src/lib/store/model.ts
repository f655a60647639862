/**
 * A plain in-memory model of etcd's MVCC semantics: the oracle the WASM engine is tested against
 * (and a reference anyone can read). Clarity over speed: every key keeps its list of revisions,
 * keys are latin1 strings so JS ordering equals etcd's byte ordering.
 *
 * Follows etcd 3.4's mvcc + applier (etcdserver/apply.go, mvcc/kvstore_txn.go, key_index.go):
 * - one revision per write request (a txn's writes share it, with sub-revisions in order), no
 *   revision for writes that change nothing;
 * - a txn's compares, nested ones too, see the state before the txn; the executed puts (key
 *   present for ignore_*, lease exists) and ranges (revision not future, not compacted) are
 *   checked before anything is written, so a failing request changes nothing;
 * - compaction keeps each key's latest state at or before the compact revision (dropping it when
 *   it is a deletion); the compact revision starts at -1, so the first compaction may be at 0;
 * - events carry as prev_kv what etcd's watch server attaches: the key's state at revision - 1,
 *   none for a creation or when that revision is compacted.
 *
 * One deliberate difference: etcd panics when a put with ignore_value/ignore_lease runs after
 * its key was deleted earlier in the same txn (possible only through a "\0" delete, which the
 * duplicate-key check lets through); here the txn fails with "key not found" and changes nothing.
 *
 * @module
 */
import { fromLatin1, spanOf, toLatin1, type KeySpan } from './bytes';
import { Errors } from './errors';
import { holdsOn, stateAt, tombstoneKv, Writer, type Rev } from './model-writer';
import { rangeAt } from './range';
import type {
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
	TxnRequest,
	TxnResponse,
	WriteResult
} from './types';
import { checkPut, checkTxn } from './txn-check';
import { checkExecuted, PathCursor, txnPath } from './txn-path';

export { rangeAt } from './range';

export class ModelEngine implements MvccEngine {
	private keys = new Map<string, Rev[]>();
	private sorted: string[] = [];
	revision = 1;
	/** etcd's compactMainRev: -1 until the first compaction. */
	private compactMain = -1;

	get compactRevision(): number {
		return Math.max(0, this.compactMain);
	}

	// — reads —

	range(req: RangeRequest): RangeResponse {
		if (req.key.length === 0) throw Errors.emptyKey();
		const rev = this.readRev(req.revision ?? 0);
		return rangeAt(this.liveAt(spanOf(req.key, req.rangeEnd), rev), req, this.revision);
	}

	/** etcd's rangeKeys: future first, then ≤ 0 = current, then compacted. */
	private readRev(rev: number): number {
		if (rev > this.revision) throw Errors.futureRev();
		const at = rev > 0 ? rev : this.revision;
		if (at < this.compactMain) throw Errors.compacted();
		return at;
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
		// A plain put looks the lease up before reading the key (etcd's applier Put).
		const lease = req.lease ?? 0;
		if (lease !== 0 && leaseExists && !leaseExists(lease)) throw Errors.leaseNotFound();
		return this.write((w) => w.put(req));
	}

	deleteRange(req: DeleteRangeRequest): WriteResult<DeleteRangeResponse> {
		if (req.key.length === 0) throw Errors.emptyKey();
		return this.write((w) => w.deleteRange(req));
	}

	txn(req: TxnRequest, leaseExists?: LeaseCheck): WriteResult<TxnResponse> {
		checkTxn(req);
		const path = txnPath(req, (c) => holdsOn(c, this.liveAt(spanOf(c.key, c.rangeEnd), this.revision)));
		checkExecuted(req, path, {
			keyExists: (key) => this.liveAt({ kind: 'one', key }, this.revision).length > 0,
			leaseExists,
			revision: this.revision,
			compactMain: this.compactMain
		});
		return this.write((w) => w.txn(req, new PathCursor(path)));
	}

	/** Runs one write request: commits its revision, or undoes it if it throws. */
	private write<R>(run: (w: Writer) => R): WriteResult<R & { header: { revision: number } }> {
		const w = new Writer(this);
		let response: R;
		try {
			response = run(w);
		} catch (e) {
			w.rollback();
			throw e;
		}
		this.revision = w.endRevision;
		return { response: { ...response, header: { revision: this.revision } }, events: w.events };
	}

	compact(revision: number): CompactionResponse {
		if (revision <= this.compactMain) throw Errors.compacted();
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
		this.compactMain = revision;
		return { header: { revision: this.revision } };
	}

	eventsSince(fromRevision: number, key: Uint8Array, rangeEnd: Uint8Array | undefined): Event[] {
		if (fromRevision > 0 && fromRevision < this.compactMain) throw Errors.compacted();
		const found: Array<{ main: number; sub: number; ev: Event }> = [];
		for (const k of this.keysIn(spanOf(key, rangeEnd))) {
			const revs = this.keys.get(k)!;
			for (const r of revs) {
				if (r.main < fromRevision) continue;
				const ev: Event = r.kv ? { type: 'PUT', kv: r.kv } : { type: 'DELETE', kv: tombstoneKv(fromLatin1(k), r.main) };
				const created = r.kv !== undefined && r.kv.createRevision === r.main;
				const prev = created || r.main - 1 < this.compactMain ? undefined : stateAt(revs, r.main - 1);
				if (prev) ev.prevKv = prev;
				found.push({ main: r.main, sub: r.sub, ev });
			}
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
		const json = JSON.stringify({
			revision: this.revision,
			compactRevision: this.compactRevision,
			compactMain: this.compactMain,
			keys: [...this.keys].map(([k, revs]) => [k, revs.map((r) => ({ main: r.main, sub: r.sub, kv: r.kv && { ...r.kv, key: undefined, value: toLatin1(r.kv.value) } }))])
		});
		return new TextEncoder().encode(json);
	}

	restore(snapshot: Uint8Array): void {
		const s = JSON.parse(new TextDecoder().decode(snapshot));
		this.revision = s.revision;
		// Snapshots from before compactMain was recorded: 0 meant "never compacted".
		this.compactMain = s.compactMain ?? (s.compactRevision > 0 ? s.compactRevision : -1);
		this.keys = new Map(
			(s.keys as Array<[string, any[]]>).map(([k, revs]) => [
				k,
				revs.map((r) => ({ main: r.main, sub: r.sub, kv: r.kv && { ...r.kv, key: fromLatin1(k), value: fromLatin1(r.kv.value) } }))
			])
		);
		this.sorted = [...this.keys.keys()].sort();
	}

	// — writer access (ModelState) —

	/** @internal */
	historyOf(k: string): Rev[] | undefined {
		return this.keys.get(k);
	}

	/** @internal */
	append(k: string, r: Rev): void {
		const revs = this.keys.get(k);
		if (revs) revs.push(r);
		else {
			this.keys.set(k, [r]);
			this.sorted.splice(lowerBound(this.sorted, k), 0, k);
		}
	}

	/** @internal */
	truncate(k: string, main: number): void {
		const revs = this.keys.get(k);
		if (!revs) return;
		while (revs.length && revs[revs.length - 1].main >= main) revs.pop();
		if (revs.length) return;
		this.keys.delete(k);
		this.sorted.splice(lowerBound(this.sorted, k), 1);
	}

	/** @internal */
	live(span: KeySpan, rev: number): KeyValue[] {
		return this.liveAt(span, rev);
	}
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
