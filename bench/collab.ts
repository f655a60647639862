/**
 * Collaboration benchmark: real WebSockets on 127.0.0.1, the server in a child process (its CPU
 * and RSS read from the process itself), the clients (RoomClient, the app's own client) here.
 *
 * Scenarios:
 * - 10 and 50 clients editing one room: every edit is made by a random client (RATE edits/s in
 *   all); latency = from the insert to a client observing it (per delivery), and to every other
 *   client having it (propagation); server CPU over the window; server RSS.
 * - 100 rooms × 5 clients, every client editing: the same figures across rooms.
 * - memory per idle loaded room: rooms created, the server restarted, then N rooms loaded;
 *   (RSS after − RSS before) / N, after a full GC on both sides.
 *
 * Reference, measured in the same run for the one-room scenarios: @y/websocket-server 0.1.1
 * (bench/lib/ref-yws-server.ts, its `setupWSConnection`, no persistence) in a child process, driven
 * by the same load generator with plain y-websocket `WebsocketProvider` clients (same edit rate,
 * same writers, a top-level Y.Text seeded by one client with the same file content). The figures
 * published in research/collab.md §6.2 remain only where nothing is measured.
 *
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import * as Y from 'yjs';
import type { RoomClient } from '../src/lib/collab/client';
import { startChildServer, type ChildServer, type ProcessStats } from '../tests/helpers/child-server';
import { connectClient, createRoomAt, fileText, type RoomInfo } from '../tests/helpers/server';
import { createRng, int, type Rng } from '../tests/helpers/prng';
import { percentile, row, writeReport, type Row } from './lib/report';

const REF_MEASURED = '@y/websocket-server 0.1.1, same run, same load';
const REF_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'lib', 'ref-yws-server.ts');
const REF_TEXT = 'yaml';

const SOURCE = 'research/collab.md §6.2, measured on this 2-core machine (loopback, listeners in a second process)';
/** Published figures, used only where nothing is measured in this run (100 rooms × 5 clients). */
const REF = {
	cpuPerMsg: { v: 4.5, name: `@y/websocket-server: "roughly 4–5 µs of server CPU per delivered message" (${SOURCE})` },
	rss: { v: 105, name: `@y/websocket-server RSS "stayed ~75–105 MB" for 10–1000 listeners (${SOURCE})` }
};

/** Edits per second in all (each by a random client of the scenario). */
const RATE = 100;
const WARMUP_MS = 1000;
const WINDOW_MS = 5000;
const PATH = 'app/deployment.yaml';

const seed = Number(process.env.SEED ?? 42);

interface Edit {
	writer: number;
	clientId: number;
	clock: number;
	t0: number;
	room: number;
	waiting: number;
	last: number;
	measured: boolean;
}

interface RunResult {
	perDelivery: number[];
	propagation: number[];
	delivered: number;
	expected: number;
	/** Edits made while the server's CPU was measured (warm-up included). */
	edits: number;
	cpuMs: number;
	/** Of which in the kernel (fsync, socket writes). */
	systemMs: number;
	wallMs: number;
	rssMB: number;
	serverLoopP99Ms: number;
	clientLoopP99Ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One collaborating client as the load generator sees it (a RoomClient or a bare provider). */
interface Peer {
	doc: Y.Doc;
	/** The origin of updates that came from the server. */
	provider: unknown;
	destroy(): void;
}

/** A scenario ready to run: connected, synced clients per room and the server's counters. */
interface Setup {
	clients: Peer[][];
	text(c: Peer): Y.Text;
	stats(): Promise<ProcessStats>;
}

interface RefServer {
	origin: string;
	stats(): Promise<ProcessStats>;
	stop(): Promise<void>;
}

/** Starts bench/lib/ref-yws-server.ts (@y/websocket-server 0.1.1) in a child process. */
async function startRefServer(): Promise<RefServer> {
	const env = { ...process.env };
	delete env.YPERSISTENCE;
	const child = spawn(process.execPath, ['--import', 'tsx', REF_ENTRY], { env, stdio: ['pipe', 'pipe', 'pipe'] });
	let stderr = '';
	child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const port = await new Promise<number>((resolve, reject) => {
		let out = '';
		const onData = (d: Buffer) => {
			out += d.toString();
			const m = /^\{"port":(\d+),"pid":\d+\}$/m.exec(out);
			if (!m) return;
			child.stdout?.off('data', onData);
			child.stdout?.resume();
			resolve(Number(m[1]));
		};
		child.stdout?.on('data', onData);
		void exited.then(() => reject(new Error(`reference server exited before listening:\n${stderr}`)));
	});
	const origin = `http://127.0.0.1:${port}`;
	return {
		origin,
		async stats() {
			return (await (await fetch(`${origin}/__test/stats`)).json()) as ProcessStats;
		},
		async stop() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			await exited;
		}
	};
}

