/**
 * Which MVCC engine a room's store runs on. One place to choose, so the server, tests and
 * benchmarks agree: the WASM engine (wasm/store, built by `npm install` / `npm run build`).
 *
 * @module
 */
import { createWasmEngine } from '../../src/lib/store/wasm-engine-node';
import type { MvccEngine } from '../../src/lib/store/types';

/** A fresh, empty engine for one room. */
export function createEngine(): MvccEngine {
	return createWasmEngine();
}
