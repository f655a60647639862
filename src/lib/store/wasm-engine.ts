/**
 * The MVCC engine compiled to WebAssembly (wasm/store/), behind the `MvccEngine` contract.
 * Isomorphic: it is built from a compiled module or the .wasm bytes, so Node (see
 * wasm-engine-node.ts) and the browser (wasm-engine-browser.ts) load the same file their own way.
 *
 * Keys, values and revisions live in the module's linear memory. Each call packs its request
 * bytes into the engine's input buffer and gets its whole result back as one packed buffer
 * (wasm-abi.ts), so a range of 1,000 keys is one crossing, not 1,000. Requests are validated
 * here, before the engine mutates anything; errors are etcd's (`StoreError`).
 *
 * Memory: compaction returns dropped revisions to the engine's free lists, where new writes
 * reuse them. Linear memory never shrinks; `defragment()` (a snapshot restored into a fresh
 * instance) gives committed memory back, as etcd's defrag does for its bbolt file.
 *
 * If the engine itself fails mid-write (out of memory, a bug), the instance is unusable: every
 * later call throws until `restore()` loads a snapshot into a fresh instance.
 *
 * @module
 */
import { EMPTY } from './bytes';
import { Errors, StoreError } from './errors';
import { needsSort, rangeAt } from './range';
import { checkPut } from './txn-check';
import {
	CompareResult,
	CompareTarget,
	instantiate,
	instantiateSync,
	PutFlag,
	RangeFlag,
	readOutput,
	writeInput,
	type Packed,
	type StoreExports
} from './wasm-abi';
import { runTxn, type TxnHost } from './wasm-txn';
import { SnapshotInvalidated } from './snapshot-chunks';
import { restoreChunks, restoreRecords, restoreSnapshot, snapshotChunks, writeSnapshot } from './wasm-snapshot';
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
	TxnRequest,
	TxnResponse,
	WriteResult
} from './types';

export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView;

export class WasmEngine implements MvccEngine, TxnHost {
	private broken: Error | undefined;

	private constructor(
		private readonly module: WebAssembly.Module,
		private exp: StoreExports
	) {}

