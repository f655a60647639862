/**
 * kube-scheduler throughput (issue 7), two ways:
 * - the pure core (src/lib/scheduler): cache + queue + cycles with the default profile, pods
 *   assumed and confirmed like the shell does, no I/O — at 100, 1,000 and 5,000 nodes, plain pods
 *   and pods with a zone topology spread constraint plus preferred pod anti-affinity; the cost of
 *   building and serializing each decision record is timed apart;
 * - end to end through the API: converge in this process (createConverge, 127.0.0.1), one room,
 *   E2E_NODES Nodes with allocatable created over HTTP, then E2E_PODS pods created with 32 in
 *   flight; pods/s from the first create to the last binding (the scheduler binds over HTTP,
 *   writes `Scheduled` events and SchedulingDecision records); records are drained after.
 *
 * References are published kube-scheduler figures (research/scheduler.md §8): scheduler_perf
 * SchedulingBasic 5000 nodes, CI floor 270 pods/s (v1.32 era), 680 on 2026 master.
 * The load is the issue's: 30 pods per node worth of pending pods; a run longer than PURE_WINDOW
 * cycles (5,000 nodes: 150,000 pods) is measured over its first and its last window.
 * `E2E_NODES`, `E2E_PODS`, `PURE_NODES`, `PURE_KINDS`, `PURE_WINDOW`, `PODS_PER_NODE` shrink the
 * run. Each pure run prints a hash of every placement and score total, so an optimization can be
 * checked to change no result (`PURE_ONLY=1 node --import tsx --cpu-prof bench/scheduler.ts`
 * profiles the core).
 *
 * @module
 */
import { Agent, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { ManualClock } from '../src/lib/clock/clock';
import { SchedulerCache } from '../src/lib/scheduler/cache';
import { decisionRecord } from '../src/lib/scheduler/decision-record';
import { seededRng } from '../src/lib/scheduler/rng';
import { Scheduler } from '../src/lib/scheduler/scheduler';
import { makeNode, makePod } from '../src/lib/scheduler/test-fixtures';
import type { Pod } from '../src/lib/scheduler/types';
import { createConverge } from '../server/app';
import { configFromEnv } from '../server/config';
import { SchedulerComponent } from '../server/scheduler/component';
import { DECISIONS } from '../server/scheduler/decisions';
import { percentile, row, writeReport, type Row } from './lib/report';

/** Pending pods per node, as the issue asks: 30 pods per node worth. */
const PODS_PER_NODE = Number(process.env.PODS_PER_NODE ?? 30);
/** The most cycles measured in one run; bigger loads are measured over a window (see `windows`). */
const PURE_WINDOW = Number(process.env.PURE_WINDOW ?? 30_000);
/** Node counts of the pure-core runs (comma-separated); `PURE_ONLY=1` skips the end-to-end run (profiling, result checks). */
const PURE_NODES = (process.env.PURE_NODES ?? '100,1000,5000').split(',').map(Number);
/** `plain`, `spread` or both (comma-separated). */
const PURE_KINDS = (process.env.PURE_KINDS ?? 'plain,spread').split(',');
const PURE_ONLY = process.env.PURE_ONLY === '1';
const E2E_NODES = Number(process.env.E2E_NODES ?? 1000);
const E2E_PODS = Number(process.env.E2E_PODS ?? 5000);
const INFLIGHT = 32;
const STALL_MS = 20_000;
const GOAL = 1600;
const REF_NAME = 'kube-scheduler scheduler_perf SchedulingBasic 5000 nodes: CI floor 270 pods/s in v1.32 era (k/k test/integration/scheduler_perf README), 680 on 2026 master (PR 136276)';
const REF = 270;

const ZONE = 'topology.kubernetes.io/zone';

function benchPod(i: number, spread: boolean): Pod {
	const spec = spread
		? {
				topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'bench' } } }],
				affinity: {
					podAntiAffinity: {
						preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'bench' } } } }]
					}
				}
			}
		: {};
	return makePod(`p-${i}`, { requests: { cpu: '100m', memory: '128Mi' }, labels: { app: 'bench' }, spec });
}

