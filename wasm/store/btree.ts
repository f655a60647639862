/**
 * The key index: a B+tree of key records ordered by key bytes (etcd's treeIndex). Leaves are
 * linked for range scans; internal separators are record pointers (separator i = the smallest
 * key of child i + 1), so keys are stored once, in their records.
 *
 * Node (16-byte header): 0 u32 count · 4 u32 isLeaf · 8 u32 next leaf · 12 unused.
 * Leaf slots: F record pointers. Internal slots: F child pointers, then F - 1 separators.
 * Keys are never removed one by one: compaction rebuilds the tree from the surviving records
 * (`treeBuild`), which is O(n) like the compaction scan itself and needs no rebalancing code.
 */
import { alloc, free } from './arena';
import { compareBytes } from './bytes';
import { keyLen, keyPtr, newRecord } from './key-index';

const F: u32 = 32;
const N_COUNT: usize = 0;
const N_LEAF: usize = 4;
const N_NEXT: usize = 8;
const SLOTS: usize = 16;
const LEAF_SIZE: usize = SLOTS + <usize>F * 4;
const INNER_SIZE: usize = SLOTS + <usize>F * 8 - 4;
const SEPS: usize = SLOTS + <usize>F * 4;

/** Descent path of the last insert: (node, child index) per level, root first. */
const PATH: usize = memory.data(64 * 8);
/** Scratch for splitting a full internal node: F + 1 children and F separators. */
const TMP_C: usize = memory.data(<i32>(F + 1) * 4);
const TMP_S: usize = memory.data(<i32>(F + 1) * 4);

let root: usize = 0;
let records: u32 = 0;

function cnt(n: usize): u32 {
	return load<u32>(n + N_COUNT);
}
function setCnt(n: usize, c: u32): void {
	store<u32>(n + N_COUNT, c);
}
function isLeaf(n: usize): bool {
	return load<u32>(n + N_LEAF) != 0;
}
function slot(n: usize, i: u32): usize {
	return <usize>load<u32>(n + SLOTS + (<usize>i << 2));
}
function setSlot(n: usize, i: u32, v: usize): void {
	store<u32>(n + SLOTS + (<usize>i << 2), <u32>v);
}
function sep(n: usize, i: u32): usize {
	return <usize>load<u32>(n + SEPS + (<usize>i << 2));
}
function setSep(n: usize, i: u32, v: usize): void {
	store<u32>(n + SEPS + (<usize>i << 2), <u32>v);
}

function newNode(leaf: bool): usize {
	const n = alloc(leaf ? LEAF_SIZE : INNER_SIZE);
	setCnt(n, 0);
	store<u32>(n + N_LEAF, leaf ? 1 : 0);
	store<u32>(n + N_NEXT, 0);
	return n;
}

function cmpRec(r: usize, kp: usize, kl: usize): i32 {
	return compareBytes(keyPtr(r), keyLen(r), kp, kl);
}