	/** An empty engine from the compiled module or the .wasm bytes. */
	static async create(source: WasmSource): Promise<WasmEngine> {
		const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source as BufferSource);
		return new WasmEngine(module, await instantiate(module));
	}

	/** Synchronous variant (Node, workers; browsers refuse large sync compiles on the main thread). */
	static createSync(source: WasmSource): WasmEngine {
		const module = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source as BufferSource);
		return new WasmEngine(module, instantiateSync(module));
	}

	private get x(): StoreExports {
		if (this.broken) throw this.broken;
		return this.exp;
	}

	get revision(): number {
		return this.x.revision();
	}

	get compactRevision(): number {
		return Math.max(0, this.x.compactRevision());
	}

	/** etcd's compactMainRev: -1 before the first compaction. */
	get compactMain(): number {
		return this.x.compactRevision();
	}

	// — reads —

	range(req: RangeRequest): RangeResponse {
		if (req.key.length === 0) throw Errors.emptyKey();
		const current = this.revision;
		const rev = req.revision ?? 0;
		if (rev > current) throw Errors.futureRev();
		const at = rev > 0 ? rev : current;
		if (at < this.compactMain) throw Errors.compacted();
		return this.rangeOp(req, at, current);
	}

	/** @internal A range at a checked revision; the engine does filters and limit unless sorting. */
	rangeOp(req: RangeRequest, at: number, headerRev: number): RangeResponse {
		const x = this.x;
		writeInput(x, [req.key, req.rangeEnd ?? EMPTY]);
		if (needsSort(req) && !req.countOnly) {
			const p = readOutput(x, x.range(req.key.length, req.rangeEnd?.length ?? 0, at, 0, 0, 0, 0, 0, 0));
			p.u32();
			p.u32();
			return rangeAt(kvsOf(p, p.u32()), req, headerRev);
		}
		const flags = (req.countOnly ? RangeFlag.countOnly : 0) | (req.keysOnly ? RangeFlag.keysOnly : 0);
		const limit = (req.limit ?? 0) > 0 ? req.limit! : 0;
		const len = x.range(
			req.key.length,
			req.rangeEnd?.length ?? 0,
			at,
			limit,
			flags,
			req.minModRevision ?? 0,
			req.maxModRevision ?? 0,
			req.minCreateRevision ?? 0,
			req.maxCreateRevision ?? 0
		);
		const p = readOutput(x, len, !req.countOnly);
		const count = p.u32();
		const more = p.u32() === 1;
		return { header: { revision: headerRev }, kvs: kvsOf(p, p.u32()), more, count };
	}

	// — writes —

	put(req: PutRequest, leaseExists?: LeaseCheck): WriteResult<PutResponse> {
		checkPut(req);
		// A plain put looks the lease up before reading the key (etcd's applier Put).
		const lease = req.lease ?? 0;
		if (lease !== 0 && leaseExists && !leaseExists(lease)) throw Errors.leaseNotFound();
		return this.write((events) => this.putOp(req, events));
	}

	deleteRange(req: DeleteRangeRequest): WriteResult<DeleteRangeResponse> {
		if (req.key.length === 0) throw Errors.emptyKey();
		return this.write((events) => this.deleteOp(req, events));
	}

	txn(req: TxnRequest, leaseExists?: LeaseCheck): WriteResult<TxnResponse> {
		return this.guard(() => runTxn(this, req, leaseExists));
	}

	/** One write request: begin, the op, commit (or rollback if it throws). */
	private write<R>(op: (events: Event[]) => R): WriteResult<R & { header: { revision: number } }> {
		return this.guard(() => {
			const events: Event[] = [];
			this.begin();
			let body: R;
			try {
				body = op(events);
			} catch (e) {
				if (e instanceof StoreError) this.rollback();
				throw e;
			}
			return { response: { ...body, header: { revision: this.commit() } }, events };
		});
	}

	/**
	 * A StoreError is a refused request. Anything else thrown while the engine was writing (a
	 * trap, out of memory) may have left it half-way: the instance is then unusable.
	 */
	private guard<T>(run: () => T): T {
		const x = this.x;
		try {
			return run();
		} catch (e) {
			if (!(e instanceof StoreError) && this.writing && x === this.exp) {
				this.broken = new Error(`store engine unusable: ${(e as Error).message}`, { cause: e });
			}
			throw e;
		} finally {
			this.writing = false;
		}
	}

	/** Whether a write is open in the engine (between begin and commit/rollback). */
	private writing = false;

	/** @internal */
	begin(): void {
		this.x.begin();
		this.writing = true;
	}

	/** @internal */
	commit(): number {
		const rev = this.x.commit();
		this.writing = false;
		return rev;
	}

	/** @internal Undoes the open write after a refused request (a StoreError). */
	rollback(): void {
		this.x.rollback();
		this.writing = false;
	}

	/** @internal */
	readRevision(): number {
		return this.x.readRevision();
	}

	/** @internal Put inside an open write; throws keyNotFound (nothing written) for ignore_*. */
	putOp(req: PutRequest, events: Event[]): Omit<PutResponse, 'header'> {
		const x = this.x;
		writeInput(x, [req.key, req.value]);
		const flags = (req.ignoreValue ? PutFlag.ignoreValue : 0) | (req.ignoreLease ? PutFlag.ignoreLease : 0);
		const len = x.put(req.key.length, req.value.length, req.lease ?? 0, flags);
		if (len < 0) throw Errors.keyNotFound();
		// Copied out only when it holds a previous key-value that callers keep.
		let p = readOutput(x, len, false);
		const prev = p.u32() === 1 ? (p = readOutput(x, len)).kv(4) : undefined;
		const modRevision = x.readRevision();
		const [key, value] = copyPair(req.key, req.ignoreValue ? undefined : req.value);
		const kv: KeyValue = {
			key,
			createRevision: p.f64(),
			modRevision,
			version: p.f64(),
			value: value ?? prev!.value,
			lease: p.f64()
		};
		// A watcher's prev_kv is the state at revision - 1: none for a creation.
		events.push(prev && kv.createRevision !== modRevision ? { type: 'PUT', kv, prevKv: prev } : { type: 'PUT', kv });
		return req.prevKv && prev ? { prevKv: prev } : {};
	}

	/** @internal Delete inside an open write. */
	deleteOp(req: DeleteRangeRequest, events: Event[]): Omit<DeleteRangeResponse, 'header'> {
		const x = this.x;
		writeInput(x, [req.key, req.rangeEnd ?? EMPTY]);
		const p = readOutput(x, x.deleteRange(req.key.length, req.rangeEnd?.length ?? 0));
		const n = p.u32();
		const modRevision = x.readRevision();
		const victims: KeyValue[] = [];
		for (let i = 0; i < n; i++) {
			const tag = p.u32();
			const kv = p.kv();
			const before = tag === 0 ? kv : tag === 1 ? p.kv() : undefined;
			victims.push(kv);
			const ev: Event = { type: 'DELETE', kv: tombstone(kv.key, modRevision) };
			if (before) ev.prevKv = before;
			events.push(ev);
		}
		return { deleted: n, prevKvs: req.prevKv ? victims : [] };
	}

	/** @internal etcd's applyCompare, evaluated by the engine over the span. */
	holds(c: Compare): boolean {
		const x = this.x;
		const value = c.target === 'VALUE' ? (c.value ?? EMPTY) : EMPTY;
		writeInput(x, [c.key, c.rangeEnd ?? EMPTY, value]);
		const operand =
			c.target === 'VERSION' ? c.version : c.target === 'CREATE' ? c.createRevision : c.target === 'MOD' ? c.modRevision : c.target === 'LEASE' ? c.lease : 0;
		const kl = c.key.length;
		return x.compare(kl, c.rangeEnd?.length ?? 0, CompareTarget[c.target], CompareResult[c.result], operand ?? 0, value.length) === 1;
	}

	/** @internal Whether the key is live now. */
	exists(key: Uint8Array): boolean {
		const x = this.x;
		writeInput(x, [key]);
		return x.exists(key.length) === 1;
	}

	compact(revision: number): CompactionResponse {
		if (revision <= this.compactMain) throw Errors.compacted();
		if (revision > this.revision) throw Errors.futureRev();
		this.epoch++;
		this.guard(() => {
			this.writing = true;
			this.x.compact(revision);
		});
		return { header: { revision: this.revision } };
	}

	// — history —

	eventsSince(fromRevision: number, key: Uint8Array, rangeEnd: Uint8Array | undefined): Event[] {
		if (fromRevision > 0 && fromRevision < this.compactMain) throw Errors.compacted();
		const x = this.x;
		writeInput(x, [key, rangeEnd ?? EMPTY]);
		const p = readOutput(x, x.eventsSince(fromRevision, key.length, rangeEnd?.length ?? 0));
		x.trimBuffers();
		const found: Array<{ main: number; sub: number; ev: Event }> = [];
		for (let i = p.u32(); i > 0; i--) {
			const main = p.f64();
			const sub = p.u32();
			const type = p.u32() === 1 ? 'DELETE' : 'PUT';
			const ev: Event = { type, kv: p.kv() };
			if (p.u32() === 1) ev.prevKv = p.kv();
			found.push({ main, sub, ev });
		}
		return found.sort((a, b) => a.main - b.main || a.sub - b.sub).map((f) => f.ev);
	}

	keysOfLease(lease: number): Uint8Array[] {
		const x = this.x;
		const p = readOutput(x, x.keysOfLease(lease));
		const out: Uint8Array[] = [];
		for (let i = p.u32(); i > 0; i--) out.push(p.bytes(p.u32()));
		return out;
	}

	// — space —

	/** The arena's high-water mark: like etcd's db size, it shrinks only by `defragment()`. */
	sizeBytes(): number {
		return this.x.spanBytes();
	}

	/** Bytes in live blocks (like etcd's db size in use). */
	sizeInUseBytes(): number {
		return this.x.liveBytes();
	}

	/** Linear memory committed by the instance. */
	memoryBytes(): number {
		return this.x.memory.buffer.byteLength;
	}

	/** Keys with a record in the index (including deleted keys whose history is retained). */
	keyCount(): number {
		return this.x.keyCount();
	}

	snapshot(): Uint8Array {
		return writeSnapshot(this.x);
	}

	/** Bumped by whatever rewrites retained revisions (compaction, restore): it ends open snapshot cursors. */
	private epoch = 0;

	/** The snapshot at the current revision in ~1 MiB chunks, each made when asked for (wasm-snapshot.ts). */
	snapshotChunks(chunkBytes?: number): Iterator<Uint8Array> {
		const epoch = this.epoch;
		return snapshotChunks(() => {
			if (this.epoch !== epoch) throw new SnapshotInvalidated();
			return this.x;
		}, chunkBytes);
	}

	/** Loads a snapshot into a fresh instance; on a bad snapshot, throws and keeps the old state. */
	restore(snapshot: Uint8Array): void {
		this.replace(restoreSnapshot(snapshot, () => this.freshInstance()));
	}

	restoreChunks(chunks: Iterable<Uint8Array>): void {
		this.replace(restoreChunks(chunks, () => this.freshInstance()));
	}

	/** `restore` from a snapshot's header fields and its records in chunks (wasm-snapshot.ts `restoreRecords`). */
	restoreRecords(revision: number, compactMain: number, chunks: Iterable<Uint8Array>): void {
		this.replace(restoreRecords(revision, compactMain, chunks, () => this.freshInstance()));
	}

	private replace(exp: StoreExports): void {
		this.exp = exp;
		this.broken = undefined;
		this.epoch++;
	}

	/** Rebuilds the store in a fresh instance, giving back memory freed by compaction. */
	defragment(): void {
		this.restore(this.snapshot());
	}

	private freshInstance(): StoreExports {
		try {
			return instantiateSync(this.module);
		} catch {
			// Where synchronous instantiation is refused (a browser's main thread), reuse this
			// instance: a bad snapshot then leaves the engine empty instead of unchanged.
			this.exp.init();
			return this.exp;
		}
	}
}

function kvsOf(p: Packed, n: number): KeyValue[] {
	const kvs: KeyValue[] = new Array(n);
	for (let i = 0; i < n; i++) kvs[i] = p.kv();
	return kvs;
}

/** Copies of a key and a value in one allocation (each copy of a buffer costs an allocation). */
function copyPair(key: Uint8Array, value: Uint8Array | undefined): [Uint8Array, Uint8Array | undefined] {
	if (!value) return [key.slice(), undefined];
	const both = new Uint8Array(key.length + value.length);
	both.set(key);
	both.set(value, key.length);
	return [both.subarray(0, key.length), both.subarray(key.length)];
}

function tombstone(key: Uint8Array, rev: number): KeyValue {
	return { key, createRevision: 0, modRevision: rev, version: 0, value: EMPTY, lease: 0 };
}
