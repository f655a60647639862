/**
 * The host side of the engine's ABI (wasm/store/index.ts): instantiation, the `env.abort`
 * import, writing request bytes into the input buffer and decoding packed results.
 *
 * Only i32 and f64 cross the boundary. A call's result is packed in the engine's output buffer;
 * `Packed` copies it out once and hands out subarrays of that copy, so the key-values a caller
 * receives stay valid after later calls (linear memory is reused and may be detached by growth).
 *
 * @module
 */
import type { KeyValue } from './types';

/** The engine module's exports (names and signatures of wasm/store/index.ts). */
export interface StoreExports {
	memory: WebAssembly.Memory;
	init(): void;
	inReserve(n: number): number;
	outPtr(): number;
	trimBuffers(): void;
	revision(): number;
	compactRevision(): number;
	readRevision(): number;
	liveBytes(): number;
	spanBytes(): number;
	keyCount(): number;
	range(keyLen: number, endLen: number, at: number, limit: number, flags: number, minMod: number, maxMod: number, minCreate: number, maxCreate: number): number;
	compare(keyLen: number, endLen: number, target: number, result: number, operand: number, valLen: number): number;
	exists(keyLen: number): number;
	begin(): void;
	put(keyLen: number, valLen: number, lease: number, flags: number): number;
	deleteRange(keyLen: number, endLen: number): number;
	commit(): number;
	rollback(): void;
	compact(rev: number): void;
	eventsSince(from: number, keyLen: number, endLen: number): number;
	keysOfLease(lease: number): number;
	snapChunk(keyLen: number, after: number, at: number, maxBytes: number): number;
	restoreBegin(rev: number, compactMain: number): void;
	restoreChunk(len: number): number;
	restoreEnd(): void;
}

/** Range flags and compare enums, as the engine numbers them (etcd's proto order). */
export const RangeFlag = { countOnly: 1, keysOnly: 2 } as const;
export const PutFlag = { ignoreValue: 1, ignoreLease: 2 } as const;
export const CompareTarget = { VERSION: 0, CREATE: 1, MOD: 2, VALUE: 3, LEASE: 4 } as const;
export const CompareResult = { EQUAL: 0, GREATER: 1, LESS: 2, NOT_EQUAL: 3 } as const;

/** A module's imports: `env.abort` turns an engine abort into a JS Error with its message. */
function importsFor(memory: () => WebAssembly.Memory | undefined): WebAssembly.Imports {
	return {
		env: {
			abort(msg: number, file: number, line: number, col: number): never {
				const mem = memory();
				const text = (p: number) => (mem && p ? readAsString(new Uint8Array(mem.buffer), p >>> 0) : '');
				const where = file ? ` (${text(file)}:${line}:${col})` : '';
				throw new Error(`${text(msg) || 'store engine aborted'}${where}`);
			}
		}
	};
}

/** An AssemblyScript string: UTF-16LE code units, byte length in the u32 before the pointer. */
export function readAsString(mem: Uint8Array, ptr: number): string {
	const dv = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
	const bytes = dv.getUint32(ptr - 4, true);
	let s = '';
	for (let i = 0; i < bytes; i += 2) s += String.fromCharCode(dv.getUint16(ptr + i, true));
	return s;
}

/** Instantiates synchronously (Node, workers; browsers may refuse this on the main thread). */
export function instantiateSync(module: WebAssembly.Module): StoreExports {
	let exports: StoreExports | undefined;
	const instance = new WebAssembly.Instance(module, importsFor(() => exports?.memory));
	exports = instance.exports as unknown as StoreExports;
	exports.init();
	return exports;
}

export async function instantiate(module: WebAssembly.Module): Promise<StoreExports> {
	let exports: StoreExports | undefined;
	const instance = await WebAssembly.instantiate(module, importsFor(() => exports?.memory));
	exports = instance.exports as unknown as StoreExports;
	exports.init();
	return exports;
}

let viewOf: ArrayBuffer | undefined;
let view = new Uint8Array(0);

/** A byte view of linear memory, remade only when memory grew (growth detaches the old one). */
function memoryView(x: StoreExports): Uint8Array {
	const buf = x.memory.buffer;
	if (buf !== viewOf) {
		viewOf = buf;
		view = new Uint8Array(buf);
	}
	return view;
}

/** Writes request bytes into the engine's input buffer, back to back. */
export function writeInput(x: StoreExports, parts: Uint8Array[]): void {
	let total = 0;
	for (const p of parts) total += p.length;
	const ptr = x.inReserve(total) >>> 0;
	const mem = memoryView(x);
	let at = ptr;
	for (const p of parts) {
		mem.set(p, at);
		at += p.length;
	}
}

/**
 * The result of the last call (`len` bytes): copied out of linear memory, or, with `copy` false,
 * read in place (valid only until the next call: for results whose bytes nobody keeps).
 */
export function readOutput(x: StoreExports, len: number, copy = true): Packed {
	const start = x.outPtr() >>> 0;
	const mem = memoryView(x);
	return new Packed(copy ? mem.slice(start, start + (len >>> 0)) : mem.subarray(start, start + (len >>> 0)));
}

/** A sequential reader over one packed result. */
export class Packed {
	private readonly dv: DataView;
	off = 0;
	constructor(readonly buf: Uint8Array) {
		this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
	}

	get done(): boolean {
		return this.off >= this.buf.length;
	}

	u32(): number {
		const v = this.dv.getUint32(this.off, true);
		this.off += 4;
		return v;
	}

	f64(): number {
		const v = this.dv.getFloat64(this.off, true);
		this.off += 8;
		return v;
	}

	bytes(n: number): Uint8Array {
		const b = this.buf.subarray(this.off, this.off + n);
		this.off += n;
		return b;
	}

	/** One packed key-value (wasm/store/encode.ts), at `at` when given. */
	kv(at?: number): KeyValue {
		if (at !== undefined) this.off = at;
		const createRevision = this.f64();
		const modRevision = this.f64();
		const version = this.f64();
		const lease = this.f64();
		const kl = this.u32();
		const vl = this.u32();
		const key = this.bytes(kl);
		const value = this.bytes(vl);
		return { key, createRevision, modRevision, version, value, lease };
	}
}
