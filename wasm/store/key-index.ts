/**
 * One key's record and its revision history (etcd's keyIndex, flattened).
 *
 * Record (16-byte header, then the key bytes):
 *   0 u32 key length · 4 u32 revision count · 8 u32 revision capacity · 12 u32 revisions pointer
 * Revision entry (40 bytes), in (main, sub) order:
 *   0 i64 main · 8 i64 create revision · 16 i64 lease · 24 u32 value pointer · 28 u32 value length
 *   32 u32 version (0 = tombstone) · 36 u32 sub
 *
 * etcd's generations are implicit: a generation is a run of puts ended by a tombstone, and each
 * put carries its generation's create revision and its version, so the state at any revision is
 * one binary search away and compaction can drop a prefix without losing them. Example: put@2,
 * put@3, delete@4, put@6 is [2 v1 c2][3 v2 c2][4 tomb][6 v1 c6]; the state at 5 is "absent", at
 * 3 it is v2 created at 2. Compacting at 5 keeps the latest entry ≤ 5 unless it is a tombstone,
 * so it leaves [6 v1 c6], exactly what etcd's keyIndex.compact keeps.
 *
 * A record may have no entries (a key created by a txn that was rolled back): it reads as absent
 * everywhere and the next compaction removes it.
 */
import { alloc, free } from './arena';

export const R_KLEN: usize = 0;
export const R_COUNT: usize = 4;
export const R_CAP: usize = 8;
export const R_REVS: usize = 12;
export const R_KEY: usize = 16;

export const E_MAIN: usize = 0;
export const E_CREATE: usize = 8;
export const E_LEASE: usize = 16;
export const E_VPTR: usize = 24;
export const E_VLEN: usize = 28;
export const E_VER: usize = 32;
export const E_SUB: usize = 36;
export const REV: usize = 40;

export function newRecord(keyPtr: usize, keyLen: usize): usize {
	const r = alloc(R_KEY + keyLen);
	store<u32>(r + R_KLEN, <u32>keyLen);
	store<u32>(r + R_COUNT, 0);
	store<u32>(r + R_CAP, 0);
	store<u32>(r + R_REVS, 0);
	memory.copy(r + R_KEY, keyPtr, keyLen);
	return r;
}

/** Frees the record, its revision array and every value it holds. */
export function freeRecord(r: usize): void {
	const n = count(r);
	for (let i: u32 = 0; i < n; i++) freeValue(entry(r, i));
	free(<usize>load<u32>(r + R_REVS), <usize>load<u32>(r + R_CAP) * REV);
	free(r, R_KEY + keyLen(r));
}

export function keyLen(r: usize): usize {
	return <usize>load<u32>(r + R_KLEN);
}

export function keyPtr(r: usize): usize {
	return r + R_KEY;
}

export function count(r: usize): u32 {
	return load<u32>(r + R_COUNT);
}

export function entry(r: usize, i: u32): usize {
	return <usize>load<u32>(r + R_REVS) + <usize>i * REV;
}

export function isTomb(e: usize): bool {
	return load<u32>(e + E_VER) == 0;
}

export function mainOf(e: usize): i64 {
	return load<i64>(e + E_MAIN);
}

/** Index of the last entry with main ≤ rev, or -1. */
export function findAt(r: usize, rev: i64): i32 {
	let lo: i32 = 0;
	let hi: i32 = <i32>count(r);
	const revs = <usize>load<u32>(r + R_REVS);
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (load<i64>(revs + <usize>mid * REV + E_MAIN) <= rev) lo = mid + 1;
		else hi = mid;
	}
	return lo - 1;
}

/** The entry holding the key's live state at `rev`, or 0 when absent (never put, or deleted). */
export function liveAt(r: usize, rev: i64): usize {
	const i = findAt(r, rev);
	if (i < 0) return 0;
	const e = entry(r, <u32>i);
	return isTomb(e) ? 0 : e;
}

/**
 * Appends an entry and returns it (fields left for the caller). May move the revision array:
 * entry pointers taken before are invalid afterwards.
 */
export function appendEntry(r: usize): usize {
	const n = count(r);
	const cap = load<u32>(r + R_CAP);
	if (n == cap) resize(r, cap == 0 ? 1 : cap * 2);
	store<u32>(r + R_COUNT, n + 1);
	return entry(r, n);
}

/** Sets the revision array's capacity (≥ count): exact-size arrays for restored histories. */
export function resize(r: usize, cap: u32): void {
	const old = <usize>load<u32>(r + R_REVS);
	const oldCap = <usize>load<u32>(r + R_CAP);
	const p = alloc(<usize>cap * REV);
	memory.copy(p, old, <usize>count(r) * REV);
	free(old, oldCap * REV);
	store<u32>(r + R_REVS, <u32>p);
	store<u32>(r + R_CAP, cap);
}

export function freeValue(e: usize): void {
	free(<usize>load<u32>(e + E_VPTR), <usize>load<u32>(e + E_VLEN));
}

/** Drops the trailing entries with main ≥ `main` (a rolled-back txn's writes). */
export function popFrom(r: usize, main: i64): void {
	let n = count(r);
	while (n > 0 && mainOf(entry(r, n - 1)) >= main) {
		freeValue(entry(r, n - 1));
		n--;
	}
	store<u32>(r + R_COUNT, n);
}

/**
 * Compacts the history at `rev`: drops every entry before the latest one ≤ rev, and that one
 * too when it is a tombstone. Returns the number of entries left.
 */
export function compactHistory(r: usize, rev: i64): u32 {
	const i = findAt(r, rev);
	if (i < 0) return count(r);
	const drop = <u32>i + (isTomb(entry(r, <u32>i)) ? 1 : 0);
	if (drop == 0) return count(r);
	for (let j: u32 = 0; j < drop; j++) freeValue(entry(r, j));
	const left = count(r) - drop;
	memory.copy(entry(r, 0), entry(r, drop), <usize>left * REV);
	store<u32>(r + R_COUNT, left);
	// Give back most of an array that long histories had grown.
	const cap = load<u32>(r + R_CAP);
	if (left > 0 && cap >= 8 && left * 4 <= cap) resize(r, max<u32>(2, left * 2));
	return left;
}