/** Converge: `rooms` rooms from the web-app starter, `perRoom` RoomClients each, all synced. */
async function convergeSetup(server: ChildServer, rooms: number, perRoom: number): Promise<Setup> {
	const infos: RoomInfo[] = [];
	for (let r = 0; r < rooms; r++) infos.push(await createRoomAt(server.origin, 'web-app'));
	const clients: RoomClient[][] = infos.map((info) => Array.from({ length: perRoom }, () => connectClient(server.origin, info.id, info.tokens.editor)));
	await Promise.all(clients.flat().map((c) => c.when((s) => s.synced)));
	return { clients, text: (c) => fileText(c.doc, PATH), stats: () => server.stats() };
}

/**
 * The reference: `perRoom` WebsocketProviders on one doc of @y/websocket-server; one client seeds
 * the top-level Y.Text with `content`, and every client has it before the run starts.
 */
async function refSetup(server: RefServer, perRoom: number, content: string): Promise<Setup> {
	const ws = server.origin.replace(/^http/, 'ws');
	const connect = (): Peer => {
		const doc = new Y.Doc();
		const provider = new WebsocketProvider(ws, 'bench-room', doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
		return { doc, provider, destroy: () => (provider.destroy(), doc.destroy()) };
	};
	const synced = (p: Peer) =>
		new Promise<void>((resolve) => {
			const provider = p.provider as WebsocketProvider;
			if (provider.synced) return resolve();
			const on = (s: boolean) => s && (provider.off('sync', on), resolve());
			provider.on('sync', on);
		});
	const first = connect();
	await synced(first);
	first.doc.getText(REF_TEXT).insert(0, content);
	const clients = [first, ...Array.from({ length: perRoom - 1 }, connect)];
	await Promise.all(clients.map(synced));
	const until = performance.now() + 10_000;
	while (clients.some((c) => c.doc.getText(REF_TEXT).length !== content.length)) {
		if (performance.now() > until) throw new Error('reference clients did not all receive the seeded content');
		await sleep(20);
	}
	return { clients: [clients], text: (c) => c.doc.getText(REF_TEXT), stats: () => server.stats() };
}

async function withRefServer<T>(fn: (s: RefServer) => Promise<T>): Promise<T> {
	const server = await startRefServer();
	try {
		return await fn(server);
	} finally {
		await server.stop();
	}
}

async function withServer<T>(opts: { idleUnloadMs?: number; nodeArgs?: string[]; dataDir?: string }, fn: (s: ChildServer, dir: string) => Promise<T>): Promise<T> {
	const dir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'converge-bench-')));
	const server = await startChildServer({
		dataDir: dir,
		idleUnloadMs: opts.idleUnloadMs ?? 600_000,
		nodeArgs: opts.nodeArgs,
		limits: { maxConnectionsPerRoom: 1000 }
	});
	try {
		return await fn(server, dir);
	} finally {
		await server.stop();
		if (!opts.dataDir) await rm(dir, { recursive: true, force: true });
	}
}

