/**
 * Benchmark `store-snapshot`: how long a room store's snapshot stalls the event loop.
 *
 * A room store on disk (server/store/room-store.ts, temp dir) holds SNAP_PODS pods (default
 * 20,000) with SNAP_REVS revisions each (default 5: created, bound, three status updates; every
 * revision retained, as with STORE_COMPACTION_MS=0), ~1.5 KB of pod JSON per revision. Then,
 * with a 2 ms timer reading a key on every tick:
 *
 *   ours       `snapshotNow()`: the snapshot written a ~1 MiB chunk per turn into the next
 *              journal, which then replaces store.wal
 *   reference  the one-record snapshot the store took before (engine.snapshot + encodeRecord +
 *              frame on the main thread, then write + fsync), on the same store
 *
 * Rows: the longest event-loop stall (the longest gap between ticks of a 2 ms timer; goal ≤ 50 ms;
 * perf_hooks.monitorEventLoopDelay's max is in the notes), the longest wait of a read due during
 * the snapshot (one per tick, timed from when it was due), and the CPU time of each (process.cpuUsage: all threads). Stalls are what to
 * compare on a shared machine; wall time is not.
 *
 * Run: `npm run bench -- store-snapshot` (bench/store.ts includes its rows);
 * `SNAP_PODS=2000 npx tsx bench/store-snapshot.ts` for a quick check.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createEngine } from '../server/store/engine';
import { openRoomStore } from '../server/store/room-store';
import { frame } from '../server/storage/record-log';
import { wallClock } from '../src/lib/clock/clock';
import { utf8 } from '../src/lib/store/bytes';
import type { EmbeddedStore } from '../src/lib/store/embedded-store';
import { encodeRecord } from '../src/lib/store/wal-codec';
import { row, writeReport } from './lib/report';

const PODS = Number(process.env.SNAP_PODS ?? 20_000);
const REVS = Number(process.env.SNAP_REVS ?? 5);
const BATCH = 500;
const PHASES = ['Pending', 'Pending', 'Running', 'Running', 'Running'];

function pod(i: number, rev: number): string {
	const name = `web-${(i % 200).toString(36)}-${i.toString(36).padStart(5, '0')}`;
	const at = new Date(Date.parse('2026-11-26T10:00:00Z') + i * 1000 + rev * 5000).toISOString().replace(/\.\d{3}Z$/, 'Z');
	return JSON.stringify({
		kind: 'Pod',
		apiVersion: 'v1',
		metadata: {
			name,
			namespace: `team-${i % 20}`,
			uid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
			resourceVersion: String(rev),
			creationTimestamp: at,
			labels: { app: `web-${i % 200}`, 'pod-template-hash': '5d8f7c9b6' },
			ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `web-${i % 200}-5d8f7c9b6`, uid: 'rs', controller: true, blockOwnerDeletion: true }],
			managedFields: [
				{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: at, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} }, 'f:spec': { 'f:containers': {} } } },
				{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: at, fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:conditions': {}, 'f:phase': {} } }, subresource: 'status' }
			]
		},
		spec: {
			nodeName: rev > 0 ? `node-${i % 200}` : undefined,
			containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
			restartPolicy: 'Always'
		},
		status: {
			phase: PHASES[rev % PHASES.length],
			conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].slice(0, rev).map((type) => ({ type, status: 'True', lastTransitionTime: at })),
			podIP: rev > 1 ? `10.244.${i % 200}.${i % 250}` : undefined
		}
	});
}

async function fill(store: EmbeddedStore): Promise<void> {
	const keys = Array.from({ length: PODS }, (_, i) => utf8(`/registry/pods/team-${i % 20}/web-${i.toString(36).padStart(5, '0')}`));
	for (let rev = 0; rev < REVS; rev++) {
		for (let b = 0; b < PODS; b += BATCH) {
			const puts = [];
			for (let i = b; i < Math.min(PODS, b + BATCH); i++) puts.push(store.put({ key: keys[i], value: utf8(pod(i, rev)) }));
			await Promise.all(puts);
		}
	}
}

interface Stall {
	/** Longest time between two ticks of a 2 ms timer, ms: the longest the event loop was held. */
	stallMs: number;
	/** The most main-thread CPU time between two ticks, ms: the stall without the time other processes had the core. */
	stallCpuMs: number;
	/** perf_hooks.monitorEventLoopDelay max, ms. */
	eldMs: number;
	/** Longest wait of a read due during the run, from when it was due, ms. */
	readMs: number;
	cpuMs: number;
	wallMs: number;
}

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

/** CPU time of the main thread (Linux: its schedstat), ms; NaN elsewhere. */
function mainThreadCpuMs(): number {
	try {
		return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6;
	} catch {
		return NaN;
	}
}

