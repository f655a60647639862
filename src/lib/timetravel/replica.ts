/**
 * A read replica of a room's store: the same WASM engine as the server's (src/lib/store), loaded
 * from the server's snapshot (every key version since the compaction revision) and kept current
 * by the stream of new revisions, so reading the cluster at any retained revision is a local
 * range on the engine: no request, no replay.
 *
 * Revisions are applied as the server numbered them: each batch of events is one engine txn,
 * which takes the next revision. A batch that does not follow the replica's revision (a gap: a
 * store whose revisions are shared, like a real etcd's) raises `ReplicaGap`; the owner then
 * reloads a snapshot.
 *
 * Isomorphic: the caller gives it an engine (Node: wasm-engine-node, browser: wasm-engine-browser).
 *
 * @module
 */
import { fromUtf8, prefixEnd, utf8 } from '../store/bytes';
import type { KeyValue, RequestOp } from '../store/types';
import type { WasmEngine } from '../store/wasm-engine';
import { readReplicaSnapshot, type ReplicaSnapshot } from './snapshot';
import { RevisionTimes } from './times';

/** One event of the stream (keys and values as bytes). */
export interface StreamEvent {
	type: 'PUT' | 'DELETE';
	key: Uint8Array;
	value?: Uint8Array;
	lease?: number;
}

/** The events of one revision, with the room time it happened at when known. */
export interface RevisionBatch {
	revision: number;
	time?: number;
	events: StreamEvent[];
}

export class ReplicaGap extends Error {
	constructor(
		readonly have: number,
		readonly got: number
	) {
		super(`time travel: the replica is at revision ${have} and received revision ${got}`);
		this.name = 'ReplicaGap';
	}
}

/** One version of a key in its history: the key-value, or undefined for a deletion. */
export interface KeyVersion {
	revision: number;
	kv: KeyValue | undefined;
}

export type ChangeType = 'created' | 'updated' | 'deleted' | 'transient';

/** How a key changed between two revisions. */
export interface KeyChange {
	key: string;
	type: ChangeType;
	/** State at the earlier revision (absent: the key did not exist). */
	before?: KeyValue;
	/** State at the later revision. */
	after?: KeyValue;
	/** Revisions in the window that wrote the key. */
	revisions: number[];
}

const ALL = new Uint8Array([0]);

export class Replica {
	times = new RevisionTimes();
	private compacted = 0;
	private listeners = new Set<(batch: RevisionBatch | undefined) => void>();

	constructor(readonly engine: WasmEngine) {}

	/** Replaces the whole state with a snapshot (the body the server sent, decoded as it is restored; or decoded). */
	load(snapshot: Uint8Array | ReplicaSnapshot): void {
		let s: Omit<ReplicaSnapshot, 'engine'>;
		if (snapshot instanceof Uint8Array) {
			const coded = readReplicaSnapshot(snapshot);
			this.engine.restoreRecords(coded.records.revision, coded.records.compactMain, coded.records.chunks());
			s = coded;
		} else {
			this.engine.restore(snapshot.engine);
			s = snapshot;
		}
		this.compacted = s.compactRevision;
		this.times = new RevisionTimes(s.times);
		this.emit(undefined);
	}

	get revision(): number {
		return this.engine.revision;
	}

	/** The store's compaction revision (0 = never compacted). */
	get compactRevision(): number {
		return this.compacted;
	}

	/** The oldest revision that can be read. */
	get firstRevision(): number {
		return Math.max(1, this.compacted);
	}

	/** Calls `fn` after each applied revision (and with undefined after a load or compaction). */
	onChange(fn: (batch: RevisionBatch | undefined) => void): () => void {
		this.listeners.add(fn);
		return () => this.listeners.delete(fn);
	}

