/**
 * In-process figures of the store engine, no network: the WASM engine against the plain
 * TypeScript model (ModelEngine, the test oracle) in the same process.
 *
 * - put: 100,000 new keys of 32 bytes (`/registry/pods/nsNNN/` + 11 random characters: 100
 *   namespaces of 1,000 pods), in random order, with 256-byte random values;
 * - get: single-key ranges of random existing keys;
 * - range: the 1,000 keys of a random namespace (a prefix range, as kube-apiserver lists);
 * - memory for the 100,000 keys: committed linear memory (WASM) and heap + buffers (model),
 *   against the raw bytes stored (100,000 × 288 B); goal ≤ 2×.
 *
 * Each engine is warmed up on a throwaway instance first (V8 tiers code up while it runs).
 *
 * @module
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { buildWasm } from '../scripts/build-wasm';
import { prefixEnd } from '../src/lib/store/bytes';
import { ModelEngine } from '../src/lib/store/model';
import type { MvccEngine } from '../src/lib/store/types';
import { createWasmEngine } from '../src/lib/store/wasm-engine-node';
import { row, writeReport, type Row } from './lib/report';

const KEYS = 100_000;
const KEY_BYTES = 32;
const VALUE_BYTES = 256;
const RAW = KEYS * (KEY_BYTES + VALUE_BYTES);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** 100 namespaces × 1,000 pods: `/registry/pods/nsNNN/` + 11 random characters = 32 bytes. */
function randomKeys(n: number): Uint8Array[] {
	const enc = new TextEncoder();
	const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
	const seen = new Set<string>();
	const keys: Uint8Array[] = [];
	while (keys.length < n) {
		let s = `/registry/pods/${namespaceOf(keys.length)}/`;
		while (s.length < KEY_BYTES) s += alphabet[Math.floor(Math.random() * alphabet.length)];
		if (seen.has(s)) continue;
		seen.add(s);
		keys.push(enc.encode(s));
	}
	// Inserted in random order, as a cluster's objects arrive.
	for (let i = keys.length - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[keys[i], keys[j]] = [keys[j], keys[i]];
	}
	return keys;
}

const namespaceOf = (i: number) => `ns${String(Math.floor(i / 1000) % 100).padStart(3, '0')}`;

function randomValue(): Uint8Array {
	const v = new Uint8Array(VALUE_BYTES);
	for (let i = 0; i < v.length; i++) v[i] = (Math.random() * 256) | 0;
	return v;
}

/** Operations per second of `op`, run at least `minMs` (and at least `minOps` times). */
function rate(op: (i: number) => void, minMs = 1500, minOps = 50): number {
	let n = 0;
	const start = performance.now();
	let elapsed = 0;
	while (elapsed < minMs || n < minOps) {
		for (let j = 0; j < 10; j++) op(n++);
		elapsed = performance.now() - start;
	}
	return (n / elapsed) * 1000;
}

interface Figures {
	put: number;
	get: number;
	range: number;
	memory: number;
}

function measure(create: () => MvccEngine, memoryOf: (e: MvccEngine, heapBefore: number) => number): Figures {
	const keys = randomKeys(KEYS);
	const values = keys.map(randomValue);
	// Warm-up on a throwaway instance.
	const warm = create();
	for (let i = 0; i < 20_000; i++) warm.put({ key: keys[i], value: values[i] });
	for (let i = 0; i < 200; i++) warm.range({ key: keys[i], rangeEnd: prefixEnd(keys[i].subarray(0, 20)) });
	gc();
	const heapBefore = heapBytes();
	const e = create();
	const t0 = performance.now();
	for (let i = 0; i < KEYS; i++) e.put({ key: keys[i], value: values[i] });
	const put = (KEYS / (performance.now() - t0)) * 1000;
	const memory = memoryOf(e, heapBefore);
	const pick = () => keys[Math.floor(Math.random() * KEYS)];
	const get = rate(() => void e.range({ key: pick() }));
	const enc = new TextEncoder();
	const prefixes = Array.from({ length: 100 }, (_, i) => enc.encode(`/registry/pods/${namespaceOf(i * 1000)}/`));
	const range = rate(() => {
		const key = prefixes[Math.floor(Math.random() * prefixes.length)];
		if (e.range({ key, rangeEnd: prefixEnd(key) }).kvs.length !== 1000) throw new Error('expected 1,000 keys per namespace');
	});
	return { put, get, range, memory };
}

function heapBytes(): number {
	const m = process.memoryUsage();
	return m.heapUsed + m.arrayBuffers;
}

async function main(): Promise<void> {
	await buildWasm();
	console.log('measuring the WASM engine…');
	const wasm = measure(createWasmEngine, (e) => (e as ReturnType<typeof createWasmEngine>).memoryBytes());
	console.log('measuring the model…');
	const model = measure(
		() => new ModelEngine(),
		(_e, before) => {
			gc();
			return heapBytes() - before;
		}
	);
	const ref = 'ModelEngine (plain TypeScript, same process)';
	const rows: Row[] = [
		row({ metric: 'put, 100k new 32 B keys, 256 B values', unit: 'ops/s', ours: wasm.put, reference: model.put, referenceName: ref, better: 'higher' }),
		row({ metric: 'get, random key', unit: 'ops/s', ours: wasm.get, reference: model.get, referenceName: ref, better: 'higher' }),
		row({ metric: 'range, 1,000 keys', unit: 'ops/s', ours: wasm.range, reference: model.range, referenceName: ref, better: 'higher' }),
		row({
			metric: 'memory per 100k keys (WASM committed)',
			unit: 'MiB',
			ours: wasm.memory / 2 ** 20,
			reference: RAW / 2 ** 20,
			referenceName: 'raw bytes stored: 100,000 × (32 + 256) B',
			goal: (2 * RAW) / 2 ** 20,
			better: 'lower'
		}),
		row({
			metric: 'memory per 100k keys (model heap + buffers)',
			unit: 'MiB',
			ours: model.memory / 2 ** 20,
			reference: RAW / 2 ** 20,
			referenceName: 'raw bytes stored: 100,000 × (32 + 256) B',
			better: 'lower'
		})
	];
	writeReport('store-engine', rows);
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
