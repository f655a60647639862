/**
 * `npm test`: the whole suite. Installs missing system packages (as root), builds the app once,
 * type-checks, then runs each vitest project in turn and ends with one line
 * `N passed, N failed` summing every suite.
 *
 * Pass project names to run a subset: `npm test -- unit integration`.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSystemDeps } from './system-deps';

const PROJECTS = ['unit', 'store', 'integration', 'crash', 'conformance', 'kubectl', 'clients', 'controlplane', 'e2e'];

interface Tally {
	name: string;
	passed: number;
	failed: number;
}

function run(cmd: string, args: string[]): number {
	const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
	return r.status ?? 1;
}

function step(name: string, cmd: string, args: string[]): Tally {
	console.log(`\n━━ ${name}: ${cmd} ${args.join(' ')}`);
	const ok = run(cmd, args) === 0;
	return { name, passed: ok ? 1 : 0, failed: ok ? 0 : 1 };
}

function vitestProject(name: string): Tally {
	console.log(`\n━━ ${name} tests`);
	const dir = mkdtempSync(join(tmpdir(), 'converge-test-'));
	const out = join(dir, 'report.json');
	const code = run('npx', ['vitest', 'run', '--project', name, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
	try {
		const report = JSON.parse(readFileSync(out, 'utf8')) as { numPassedTests: number; numFailedTests: number; numTotalTests: number };
		// A suite that crashed before its tests ran counts as one failure, never as zero.
		const failed = report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
		return { name, passed: report.numPassedTests, failed };
	} catch {
		return { name, passed: 0, failed: 1 };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const projects = wanted.length ? PROJECTS.filter((p) => wanted.includes(p)) : PROJECTS;
const tallies: Tally[] = [];
try {
	ensureSystemDeps();
} catch (e) {
	console.error(`\n${(e as Error).message}`);
	console.log('0 passed, 1 failed');
	process.exit(1);
}
if (!wanted.length || wanted.includes('check')) tallies.push(step('type check', 'npm', ['run', '--silent', 'check']));
const build = projects.includes('e2e') ? step('build', 'npm', ['run', '--silent', 'build', '--', '--logLevel', 'warn']) : undefined;
if (build) tallies.push(build);
for (const p of projects) tallies.push(vitestProject(p));

console.log('\n━━ summary');
for (const t of tallies) console.log(`  ${t.name.padEnd(12)} ${t.passed} passed, ${t.failed} failed`);
const passed = tallies.reduce((s, t) => s + t.passed, 0);
const failed = tallies.reduce((s, t) => s + t.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