	/** Applies the next revision; a revision already held is ignored. */
	apply(batch: RevisionBatch): void {
		const have = this.engine.revision;
		if (batch.revision <= have) return;
		if (batch.revision !== have + 1 || batch.events.length === 0) throw new ReplicaGap(have, batch.revision);
		const success: RequestOp[] = batch.events.map((e) =>
			e.type === 'PUT' ? { requestPut: { key: e.key, value: e.value ?? new Uint8Array(0), lease: e.lease ?? 0 } } : { requestDeleteRange: { key: e.key } }
		);
		this.engine.txn({ compare: [], success, failure: [] });
		if (batch.time !== undefined) this.times.add(batch.revision, batch.time);
		this.emit(batch);
	}

	/** Drops revisions before `revision`, as the server's store did. */
	compact(revision: number): void {
		if (revision <= this.compacted || revision > this.engine.revision) return;
		this.engine.compact(revision);
		this.compacted = revision;
		this.times.trimBefore(revision);
		this.emit(undefined);
	}

	/** Every key-value under `prefix` at `at` (0 = now), in key order. */
	range(prefix: string, at = 0): KeyValue[] {
		const key = utf8(prefix);
		return this.engine.range({ key, rangeEnd: prefixEnd(key), revision: this.at(at) }).kvs;
	}

	/** Only the keys under `prefix` at `at`, with their revisions (values left empty). */
	keys(prefix: string, at = 0): KeyValue[] {
		const key = utf8(prefix);
		return this.engine.range({ key, rangeEnd: prefixEnd(key), revision: this.at(at), keysOnly: true }).kvs;
	}

	get(key: string, at = 0): KeyValue | undefined {
		return this.engine.range({ key: utf8(key), revision: this.at(at) }).kvs[0];
	}

	/** Every retained version of `key`, oldest first (the state at the compaction revision first). */
	history(key: string): KeyVersion[] {
		const k = utf8(key);
		const out: KeyVersion[] = [];
		if (this.compacted > 0) {
			const base = this.engine.range({ key: k, revision: this.compacted }).kvs[0];
			if (base) out.push({ revision: base.modRevision, kv: base });
		}
		for (const e of this.engine.eventsSince(this.compacted + 1, k, undefined)) {
			out.push({ revision: e.kv.modRevision, kv: e.type === 'DELETE' ? undefined : e.kv });
		}
		return out;
	}

	/** Keys written in (from, to], with their state at both ends. */
	changes(from: number, to: number): KeyChange[] {
		from = this.at(from);
		to = this.at(to);
		if (to <= from) return [];
		const byKey = new Map<string, KeyChange>();
		for (const e of this.engine.eventsSince(from + 1, ALL, ALL)) {
			const rev = e.kv.modRevision;
			if (rev > to) continue;
			const key = fromUtf8(e.kv.key);
			let c = byKey.get(key);
			if (!c) byKey.set(key, (c = { key, type: 'updated', revisions: [] }));
			c.revisions.push(rev);
			c.after = e.type === 'DELETE' ? undefined : e.kv;
		}
		const out: KeyChange[] = [];
		for (const c of byKey.values()) {
			c.before = this.engine.range({ key: utf8(c.key), revision: from }).kvs[0];
			c.type = c.before ? (c.after ? 'updated' : 'deleted') : c.after ? 'created' : 'transient';
			if (!c.after) delete c.after;
			if (!c.before) delete c.before;
			out.push(c);
		}
		return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	}

	/** Bytes the engine holds (its arena) and the key count, for the Store view. */
	size(): { bytes: number; keys: number } {
		return { bytes: this.engine.sizeBytes(), keys: this.engine.keyCount() };
	}

	/** A revision clamped to the retained window (0 = now). */
	private at(rev: number): number {
		if (!rev) return this.engine.revision;
		return Math.min(this.engine.revision, Math.max(this.firstRevision, rev));
	}

	private emit(batch: RevisionBatch | undefined): void {
		for (const fn of this.listeners) fn(batch);
	}
}