/**
 * `rooms` rooms with `perRoom` clients each; RATE edits/s in all for WARMUP + WINDOW, by random
 * clients; latencies recorded for edits made in the window.
 */
async function editingRun(setup: Setup, rng: Rng): Promise<RunResult> {
	const { clients } = setup;
	const rooms = clients.length;
	const perRoom = clients[0].length;
	const flat = clients.flat();

	// Per room: the edits still travelling, per writer in order (a listener advances a cursor).
	const open: Edit[][][] = clients.map((cs) => cs.map(() => []));
	const perDelivery: number[] = [];
	const propagation: number[] = [];
	let delivered = 0;
	let expected = 0;
	clients.forEach((cs, r) =>
		cs.forEach((c, li) => {
			const cursor = cs.map(() => 0);
			c.doc.on('update', (_u: Uint8Array, origin: unknown) => {
				if (origin !== c.provider) return;
				const now = performance.now();
				for (let w = 0; w < cs.length; w++) {
					if (w === li) continue;
					const edits = open[r][w];
					while (cursor[w] < edits.length && Y.getState(c.doc.store, edits[cursor[w]].clientId) >= edits[cursor[w]].clock) {
						const e = edits[cursor[w]++];
						e.waiting--;
						e.last = now;
						if (e.measured) {
							delivered++;
							perDelivery.push(now - e.t0);
							if (e.waiting === 0) propagation.push(now - e.t0);
						}
					}
				}
			});
		})
	);

	const loop = monitorEventLoopDelay({ resolution: 10 });
	const before = await setup.stats();
	loop.enable();
	const t0 = performance.now();
	let measuring = false;
	const start = performance.now();
	let n = 0;
	while (performance.now() - start < WARMUP_MS + WINDOW_MS) {
		const elapsed = performance.now() - start;
		if (!measuring && elapsed >= WARMUP_MS) measuring = true;
		// Keep the schedule: edit n is due at n / RATE seconds.
		const due = start + (n * 1000) / RATE;
		if (performance.now() < due) {
			await sleep(Math.max(0, due - performance.now()));
			continue;
		}
		const r = int(rng, 0, rooms - 1);
		const w = int(rng, 0, perRoom - 1);
		const c = clients[r][w];
		const text = setup.text(c);
		text.insert(int(rng, 0, text.length), String.fromCharCode(97 + int(rng, 0, 25)));
		open[r][w].push({
			writer: w,
			clientId: c.doc.clientID,
			clock: Y.getState(c.doc.store, c.doc.clientID),
			t0: performance.now(),
			room: r,
			waiting: perRoom - 1,
			last: 0,
			measured: measuring
		});
		if (measuring) expected += perRoom - 1;
		n++;
		if (n % 10 === 0) await new Promise((res) => setImmediate(res));
	}
	// Let the last edits arrive (bounded), then read the server's counters.
	const settleUntil = performance.now() + 5000;
	while (delivered < expected && performance.now() < settleUntil) await sleep(20);
	const after = await setup.stats();
	const wallMs = performance.now() - t0;
	loop.disable();
	for (const c of flat) c.destroy();
	await sleep(200);
	return {
		perDelivery,
		propagation,
		delivered,
		expected,
		edits: n,
		serverLoopP99Ms: after.loopDelayP99Ms,
		clientLoopP99Ms: loop.percentile(99) / 1e6,
		cpuMs: (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000,
		systemMs: (after.cpu.system - before.cpu.system) / 1000,
		wallMs,
		rssMB: after.rss / 1024 / 1024
	};
}

const p = (values: number[], q: number) => percentile(values, q);
const cpuPct = (r: RunResult) => (100 * r.cpuMs) / r.wallMs;
const cpuPerDelivery = (r: RunResult) => (r.cpuMs * 1000) / Math.max(1, r.delivered);
const cpuPerEdit = (r: RunResult) => r.cpuMs / Math.max(1, r.edits);

/**
 * The rows of one scenario. `ref`: the reference measured in the same run under the same load
 * (its figures go into `reference`); without it the published figures stay where they apply.
 */
function rowsOf(label: string, r: RunResult, ref?: RunResult, goalP99?: number): Row[] {
	const m = (v: ((x: RunResult) => number) | undefined) => (ref && v ? { reference: v(ref), referenceName: REF_MEASURED } : {});
	const pub = (x: { v: number; name: string }) => (ref ? m(undefined) : { reference: x.v, referenceName: x.name });
	return [
		row({ metric: `${label}: delivery latency p50`, unit: 'ms', ours: p(r.perDelivery, 50), better: 'lower', ...m((x) => p(x.perDelivery, 50)) }),
		row({ metric: `${label}: delivery latency p99`, unit: 'ms', ours: p(r.perDelivery, 99), better: 'lower', ...m((x) => p(x.perDelivery, 99)), goal: goalP99 }),
		row({ metric: `${label}: propagation to all p50`, unit: 'ms', ours: p(r.propagation, 50), better: 'lower', ...m((x) => p(x.propagation, 50)) }),
		row({ metric: `${label}: propagation to all p99`, unit: 'ms', ours: p(r.propagation, 99), better: 'lower', ...m((x) => p(x.propagation, 99)), goal: goalP99 }),
		row({ metric: `${label}: deliveries received`, unit: 'ratio', ours: r.delivered / Math.max(1, r.expected), better: 'higher', goal: 1, ...m((x) => x.delivered / Math.max(1, x.expected)) }),
		row({ metric: `${label}: server CPU`, unit: '% of a core', ours: cpuPct(r), better: 'lower', ...m(cpuPct) }),
		row({ metric: `${label}: server CPU per delivered message`, unit: 'µs', ours: cpuPerDelivery(r), better: 'lower', ...(ref ? m(cpuPerDelivery) : pub(REF.cpuPerMsg)) }),
		// An edit also costs a durable append + ack and a re-analysis of the room; y-websocket does neither.
		row({ metric: `${label}: server CPU per edit (all work)`, unit: 'ms', ours: cpuPerEdit(r), better: 'lower', ...m(cpuPerEdit) }),
		row({ metric: `${label}: server CPU in the kernel`, unit: '% of its CPU', ours: (100 * r.systemMs) / Math.max(1e-9, r.cpuMs), better: 'lower', ...m((x) => (100 * x.systemMs) / Math.max(1e-9, x.cpuMs)) }),
		row({ metric: `${label}: server event-loop delay p99`, unit: 'ms', ours: r.serverLoopP99Ms, better: 'lower', ...m((x) => x.serverLoopP99Ms) }),
		row({ metric: `${label}: client process event-loop delay p99`, unit: 'ms', ours: r.clientLoopP99Ms, better: 'lower' }),
		row({ metric: `${label}: server RSS`, unit: 'MB', ours: r.rssMB, better: 'lower', ...(ref ? m((x) => x.rssMB) : pub(REF.rss)) })
	];
}

/** Creates `n` rooms, restarts the server, loads them all; per-room RSS and heap growth after GC. */
async function idleRoomMemory(n: number): Promise<{ rssPerRoomMB: number; heapPerRoomMB: number; externalPerRoomMB: number }> {
	const dir = await mkdtemp(join(tmpdir(), 'converge-bench-mem-'));
	try {
		const rooms: RoomInfo[] = await withServer({ dataDir: dir }, async (s) => {
			const out: RoomInfo[] = [];
			for (let i = 0; i < n; i++) out.push(await createRoomAt(s.origin, 'web-app'));
			return out;
		});
		return await withServer({ dataDir: dir, nodeArgs: ['--expose-gc'] }, async (s) => {
			// One room first, so code paths, modules and caches are warm before the baseline.
			const warm = await createRoomAt(s.origin, 'web-app');
			await fetch(`${s.origin}/api/rooms/${warm.id}`, { headers: { authorization: `Bearer ${warm.tokens.editor}` } });
			const settle = async (): Promise<ProcessStats> => {
				await s.gc();
				await sleep(300);
				await s.gc();
				return s.stats();
			};
			const before = await settle();
			for (const r of rooms) {
				const res = await fetch(`${s.origin}/api/rooms/${r.id}`, { headers: { authorization: `Bearer ${r.tokens.editor}` } });
				if (res.status !== 200) throw new Error(`loading room ${r.id}: ${res.status}`);
				await res.arrayBuffer();
			}
			const after = await settle();
			if (after.loaded < n) throw new Error(`only ${after.loaded} rooms loaded`);
			const mb = (b: number) => b / 1024 / 1024 / n;
			return {
				rssPerRoomMB: mb(after.rss - before.rss),
				heapPerRoomMB: mb(after.heapUsed - before.heapUsed),
				externalPerRoomMB: mb(after.external + after.arrayBuffers - before.external - before.arrayBuffers)
			};
		});
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

async function main(): Promise<void> {
	process.setMaxListeners(0); // every y-websocket provider adds an exit listener
	const rows: Row[] = [];
	const t = performance.now();

	// The converge run and its reference share an rng seed: the same writers, at the same positions.
	let content = '';
	const ten = await withServer({}, async (s) => {
		const setup = await convergeSetup(s, 1, 10);
		content = setup.text(setup.clients[0][0]).toString();
		return editingRun(setup, createRng(seed));
	});
	const tenRef = await withRefServer(async (s) => editingRun(await refSetup(s, 10, content), createRng(seed)));
	rows.push(...rowsOf('1 room × 10 clients', ten, tenRef));
	console.log(`10 clients done, ours and reference (${((performance.now() - t) / 1000).toFixed(0)} s)`);

	const fifty = await withServer({}, async (s) => editingRun(await convergeSetup(s, 1, 50), createRng(seed + 1)));
	const fiftyRef = await withRefServer(async (s) => editingRun(await refSetup(s, 50, content), createRng(seed + 1)));
	rows.push(...rowsOf('1 room × 50 clients', fifty, fiftyRef, 50));
	console.log(`50 clients done, ours and reference (${((performance.now() - t) / 1000).toFixed(0)} s)`);

	const many = await withServer({}, async (s) => editingRun(await convergeSetup(s, 100, 5), createRng(seed + 2)));
	rows.push(...rowsOf('100 rooms × 5 clients', many));
	console.log(`100 rooms done (${((performance.now() - t) / 1000).toFixed(0)} s)`);

	const N = 100;
	const mem = await idleRoomMemory(N);
	rows.push(
		row({ metric: `idle loaded room (${N} rooms): RSS per room`, unit: 'MB', ours: mem.rssPerRoomMB, better: 'lower', goal: 2 }),
		row({ metric: `idle loaded room (${N} rooms): JS heap per room`, unit: 'MB', ours: mem.heapPerRoomMB, better: 'lower' }),
		row({ metric: `idle loaded room (${N} rooms): external + ArrayBuffers per room`, unit: 'MB', ours: mem.externalPerRoomMB, better: 'lower' })
	);
	console.log(`memory done (${((performance.now() - t) / 1000).toFixed(0)} s)\n`);

	writeReport('collab', rows, undefined, [
		`reference (${REF_MEASURED}): bench/lib/ref-yws-server.ts, setupWSConnection without persistence, y-websocket WebsocketProvider clients (ws, disableBc), one top-level Y.Text seeded by one client with ${PATH} of the web-app starter (${content.length} chars); same seed, rate and window as ours`,
		`published figures (${SOURCE}) remain only for 100 rooms × 5 clients, where no reference is measured`
	]);
}

await main();
process.exit(0);
