/**
 * The WASM engine's snapshot format and its transfer in ~1 MiB chunks (so no buffer as large
 * as the store is ever allocated inside linear memory):
 *
 *   header (24 bytes): "CVST" · u32 format version (1) · f64 revision · f64 compactMainRev
 *   then the engine's records (wasm/store/snapshot.ts), each a u32 payload size + payload.
 *
 * A snapshot is read at a fixed revision by a cursor that keeps nothing inside the engine but
 * the last key it returned: between two chunks the host may run writes (they add revisions
 * after the cursor's, which it skips), so a large store is snapshotted over many event-loop
 * turns instead of in one stall. Compaction or a restore in between changes the revisions the
 * cursor is reading: the engine then refuses the cursor (`SnapshotInvalidated`).
 *
 * @module
 */
import { concatBytes, EMPTY } from './bytes';
import { readOutput, writeInput, type StoreExports } from './wasm-abi';

const MAGIC = 0x54535643; // "CVST" little-endian
const FORMAT = 1;
const HEADER = 24;
const CHUNK = 1 << 20;

/** The snapshot's first chunk: magic, format, revision, compact revision. */
function header(revision: number, compactMain: number): Uint8Array {
	const out = new Uint8Array(HEADER);
	const dv = new DataView(out.buffer);
	dv.setUint32(0, MAGIC, true);
	dv.setUint32(4, FORMAT, true);
	dv.setFloat64(8, revision, true);
	dv.setFloat64(16, compactMain, true);
	return out;
}

function readHeader(bytes: Uint8Array): { revision: number; compactMain: number } {
	if (bytes.length < HEADER) throw corrupt('too short');
	const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (dv.getUint32(0, true) !== MAGIC) throw corrupt('not a WASM engine snapshot');
	if (dv.getUint32(4, true) !== FORMAT) throw corrupt(`format ${dv.getUint32(4, true)}`);
	return { revision: dv.getFloat64(8, true), compactMain: dv.getFloat64(16, true) };
}

/**
 * The snapshot at the engine's current revision, in chunks: the header, then records of about
 * `chunkBytes` each. Concatenated, the chunks are exactly `writeSnapshot`'s bytes at that revision.
 */
export function snapshotChunks(x: () => StoreExports, chunkBytes = CHUNK): Iterator<Uint8Array> {
	// The revision is fixed now, not at the first `next()`.
	const at = x().revision();
	return chunksAt(x, at, header(at, x().compactRevision()), chunkBytes);
}

function* chunksAt(x: () => StoreExports, at: number, head: Uint8Array, chunkBytes: number): Generator<Uint8Array, void, void> {
	yield head;
	let after: Uint8Array | undefined;
	for (;;) {
		const exp = x();
		writeInput(exp, [after ?? EMPTY]);
		const len = exp.snapChunk(after?.length ?? 0, after ? 1 : 0, at, chunkBytes);
		if (len === 0) break;
		const chunk = readOutput(exp, len).buf;
		after = lastKey(chunk);
		yield chunk;
	}
	x().trimBuffers();
}

/** The key of a chunk's last record (a copy: the chunk goes to the caller). */
function lastKey(chunk: Uint8Array): Uint8Array {
	const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
	let at = 0;
	let last = 0;
	while (at < chunk.length) {
		last = at;
		at += 4 + dv.getUint32(at, true);
	}
	// A record: u32 payload size · u32 key length · u32 entry count · key · entries.
	return chunk.slice(last + 12, last + 12 + dv.getUint32(last + 4, true));
}

export function writeSnapshot(x: StoreExports): Uint8Array {
	const chunks: Uint8Array[] = [];
	const it = snapshotChunks(() => x);
	for (let c = it.next(); !c.done; c = it.next()) chunks.push(c.value);
	return concatBytes(chunks);
}

function corrupt(why: string): Error {
	return new Error(`store: bad snapshot (${why})`);
}

/** Restores into the instance `fresh()` gives; returns it once the whole snapshot loaded. */
export function restoreSnapshot(snapshot: Uint8Array, fresh: () => StoreExports): StoreExports {
	const { revision, compactMain } = readHeader(snapshot);
	return restoreRecords(revision, compactMain, wholeRecords(snapshot), fresh);
}

/** Chunks of whole records, up to about CHUNK bytes, from a snapshot's records. */
function* wholeRecords(snapshot: Uint8Array): Generator<Uint8Array, void, void> {
	const dv = new DataView(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength);
	let start = HEADER;
	let at = HEADER;
	while (at < snapshot.length) {
		if (at + 4 > snapshot.length) throw corrupt('truncated');
		const size = dv.getUint32(at, true);
		if (at + 4 + size > snapshot.length) throw corrupt('truncated');
		if (at + 4 + size - start > CHUNK && at > start) {
			yield snapshot.subarray(start, at);
			start = at;
		}
		at += 4 + size;
	}
	if (at > start) yield snapshot.subarray(start, at);
}

/** Restores from `snapshotChunks`' chunks (the header first), without joining them. */
export function restoreChunks(chunks: Iterable<Uint8Array>, fresh: () => StoreExports): StoreExports {
	const it = chunks[Symbol.iterator]();
	const first = it.next();
	if (first.done) throw corrupt('empty');
	const { revision, compactMain } = readHeader(first.value);
	const rest = first.value.subarray(HEADER);
	return restoreRecords(revision, compactMain, (function* () {
		if (rest.length > 0) yield rest;
		for (let r = it.next(); !r.done; r = it.next()) yield r.value;
	})(), fresh);
}

/**
 * Restores from the records alone, given in chunks of whole records (time travel decodes its
 * download into one reused buffer this way: no copy of the whole store is ever made).
 */
export function restoreRecords(revision: number, compactMain: number, chunks: Iterable<Uint8Array>, fresh: () => StoreExports): StoreExports {
	if (!(revision >= 1) || !(compactMain >= -1 && compactMain <= revision)) throw corrupt('revisions');
	const x = fresh();
	x.restoreBegin(revision, compactMain);
	for (const chunk of chunks) {
		writeInput(x, [chunk]);
		if (x.restoreChunk(chunk.length) !== 0) throw corrupt('records');
	}
	x.restoreEnd();
	x.trimBuffers();
	return x;
}
