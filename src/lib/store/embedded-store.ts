/**
 * The embedded store: an `MvccEngine` made durable by a journal (WAL), with a watch hub, a
 * lessor, a space quota and automatic compaction. Isomorphic: the server gives it a WAL on disk,
 * the browser an in-memory journal.
 *
 * A write is applied to the engine at once (that fixes its revision and its errors, in order),
 * but nobody — the writer, a reader, a watcher — learns of it before its journal record is
 * durable: responses wait for the last pending write, and a revision's events are released to
 * watchers only once it is on disk. A write that fails changes nothing and is not journaled.
 *
 * Snapshots (every `snapshotEvery` ops) never stall the event loop: the engine's state at one
 * revision is read in 256 KiB chunks (SNAPSHOT_CHUNK_BYTES), one per turn (each chunk's write
 * to disk is the pause), while requests go on; the records journaled meanwhile are kept, and
 * once the snapshot is written they follow it into the journal that replaces the old one
 * (src/lib/store/README.md).
 *
 * @module
 */
import type { Clock } from '../clock/clock';
import type { Backend, LeaseInfo, StoreStatus, Watch, WatchMessage, WatchRequest } from './backend';
import { Errors, Limits } from './errors';
import { Lessor } from './lessor';
import { WatchHub } from './watch-hub';
import { restoreFromChunks, SnapshotInvalidated, snapshotChunksOf } from './snapshot-chunks';
import { chunkRecordHead, decodeRecord, encodeRecord, type WalOp, type WalRecord } from './wal-codec';
import type {
	CompactionRequest,
	CompactionResponse,
	DeleteRangeRequest,
	DeleteRangeResponse,
	Event,
	MvccEngine,
	PutRequest,
	PutResponse,
	RangeRequest,
	RangeResponse,
	RequestOp,
	TxnRequest,
	TxnResponse
} from './types';

/** Where the store's records go. */
export interface Journal {
	/** Appends one record; resolves once it is durable. */
	append(record: Uint8Array): Promise<void>;
	/** Starts the journal that will replace this one (a journal that keeps nothing has none: no snapshots). */
	successor?(): NextJournal;
	close(): Promise<void>;
}

/** A journal being written beside the current one (a snapshot) while appends go on to that one. */
export interface NextJournal {
	/** Adds a record made of `parts` back to back (not joined: a chunk is not copied again); durable only once committed. */
	write(parts: Uint8Array[]): Promise<void>;
	/** After every earlier append: adds `tail()`, makes it all durable and atomically the journal. */
	commit(tail: () => Uint8Array[]): Promise<void>;
	/** Drops it; the current journal stays. */
	abort(): Promise<void>;
}

/** A journal that keeps nothing (browser replicas, tests of semantics). */
export function memoryJournal(): Journal {
	return { append: async () => {}, close: async () => {} };
}

export interface StoreOptions {
	engine: MvccEngine;
	journal: Journal;
	clock: Clock;
	/** Space quota in bytes (etcd's --quota-backend-bytes; default 2 GiB there, smaller per room here). */
	quotaBytes: number;
	maxRequestBytes?: number;
	/** Compact to the revision of one interval ago, every interval (kube-apiserver: 5 minutes). 0 = off. */
	autoCompactionMs?: number;
	/** Snapshot (and truncate the journal) after this many ops. */
	snapshotEvery?: number;
	leaseSeed?: number;
}

export class EmbeddedStore implements Backend {
	private readonly engine: MvccEngine;
	private readonly hub: WatchHub;
	private readonly lessor: Lessor;
	private seq = 0;
	/** Newest revision released (durable). */
	private released: number;
	/** Resolves when every write applied so far is durable. */
	private pending: Promise<void> = Promise.resolve();
	private inflight = 0;
	private alarm = false;
	private closed = false;
	private failure: Error | undefined;
	private stopCompaction: () => void = () => {};
	private lastTickRevision = 0;
	private replaying = false;
	private snapshotting = false;
	/** The running snapshot (settled when none runs). */
	private snapshotRun: Promise<void> = Promise.resolve();
	/** Op records in the journal after its snapshot. */
	private ops = 0;
	/** Records journaled since the running snapshot's point: they follow it into the next journal. */
	private tail: Uint8Array[] | undefined;

	private constructor(private readonly o: StoreOptions) {
		this.engine = o.engine;
		this.hub = new WatchHub(o.engine);
		this.lessor = new Lessor(o.clock, (id) => void this.leaseRevoke(id).catch(() => {}), o.leaseSeed ?? 1);
		this.released = o.engine.revision;
	}

