/**
 * The room store over the network, against real etcd (issue 4, "Benchmark bench/store").
 *
 * One run, the same load generator against both servers on 127.0.0.1, one after the other:
 * - real etcd 3.4 (Debian's /usr/bin/etcd, temp data dir, default durability: WAL fsync before
 *   acknowledging; logging at error level);
 * - converge (a child process, tests/helpers/server-process.ts; one room; the embedded store,
 *   which fsyncs its WAL before acknowledging, always; default settings otherwise).
 *
 * The load comes from WORKERS client processes (bench/lib/etcd-load-worker.ts, `etcd3`'s raw
 * KV/Watch clients, one gRPC connection each, no retries) so the client is not the limit.
 * Phases, each PHASE_MS after a common warm-up (keys 32 B, values 256 B):
 * - sequential put: one client, one request at a time;
 * - put, 64 in flight (WORKERS × 64/WORKERS closed loops), over a key space of 10,000 keys;
 * - get, 64 in flight: single keys (linearizable, the client default) among 10,000 preloaded;
 * - range: a 1,000-key prefix (RANGE_INFLIGHT in flight in all);
 * - watch: a watch on a prefix (own connection) while puts go out at WATCH_RATE/s; latency from
 *   the put being sent to its event arriving, in the same client process;
 * - server CPU seconds per 10,000 operations of each phase, from /proc/<pid>/stat (utime +
 *   stime, all threads) before and after the phase.
 * Then the in-process engine figures (bench/store-engine.ts) and snapshot stalls
 * (bench/store-snapshot.ts), each run in its own process, are added.
 *
 * `STORE_BENCH_PROFILE=1` runs only converge, under `node --cpu-prof`, and prints its hotspots.
 * `STORE_BENCH_ONLY=converge` runs only converge and prints its figures (before/after comparisons).
 * `STORE_BENCH_ENGINE=0` skips the engine figures. `PHASE_MS` changes the phase length.
 * `CONVERGE_SNAPSHOT_EVERY=<n>` sets converge's STORE_SNAPSHOT_EVERY (diagnosis only; the
 * default run uses converge's defaults, and the report notes any override).
 *
 * @module
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildServer } from '../tests/helpers/child-server';
import { profileRun } from './lib/profile-run';
import type { Command, Result } from './lib/etcd-load-worker';
import { loadAvg, processCpuSeconds } from './lib/proc-cpu';
import { startBenchEtcd } from './lib/real-etcd';
import { percentile, RESULTS_DIR, row, writeReport, type Report, type Row } from './lib/report';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const WORKER = join(BENCH, 'lib', 'etcd-load-worker.ts');

const WORKERS = Math.max(2, Number(process.env.WORKERS ?? 2));
const PHASE_MS = Number(process.env.PHASE_MS ?? 5000);
const WARMUP_MS = 2500;
const INFLIGHT = 64;
const RANGE_INFLIGHT = 8;
const WATCH_RATE = 200;
const WATCH_MS = 3000;
const KEY_SPACE = 10_000;
const RANGE_KEYS = 1000;
const PROFILE = process.env.STORE_BENCH_PROFILE === '1';
const ENGINE = process.env.STORE_BENCH_ENGINE !== '0' && !PROFILE;
const SNAPSHOT_EVERY = process.env.CONVERGE_SNAPSHOT_EVERY;
const ONLY = process.env.STORE_BENCH_ONLY;

interface Phase {
	opsPerSec: number;
	ops: number;
	errors: number;
	firstError?: string;
	serverCpuS: number;
	clientCpuS: number;
	cpuPer10k: number;
	latencies?: number[];
}

interface Figures {
	version: string;
	idleCpuPerS: number;
	seq: Phase;
	put: Phase;
	get: Phase;
	range: Phase;
	watch: Phase;
}

/** The client processes. */
class Clients {
	private constructor(private readonly procs: ChildProcess[]) {}

