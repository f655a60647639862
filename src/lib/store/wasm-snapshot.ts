/**
 * The WASM engine's snapshot format and its transfer in ~1 MiB chunks (so no buffer as large
 * as the store is ever allocated inside linear memory):
 *
 *   header (24 bytes): "CVST" · u32 format version (1) · f64 revision · f64 compactMainRev
 *   then the engine's records (wasm/store/snapshot.ts), each a u32 payload size + payload.
 *
 * @module
 */
import { readOutput, writeInput, type StoreExports } from './wasm-abi';

const MAGIC = 0x54535643; // "CVST" little-endian
const FORMAT = 1;
const HEADER = 24;
const CHUNK = 1 << 20;

export function writeSnapshot(x: StoreExports): Uint8Array {
	const chunks: Uint8Array[] = [];
	let total = HEADER;
	x.snapBegin();
	for (let len = x.snapNext(CHUNK); len > 0; len = x.snapNext(CHUNK)) {
		const chunk = readOutput(x, len).buf;
		chunks.push(chunk);
		total += chunk.length;
	}
	x.trimBuffers();
	const out = new Uint8Array(total);
	const dv = new DataView(out.buffer);
	dv.setUint32(0, MAGIC, true);
	dv.setUint32(4, FORMAT, true);
	dv.setFloat64(8, x.revision(), true);
	dv.setFloat64(16, x.compactRevision(), true);
	let at = HEADER;
	for (const c of chunks) {
		out.set(c, at);
		at += c.length;
	}
	return out;
}

function corrupt(why: string): Error {
	return new Error(`store: bad snapshot (${why})`);
}

/** Restores into the instance `fresh()` gives; returns it once the whole snapshot loaded. */
export function restoreSnapshot(snapshot: Uint8Array, fresh: () => StoreExports): StoreExports {
	if (snapshot.length < HEADER) throw corrupt('too short');
	const dv = new DataView(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength);
	if (dv.getUint32(0, true) !== MAGIC) throw corrupt('not a WASM engine snapshot');
	if (dv.getUint32(4, true) !== FORMAT) throw corrupt(`format ${dv.getUint32(4, true)}`);
	const revision = dv.getFloat64(8, true);
	const compactMain = dv.getFloat64(16, true);
	if (!(revision >= 1) || !(compactMain >= -1 && compactMain <= revision)) throw corrupt('revisions');
	const x = fresh();
	x.restoreBegin(revision, compactMain);
	let start = HEADER;
	let at = HEADER;
	const flush = () => {
		if (at === start) return;
		writeInput(x, [snapshot.subarray(start, at)]);
		if (x.restoreChunk(at - start) !== 0) throw corrupt('records');
		start = at;
	};
	while (at < snapshot.length) {
		if (at + 4 > snapshot.length) throw corrupt('truncated');
		const size = dv.getUint32(at, true);
		if (at + 4 + size > snapshot.length) throw corrupt('truncated');
		if (at + 4 + size - start > CHUNK) flush();
		at += 4 + size;
	}
	flush();
	x.restoreEnd();
	x.trimBuffers();
	return x;
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
