/**
 * `npm test`: the whole suite. Installs missing system packages (as root), then runs the type
 * check, the build (for the browser tests) and each vitest project, and ends with one line
 * `N passed, N failed` summing every suite.
 *
 * Pass project names to run a subset: `npm test -- unit integration`.
 *
 * Two lanes run side by side (`TEST_JOBS=1` runs everything one after the other): each lane runs
 * its steps in turn. The first lane starts with the type check, the second with the build the
 * browser tests need (two single-threaded steps, one core each); then each lane's test projects
 * fill the time the other leaves a core idle (servers starting, kubectl, browsers, waits). A step's
 * output is printed as one block when it ends, never interleaved with the other lane's.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSystemDeps } from './system-deps';

const PROJECTS = ['unit', 'store', 'integration', 'crash', 'conformance', 'kubectl', 'clients', 'controlplane', 'e2e'];

/** The lanes (steps in order); `build` runs only when e2e is wanted, `check` only for a full run or when named. */
const LANES = [
	['check', 'unit', 'conformance', 'kubectl', 'controlplane'],
	['build', 'e2e', 'crash', 'integration', 'clients', 'store']
];

interface Tally {
	name: string;
	passed: number;
	failed: number;
	seconds: number;
}

/** Runs a command with its output captured; prints the output as one block when it ends. */
function run(name: string, cmd: string, args: string[]): Promise<{ code: number; seconds: number }> {
	const started = Date.now();
	console.log(`▶ ${name}`);
	return new Promise((resolve) => {
		const env = { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) };
		const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
		const out: Buffer[] = [];
		child.stdout.on('data', (d: Buffer) => out.push(d));
		child.stderr.on('data', (d: Buffer) => out.push(d));
		const done = (code: number) => {
			const seconds = (Date.now() - started) / 1000;
			process.stdout.write(`\n━━ ${name}: ${cmd} ${args.join(' ')} (${seconds.toFixed(0)} s)\n${Buffer.concat(out).toString()}`);
			resolve({ code, seconds });
		};
		child.on('error', (e) => (out.push(Buffer.from(`${e.message}\n`)), done(1)));
		child.on('close', (code) => done(code ?? 1));
	});
}

async function step(name: string, cmd: string, args: string[]): Promise<Tally> {
	const { code, seconds } = await run(name, cmd, args);
	return { name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, seconds };
}

async function vitestProject(name: string): Promise<Tally> {
	const dir = mkdtempSync(join(tmpdir(), 'converge-test-'));
	const out = join(dir, 'report.json');
	const { code, seconds } = await run(`${name} tests`, 'npx', ['vitest', 'run', '--project', name, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
	try {
		const report = JSON.parse(readFileSync(out, 'utf8')) as { numPassedTests: number; numFailedTests: number; numTotalTests: number };
		// A suite that crashed before its tests ran counts as one failure, never as zero.
		const failed = report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
		return { name, passed: report.numPassedTests, failed, seconds };
	} catch {
		return { name, passed: 0, failed: 1, seconds };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

function runStep(name: string): Promise<Tally> {
	if (name === 'check') return step('type check', 'npm', ['run', '--silent', 'check']);
	if (name === 'build') return step('build', 'npm', ['run', '--silent', 'build', '--', '--logLevel', 'warn']);
	return vitestProject(name);
}

/** Runs a lane's steps in turn. */
async function runLane(steps: string[]): Promise<Tally[]> {
	const tallies: Tally[] = [];
	for (const s of steps) tallies.push(await runStep(s));
	return tallies;
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const projects = wanted.length ? PROJECTS.filter((p) => wanted.includes(p)) : PROJECTS;
const steps = new Set<string>(projects);
if (!wanted.length || wanted.includes('check')) steps.add('check');
if (projects.includes('e2e')) steps.add('build');
const jobs = Number(process.env.TEST_JOBS ?? 2);
const lanes = LANES.map((lane) => lane.filter((s) => steps.has(s)));
const plan = jobs > 1 ? lanes : [lanes.flat()];

try {
	ensureSystemDeps();
} catch (e) {
	console.error(`\n${(e as Error).message}`);
	console.log('0 passed, 1 failed');
	process.exit(1);
}
const started = Date.now();
const tallies = (await Promise.all(plan.map(runLane))).flat();

console.log(`\n━━ summary (${((Date.now() - started) / 1000).toFixed(0)} s)`);
for (const t of tallies) console.log(`  ${t.name.padEnd(12)} ${t.passed} passed, ${t.failed} failed  (${t.seconds.toFixed(0)} s)`);
const passed = tallies.reduce((s, t) => s + t.passed, 0);
const failed = tallies.reduce((s, t) => s + t.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