/** Runs `work` with the loop-delay monitor on and a timer due every 2 ms that reads a key. */
async function measure(store: EmbeddedStore, work: () => Promise<void>): Promise<Stall> {
	const h = monitorEventLoopDelay({ resolution: 5 });
	const probe = utf8('/registry/pods/team-0/web-00000');
	let stallMs = 0;
	let stallCpuMs = 0;
	let readMs = 0;
	let last = performance.now();
	let lastCpu = mainThreadCpuMs();
	const ticks = setInterval(() => {
		const due = last + 2;
		const now = performance.now();
		const cpu = mainThreadCpuMs();
		stallMs = Math.max(stallMs, now - last);
		stallCpuMs = Math.max(stallCpuMs, Math.min(now - last, cpu - lastCpu));
		last = now;
		lastCpu = cpu;
		void store.range({ key: probe }).then(() => (readMs = Math.max(readMs, performance.now() - due)));
	}, 2);
	await new Promise((r) => setTimeout(r, 50));
	h.enable();
	stallMs = stallCpuMs = readMs = 0;
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	await work();
	const wallMs = performance.now() - t0;
	const cpu = process.cpuUsage(cpu0);
	await new Promise((r) => setTimeout(r, 50));
	h.disable();
	clearInterval(ticks);
	return { stallMs, stallCpuMs, eldMs: h.max / 1e6, readMs, cpuMs: (cpu.user + cpu.system) / 1000, wallMs };
}

/** What the store did before: the whole snapshot as one record, built on the main thread. */
async function oneRecordSnapshot(store: EmbeddedStore, dir: string): Promise<void> {
	const record = frame(encodeRecord({ seq: 1, t: 'snapshot', engine: store.engineSnapshot(), leases: [], leaseSeed: 1 }));
	const fh = await open(join(dir, '.one-record.tmp'), 'w');
	try {
		await fh.write(record);
		await fh.sync();
	} finally {
		await fh.close();
	}
}

async function main(): Promise<void> {
	const dir = await mkdtemp(join(tmpdir(), 'converge-bench-snapshot-'));
	try {
		const store = await openRoomStore({ dir, engine: createEngine(), clock: wallClock, quotaBytes: 2 ** 32, autoCompactionMs: 0, snapshotEvery: 1e12 });
		console.log(`filling: ${PODS} pods × ${REVS} revisions…`);
		await fill(store);
		const { revision, dbSize } = await store.status();
		const records = PODS * REVS;
		console.log(`store: revision ${revision}, ${(dbSize / 2 ** 20).toFixed(0)} MiB in the engine`);
		const before = await measure(store, () => oneRecordSnapshot(store, dir));
		const after = await measure(store, () => store.snapshotNow());
		await store.close();
		for (const [name, f] of [['one-record (before)', before], ['chunked (now)', after]] as const) {
			console.log(`${name}: longest stall ${f.stallMs.toFixed(1)} ms (main-thread CPU ${f.stallCpuMs.toFixed(1)} ms; monitorEventLoopDelay max ${f.eldMs.toFixed(1)} ms), longest read ${f.readMs.toFixed(1)} ms, CPU ${f.cpuMs.toFixed(0)} ms, wall ${f.wallMs.toFixed(0)} ms`);
		}
		const ref = 'the one-record snapshot taken before (engine.snapshot + encode + frame on the main thread), same store, same run';
		const n = records.toLocaleString('en-US');
		writeReport(
			'store-snapshot',
			[
				row({ metric: `longest event-loop stall during a snapshot at ${n} records`, unit: 'ms', ours: after.stallMs, reference: before.stallMs, referenceName: ref, goal: 50, better: 'lower' }),
				row({ metric: `longest event-loop stall during a snapshot at ${n} records, main-thread CPU only`, unit: 'ms', ours: after.stallCpuMs, reference: before.stallCpuMs, referenceName: ref, goal: 50, better: 'lower' }),
				row({ metric: `longest wait of a read due during a snapshot at ${n} records`, unit: 'ms', ours: after.readMs, reference: before.readMs, referenceName: ref, goal: 50, better: 'lower' }),
				row({ metric: `CPU time of a snapshot at ${n} records (all threads)`, unit: 'ms', ours: after.cpuMs, reference: before.cpuMs, referenceName: ref, better: 'lower' })
			],
			undefined,
			[
				`${PODS} pods × ${REVS} revisions of ~${(pod(1, 3).length / 1000).toFixed(1)} kB pod JSON, all retained; ${(dbSize / 2 ** 20).toFixed(0)} MiB in the engine`,
				'stall: the longest gap between two ticks of a 2 ms timer while the snapshot runs (each tick reads a key; read wait: from when it was due to answered); main-thread CPU only: the most CPU time the main thread used between two ticks (/proc/self/task/<pid>/schedstat), i.e. without the time other processes held the core',
				`perf_hooks.monitorEventLoopDelay max (5 ms resolution): before ${before.eldMs.toFixed(1)} ms, now ${after.eldMs.toFixed(1)} ms`,
				`wall time (meaningless on a shared machine): before ${before.wallMs.toFixed(0)} ms, now ${after.wallMs.toFixed(0)} ms`
			]
		);
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
