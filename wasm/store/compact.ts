/**
 * Compaction (etcd's kvstore_compaction.go + keyIndex.compact): every key keeps its latest
 * state at or before the compact revision, unless that state is a deletion, and everything
 * after it. Dropped values and revision entries go back to the arena's free lists, where new
 * writes reuse them; keys left with no history are freed and the B+tree is rebuilt from the
 * survivors. Committed linear memory does not shrink (it never can): a defragment, i.e. a
 * restore from a snapshot into a fresh instance, does that.
 */
import { alloc, free } from './arena';
import { iterFirst, iterNext, treeBuild, treeRecords } from './btree';
import { compactHistory, freeRecord } from './key-index';
import { setCompactMain } from './kv';

const IT: usize = memory.data(8);

/** The host has checked compactMain < rev ≤ current revision. */
export function compact(rev: f64): void {
	const at = <i64>rev;
	const total = treeRecords();
	const keep = alloc(<usize>max<u32>(total, 1) * 4);
	let kept: u32 = 0;
	iterFirst(IT);
	for (let r = iterNext(IT); r != 0; r = iterNext(IT)) {
		if (compactHistory(r, at) == 0) freeRecord(r);
		else {
			store<u32>(keep + (<usize>kept << 2), <u32>r);
			kept++;
		}
	}
	// Freed records are still referenced by the leaves: rebuild before anything reads the tree.
	if (kept != total) treeBuild(keep, kept);
	free(keep, <usize>max<u32>(total, 1) * 4);
	setCompactMain(at);
}
