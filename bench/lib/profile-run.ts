/**
 * Runs a benchmark's server under `node --cpu-prof` and prints its hotspots (the largest profile
 * written, i.e. the server process), for `*_BENCH_PROFILE=1` runs.
 *
 * @module
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSummary, summarizeCpuProfile } from './cpuprofile';

/** Calls `run` with the node flags that profile the server, then prints the summary. `KEEP_PROFILE=1` keeps the file. */
export async function profileRun(name: string, root: string, run: (nodeArgs: string[]) => Promise<unknown>, log: (msg: string) => void, top = 30): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), `converge-${name}-prof-`));
	log(`profiling converge (node --cpu-prof, profiles in ${dir})`);
	await run(['--cpu-prof', `--cpu-prof-dir=${dir}`]);
	const files = readdirSync(dir)
		.filter((f) => f.endsWith('.cpuprofile'))
		.map((f) => join(dir, f))
		.sort((a, b) => statSync(b).size - statSync(a).size);
	if (!files.length) throw new Error(`no .cpuprofile written in ${dir}`);
	console.log(formatSummary(summarizeCpuProfile(files[0], root, top)));
	if (process.env.KEEP_PROFILE !== '1') rmSync(dir, { recursive: true, force: true });
	else log(`kept ${files[0]}`);
}