	/** Opens a store over `records` (a journal's content after recovery). */
	static open(o: StoreOptions, records: Uint8Array[] = []): EmbeddedStore {
		const s = new EmbeddedStore(o);
		s.replaying = true;
		try {
			s.replayAll(records);
		} finally {
			s.replaying = false;
		}
		s.released = s.engine.revision;
		s.scheduleCompaction();
		return s;
	}

	/** Replays a journal: a snapshot (begin, chunks, end; or the old one-record form), then ops. */
	private replayAll(records: Uint8Array[]): void {
		let snap: { seq: number; leases: Array<{ id: number; ttl: number }>; leaseSeed: number; chunks: Uint8Array[] } | undefined;
		for (const bytes of records) {
			const r = decodeRecord(bytes);
			if (r.t === 'snap-begin') snap = { ...r, chunks: [] };
			else if (r.t === 'snap-chunk' || r.t === 'snap-end') {
				if (!snap || snap.seq !== r.seq) throw new Error(`store journal: ${r.t} of snapshot ${r.seq} outside it`);
				if (r.t === 'snap-chunk') snap.chunks.push(r.data);
				else {
					if (r.chunks !== snap.chunks.length) throw new Error(`store journal: snapshot ${r.seq} has ${snap.chunks.length} of ${r.chunks} chunks`);
					if (snap.seq > this.seq) this.restore(snap.seq, snap.leases, snap.leaseSeed, () => restoreFromChunks(this.engine, snap!.chunks));
					snap = undefined;
				}
			} else if (snap) throw new Error(`store journal: snapshot ${snap.seq} is incomplete`);
			else if (r.t === 'snapshot') {
				if (r.seq > this.seq) this.restore(r.seq, r.leases, r.leaseSeed, () => this.engine.restore(r.engine));
			} else if (r.seq > this.seq) {
				this.seq = r.seq;
				this.ops++;
				this.applyOp(r);
			}
		}
		if (snap) throw new Error(`store journal: snapshot ${snap.seq} is incomplete`);
	}

	private restore(seq: number, leases: Array<{ id: number; ttl: number }>, leaseSeed: number, engine: () => void): void {
		engine();
		this.lessor.close();
		for (const l of leases) this.lessor.grant(l.id, l.ttl);
		this.lessor.seed = leaseSeed;
		this.seq = seq;
		this.ops = 0;
	}

	/** Applies one op to engine and lessor; shared by live writes and replay. */
	private applyOp(op: WalOp): { revision: number; events: Event[]; response: unknown } {
		const leaseExists = this.leaseExists;
		switch (op.t) {
			case 'put':
				return this.withRev(this.engine.put(op.req, leaseExists));
			case 'del':
				return this.withRev(this.engine.deleteRange(op.req));
			case 'txn':
				return this.withRev(this.engine.txn(op.req, leaseExists));
			case 'compact':
				return { revision: this.engine.revision, events: [], response: this.engine.compact(op.rev) };
			case 'grant': {
				if (op.auto) this.lessor.nextId(); // keeps the id sequence identical on replay
				const ttl = this.lessor.grant(op.id, op.ttl);
				return { revision: this.engine.revision, events: [], response: { id: op.id, ttl } };
			}
			case 'revoke': {
				const keys = this.engine.keysOfLease(op.id);
				this.lessor.revoke(op.id);
				const res = this.engine.txn({ compare: [], success: keys.map((key) => ({ requestDeleteRange: { key } })), failure: [] });
				return this.withRev(res);
			}
		}
	}

	private withRev<R extends { header: { revision: number } }>(r: { response: R; events: Event[] }) {
		return { revision: r.response.header.revision, events: r.events, response: r.response as unknown };
	}

	/** Made once: a closure made per write costs a `__name` (defineProperty) call under tsx. */
	private readonly leaseExists = (id: number) => this.lessor.has(id);

	/** Runs a write: apply (may throw: nothing changed), journal, release once durable. */
	private async write<R>(op: WalOp): Promise<R> {
		this.checkUsable();
		const before = this.engine.revision;
		const { revision, events, response } = this.applyOp(op);
		const changed = revision !== before || op.t === 'grant' || op.t === 'revoke' || op.t === 'compact';
		if (changed) this.journal(op, revision, events);
		await this.pending;
		this.checkUsable();
		return response as R;
	}

