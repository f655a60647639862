/**
 * The replica's initial snapshot: every key version the store retains since its compaction
 * revision, in one binary body that decodes to the WASM engine's own snapshot for `restore`.
 *
 *   "CVTT" · u32 format (2) · f64 revision · f64 compactRevision · u32 n · n × (f64 rev, f64 ms)
 *   · f64 engine snapshot size · the engine snapshot (src/lib/store/wasm-snapshot.ts, "CVST"
 *   format 1) with each value coded against the key's previous version (history-codec.ts)
 *
 * The (rev, ms) pairs map revisions to room time: each pair says "from this revision on, the
 * room's clock read ms" (only changes are listed).
 *
 * The engine snapshot is built here from what any `Backend` can give (the keys live at the
 * compaction revision, then every event since), not copied from the embedded engine, so a room on
 * a real etcd gets a replica too. Its record layout (wasm/store/snapshot.ts) is:
 *   u32 size · u32 key length · u32 entries · key · per entry: f64 main · f64 create · f64 lease ·
 *   u32 version (0 = tombstone) · u32 sub · u32 value length · value
 *
 * @module
 */
import { compareBytes, toLatin1 } from '../store/bytes';
import type { Event, KeyValue } from '../store/types';
import { decodeEngineHistory, encodeEngineHistory, engineRecords, type EngineRecords } from './history-codec';

const MAGIC = 0x54545643; // "CVTT" little-endian
const FORMAT = 2;
const ENGINE_MAGIC = 0x54535643; // "CVST"
const ENGINE_FORMAT = 1;
const ENGINE_HEADER = 24;
const ENTRY = 36;

export interface RetainedHistory {
	/** The newest revision included. */
	revision: number;
	/** The store's compaction revision (0 = never compacted). */
	compactRevision: number;
	/** Live key-values at `compactRevision` (empty when never compacted). */
	base: KeyValue[];
	/** Every event of revisions (compactRevision, revision], in revision order. */
	events: Event[];
}

interface Entry {
	main: number;
	create: number;
	lease: number;
	version: number;
	sub: number;
	value: Uint8Array;
}

/** The engine snapshot of `h` (restorable with `WasmEngine.restore`). */
export function engineSnapshot(h: RetainedHistory): Uint8Array {
	const byKey = new Map<string, { key: Uint8Array; entries: Entry[] }>();
	const add = (key: Uint8Array, e: Entry) => {
		const k = toLatin1(key);
		let rec = byKey.get(k);
		if (!rec) byKey.set(k, (rec = { key, entries: [] }));
		rec.entries.push(e);
	};
	for (const kv of h.base) add(kv.key, { main: kv.modRevision, create: kv.createRevision, lease: kv.lease, version: kv.version, sub: 0, value: kv.value });
	let rev = -1;
	let sub = 0;
	for (const ev of h.events) {
		const kv = ev.kv;
		sub = kv.modRevision === rev ? sub + 1 : 0;
		rev = kv.modRevision;
		if (ev.type === 'DELETE') add(kv.key, { main: rev, create: 0, lease: 0, version: 0, sub, value: new Uint8Array(0) });
		else add(kv.key, { main: rev, create: kv.createRevision, lease: kv.lease, version: kv.version, sub, value: kv.value });
	}
	const records = [...byKey.values()].sort((a, b) => compareBytes(a.key, b.key));
	let total = ENGINE_HEADER;
	for (const r of records) {
		total += 12 + r.key.length;
		for (const e of r.entries) total += ENTRY + e.value.length;
	}
	const out = new Uint8Array(total);
	const dv = new DataView(out.buffer);
	dv.setUint32(0, ENGINE_MAGIC, true);
	dv.setUint32(4, ENGINE_FORMAT, true);
	dv.setFloat64(8, Math.max(1, h.revision), true);
	dv.setFloat64(16, h.compactRevision > 0 ? h.compactRevision : -1, true);
	let at = ENGINE_HEADER;
	for (const r of records) {
		let size = 8 + r.key.length;
		for (const e of r.entries) size += ENTRY + e.value.length;
		dv.setUint32(at, size, true);
		dv.setUint32(at + 4, r.key.length, true);
		dv.setUint32(at + 8, r.entries.length, true);
		out.set(r.key, at + 12);
		at += 12 + r.key.length;
		for (const e of r.entries) {
			dv.setFloat64(at, e.main, true);
			dv.setFloat64(at + 8, e.create, true);
			dv.setFloat64(at + 16, e.lease, true);
			dv.setUint32(at + 24, e.version, true);
			dv.setUint32(at + 28, e.sub, true);
			dv.setUint32(at + 32, e.value.length, true);
			out.set(e.value, at + ENTRY);
			at += ENTRY + e.value.length;
		}
	}
	return out;
}

