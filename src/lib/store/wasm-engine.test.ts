/**
 * WASM engine specifics: the abort import, large stores (B+tree splits and rebuilds, results
 * and snapshots larger than one transfer chunk) checked against the model, memory reclaimed by
 * compaction, the memory goal, and snapshots that fail to restore.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWasm } from '../../../scripts/build-wasm';
import { prefixEnd, utf8 } from './bytes';
import { normalize } from './engine-diff.testkit';
import { StoreError } from './errors';
import { ModelEngine } from './model';
import type { MvccEngine } from './types';
import { instantiateSync } from './wasm-abi';
import { createWasmEngine, storeWasmModule } from './wasm-engine-node';

beforeAll(async () => {
	await buildWasm();
}, 180_000);

/** mulberry32: a small seeded PRNG, so a failing bulk run can be replayed. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

const ALL = new Uint8Array([0]);

describe('WasmEngine', () => {
	it('turns an engine abort into a JS Error carrying its message', () => {
		const x = instantiateSync(storeWasmModule());
		expect(() => x.inReserve(2 ** 31)).toThrow('store: allocation too large');
	});

	it('agrees with the model on a large store (splits, rebuilds, multi-chunk results)', () => {
		const seed = Number(process.env.STORE_SEED ?? (process.env.CI ? 20261125 : Math.floor(Math.random() * 2 ** 31)));
		console.log(`bulk seed: ${seed}`);
		const rnd = prng(seed);
		const int = (n: number) => Math.floor(rnd() * n);
		const bytes = (n: number) => Uint8Array.from({ length: n }, () => (rnd() < 0.2 ? [0, 0xff][int(2)] : int(256)));
		const keys = Array.from({ length: 3000 }, () => bytes(1 + int(40)));
		const model = new ModelEngine();
		const wasm = createWasmEngine();
		// Arguments are drawn before the call: both engines must get the same request.
		const outcome = (e: MvccEngine, f: (e: MvccEngine) => unknown) => {
			try {
				return normalize(f(e));
			} catch (err) {
				if (err instanceof StoreError) return { error: err.message };
				throw err;
			}
		};
		const both = (f: (e: MvccEngine) => unknown, what: string) => {
			expect(outcome(wasm, f), `${what} (seed ${seed})`).toEqual(outcome(model, f));
		};
		for (let i = 0; i < 6000; i++) {
			const k = keys[int(keys.length)];
			const r = rnd();
			const value = bytes(int(600));
			const prefix = prefixEnd(k.subarray(0, 1));
			const end = rnd() < 0.5 ? ALL : prefix;
			const limit = int(3) * 50;
			const from = Math.max(1, model.revision - int(50));
			const at = model.revision - int(200);
			if (r < 0.7) both((e) => e.put({ key: k, value, prevKv: true }), `put #${i}`);
			else if (r < 0.8) both((e) => e.deleteRange({ key: k, prevKv: true }), `delete #${i}`);
			else if (r < 0.82) both((e) => e.deleteRange({ key: k, rangeEnd: prefix }), `delete prefix #${i}`);
			else if (r < 0.95) both((e) => e.range({ key: k, rangeEnd: end, limit }), `range #${i}`);
			else if (r < 0.997) both((e) => e.eventsSince(from, k, prefix), `events #${i}`);
			else both((e) => e.compact(at), `compact #${i}`);
		}
		// Every key live with a large value: results and the snapshot span several 1 MiB chunks.
		for (const k of keys) {
			const value = bytes(500 + int(500));
			both((e) => e.put({ key: k, value }), 'fill');
		}
		both((e) => e.range({ key: ALL, rangeEnd: ALL }), 'final range');
		both((e) => e.eventsSince(model.compactRevision, ALL, ALL), 'all events');
		const snap = wasm.snapshot();
		expect(snap.length).toBeGreaterThan(1 << 20);
		const copy = createWasmEngine();
		copy.restore(snap);
		expect(normalize(copy.eventsSince(model.compactRevision, ALL, ALL))).toEqual(normalize(model.eventsSince(model.compactRevision, ALL, ALL)));
		expect(copy.revision).toBe(model.revision);
	}, 120_000);

	it('keeps returned key-values valid across later calls', () => {
		const e = createWasmEngine();
		e.put({ key: utf8('a'), value: utf8('first') });
		const kv = e.range({ key: utf8('a') }).kvs[0];
		for (let i = 0; i < 2000; i++) e.put({ key: utf8(`k${i}`), value: new Uint8Array(1000).fill(7) });
		expect(new TextDecoder().decode(kv.value)).toBe('first');
	});

	it('reclaims compacted revisions for new writes, and gives memory back on defragment', () => {
		const e = createWasmEngine();
		const value = new Uint8Array(1024).fill(1);
		const churn = (rounds: number) => {
			for (let round = 0; round < rounds; round++) for (let i = 0; i < 500; i++) e.put({ key: utf8(`key/${i}`), value });
		};
		churn(20);
		const before = e.sizeInUseBytes();
		e.compact(e.revision);
		const after = e.sizeInUseBytes();
		// 20 revisions per key down to 1.
		expect(after).toBeLessThan(before / 10);
		const span = e.sizeBytes();
		// Back to 20 revisions per key: the freed blocks are reused, the arena does not grow.
		churn(19);
		e.compact(e.revision);
		expect(e.sizeBytes()).toBeLessThanOrEqual(span);
		const committed = e.memoryBytes();
		e.defragment();
		expect(e.memoryBytes()).toBeLessThan(committed / 4);
		expect(e.range({ key: utf8('key/'), rangeEnd: prefixEnd(utf8('key/')), countOnly: true }).count).toBe(500);
	});

	it('stores 100,000 keys of 32 B with 256 B values in at most 2× their raw size', () => {
		const e = createWasmEngine();
		const value = new Uint8Array(256).fill(42);
		const key = new Uint8Array(32);
		const prefix = utf8('/registry/pods/default/pod-');
		key.set(prefix);
		for (let i = 0; i < 100_000; i++) {
			key.set(utf8(String(i).padStart(5, '0')), prefix.length);
			e.put({ key, value });
		}
		const raw = 100_000 * (32 + 256);
		expect(e.keyCount()).toBe(100_000);
		expect(e.memoryBytes()).toBeLessThanOrEqual(2 * raw);
	});

	it('becomes unusable after the engine fails mid-write, until a restore', () => {
		const e = createWasmEngine();
		e.put({ key: utf8('a'), value: utf8('1') });
		const snap = e.snapshot();
		// The exports object is frozen: swap in a copy whose put traps, as a bug would.
		const inner = e as unknown as { exp: Record<string, unknown> };
		inner.exp = {
			...inner.exp,
			put: () => {
				throw new WebAssembly.RuntimeError('memory access out of bounds');
			}
		};
		expect(() => e.put({ key: utf8('b'), value: utf8('2') })).toThrow('out of bounds');
		expect(() => e.range({ key: utf8('a') })).toThrow('store engine unusable: memory access out of bounds');
		// A refused request, by contrast, leaves the engine usable.
		const fresh = createWasmEngine();
		expect(() => fresh.put({ key: utf8('a'), value: utf8('x'), ignoreValue: true })).toThrow('value is provided');
		expect(fresh.range({ key: utf8('a') }).count).toBe(0);
		e.restore(snap);
		expect(e.range({ key: utf8('a') }).count).toBe(1);
	});

	it('refuses a damaged snapshot and keeps its state', () => {
		const e = createWasmEngine();
		e.put({ key: utf8('a'), value: utf8('1') });
		e.put({ key: utf8('b'), value: utf8('2') });
		const snap = e.snapshot();
		e.put({ key: utf8('c'), value: utf8('3') });
		const truncated = snap.subarray(0, snap.length - 3);
		expect(() => e.restore(truncated)).toThrow('bad snapshot');
		const reordered = snap.slice();
		reordered[24 + 12] = 'z'.charCodeAt(0); // first key "a" → "z", now after "b"
		expect(() => e.restore(reordered)).toThrow('bad snapshot');
		expect(() => e.restore(new ModelEngine().snapshot())).toThrow('bad snapshot');
		expect(e.revision).toBe(4);
		expect(e.range({ key: utf8('a'), rangeEnd: ALL }).count).toBe(3);
		e.restore(snap);
		expect([e.revision, e.range({ key: utf8('a'), rangeEnd: ALL }).count]).toEqual([3, 2]);
	});
});
