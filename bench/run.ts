/**
 * Benchmark runner: `npm run bench -- <name>...` runs `bench/<name>.ts` (or `bench/<name>/index.ts`),
 * `npm run bench` runs every benchmark. Each runs in its own Node process (so one benchmark's
 * memory and timers never skew another's) and writes `bench/results/<name>.json`.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const NOT_BENCHMARKS = new Set(['run.ts', 'lib', 'results']);

/** The entry file of benchmark `name`, if it exists. */
function entryOf(name: string): string | undefined {
	const file = join(BENCH, `${name}.ts`);
	if (existsSync(file)) return file;
	const index = join(BENCH, name, 'index.ts');
	return existsSync(index) ? index : undefined;
}

/** Every benchmark: `bench/*.ts` and `bench/<folder>/index.ts`, except the runner and helpers. */
function allBenchmarks(): string[] {
	return readdirSync(BENCH)
		.filter((f) => !NOT_BENCHMARKS.has(f) && !f.startsWith('.'))
		.flatMap((f) => {
			const p = join(BENCH, f);
			if (statSync(p).isDirectory()) return existsSync(join(p, 'index.ts')) ? [f] : [];
			return f.endsWith('.ts') && !f.endsWith('.test.ts') ? [f.slice(0, -3)] : [];
		})
		.sort();
}

function main(): number {
	const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
	const names = asked.length ? asked : allBenchmarks();
	const unknown = names.filter((n) => !entryOf(n));
	if (unknown.length) {
		console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${allBenchmarks().join(', ')}`);
		return 2;
	}
	const failed: string[] = [];
	for (const name of names) {
		console.log(`\n━━ bench ${name}`);
		const r = spawnSync(process.execPath, ['--import', 'tsx', entryOf(name)!], { stdio: 'inherit', cwd: join(BENCH, '..') });
		if (r.status !== 0) failed.push(name);
	}
	if (failed.length) console.error(`\nfailed: ${failed.join(', ')}`);
	return failed.length ? 1 : 0;
}

process.exit(main());
