/** Vite's `?url` import of the engine's .wasm (see wasm-engine-browser.ts). */
declare module '*.wasm?url' {
	const url: string;
	export default url;
}