	private journal(op: WalOp, revision: number, events: Event[]): void {
		const record = encodeRecord({ seq: ++this.seq, ...op });
		this.tail?.push(record);
		this.ops++;
		this.inflight++;
		const durable = this.o.journal.append(record).then(
			() => {
				this.inflight--;
				if (revision > this.released) {
					this.released = revision;
					this.hub.release(revision, events);
				}
			},
			(e) => {
				this.inflight--;
				// The engine is ahead of the disk now: refuse everything rather than diverge.
				this.failure = new Error(`store journal failed: ${(e as Error).message}`);
			}
		);
		this.pending = durable;
		if (!this.snapshotting && this.o.journal.successor && this.ops >= (this.o.snapshotEvery ?? 10_000)) this.snapshotRun = this.snapshot();
	}

	/**
	 * Takes a snapshot now (after the one running, if any) and resolves once the journal starts
	 * from it. Nothing to do for a journal that keeps nothing.
	 */
	async snapshotNow(): Promise<void> {
		while (this.snapshotting) await this.snapshotRun;
		this.checkUsable();
		if (!this.o.journal.successor) return;
		this.snapshotRun = this.snapshot();
		await this.snapshotRun;
		this.checkUsable();
	}

	/**
	 * One snapshot at a time, of the state after op `seq`, written into the next journal one
	 * chunk per turn. A compaction or restore meanwhile abandons it (the next op starts another);
	 * a failed write makes the store refuse everything, as a failed append does.
	 */
	private async snapshot(): Promise<void> {
		this.snapshotting = true;
		let next: NextJournal | undefined;
		try {
			next = this.o.journal.successor!();
			// Everything that fixes the snapshot's point is read in this turn.
			const seq = this.seq;
			const ops = this.ops;
			const begin = encodeRecord({ seq, t: 'snap-begin', leases: this.lessor.list(), leaseSeed: this.lessor.seed });
			const chunks = snapshotChunksOf(this.engine, SNAPSHOT_CHUNK_BYTES);
			this.tail = [];
			await next.write([begin]);
			const head = chunkRecordHead(seq);
			let n = 0;
			for (let c = chunks.next(); !c.done; c = chunks.next()) {
				await next.write([head, c.value]);
				n++;
				if (this.closed || this.failure) throw STOPPED;
			}
			await next.write([encodeRecord({ seq, t: 'snap-end', chunks: n })]);
			// Taken when the commit runs, after every earlier append: a record journaled in
			// between may be both in the tail and appended after it (replay skips the second).
			await next.commit(() => {
				const tail = this.tail ?? [];
				this.tail = undefined;
				return tail;
			});
			this.ops -= ops;
		} catch (e) {
			this.tail = undefined;
			await next?.abort().catch(() => {});
			if (e !== STOPPED && !(e instanceof SnapshotInvalidated)) this.failure ??= new Error(`store snapshot failed: ${(e as Error).message}`);
		} finally {
			this.snapshotting = false;
		}
	}

	private checkUsable(): void {
		if (this.failure) throw this.failure;
		if (this.closed) throw new Error('store is closed');
	}

	// — KV —

	async range(req: RangeRequest): Promise<RangeResponse> {
		this.checkUsable();
		const res = this.engine.range(req);
		if (this.inflight > 0) await this.pending;
		return res;
	}

	async put(req: PutRequest): Promise<PutResponse> {
		this.checkSize(req.key.length + req.value.length);
		this.checkQuota(req.key.length + req.value.length);
		return this.write({ t: 'put', req });
	}

	async deleteRange(req: DeleteRangeRequest): Promise<DeleteRangeResponse> {
		this.checkSize(req.key.length + (req.rangeEnd?.length ?? 0));
		return this.write({ t: 'del', req });
	}

	async txn(req: TxnRequest): Promise<TxnResponse> {
		const size = txnSize(req);
		this.checkSize(size);
		if (hasPut(req.success) || hasPut(req.failure)) this.checkQuota(size);
		return this.write({ t: 'txn', req });
	}

	async compact(req: CompactionRequest): Promise<CompactionResponse> {
		return this.write({ t: 'compact', rev: req.revision });
	}

	private checkSize(bytes: number): void {
		if (bytes > (this.o.maxRequestBytes ?? Limits.maxRequestBytes)) throw Errors.requestTooLarge();
	}

	private checkQuota(bytes: number): void {
		if (this.alarm) throw Errors.noSpace();
		if (this.engine.sizeBytes() + bytes > this.o.quotaBytes) {
			this.alarm = true;
			throw Errors.noSpace();
		}
	}

	// — Watch —

	watch(req: WatchRequest, onMessage: (m: WatchMessage) => void): Watch {
		this.checkUsable();
		return this.hub.add(req, this.released, onMessage);
	}

	// — Leases —

