/**
 * Snapshot and restore of every retained revision, in key order, as length-prefixed records so
 * the host can move them in chunks of about 1 MiB (no buffer the size of the store ever lives in
 * linear memory, and a snapshot can be spread over many host turns while writes go on):
 *   u32 payload size · u32 key length · u32 entry count · key bytes ·
 *   per entry: f64 main · f64 create · f64 lease · u32 version · u32 sub · u32 value length · value
 * The host adds the header (revision, compact revision). Restore runs on a fresh instance, so a
 * bad snapshot is detected before it replaces anything.
 */
import { alloc, arenaReset, free } from './arena';
import { iterFirst, iterNext, iterPeek, iterSeek, treeBuild, treeInit } from './btree';
import { compareBytes } from './bytes';
import { inPtr, ioInit, outBytes, outF64, outLen, outReset, outU32 } from './io';
import {
	E_CREATE, E_LEASE, E_MAIN, E_SUB, E_VER, E_VLEN, E_VPTR,
	appendEntry, entry, findAt, keyLen, keyPtr, mainOf, newRecord, resize
} from './key-index';
import { kvReset } from './kv';

const IT: usize = memory.data(8);
const ENTRY: usize = 36;

/** An empty store at `rev` (compact revision `compacted`): the start of `init` and restore. */
export function restoreBegin(rev: f64, compacted: f64): void {
	arenaReset();
	ioInit();
	treeInit();
	kvReset(<i64>rev, <i64>compacted);
	keysCap = 1024;
	keys = alloc(<usize>keysCap * 4);
	keysN = 0;
	last = 0;
}

let keys: usize = 0;
let keysCap: u32 = 0;
let keysN: u32 = 0;
let last: usize = 0;

/** Bytes of a record holding the first `c` entries of `r`. */
function recordSize(r: usize, c: u32): usize {
	let size: usize = 8 + keyLen(r);
	for (let i: u32 = 0; i < c; i++) size += ENTRY + <usize>load<u32>(entry(r, i) + E_VLEN);
	return size;
}

/**
 * Packs the records of the keys after the input buffer's key (from the first key when `after`
 * is 0) as of revision `at`: each key's entries with main ≤ at, keys with none left out. At
 * least one record, up to about `maxBytes`; returns 0 when no key is left.
 *
 * Nothing is kept between calls (the host passes the last key back), so writes may run between
 * two calls: they only add entries after `at` (ignored here) and keys (found by the next seek).
 * Compaction and restore do change what is ≤ at: the host abandons a snapshot they overlap.
 */
export function snapChunk(kl: u32, after: u32, at: f64, maxBytes: u32): u32 {
	const rev = <i64>at;
	outReset();
	if (after != 0) {
		const kp = inPtr();
		iterSeek(IT, kp, <usize>kl);
		const r = iterPeek(IT);
		if (r != 0 && compareBytes(keyPtr(r), keyLen(r), kp, <usize>kl) == 0) iterNext(IT);
	} else iterFirst(IT);
	for (let r = iterPeek(IT); r != 0; r = iterPeek(IT)) {
		const c = <u32>(findAt(r, rev) + 1);
		if (c == 0) {
			iterNext(IT);
			continue;
		}
		const size = recordSize(r, c);
		if (outLen() > 0 && outLen() + 4 + size > <usize>maxBytes) break;
		outU32(<u32>size);
		outU32(<u32>keyLen(r));
		outU32(c);
		outBytes(keyPtr(r), keyLen(r));
		for (let i: u32 = 0; i < c; i++) {
			const e = entry(r, i);
			outF64(<f64>mainOf(e));
			outF64(<f64>load<i64>(e + E_CREATE));
			outF64(<f64>load<i64>(e + E_LEASE));
			outU32(load<u32>(e + E_VER));
			outU32(load<u32>(e + E_SUB));
			outU32(load<u32>(e + E_VLEN));
			outBytes(<usize>load<u32>(e + E_VPTR), <usize>load<u32>(e + E_VLEN));
		}
		iterNext(IT);
	}
	return <u32>outLen();
}

/** Whether a record's sizes are consistent (checked before anything is allocated). */
function wellFormed(p: usize, size: usize): bool {
	if (size < 8) return false;
	const kl = <usize>load<u32>(p);
	const c = load<u32>(p + 4);
	if (kl == 0 || c == 0 || <usize>8 + kl > size) return false;
	if (last != 0 && compareBytes(keyPtr(last), keyLen(last), p + 8, kl) >= 0) return false;
	let off: usize = 8 + kl;
	for (let i: u32 = 0; i < c; i++) {
		if (off + ENTRY > size) return false;
		off += ENTRY + <usize>load<u32>(p + off + 32);
	}
	return off == size;
}

function readRecord(p: usize): void {
	const kl = <usize>load<u32>(p);
	const c = load<u32>(p + 4);
	const r = newRecord(p + 8, kl);
	resize(r, c);
	let off: usize = 8 + kl;
	for (let i: u32 = 0; i < c; i++) {
		const q = p + off;
		const vl = <usize>load<u32>(q + 32);
		const v = alloc(vl);
		memory.copy(v, q + ENTRY, vl);
		const e = appendEntry(r);
		store<i64>(e + E_MAIN, <i64>load<f64>(q));
		store<i64>(e + E_CREATE, <i64>load<f64>(q + 8));
		store<i64>(e + E_LEASE, <i64>load<f64>(q + 16));
		store<u32>(e + E_VER, load<u32>(q + 24));
		store<u32>(e + E_SUB, load<u32>(q + 28));
		store<u32>(e + E_VPTR, <u32>v);
		store<u32>(e + E_VLEN, <u32>vl);
		off += ENTRY + vl;
	}
	if (keysN == keysCap) {
		const grown = alloc(<usize>keysCap * 8);
		memory.copy(grown, keys, <usize>keysCap * 4);
		free(keys, <usize>keysCap * 4);
		keys = grown;
		keysCap *= 2;
	}
	store<u32>(keys + (<usize>keysN << 2), <u32>r);
	keysN++;
	last = r;
}

/** Reads whole records from the input buffer. Returns 0, or 1 when malformed or out of order. */
export function restoreChunk(len: u32): i32 {
	const p = inPtr();
	const end = <usize>len;
	let off: usize = 0;
	while (off < end) {
		if (off + 4 > end) return 1;
		const size = <usize>load<u32>(p + off);
		off += 4;
		if (off + size > end || !wellFormed(p + off, size)) return 1;
		readRecord(p + off);
		off += size;
	}
	return 0;
}

export function restoreEnd(): void {
	treeBuild(keys, keysN);
	free(keys, <usize>keysCap * 4);
	keys = 0;
	keysN = 0;
}