	static async start(n: number): Promise<Clients> {
		const procs = Array.from({ length: n }, () => fork(WORKER, [], { execArgv: ['--import', 'tsx'], cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
		return new Clients(procs);
	}

	get size(): number {
		return this.procs.length;
	}

	send(i: number, cmd: Command): Promise<Result> {
		const p = this.procs[i];
		return new Promise((resolve, reject) => {
			const onExit = (code: number | null) => reject(new Error(`client process ${i} exited (${code}) during ${cmd.op}`));
			p.once('exit', onExit);
			p.once('message', (m: { ok: boolean; result?: Result; error?: string }) => {
				p.off('exit', onExit);
				if (m.ok) resolve(m.result!);
				else reject(new Error(`client process ${i}, ${cmd.op}: ${m.error}`));
			});
			p.send(cmd);
		});
	}

	all(make: (i: number) => Command): Promise<Result[]> {
		return Promise.all(this.procs.map((_, i) => this.send(i, make(i))));
	}

	async close(): Promise<void> {
		await Promise.all(
			this.procs.map(
				(p, i) =>
					new Promise<void>((resolve) => {
						if (p.exitCode !== null) return resolve();
						p.once('exit', () => resolve());
						this.send(i, { op: 'close' }).catch(() => {});
						setTimeout(() => p.kill('SIGKILL'), 3000).unref();
					})
			)
		);
	}
}

/** Runs one phase on the clients, charging the server `pid` for its CPU. */
async function phase(pid: number, run: () => Promise<Result[]>): Promise<Phase> {
	const cpu0 = processCpuSeconds(pid);
	const results = await run();
	const serverCpuS = processCpuSeconds(pid) - cpu0;
	const ops = results.reduce((s, r) => s + r.ops, 0);
	const errors = results.reduce((s, r) => s + r.errors, 0);
	const elapsed = Math.max(...results.map((r) => r.elapsedMs));
	return {
		opsPerSec: (ops / elapsed) * 1000,
		ops,
		errors,
		firstError: results.find((r) => r.firstError)?.firstError,
		serverCpuS,
		clientCpuS: results.reduce((s, r) => s + r.clientCpuMs, 0) / 1000,
		cpuPer10k: ops ? (serverCpuS / ops) * 10_000 : NaN,
		latencies: results.flatMap((r) => r.latencies ?? [])
	};
}

const split = (total: number, n: number, i: number) => Math.floor(total / n) + (i < total % n ? 1 : 0);

/** The whole load against one endpoint. */
async function measure(name: string, endpoint: string, pid: number, version: string, auth?: { username: string; password: string }): Promise<Figures> {
	const clients = await Clients.start(WORKERS);
	try {
		const n = clients.size;
		await clients.all(() => ({ op: 'connect', hosts: endpoint, auth }));
		log(`${name}: preloading ${RANGE_KEYS} + ${KEY_SPACE} keys`);
		const per = (total: number, i: number) => {
			let from = 0;
			for (let j = 0; j < i; j++) from += split(total, n, j);
			return { from, to: from + split(total, n, i) };
		};
		await clients.all((i) => ({ op: 'preload', prefix: '/bench/range/', ...per(RANGE_KEYS, i), inflight: INFLIGHT / n }));
		await clients.all((i) => ({ op: 'preload', prefix: '/bench/get/', ...per(KEY_SPACE, i), inflight: INFLIGHT / n }));
		log(`${name}: warming up`);
		await clients.all((i) => ({ op: 'put', prefix: `/bench/warm/w${i}/`, keySpace: KEY_SPACE / n, inflight: INFLIGHT / n, durationMs: WARMUP_MS / 2 }));
		await clients.all(() => ({ op: 'get', prefix: '/bench/get/', keySpace: KEY_SPACE, inflight: INFLIGHT / n, durationMs: WARMUP_MS / 4 }));
		await clients.all(() => ({ op: 'range', prefix: '/bench/range/', expect: RANGE_KEYS, inflight: RANGE_INFLIGHT / n, durationMs: WARMUP_MS / 4 }));

		const idle0 = processCpuSeconds(pid);
		await new Promise((r) => setTimeout(r, 2000));
		const idleCpuPerS = (processCpuSeconds(pid) - idle0) / 2;

		log(`${name}: sequential put`);
		const seq = await phase(pid, async () => [await clients.send(0, { op: 'put', prefix: '/bench/seq/', keySpace: KEY_SPACE, inflight: 1, durationMs: PHASE_MS })]);
		log(`${name}: put, ${INFLIGHT} in flight`);
		const put = await phase(pid, () => clients.all((i) => ({ op: 'put', prefix: `/bench/put/w${i}/`, keySpace: KEY_SPACE / n, inflight: INFLIGHT / n, durationMs: PHASE_MS })));
		log(`${name}: get, ${INFLIGHT} in flight`);
		const get = await phase(pid, () => clients.all(() => ({ op: 'get', prefix: '/bench/get/', keySpace: KEY_SPACE, inflight: INFLIGHT / n, durationMs: PHASE_MS })));
		log(`${name}: range of ${RANGE_KEYS} keys, ${RANGE_INFLIGHT} in flight`);
		const range = await phase(pid, () =>
			clients.all(() => ({ op: 'range', prefix: '/bench/range/', expect: RANGE_KEYS, inflight: RANGE_INFLIGHT / n, durationMs: PHASE_MS }))
		);
		log(`${name}: watch latency at ${WATCH_RATE} puts/s`);
		const watch = await phase(pid, async () => [await clients.send(0, { op: 'watch', prefix: '/bench/watch/', rate: WATCH_RATE, durationMs: WATCH_MS })]);
		const figures = { version, idleCpuPerS, seq, put, get, range, watch };
		for (const [k, p] of Object.entries({ seq, put, get, range, watch }))
			if (p.errors) throw new Error(`${name}, ${k}: ${p.errors} errors, first: ${p.firstError}`);
		log(summary(name, figures));
		return figures;
	} finally {
		await clients.close();
	}
}

function summary(name: string, f: Figures): string {
	const line = (k: string, p: Phase) =>
		`  ${k.padEnd(6)} ${p.opsPerSec.toFixed(0).padStart(7)} ops/s  ${p.ops.toString().padStart(7)} ops  server ${p.serverCpuS.toFixed(2)} s CPU (${p.cpuPer10k.toFixed(2)} s/10k)  clients ${p.clientCpuS.toFixed(2)} s CPU`;
	return [
		`${name} (${f.version}), idle server CPU ${(f.idleCpuPerS * 100).toFixed(1)}%:`,
		line('seq', f.seq),
		line('put64', f.put),
		line('get64', f.get),
		line('range', f.range),
		`  watch  p50 ${percentile(f.watch.latencies!, 50).toFixed(2)} ms, p99 ${percentile(f.watch.latencies!, 99).toFixed(2)} ms (${f.watch.latencies!.length} events)`
	].join('\n');
}

function log(msg: string): void {
	console.log(`[store] ${msg}`);
}

async function runConverge(nodeArgs: string[] = []): Promise<Figures> {
	const dataDir = await mkdtemp(join(tmpdir(), 'converge-bench-store-'));
	const env = SNAPSHOT_EVERY ? { STORE_SNAPSHOT_EVERY: SNAPSHOT_EVERY } : undefined;
	const server = await startChildServer({ dataDir, idleUnloadMs: 3_600_000, nodeArgs, env });
	try {
		const room = await server.createRoom('blank');
		return await measure('converge', server.etcdEndpoint(), server.pid, 'converge (embedded WASM store)', { username: room.id, password: room.tokens.editor });
	} finally {
		await server.stop();
		await rm(dataDir, { recursive: true, force: true });
	}
}

async function runEtcd(): Promise<Figures> {
	const etcd = await startBenchEtcd();
	try {
		return await measure('etcd', etcd.endpoint, etcd.pid, `etcd ${etcd.version}`);
	} finally {
		await etcd.stop();
	}
}

/** bench/<name>.ts in its own process; its rows, each metric prefixed with `label`. */
async function childRows(name: string, label: string): Promise<Row[]> {
	log(`${label}: running bench/${name}.ts (in-process figures, no network)`);
	const code = await new Promise<number | null>((resolve) => {
		const p = spawn(process.execPath, ['--import', 'tsx', join(BENCH, `${name}.ts`)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
		p.once('exit', resolve);
	});
	if (code !== 0) throw new Error(`bench/${name}.ts exited with ${code}`);
	const report = JSON.parse(readFileSync(join(RESULTS_DIR, `${name}.json`), 'utf8')) as Report;
	return report.rows.map((r) => ({ ...r, metric: `${label}: ${r.metric}` }));
}

function profile(): Promise<void> {
	return profileRun('store', ROOT, runConverge, log, 25);
}

async function main(): Promise<void> {
	if (PROFILE) return profile();
	// Diagnosis only (before/after comparisons of converge alone): prints the summary, writes no report.
	if (ONLY === 'converge') return void (await runConverge());
	const loadBefore = loadAvg();
	log(`load average before: ${loadBefore}; ${WORKERS} client processes, phases of ${PHASE_MS} ms`);
	const etcd = await runEtcd();
	const ours = await runConverge();
	const loadAfterNet = loadAvg();
	const engine = ENGINE ? [...(await childRows('store-engine', 'engine (in-process)')), ...(await childRows('store-snapshot', 'snapshot (in-process)'))] : [];
	const loadAfter = loadAvg();

	const ref = `${etcd.version}, same run, same load generator (${WORKERS} etcd3 client processes), 127.0.0.1, default fsync`;
	const higher = (metric: string, o: Phase, e: Phase, factor: number): Row =>
		row({ metric, unit: 'ops/s', ours: o.opsPerSec, reference: e.opsPerSec, referenceName: ref, goal: factor * e.opsPerSec, better: 'higher' });
	const cpu = (metric: string, o: Phase, e: Phase): Row =>
		row({ metric: `server CPU per 10k ops: ${metric}`, unit: 's', ours: o.cpuPer10k, reference: e.cpuPer10k, referenceName: ref, goal: 0.5 * e.cpuPer10k, better: 'lower' });
	const p = (f: Figures, q: number) => percentile(f.watch.latencies!, q);
	const allOps = (f: Figures) => f.seq.ops + f.put.ops + f.get.ops + f.range.ops;
	const allCpu = (f: Figures) => f.seq.serverCpuS + f.put.serverCpuS + f.get.serverCpuS + f.range.serverCpuS;
	const rows: Row[] = [
		higher('sequential put', ours.seq, etcd.seq, 2),
		higher(`put, ${INFLIGHT} in flight`, ours.put, etcd.put, 2),
		higher(`get, ${INFLIGHT} in flight`, ours.get, etcd.get, 3),
		higher(`range of ${RANGE_KEYS} keys (prefix), ${RANGE_INFLIGHT} in flight`, ours.range, etcd.range, 3),
		row({ metric: `watch latency put→event p50 (${WATCH_RATE} puts/s)`, unit: 'ms', ours: p(ours, 50), reference: p(etcd, 50), referenceName: ref, better: 'lower' }),
		row({ metric: `watch latency put→event p99 (${WATCH_RATE} puts/s)`, unit: 'ms', ours: p(ours, 99), reference: p(etcd, 99), referenceName: ref, goal: p(etcd, 99), better: 'lower' }),
		cpu('sequential put', ours.seq, etcd.seq),
		cpu(`put, ${INFLIGHT} in flight`, ours.put, etcd.put),
		cpu(`get, ${INFLIGHT} in flight`, ours.get, etcd.get),
		cpu(`range of ${RANGE_KEYS} keys`, ours.range, etcd.range),
		row({
			metric: 'server CPU per 10k ops: all four phases',
			unit: 's',
			ours: (allCpu(ours) / allOps(ours)) * 10_000,
			reference: (allCpu(etcd) / allOps(etcd)) * 10_000,
			referenceName: ref,
			goal: 0.5 * (allCpu(etcd) / allOps(etcd)) * 10_000,
			better: 'lower'
		}),
		...engine
	];
	const clientCpu = (f: Figures) =>
		(['seq', 'put', 'get', 'range'] as const).map((k) => `${k} ${((f[k].clientCpuS / (PHASE_MS / 1000)) * 100).toFixed(0)}%`).join(', ');
	// What the load generator itself costs: on a small machine it, not the server, bounds throughput.
	const cores = availableParallelism();
	const perOpUs = (p: Phase) => (p.clientCpuS / p.ops) * 1e6;
	// Sequential calls wait for the one client's own work on each: it alone caps them at 1 / (its CPU per call).
	const ceiling = (f: Figures) =>
		[
			`seq ${perOpUs(f.seq).toFixed(0)} µs/op → ≤ ${(1e6 / perOpUs(f.seq)).toFixed(0)}/s`,
			...(['put', 'get', 'range'] as const).map((k) => `${k} ${perOpUs(f[k]).toFixed(0)} µs/op → ≤ ${(cores / (perOpUs(f[k]) / 1e6)).toFixed(0)}/s`)
		].join(', ');
	const notes = [
		`client CPU per operation and the throughput the clients alone allow on ${cores} cores (server CPU comes on top): etcd run ${ceiling(etcd)}; converge run ${ceiling(ours)}`,
		`load average (1/5/15 min) before ${loadBefore}, after the network phases ${loadAfterNet}, at the end ${loadAfter} (2-core machine shared with other work)`,
		`${WORKERS} client processes (etcd3 raw clients, one gRPC connection each); phases ${PHASE_MS} ms after a warm-up; keys 32 B, values 256 B; gets linearizable (client default)`,
		`client CPU (sum of client processes, share of one core): etcd run ${clientCpu(etcd)}; converge run ${clientCpu(ours)}`,
		`idle server CPU after warm-up: etcd ${(etcd.idleCpuPerS * 100).toFixed(1)}%, converge ${(ours.idleCpuPerS * 100).toFixed(1)}% of a core`,
		'server CPU from /proc/<pid>/stat utime+stime (10 ms ticks) of the server process, all threads, over each phase',
		SNAPSHOT_EVERY ? `DIAGNOSTIC RUN: converge started with STORE_SNAPSHOT_EVERY=${SNAPSHOT_EVERY} (not its default)` : 'converge with its default settings (STORE_SNAPSHOT_EVERY 10,000)',
		...(ENGINE
			? [
					'engine rows: bench/store-engine.ts in its own process, WASM engine vs the TypeScript model, no network (also in store-engine.json)',
					'snapshot rows: bench/store-snapshot.ts in its own process, a room store on disk with 20,000 pods × 5 revisions; the chunked snapshot vs the one-record snapshot taken before (also in store-snapshot.json)'
				]
			: [])
	];
	writeReport('store', rows, undefined, notes);
	const missed = rows.filter((r) => r.met === false).map((r) => r.metric);
	if (missed.length) log(`goals missed: ${missed.join('; ')}\n  (profile converge with STORE_BENCH_PROFILE=1 npm run bench -- store)`);
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
