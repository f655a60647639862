/**
 * Loads the store engine in Node: reads store.wasm from disk (built by scripts/build-wasm.ts)
 * once per process, compiles it once, and instantiates one engine per call.
 *
 * `CONVERGE_STORE_WASM` overrides the path (a bundled server whose modules moved elsewhere).
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WasmEngine } from './wasm-engine';

export const STORE_WASM_PATH = process.env.CONVERGE_STORE_WASM || fileURLToPath(new URL('./store.wasm', import.meta.url));

let compiled: WebAssembly.Module | undefined;

/** The compiled engine module (compiled on first use, then shared by every engine). */
export function storeWasmModule(): WebAssembly.Module {
	if (compiled) return compiled;
	if (!existsSync(STORE_WASM_PATH)) {
		throw new Error(`store engine not built: ${STORE_WASM_PATH} is missing (run "npm run build" or "npx tsx scripts/build-wasm.ts")`);
	}
	compiled = new WebAssembly.Module(readFileSync(STORE_WASM_PATH));
	return compiled;
}

/** A new, empty engine (synchronous: instantiating a compiled 10 KB module takes microseconds). */
export function createWasmEngine(): WasmEngine {
	return WasmEngine.createSync(storeWasmModule());
}