/** FNV-1a over `winner,total,total,…` (the text the hash was first defined on), without building it. */
function hashResult(hash: number, winner: string, totals: readonly number[]): number {
	const add = (text: string) => {
		for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
	};
	add(winner);
	for (const t of totals) {
		hash = Math.imul(hash ^ 44, 16777619) >>> 0; // ','
		add(String(t));
	}
	return hash;
}

interface PureResult {
	podsPerSec: number;
	/** Pods per second of this process's CPU time: comparable between runs on a busy machine. */
	podsPerCpuSec: number;
	p50: number;
	p99: number;
	recordUs: number;
	recordBytes: number;
	/** FNV-1a over every pod's node and score total, in scheduling order. */
	hash: string;
}

/**
 * The core alone: `prefill` pods already bound (round-robin over the nodes, so zones stay even),
 * `queued` pods pending, then cycles until `measure` pods went through (or the queue is empty).
 */
function pure(nodes: number, spread: boolean, prefill: number, queued: number, measure: number): PureResult {
	const clock = new ManualClock(0);
	const core = new Scheduler({ clock, rng: seededRng(1) });
	const cache = new SchedulerCache();
	for (let i = 0; i < nodes; i++) cache.setNode(makeNode(`n-${i}`, { cpu: '64', memory: '256Gi', labels: { [ZONE]: `z-${i % 10}` } }));
	for (let i = 0; i < prefill; i++) {
		const p = benchPod(i, spread);
		cache.setPod({ ...p, spec: { ...p.spec, nodeName: `n-${i % nodes}` } });
	}
	for (let i = prefill; i < prefill + queued; i++) core.queue.add(benchPod(i, spread));
	const lat: number[] = [];
	let recordMs = 0;
	let recordBytes = 0;
	let recordCpuMs = 0;
	let hash = 2166136261;
	const t0 = performance.now();
	const c0 = process.cpuUsage();
	while (lat.length < measure) {
		const s = performance.now();
		const out = core.scheduleNext(cache.snapshot());
		if (!out) break;
		const d = out.decision;
		if (d.result === 'scheduled') {
			cache.assume(out.queued.pod, d.winner!);
			// The informer's bound copy confirms it (what the shell sees after the binding).
			cache.setPod({ ...out.queued.pod, spec: { ...out.queued.pod.spec, nodeName: d.winner! } });
		}
		lat.push(performance.now() - s);
		// The result hash is the bench's own check, timed apart with the record.
		const r0 = performance.now();
		const rc = process.cpuUsage();
		hash = hashResult(hash, d.winner ?? '-', d.score?.totals ?? []);
		const text = JSON.stringify(decisionRecord(d, { attempt: out.queued.attempts, configVersion: out.configVersion, revision: '1', time: '' }));
		recordMs += performance.now() - r0;
		const rcu = process.cpuUsage(rc);
		recordCpuMs += (rcu.user + rcu.system) / 1000;
		recordBytes = Math.max(recordBytes, text.length);
	}
	const total = performance.now() - t0 - recordMs;
	const cpu = process.cpuUsage(c0);
	const cpuMs = (cpu.user + cpu.system) / 1000 - recordCpuMs;
	return { podsPerSec: (lat.length / total) * 1000, podsPerCpuSec: (lat.length / cpuMs) * 1000, p50: percentile(lat, 50), p99: percentile(lat, 99), recordUs: (recordMs / lat.length) * 1000, recordBytes, hash: hash.toString(16) };
}

/** A tiny keep-alive JSON client of the room's kube API. */
function client(origin: string, base: string, token: string) {
	const agent = new Agent({ keepAlive: true, maxSockets: INFLIGHT });
	const u = new URL(origin);
	return (method: string, path: string, body?: unknown, type = 'application/json'): Promise<number> =>
		new Promise((resolve, reject) => {
			const data = body === undefined ? undefined : JSON.stringify(body);
			const req = request(
				{ host: u.hostname, port: u.port, method, path: base + path, agent, headers: { authorization: `Bearer ${token}`, ...(data ? { 'content-type': type } : {}) } },
				(res) => {
					res.resume();
					res.on('end', () => ((res.statusCode ?? 500) < 300 ? resolve(res.statusCode!) : reject(new Error(`${method} ${path}: ${res.statusCode}`))));
				}
			);
			req.on('error', reject);
			req.end(data);
		});
}

