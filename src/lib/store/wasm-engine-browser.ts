/**
 * Loads the store engine in the browser: Vite emits store.wasm as an asset and gives its URL;
 * the module is compiled while it downloads where the server sends `application/wasm`.
 *
 * @module
 */
import wasmUrl from './store.wasm?url';
import { WasmEngine } from './wasm-engine';

let compiled: Promise<WebAssembly.Module> | undefined;

function compile(): Promise<WebAssembly.Module> {
	return (compiled ??= WebAssembly.compileStreaming(fetch(wasmUrl)).catch(async () => {
		// Served with another content type: compile from the bytes instead.
		const res = await fetch(wasmUrl);
		return WebAssembly.compile(await res.arrayBuffer());
	}));
}

/** A new, empty engine. */
export async function createWasmEngine(): Promise<WasmEngine> {
	return WasmEngine.create(await compile());
}
