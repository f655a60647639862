/**
 * History reads for watchers and the lessor: events since a revision (watch catch-up from the
 * retained history, like etcd's watchable store reading its backend) and the keys of a lease.
 */
import { emitKv, emitTombstone } from './encode';
import { iterFirst, iterNext } from './btree';
import { inPtr, outBytes, outF64, outLen, outMark, outPatch, outReset, outU32 } from './io';
import { E_CREATE, E_LEASE, E_SUB, count, entry, findAt, isTomb, keyLen, keyPtr, liveAt, mainOf } from './key-index';
import { compactMain, curRev } from './kv';
import { spanNext, spanStart } from './span';

const IT: usize = memory.data(8);

/**
 * Out: u32 n, then per event: f64 main, u32 sub, u32 type (0 PUT, 1 DELETE), the key-value, u32
 * hasPrev, [prev key-value]. Events come key by key; the host orders them by (main, sub).
 * prev is what etcd's watch server attaches: the key's state at main - 1, none for a creation
 * and none when main - 1 is compacted.
 */
export function eventsSince(from: f64, keyLen_: u32, endLen: u32): u32 {
	const kp = inPtr();
	const start = <i64>from;
	outReset();
	const mN = outMark();
	let n: u32 = 0;
	spanStart(kp, keyLen_, kp + keyLen_, endLen);
	for (let r = spanNext(); r != 0; r = spanNext()) {
		const c = count(r);
		for (let i = <u32>(findAt(r, start - 1) + 1); i < c; i++) {
			emitEvent(r, entry(r, i));
			n++;
		}
	}
	outPatch(mN, n);
	return <u32>outLen();
}

function emitEvent(r: usize, e: usize): void {
	const main = mainOf(e);
	const tomb = isTomb(e);
	outF64(<f64>main);
	outU32(load<u32>(e + E_SUB));
	outU32(tomb ? 1 : 0);
	if (tomb) emitTombstone(r, main);
	else emitKv(r, e, true);
	let prev: usize = 0;
	const created = !tomb && load<i64>(e + E_CREATE) == main;
	if (!created && main - 1 >= compactMain) {
		const j = findAt(r, main - 1);
		if (j >= 0 && !isTomb(entry(r, <u32>j))) prev = entry(r, <u32>j);
	}
	outU32(prev != 0 ? 1 : 0);
	if (prev != 0) emitKv(r, prev, true);
}

/** Out: u32 n, then per key (in key order): u32 length, bytes. */
export function keysOfLease(lease: f64): u32 {
	const id = <i64>lease;
	outReset();
	const mN = outMark();
	let n: u32 = 0;
	iterFirst(IT);
	for (let r = iterNext(IT); r != 0; r = iterNext(IT)) {
		const e = liveAt(r, curRev);
		if (e == 0 || load<i64>(e + E_LEASE) != id) continue;
		outU32(<u32>keyLen(r));
		outBytes(keyPtr(r), keyLen(r));
		n++;
	}
	outPatch(mN, n);
	return <u32>outLen();
}
