/**
 * The store engine in a browser: Debian's Chromium loads store.wasm (as built by `npm install` /
 * `npm run build`; this test builds nothing) with the same host code the server uses, bundled
 * by esbuild, and runs put, range, compact, snapshot and restore in the page.
 */
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WASM = join(ROOT, 'src', 'lib', 'store', 'store.wasm');
const ENGINE = join(ROOT, 'src', 'lib', 'store', 'wasm-engine.ts');

let server: Server;
let browser: Browser;
let origin: string;

beforeAll(async () => {
	if (!existsSync(WASM)) throw new Error(`${WASM} is missing: run "npm install" or "npm run build" first`);
	const bundle = await build({ entryPoints: [ENGINE], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false });
	const files: Record<string, { type: string; body: Uint8Array | string }> = {
		// The page imports the bundle itself: vitest rewrites dynamic imports inside test code.
		'/': {
			type: 'text/html',
			body: `<!doctype html><title>store</title><script type="module">import { WasmEngine } from '/engine.js'; window.WasmEngine = WasmEngine;</script>`
		},
		'/engine.js': { type: 'text/javascript', body: bundle.outputFiles[0].text },
		'/store.wasm': { type: 'application/wasm', body: readFileSync(WASM) }
	};
	server = createServer((req, res) => {
		const f = files[req.url ?? ''];
		res.writeHead(f ? 200 : 404, { 'content-type': f?.type ?? 'text/plain' });
		res.end(f?.body ?? 'not found');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
	});
});

afterAll(async () => {
	await browser?.close();
	await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

describe('store engine in Chromium', () => {
	it('puts, ranges, compacts, snapshots and restores in the page', async () => {
		const page = await browser.newPage();
		const errors: Error[] = [];
		page.on('pageerror', (e) => errors.push(e));
		await page.goto(origin);
		await page.waitForFunction(() => 'WasmEngine' in window);
		const result = await page.evaluate(async () => {
			const { WasmEngine } = window as unknown as { WasmEngine: typeof import('../../src/lib/store/wasm-engine').WasmEngine };
			const enc = new TextEncoder();
			const dec = new TextDecoder();
			const e = await WasmEngine.create(await WebAssembly.compileStreaming(fetch('/store.wasm')));
			for (let i = 0; i < 5; i++) e.put({ key: enc.encode(`/registry/pods/p${i}`), value: enc.encode(`v${i}`) });
			e.put({ key: enc.encode('/registry/pods/p0'), value: enc.encode('v0-2') });
			const list = e.range({ key: enc.encode('/registry/pods/'), rangeEnd: enc.encode('/registry/pods0'), limit: 3 });
			const old = e.range({ key: enc.encode('/registry/pods/p0'), revision: 2 });
			const compacted = e.compact(6);
			let error: { code: number; message: string } | undefined;
			try {
				e.range({ key: enc.encode('/registry/pods/p0'), revision: 5 });
			} catch (err) {
				error = { code: (err as { code: number }).code, message: (err as Error).message };
			}
			const copy = await WasmEngine.create(await WebAssembly.compileStreaming(fetch('/store.wasm')));
			copy.restore(e.snapshot());
			const restored = copy.range({ key: enc.encode('/registry/pods/p0') });
			return {
				revision: e.revision,
				keys: list.kvs.map((kv) => dec.decode(kv.key)),
				count: list.count,
				more: list.more,
				oldValue: dec.decode(old.kvs[0].value),
				compactHeader: compacted.header.revision,
				compactRevision: e.compactRevision,
				error,
				restored: restored.kvs.map((kv) => [dec.decode(kv.value), kv.version]),
				restoredRevision: copy.revision
			};
		});
		expect(result).toEqual({
			revision: 7,
			keys: ['/registry/pods/p0', '/registry/pods/p1', '/registry/pods/p2'],
			count: 5,
			more: true,
			oldValue: 'v0',
			compactHeader: 7,
			compactRevision: 6,
			error: { code: 11, message: 'etcdserver: mvcc: required revision has been compacted' },
			restored: [['v0-2', 2]],
			restoredRevision: 7
		});
		expect(errors).toEqual([]);
		await page.close();
	});
});
