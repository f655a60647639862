/**
 * Reads and writes at a revision (etcd's kvstore_txn.go). The host validates every request and
 * decides the path of a txn before calling `begin`; here only the mutation happens. All writes
 * between `begin` and `commit` share revision `pending` with increasing sub-revisions, and reads
 * in between see them (etcd's storeTxnWrite). `rollback` undoes them: AssemblyScript has no
 * exceptions, so a failing txn is undone explicitly, never half-applied.
 */
import { iterFirst, iterNext, treeFind, treeInsert } from './btree';
import { compareBytes } from './bytes';
import { emitKv } from './encode';
import { alloc } from './arena';
import { inPtr, outLen, outMark, outPatch, outReset, outF64, outU32 } from './io';
import {
	E_CREATE, E_LEASE, E_MAIN, E_SUB, E_VER, E_VLEN, E_VPTR,
	appendEntry, liveAt, mainOf, popFrom
} from './key-index';
import { spanNext, spanStart } from './span';

/** The current revision (etcd starts at 1). */
export let curRev: i64 = 1;
/** etcd's compactMainRev: -1 until the first compaction. */
export let compactMain: i64 = -1;
/** The revision the open txn writes at (0 outside a txn) and its next sub-revision. */
let pending: i64 = 0;
let sub: u32 = 0;

const IT: usize = memory.data(8);

export function kvReset(rev: i64, compacted: i64): void {
	curRev = rev;
	compactMain = compacted;
	pending = 0;
	sub = 0;
}

export function setCompactMain(rev: i64): void {
	compactMain = rev;
}

/** What a read sees now: inside a txn that wrote, its own revision. */
export function readRev(): i64 {
	return pending > 0 && sub > 0 ? pending : curRev;
}

// Range flags and compare enums (etcd's proto numbering).
const COUNT_ONLY: u32 = 1;
const KEYS_ONLY: u32 = 2;
const T_VERSION: u32 = 0;
const T_CREATE: u32 = 1;
const T_MOD: u32 = 2;
const T_VALUE: u32 = 3;
const R_EQUAL: u32 = 0;
const R_GREATER: u32 = 1;
const R_LESS: u32 = 2;

function passes(e: usize, minMod: f64, maxMod: f64, minCreate: f64, maxCreate: f64): bool {
	const m = <f64>mainOf(e);
	const c = <f64>load<i64>(e + E_CREATE);
	if (maxMod != 0 && m > maxMod) return false;
	if (minMod != 0 && m < minMod) return false;
	if (maxCreate != 0 && c > maxCreate) return false;
	if (minCreate != 0 && c < minCreate) return false;
	return true;
}

/**
 * Range at `at` (≤ 0: what a read sees now). Out: u32 count (live keys in the span), u32 more,
 * u32 n, then n key-values in key order, after the mod/create filters and the limit (0 = none).
 */
export function range(
	keyLen: u32, endLen: u32, at: f64, limit: f64, flags: u32,
	minMod: f64, maxMod: f64, minCreate: f64, maxCreate: f64
): u32 {
	const rev: i64 = at > 0 ? <i64>at : readRev();
	const lim = <u32>limit;
	outReset();
	const mCount = outMark();
	const mMore = outMark();
	const mN = outMark();
	const kp = inPtr();
	spanStart(kp, keyLen, kp + keyLen, endLen);
	let count: u32 = 0;
	let n: u32 = 0;
	let more: u32 = 0;
	for (let r = spanNext(); r != 0; r = spanNext()) {
		const e = liveAt(r, rev);
		if (e == 0) continue;
		count++;
		if ((flags & COUNT_ONLY) != 0 || !passes(e, minMod, maxMod, minCreate, maxCreate)) continue;
		if (lim != 0 && n >= lim) {
			more = 1;
			continue;
		}
		emitKv(r, e, (flags & KEYS_ONLY) == 0);
		n++;
	}
	outPatch(mCount, count);
	outPatch(mMore, more);
	outPatch(mN, n);
	return <u32>outLen();
}

function sign(x: f64): i32 {
	return x < 0 ? -1 : x > 0 ? 1 : 0;
}

function holds(cmp: i32, result: u32): bool {
	if (result == R_EQUAL) return cmp == 0;
	if (result == R_GREATER) return cmp > 0;
	if (result == R_LESS) return cmp < 0;
	return cmp != 0;
}

function compareEntry(e: usize, target: u32, operand: f64, vp: usize, vl: usize): i32 {
	if (target == T_VALUE) {
		return compareBytes(<usize>load<u32>(e + E_VPTR), <usize>load<u32>(e + E_VLEN), vp, vl);
	}
	let field: f64;
	if (target == T_VERSION) field = <f64>load<u32>(e + E_VER);
	else if (target == T_CREATE) field = <f64>load<i64>(e + E_CREATE);
	else if (target == T_MOD) field = <f64>mainOf(e);
	else field = <f64>load<i64>(e + E_LEASE);
	return sign(field - operand);
}

/**
 * etcd's applyCompare over the span: every live key must satisfy it; with none, VALUE fails and
 * the other targets compare a zero key-value. Input: key, range end, value operand.
 */