export interface ReplicaSnapshot {
	revision: number;
	compactRevision: number;
	/** Change points of room time: [revision, ms] pairs in revision order. */
	times: Array<[number, number]>;
	/** The engine snapshot (CVST). */
	engine: Uint8Array;
}

/** The snapshot body sent to browsers. */
export function encodeReplicaSnapshot(s: ReplicaSnapshot): Uint8Array {
	const coded = encodeEngineHistory(s.engine);
	const head = 24 + 4 + s.times.length * 16 + 8;
	const out = new Uint8Array(head + coded.length);
	const dv = new DataView(out.buffer);
	dv.setUint32(0, MAGIC, true);
	dv.setUint32(4, FORMAT, true);
	dv.setFloat64(8, s.revision, true);
	dv.setFloat64(16, s.compactRevision, true);
	dv.setUint32(24, s.times.length, true);
	let at = 28;
	for (const [rev, ms] of s.times) {
		dv.setFloat64(at, rev, true);
		dv.setFloat64(at + 8, ms, true);
		at += 16;
	}
	dv.setFloat64(at, s.engine.length, true);
	out.set(coded, at + 8);
	return out;
}

/** A snapshot body's header and times, its engine history left coded (decoded as it is restored). */
export interface CodedReplicaSnapshot extends Omit<ReplicaSnapshot, 'engine'> {
	records: EngineRecords;
	/** The engine snapshot's size. */
	engineBytes: number;
	coded: Uint8Array;
}

export function readReplicaSnapshot(body: Uint8Array): CodedReplicaSnapshot {
	const bad = (why: string) => new Error(`time travel: bad snapshot (${why})`);
	if (body.length < 28) throw bad('too short');
	const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
	if (dv.getUint32(0, true) !== MAGIC) throw bad('not a replica snapshot');
	if (dv.getUint32(4, true) !== FORMAT) throw bad(`format ${dv.getUint32(4, true)}`);
	const n = dv.getUint32(24, true);
	if (28 + n * 16 + 8 > body.length) throw bad('truncated');
	const times: Array<[number, number]> = [];
	let at = 28;
	for (let i = 0; i < n; i++, at += 16) times.push([dv.getFloat64(at, true), dv.getFloat64(at + 8, true)]);
	const engineBytes = dv.getFloat64(at, true);
	const coded = body.subarray(at + 8);
	return { revision: dv.getFloat64(8, true), compactRevision: dv.getFloat64(16, true), times, engineBytes, coded, records: engineRecords(coded, engineBytes) };
}

/** The body with its engine snapshot decoded whole (tests, tools; the replica restores from `readReplicaSnapshot`). */
export function decodeReplicaSnapshot(body: Uint8Array): ReplicaSnapshot {
	const { records: _r, engineBytes, coded, ...s } = readReplicaSnapshot(body);
	return { ...s, engine: decodeEngineHistory(coded, engineBytes) };
}

/** The header of an engine snapshot: its revision and etcd's compactMainRev (-1 = never compacted). */
export function engineSnapshotHeader(engine: Uint8Array): { revision: number; compactMain: number } {
	const dv = new DataView(engine.buffer, engine.byteOffset, engine.byteLength);
	if (engine.length < ENGINE_HEADER || dv.getUint32(0, true) !== ENGINE_MAGIC) throw new Error('time travel: not an engine snapshot');
	return { revision: dv.getFloat64(8, true), compactMain: dv.getFloat64(16, true) };
}

/** Calls `fn` with every key version of an engine snapshot (main revision, version, value; version 0 = tombstone). */
export function forEachVersion(engine: Uint8Array, fn: (main: number, version: number, value: Uint8Array) => void): void {
	const dv = new DataView(engine.buffer, engine.byteOffset, engine.byteLength);
	let at = ENGINE_HEADER;
	while (at + 12 <= engine.length) {
		const size = dv.getUint32(at, true);
		const end = at + 4 + size;
		const count = dv.getUint32(at + 8, true);
		let p = at + 12 + dv.getUint32(at + 4, true);
		for (let i = 0; i < count && p + ENTRY <= end; i++) {
			const vl = dv.getUint32(p + 32, true);
			fn(dv.getFloat64(p, true), dv.getUint32(p + 24, true), engine.subarray(p + ENTRY, p + ENTRY + vl));
			p += ENTRY + vl;
		}
		at = end;
	}
}
