/**
 * The engine's allocator over raw linear memory. Built with `--runtime stub` and no `new`
 * anywhere, so nothing else allocates: the arena owns everything from `__heap_base` up.
 *
 * Blocks carry no header: every caller knows the size it allocated (a value's length, a key
 * record's key length, a revision array's capacity) and passes it back to `free`. Sizes are
 * rounded to size classes (multiples of 8 up to 1 KiB, then 8 classes per power of two, so at
 * most 12.5% is lost to rounding); each class has a LIFO free list threaded through the freed
 * blocks. Freed blocks are reused by later allocations of the same class, which is how
 * compaction gives memory back to new writes. Linear memory itself never shrinks: only a fresh
 * instance (restore from a snapshot) returns committed pages to the host.
 */

const CLASSES: u32 = 300;
/** Heads of the free lists, one u32 per size class. */
const HEADS: usize = memory.data(<i32>CLASSES * 4);
/** Larger requests are a bug or an attack, never a store value (etcd caps requests at 1.5 MiB). */
const MAX_BLOCK: usize = 1 << 30;

let base: usize = 0;
let top: usize = 0;
let live: usize = 0;

/** Forgets every allocation: the arena starts empty at `__heap_base`. */
export function arenaReset(): void {
	base = (__heap_base + 15) & ~(<usize>15);
	top = base;
	live = 0;
	memory.fill(HEADS, 0, <usize>CLASSES * 4);
}

/** The size class of a request of `size` bytes (size ≥ 1). */
export function classOf(size: usize): u32 {
	if (size <= 1024) return <u32>((size + 7) >> 3);
	const p = <u32>(31 - clz<u32>(<u32>size - 1));
	const k = <u32>((size - 1) >> (p - 3));
	return 129 + (p - 10) * 8 + (k - 8);
}

/** The block size of a class: the capacity a request actually gets. */
export function classSize(c: u32): usize {
	if (c <= 128) return <usize>c << 3;
	const q = c - 129;
	const p = 10 + q / 8;
	const k = 8 + (q % 8);
	return <usize>(k + 1) << (p - 3);
}

/** The capacity `alloc(size)` gives: callers that grow buffers use all of it. */
export function roundUp(size: usize): usize {
	return classSize(classOf(size));
}

export function alloc(size: usize): usize {
	if (size == 0) return 0;
	if (size > MAX_BLOCK) abort("store: allocation too large");
	const c = classOf(size);
	const bytes = classSize(c);
	const head = HEADS + (<usize>c << 2);
	const p = <usize>load<u32>(head);
	live += bytes;
	if (p != 0) {
		store<u32>(head, load<u32>(p));
		return p;
	}
	const q = top;
	reserve(top + bytes);
	top += bytes;
	return q;
}

export function free(p: usize, size: usize): void {
	if (p == 0 || size == 0) return;
	const c = classOf(size);
	const head = HEADS + (<usize>c << 2);
	store<u32>(p, load<u32>(head));
	store<u32>(head, <u32>p);
	live -= classSize(c);
}

/**
 * Grows linear memory to cover `end`. Growth is by at least 1/8 of the current size (and 1 MiB)
 * so that a store growing key by key does not grow page by page, while committed memory stays
 * within ~12% of what is used (the research probe's 50% policy left a third unused).
 */
function reserve(end: usize): void {
	const have = <usize>memory.size() << 16;
	if (end <= have) return;
	const need = <i32>((end - have + 0xffff) >> 16);
	const want = max(need, max(memory.size() >> 3, 16));
	if (memory.grow(want) < 0 && memory.grow(need) < 0) abort("store: out of memory");
}

/** Bytes in live blocks (what the data occupies, rounding included). */
export function arenaLive(): usize {
	return live;
}

/** Bytes between the arena's start and its high-water mark (like a bbolt file's size). */
export function arenaSpan(): usize {
	return top - base;
}