export function compare(keyLen: u32, endLen: u32, target: u32, result: u32, operand: f64, valLen: u32): u32 {
	const kp = inPtr();
	const vp = kp + keyLen + endLen;
	const rev = readRev();
	spanStart(kp, keyLen, kp + keyLen, endLen);
	let any = false;
	for (let r = spanNext(); r != 0; r = spanNext()) {
		const e = liveAt(r, rev);
		if (e == 0) continue;
		any = true;
		if (!holds(compareEntry(e, target, operand, vp, valLen), result)) return 0;
	}
	if (any) return 1;
	if (target == T_VALUE) return 0;
	return holds(sign(-operand), result) ? 1 : 0;
}

/** Whether the key in the input buffer is live now. */
export function exists(keyLen: u32): u32 {
	const r = treeFind(inPtr(), keyLen);
	return r != 0 && liveAt(r, readRev()) != 0 ? 1 : 0;
}

export function begin(): void {
	pending = curRev + 1;
	sub = 0;
}

/** Ends the txn: the revision advances only if something was written. Returns the revision. */
export function commit(): f64 {
	if (sub > 0) curRev = pending;
	pending = 0;
	sub = 0;
	return <f64>curRev;
}

/** Undoes the open txn's writes (rare: the host validates first, so a scan is fine). */
export function rollback(): void {
	if (sub > 0) {
		iterFirst(IT);
		for (let r = iterNext(IT); r != 0; r = iterNext(IT)) popFrom(r, pending);
	}
	pending = 0;
	sub = 0;
}

function copyOf(p: usize, n: usize): usize {
	const q = alloc(n);
	memory.copy(q, p, n);
	return q;
}

const IGNORE_VALUE: u32 = 1;
const IGNORE_LEASE: u32 = 2;

/**
 * Put inside the open txn. Input: key, value. Returns -1 (nothing changed) when ignore_value or
 * ignore_lease finds no key. Out: u32 hasPrev, [previous key-value], then the new version's
 * f64 create revision, f64 version, f64 lease (its mod revision is the txn's).
 */
export function put(keyLen: u32, valLen: u32, lease: f64, flags: u32): i32 {
	const kp = inPtr();
	const ignore = (flags & (IGNORE_VALUE | IGNORE_LEASE)) != 0;
	// One descent for a plain put (insert finds an existing key too); ignore_* must not create.
	let r = ignore ? treeFind(kp, keyLen) : treeInsert(kp, keyLen);
	const prev = r != 0 ? liveAt(r, readRev()) : 0;
	if (ignore && prev == 0) return -1;
	outReset();
	outU32(prev != 0 ? 1 : 0);
	let create = pending;
	let version: u32 = 1;
	let newLease = <i64>lease;
	let vp = kp + keyLen;
	let vl = <usize>valLen;
	if (prev != 0) {
		emitKv(r, prev, true);
		create = load<i64>(prev + E_CREATE);
		version = load<u32>(prev + E_VER) + 1;
		if ((flags & IGNORE_LEASE) != 0) newLease = load<i64>(prev + E_LEASE);
		if ((flags & IGNORE_VALUE) != 0) {
			vp = <usize>load<u32>(prev + E_VPTR);
			vl = <usize>load<u32>(prev + E_VLEN);
		}
	}
	const value = copyOf(vp, vl);
	const e = appendEntry(r);
	store<i64>(e + E_MAIN, pending);
	store<i64>(e + E_CREATE, create);
	store<i64>(e + E_LEASE, newLease);
	store<u32>(e + E_VPTR, <u32>value);
	store<u32>(e + E_VLEN, <u32>vl);
	store<u32>(e + E_VER, version);
	store<u32>(e + E_SUB, sub++);
	outF64(<f64>create);
	outF64(<f64>version);
	outF64(<f64>newLease);
	return <i32>outLen();
}

/**
 * Delete inside the open txn. Input: key, range end. Out: u32 n, then per deleted key: u32 tag,
 * its live key-value, and for tag 1 its state before the txn. The tag tells what a watcher's
 * prev_kv is (the state at revision - 1): 0 the same key-value, 1 the one that follows, 2 none
 * (the key was created by this txn, which etcd allows only through a "\0" delete).
 */
export function deleteRange(keyLen: u32, endLen: u32): u32 {
	const kp = inPtr();
	outReset();
	const mN = outMark();
	let n: u32 = 0;
	spanStart(kp, keyLen, kp + keyLen, endLen);
	for (let r = spanNext(); r != 0; r = spanNext()) {
		const e = liveAt(r, pending);
		if (e == 0) continue;
		const before = mainOf(e) == pending ? liveAt(r, curRev) : e;
		outU32(before == e ? 0 : before != 0 ? 1 : 2);
		emitKv(r, e, true);
		if (before != e && before != 0) emitKv(r, before, true);
		const t = appendEntry(r);
		store<i64>(t + E_MAIN, pending);
		store<i64>(t + E_CREATE, 0);
		store<i64>(t + E_LEASE, 0);
		store<u32>(t + E_VPTR, 0);
		store<u32>(t + E_VLEN, 0);
		store<u32>(t + E_VER, 0);
		store<u32>(t + E_SUB, sub++);
		n++;
	}
	outPatch(mN, n);
	return <u32>outLen();
}