/** Number of separators ≤ key: the child to descend into. */
function childIndex(n: usize, kp: usize, kl: usize): u32 {
	let lo: u32 = 0;
	let hi: u32 = cnt(n) - 1;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (cmpRec(sep(n, mid), kp, kl) <= 0) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** First slot whose key is ≥ key. */
function leafLowerBound(n: usize, kp: usize, kl: usize): u32 {
	let lo: u32 = 0;
	let hi: u32 = cnt(n);
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (cmpRec(slot(n, mid), kp, kl) < 0) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** Descends to the leaf that would hold key, recording the path; returns the leaf. */
function descend(kp: usize, kl: usize): usize {
	let n = root;
	let depth: usize = 0;
	while (!isLeaf(n)) {
		const i = childIndex(n, kp, kl);
		store<u32>(PATH + depth * 8, <u32>n);
		store<u32>(PATH + depth * 8 + 4, i);
		depth++;
		n = slot(n, i);
	}
	pathDepth = <i32>depth;
	return n;
}
let pathDepth: i32 = 0;

export function treeInit(): void {
	root = newNode(true);
	records = 0;
}

export function treeRecords(): u32 {
	return records;
}

/** The record of key, or 0. */
export function treeFind(kp: usize, kl: usize): usize {
	const leaf = descend(kp, kl);
	const i = leafLowerBound(leaf, kp, kl);
	if (i < cnt(leaf) && cmpRec(slot(leaf, i), kp, kl) == 0) return slot(leaf, i);
	return 0;
}

/** The record of key, created (with no revisions) when absent. */
export function treeInsert(kp: usize, kl: usize): usize {
	const leaf = descend(kp, kl);
	const pos = leafLowerBound(leaf, kp, kl);
	const n = cnt(leaf);
	if (pos < n && cmpRec(slot(leaf, pos), kp, kl) == 0) return slot(leaf, pos);
	const rec = newRecord(kp, kl);
	records++;
	if (n < F) {
		leafInsertAt(leaf, pos, rec);
		return rec;
	}
	splitLeaf(leaf, pos, rec);
	return rec;
}

function leafInsertAt(n: usize, pos: u32, rec: usize): void {
	const c = cnt(n);
	const at = n + SLOTS + (<usize>pos << 2);
	memory.copy(at + 4, at, <usize>(c - pos) << 2);
	store<u32>(at, <u32>rec);
	setCnt(n, c + 1);
}

/** Splits a full leaf while inserting rec at pos: left keeps 16 slots, right gets 17. */
function splitLeaf(left: usize, pos: u32, rec: usize): void {
	const right = newNode(true);
	const leftN = (F + 1) >> 1;
	const from = pos < leftN ? leftN - 1 : leftN;
	memory.copy(right + SLOTS, left + SLOTS + (<usize>from << 2), <usize>(F - from) << 2);
	setCnt(right, F - from);
	setCnt(left, from);
	if (pos < leftN) leafInsertAt(left, pos, rec);
	else leafInsertAt(right, pos - leftN, rec);
	store<u32>(right + N_NEXT, load<u32>(left + N_NEXT));
	store<u32>(left + N_NEXT, <u32>right);
	insertIntoParent(pathDepth - 1, left, slot(right, 0), right);
}

/** Adds `right` (smallest key `sepRec`) after `left`, the child at PATH[level]. */
function insertIntoParent(level: i32, left: usize, sepRec: usize, right: usize): void {
	if (level < 0) {
		const r = newNode(false);
		setSlot(r, 0, left);
		setSlot(r, 1, right);
		setSep(r, 0, sepRec);
		setCnt(r, 2);
		root = r;
		return;
	}
	const p = <usize>load<u32>(PATH + <usize>level * 8);
	const i = load<u32>(PATH + <usize>level * 8 + 4);
	const c = cnt(p);
	if (c < F) {
		innerInsertAt(p, i + 1, sepRec, right);
		return;
	}
	splitInner(level, p, i, sepRec, right);
}

function innerInsertAt(n: usize, ci: u32, sepRec: usize, child: usize): void {
	const c = cnt(n);
	const cAt = n + SLOTS + (<usize>ci << 2);
	memory.copy(cAt + 4, cAt, <usize>(c - ci) << 2);
	store<u32>(cAt, <u32>child);
	const sAt = n + SEPS + (<usize>(ci - 1) << 2);
	memory.copy(sAt + 4, sAt, <usize>(c - ci) << 2);
	store<u32>(sAt, <u32>sepRec);
	setCnt(n, c + 1);
}

function splitInner(level: i32, p: usize, i: u32, sepRec: usize, right: usize): void {
	// Lay out the F + 1 children and F separators, then cut in two and promote the middle one.
	memory.copy(TMP_C, p + SLOTS, <usize>F << 2);
	memory.copy(TMP_S, p + SEPS, <usize>(F - 1) << 2);
	const ci = i + 1;
	memory.copy(TMP_C + (<usize>(ci + 1) << 2), TMP_C + (<usize>ci << 2), <usize>(F - ci) << 2);
	store<u32>(TMP_C + (<usize>ci << 2), <u32>right);
	memory.copy(TMP_S + (<usize>ci << 2), TMP_S + (<usize>(ci - 1) << 2), <usize>(F - ci) << 2);
	store<u32>(TMP_S + (<usize>(ci - 1) << 2), <u32>sepRec);
	const leftN = (F + 1) >> 1;
	const q = newNode(false);
	memory.copy(p + SLOTS, TMP_C, <usize>leftN << 2);
	memory.copy(p + SEPS, TMP_S, <usize>(leftN - 1) << 2);
	setCnt(p, leftN);
	const promoted = <usize>load<u32>(TMP_S + (<usize>(leftN - 1) << 2));
	memory.copy(q + SLOTS, TMP_C + (<usize>leftN << 2), <usize>(F + 1 - leftN) << 2);
	memory.copy(q + SEPS, TMP_S + (<usize>leftN << 2), <usize>(F - leftN) << 2);
	setCnt(q, F + 1 - leftN);
	insertIntoParent(level - 1, p, promoted, q);
}

// — iteration: an iterator is 8 bytes of memory (leaf, index) —

/** Positions `it` at the first key ≥ key. */
export function iterSeek(it: usize, kp: usize, kl: usize): void {
	const leaf = descend(kp, kl);
	store<u32>(it, <u32>leaf);
	store<u32>(it + 4, leafLowerBound(leaf, kp, kl));
}

export function iterFirst(it: usize): void {
	let n = root;
	while (!isLeaf(n)) n = slot(n, 0);
	store<u32>(it, <u32>n);
	store<u32>(it + 4, 0);
}

/** The record at `it` (0 at the end), without moving. */
export function iterPeek(it: usize): usize {
	let leaf = <usize>load<u32>(it);
	let i = load<u32>(it + 4);
	while (leaf != 0 && i >= cnt(leaf)) {
		leaf = <usize>load<u32>(leaf + N_NEXT);
		i = 0;
	}
	store<u32>(it, <u32>leaf);
	store<u32>(it + 4, i);
	return leaf == 0 ? 0 : slot(leaf, i);
}

/** The record at `it` (0 at the end), then moves past it. */
export function iterNext(it: usize): usize {
	const r = iterPeek(it);
	if (r != 0) store<u32>(it + 4, load<u32>(it + 4) + 1);
	return r;
}

// — bulk rebuild —

function freeNodes(n: usize): void {
	if (isLeaf(n)) {
		free(n, LEAF_SIZE);
		return;
	}
	const c = cnt(n);
	for (let i: u32 = 0; i < c; i++) freeNodes(slot(n, i));
	free(n, INNER_SIZE);
}

/** Replaces the tree with full nodes over `recs` (n record pointers in key order). */
export function treeBuild(recs: usize, n: u32): void {
	freeNodes(root);
	records = n;
	const leaves = max<u32>(1, (n + F - 1) / F);
	// Level arrays: node pointer and smallest record of each node; rewritten in place per level.
	const nodes = alloc(<usize>leaves * 4);
	const mins = alloc(<usize>leaves * 4);
	let prev: usize = 0;
	for (let l: u32 = 0; l < leaves; l++) {
		const leaf = newNode(true);
		const from = l * F;
		const c = min<u32>(F, n - from);
		memory.copy(leaf + SLOTS, recs + (<usize>from << 2), <usize>c << 2);
		setCnt(leaf, c);
		if (prev != 0) store<u32>(prev + N_NEXT, <u32>leaf);
		prev = leaf;
		store<u32>(nodes + (<usize>l << 2), <u32>leaf);
		store<u32>(mins + (<usize>l << 2), c > 0 ? load<u32>(recs + (<usize>from << 2)) : 0);
	}
	let level = leaves;
	while (level > 1) level = buildLevel(nodes, mins, level);
	root = <usize>load<u32>(nodes);
	free(nodes, <usize>leaves * 4);
	free(mins, <usize>leaves * 4);
}

function buildLevel(nodes: usize, mins: usize, count: u32): u32 {
	const parents = (count + F - 1) / F;
	for (let p: u32 = 0; p < parents; p++) {
		const inner = newNode(false);
		const from = p * F;
		const c = min<u32>(F, count - from);
		for (let j: u32 = 0; j < c; j++) {
			setSlot(inner, j, <usize>load<u32>(nodes + (<usize>(from + j) << 2)));
			if (j > 0) setSep(inner, j - 1, <usize>load<u32>(mins + (<usize>(from + j) << 2)));
		}
		setCnt(inner, c);
		const first = load<u32>(mins + (<usize>from << 2));
		store<u32>(nodes + (<usize>p << 2), <u32>inner);
		store<u32>(mins + (<usize>p << 2), first);
	}
	return parents;
}
