/**
 * The engine's ABI (see src/lib/store/wasm-abi.ts for the host side). Only i32 and f64 cross:
 * bytes go through the input buffer, results come back packed in the output buffer, revisions
 * and leases are f64 (exact below 2^53).
 */
import { arenaLive, arenaSpan } from './arena';
import { treeRecords } from './btree';
import { compactMain, curRev, readRev } from './kv';
import { restoreBegin, restoreEnd } from './snapshot';

export { inReserve, outPtr, trimBuffers } from './io';
export { begin, commit, compare, deleteRange, exists, put, range, rollback } from './kv';
export { compact } from './compact';
export { eventsSince, keysOfLease } from './events';
export { restoreBegin, restoreChunk, restoreEnd, snapChunk } from './snapshot';

/** Starts (or wipes to) an empty store at revision 1. */
export function init(): void {
	restoreBegin(1, -1);
	restoreEnd();
}

export function revision(): f64 {
	return <f64>curRev;
}

/** etcd's compactMainRev (-1 before the first compaction). */
export function compactRevision(): f64 {
	return <f64>compactMain;
}

/** The revision a read sees now (inside a txn that wrote: the txn's). */
export function readRevision(): f64 {
	return <f64>readRev();
}

export function liveBytes(): f64 {
	return <f64>arenaLive();
}

export function spanBytes(): f64 {
	return <f64>arenaSpan();
}

export function keyCount(): f64 {
	return <f64>treeRecords();
}