async function parallel(n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
	let next = 0;
	await Promise.all(Array.from({ length: INFLIGHT }, async () => {
		while (next < n) await fn(next++);
	}));
}

interface E2eResult {
	bound: number;
	podsPerSec: number;
	createPerSec: number;
	recordsDrainS: number;
	records: number;
}

/** The first few scheduler messages the server logged (write failures; printed after the run). */
const logged = new Set<string>();

async function endToEnd(): Promise<E2eResult> {
	// Like scheduler_perf: no kubelets (nor the node lifecycle that would taint nodes without them).
	process.env.CONTROLLERS ??= '*,-kubelet,-nodelifecycle,-taint-eviction-controller';
	// Every decision's record is written as fast as the API takes it: the cost measured, not the
	// rate limit a room applies to them (server/scheduler/decisions.ts).
	DECISIONS.qps = Infinity;
	const dir = await mkdtemp(join(tmpdir(), 'converge-sched-bench-'));
	const config = { ...configFromEnv({}), host: '127.0.0.1', port: 0, etcdPort: 0, dataDir: join(dir, 'data'), log: (m: string) => void (m.includes('scheduler') && logged.size < 8 && logged.add(m)) };
	const converge = await createConverge(config);
	const http: Server = createServer((req, res) => converge.handle(req, res, () => void res.writeHead(404).end()));
	await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
	const origin = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
	try {
		const room = await converge.rooms.create({ starter: 'web-app', name: 'scheduler bench' });
		// Nobody is connected: keep the room loaded while its control plane works (idle rooms unload).
		const release = room.hold();
		const call = client(origin, `/rooms/${room.id}/k8s`, room.meta.tokens.editor);
		const alloc = { cpu: '64', memory: '256Gi', pods: '110' };
		const tn = performance.now();
		await parallel(E2E_NODES, async (i) => {
			await call('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: `n-${i}`, labels: { 'kubernetes.io/hostname': `n-${i}`, [ZONE]: `z-${i % 10}` } } });
			await call('PATCH', `/api/v1/nodes/n-${i}/status`, { status: { capacity: alloc, allocatable: alloc } }, 'application/merge-patch+json');
		});
		console.log(`end to end: ${E2E_NODES} nodes created in ${((performance.now() - tn) / 1000).toFixed(1)} s`);
		let sched: SchedulerComponent | undefined;
		while (!sched) {
			const plane = room.controlPlane as unknown as { controllers: unknown[] } | undefined;
			sched = plane?.controllers.find((c): c is SchedulerComponent => c instanceof SchedulerComponent);
			await new Promise((r) => setTimeout(r, 20));
		}
		while (sched.cache.nodeCount < E2E_NODES) await new Promise((r) => setTimeout(r, 20));
		const start = sched.bound;
		const t0 = performance.now();
		await parallel(E2E_PODS, (i) =>
			call('POST', '/api/v1/namespaces/default/pods', {
				apiVersion: 'v1',
				kind: 'Pod',
				metadata: { name: `p-${i}`, labels: { app: 'bench' } },
				spec: { containers: [{ name: 'c', image: 'app:1', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] }
			})
		);
		const created = performance.now();
		console.log(`end to end: ${E2E_PODS} pods created in ${((created - t0) / 1000).toFixed(1)} s, ${sched.bound - start} bound so far`);
		const progress = setInterval(() => console.log(`end to end: ${sched!.bound - start} bound, ${sched!.decisions.backlog} records waiting`), 5000);
		// A run that stops progressing for STALL_MS is reported as it stands (with the server's log).
		let last = -1;
		let lastAt = performance.now();
		while (sched.bound - start < E2E_PODS && performance.now() - lastAt < STALL_MS) {
			if (sched.bound !== last) [last, lastAt] = [sched.bound, performance.now()];
			await new Promise((r) => setTimeout(r, 5));
		}
		clearInterval(progress);
		const bound = sched.bound - start;
		const done = performance.now();
		while (sched.decisions.backlog > 0) await new Promise((r) => setTimeout(r, 20));
		const drained = performance.now();
		release();
		for (const m of logged) console.log(`server log: ${m}`);
		return { bound, podsPerSec: (bound / (done - t0)) * 1000, createPerSec: (E2E_PODS / (created - t0)) * 1000, recordsDrainS: (drained - done) / 1000, records: sched.decisions.written };
	} finally {
		await converge.close();
		await new Promise<void>((r) => http.close(() => r()));
		await rm(dir, { recursive: true, force: true });
	}
}

/**
 * The measured stretches of a run of `nodes × PODS_PER_NODE` pods: the whole run when it fits in
 * PURE_WINDOW cycles; else its first window (everything pending) and its last (the cluster
 * almost full, the rest bound in advance).
 */
function windows(nodes: number): Array<{ label: string; prefill: number; queued: number; measure: number }> {
	const total = nodes * PODS_PER_NODE;
	if (total <= PURE_WINDOW) return [{ label: `${total} pods`, prefill: 0, queued: total, measure: total }];
	return [
		{ label: `first ${PURE_WINDOW} of ${total} pods`, prefill: 0, queued: total, measure: PURE_WINDOW },
		{ label: `last ${PURE_WINDOW} of ${total} pods`, prefill: total - PURE_WINDOW, queued: PURE_WINDOW, measure: PURE_WINDOW }
	];
}

async function main(): Promise<void> {
	const rows: Row[] = [];
	for (const spread of [false, true].filter((s) => PURE_KINDS.includes(s ? 'spread' : 'plain')))
		for (const nodes of PURE_NODES)
			for (const w of windows(nodes)) {
				const r = pure(nodes, spread, w.prefill, w.queued, w.measure);
				const what = `pure core, ${nodes} nodes, ${w.label}${spread ? ', spread + anti-affinity' : ''}`;
				console.log(`${what}: ${r.podsPerSec.toFixed(0)} pods/s (${r.podsPerCpuSec.toFixed(0)} per CPU second), p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, record ${r.recordUs.toFixed(0)} µs / ≤ ${r.recordBytes} B, results ${r.hash}`);
				const basic5k = nodes === 5000 && !spread && w.prefill === 0;
				rows.push(row({ metric: what, unit: 'pods/s', ours: r.podsPerSec, better: 'higher', ...(basic5k ? { reference: REF, referenceName: REF_NAME, goal: GOAL } : {}) }));
				rows.push(row({ metric: `${what}: per CPU second (busy machines)`, unit: 'pods/s', ours: r.podsPerCpuSec, better: 'higher' }));
				rows.push(row({ metric: `${what}: cycle p99`, unit: 'ms', ours: r.p99, better: 'lower' }));
				rows.push(row({ metric: `${what}: record build + JSON per pod`, unit: 'µs', ours: r.recordUs, better: 'lower' }));
				if (nodes === 5000) rows.push(row({ metric: `${what}: largest record`, unit: 'bytes', ours: r.recordBytes, goal: 1.5 * 1024 * 1024, better: 'lower' }));
			}
	if (PURE_ONLY) return;
	const e = await endToEnd();
	rows.push(row({ metric: `end to end via the API, ${E2E_NODES} nodes, ${E2E_PODS} pods created ${INFLIGHT} in flight`, unit: 'pods/s', ours: e.podsPerSec, reference: REF, referenceName: REF_NAME, better: 'higher' }));
	rows.push(row({ metric: `  pod creation alone in that run`, unit: 'pods/s', ours: e.createPerSec, better: 'higher' }));
	rows.push(row({ metric: `  decision records drained after the last binding`, unit: 's', ours: e.recordsDrainS, better: 'lower' }));
	const notes = [
		`pure core: ${PODS_PER_NODE} pods per node worth of pending pods; a run over ${PURE_WINDOW} cycles is measured over its first ${PURE_WINDOW} pods (all the rest pending) and its last ${PURE_WINDOW} (the others bound in advance round-robin), not whole`,
		'pure core: pods/s exclude building and serializing the decision record (and the bench\'s result hash), timed apart ("record build + JSON per pod")',
		'end to end: converge runs in this process; the bench client, the API server, the store and the scheduler share its event loop and the 2 cores',
		`end to end without kubelets, node lifecycle and taint eviction (CONTROLLERS=${process.env.CONTROLLERS}), like scheduler_perf`,
		`end to end: ${e.bound} of ${E2E_PODS} pods bound; records written: ${e.records} (one per pod, coalesced per pod)`
	];
	writeReport('scheduler', rows, undefined, notes);
}

await main();
