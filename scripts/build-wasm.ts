/**
 * Builds the store engine: wasm/store/*.ts (AssemblyScript) → src/lib/store/store.wasm, with
 * `--runtime stub` (the engine manages its own memory; see research/wasm-store.md).
 *
 * The output sits beside its host code so that Node reads it from disk (wasm-engine-node.ts) and
 * Vite bundles it for the browser (`?url`); it is git-ignored and rebuilt by `npm install`
 * (prepare) and `npm run build`. The compile is skipped while the output is newer than every
 * engine source and the compiler, so calling this is cheap; tests call it too.
 *
 * Usage: tsx scripts/build-wasm.ts [--force] [--debug]
 *   --debug  unoptimized, with a name section (readable stack traces), for investigating a bug
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WASM_SOURCES = join(ROOT, 'wasm', 'store');
export const WASM_OUT = join(ROOT, 'src', 'lib', 'store', 'store.wasm');
const COMPILER = join(ROOT, 'node_modules', 'assemblyscript', 'package.json');
const ASC = join(ROOT, 'node_modules', 'assemblyscript', 'bin', 'asc.js');

function newestInput(): number {
	let newest = existsSync(COMPILER) ? statSync(COMPILER).mtimeMs : 0;
	for (const name of readdirSync(WASM_SOURCES)) newest = Math.max(newest, statSync(join(WASM_SOURCES, name)).mtimeMs);
	return Math.max(newest, statSync(fileURLToPath(import.meta.url)).mtimeMs);
}

/** Whether store.wasm is missing or older than an input. */
export function wasmIsStale(): boolean {
	return !existsSync(WASM_OUT) || statSync(WASM_OUT).mtimeMs < newestInput();
}

export interface BuildResult {
	built: boolean;
	bytes: number;
	ms: number;
}

export async function buildWasm(opts: { force?: boolean; debug?: boolean } = {}): Promise<BuildResult> {
	const started = performance.now();
	if (!opts.force && !opts.debug && !wasmIsStale()) return { built: false, bytes: statSync(WASM_OUT).size, ms: 0 };
	mkdirSync(dirname(WASM_OUT), { recursive: true });
	// Write then rename: concurrent builds (parallel test files) never see a half-written file.
	const tmp = `${WASM_OUT}.${process.pid}.tmp`;
	const flags = opts.debug ? ['--debug'] : ['-O3', '--noAssert'];
	try {
		await runAsc([join(WASM_SOURCES, 'index.ts'), ...flags, '--runtime', 'stub', '--outFile', tmp]);
		renameSync(tmp, WASM_OUT);
	} finally {
		rmSync(tmp, { force: true });
	}
	return { built: true, bytes: statSync(WASM_OUT).size, ms: Math.round(performance.now() - started) };
}

/**
 * Runs the asc CLI in plain Node: loaded through a TypeScript loader (tsx, vitest), its 10 MB of
 * compiled JavaScript takes half a minute to transform; plain Node loads it in about a second.
 */
function runAsc(args: string[]): Promise<void> {
	const env = { ...process.env };
	delete env.NODE_OPTIONS;
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [ASC, ...args], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`asc failed (exit ${code}):\n${stderr}`))));
	});
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const args = process.argv.slice(2);
	buildWasm({ force: args.includes('--force'), debug: args.includes('--debug') }).then(
		(r) => console.log(r.built ? `store.wasm: ${r.bytes} bytes in ${r.ms} ms` : 'store.wasm: up to date'),
		(e: Error) => {
			console.error(e.message);
			process.exit(1);
		}
	);
}