	async leaseGrant(ttl: number, id = 0): Promise<{ id: number; ttl: number; revision: number }> {
		this.checkUsable();
		// etcd's capped applier refuses new leases while the NOSPACE alarm is raised.
		if (this.alarm) throw Errors.noSpace();
		const auto = id === 0;
		this.lessor.checkGrant(id, ttl);
		const chosen = auto ? this.peekId() : id;
		const r = await this.write<{ id: number; ttl: number }>({ t: 'grant', id: chosen, ttl, auto });
		return { ...r, revision: this.released };
	}

	/** The id `nextId` will return, without consuming it (the op replays the consumption). */
	private peekId(): number {
		const seed = this.lessor.seed;
		const id = this.lessor.nextId();
		this.lessor.seed = seed;
		return id;
	}

	async leaseRevoke(id: number): Promise<{ revision: number }> {
		if (!this.lessor.has(id)) throw Errors.leaseNotFound();
		await this.write({ t: 'revoke', id });
		return { revision: this.released };
	}

	async leaseKeepAlive(id: number): Promise<{ id: number; ttl: number; revision: number }> {
		this.checkUsable();
		// Like etcd, an unknown or expired lease answers TTL 0 rather than an error.
		const ttl = this.lessor.has(id) ? this.lessor.keepAlive(id) : 0;
		return { id, ttl, revision: this.released };
	}

	async leaseTimeToLive(id: number, keys = false): Promise<LeaseInfo & { revision: number }> {
		this.checkUsable();
		const r = this.lessor.remaining(id);
		if (!r) return { id, ttl: -1, grantedTtl: 0, keys: [], revision: this.released };
		return { id, ttl: r.ttl, grantedTtl: r.grantedTtl, keys: keys ? this.engine.keysOfLease(id) : [], revision: this.released };
	}

	async leaseLeases(): Promise<{ ids: number[]; revision: number }> {
		return { ids: this.lessor.ids(), revision: this.released };
	}

	// — Maintenance —

	async status(): Promise<StoreStatus> {
		const size = this.engine.sizeBytes();
		return {
			revision: this.released,
			compactRevision: this.engine.compactRevision,
			dbSize: size,
			dbSizeInUse: size,
			quotaBytes: this.o.quotaBytes,
			alarms: this.alarm ? ['NOSPACE'] : []
		};
	}

	async defragment(): Promise<void> {
		(this.engine as MvccEngine & { defragment?: () => void }).defragment?.();
	}

	/** The engine's snapshot (every retained revision; wasm-snapshot.ts format): time travel's replica starts from it. */
	engineSnapshot(): Uint8Array {
		return this.engine.snapshot();
	}

	async disarm(): Promise<void> {
		this.alarm = false;
	}

	private scheduleCompaction(): void {
		const every = this.o.autoCompactionMs ?? 0;
		if (!every || this.replaying) return;
		this.stopCompaction = this.o.clock.setTimer(every, () => {
			const target = this.lastTickRevision;
			this.lastTickRevision = this.released;
			if (target > this.engine.compactRevision && !this.closed) void this.compact({ revision: target }).catch(() => {});
			if (!this.closed) this.scheduleCompaction();
		});
	}

	async close(): Promise<void> {
		if (this.closed) return;
		await this.pending;
		this.closed = true;
		await this.snapshotRun;
		this.stopCompaction();
		this.lessor.close();
		this.hub.cancelAll(this.released, 'store closed');
		await this.o.journal.close();
	}
}

/**
 * Engine bytes per snapshot chunk, i.e. per turn of the event loop: serializing and checksumming
 * 256 KiB takes well under a millisecond, and even with page faults on fresh memory a few.
 */
const SNAPSHOT_CHUNK_BYTES = 256 * 1024;

/** Thrown to end a snapshot because the store closed or failed meanwhile. */
const STOPPED = new Error('snapshot stopped');

function hasPut(ops: RequestOp[]): boolean {
	return ops.some((op) => 'requestPut' in op || ('requestTxn' in op && (hasPut(op.requestTxn.success) || hasPut(op.requestTxn.failure))));
}

function txnSize(req: TxnRequest): number {
	let n = 0;
	for (const c of req.compare) n += c.key.length + (c.rangeEnd?.length ?? 0) + (c.value?.length ?? 0);
	for (const op of [...req.success, ...req.failure]) {
		if ('requestPut' in op) n += op.requestPut.key.length + op.requestPut.value.length;
		else if ('requestRange' in op) n += op.requestRange.key.length + (op.requestRange.rangeEnd?.length ?? 0);
		else if ('requestDeleteRange' in op) n += op.requestDeleteRange.key.length + (op.requestDeleteRange.rangeEnd?.length ?? 0);
		else n += txnSize(op.requestTxn);
	}
	return n;
}
