/**
 * The kube API server of a room under load (issue 5): converge in a child process
 * (tests/helpers/server-process.ts, its own temp DATA_DIR, 127.0.0.1), one room, and this process
 * as the client (node:http keep-alive connections, bearer token on the plain HTTP port).
 *
 * Phases, in order, on the pods of one namespace:
 * - create POD_COUNT pods one at a time, then POD_COUNT more with INFLIGHT in flight (pods/s);
 * - list the POD_COUNT pods of the first batch as JSON and as a Table (ms from the request to the
 *   last byte of the response, best and median of LIST_RUNS; the client's parse is not counted);
 * - watch fan-out: WATCHERS watches on the namespace's pods while fresh pods are created and
 *   patched at FANOUT_RATE/s; latency from the patch's response to each watcher's receipt of its
 *   MODIFIED event;
 * - mutating calls (merge-patch of a label) paced at PACED_RATE/s for PACED_MS (p50/p99).
 *
 * There is no kube-apiserver on this machine: the references are the Kubernetes scalability SLOs
 * (mutating API call p99 ≤ 1 s, list p99 ≤ 30 s). `APISERVER_BENCH_PROFILE=1` runs the server under
 * `node --cpu-prof` and prints its hotspots; `POD_COUNT` shrinks the run; `CONTROLLERS` (passed on
 * to the server) selects its in-process controllers, `none` for the API server alone;
 * `APISERVER_BENCH_NODE_ARGS` adds node flags to the server's. When profiling or given flags, each
 * phase's window is printed in CLOCK_MONOTONIC µs (the clock of V8's profile timestamps).
 *
 * @module
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Etcd3 } from 'etcd3';
import { startChildServer } from '../tests/helpers/child-server';
import { startBenchEtcd } from './lib/real-etcd';
import { profileRun } from './lib/profile-run';
import { loadAvg, processCpuSeconds } from './lib/proc-cpu';
import { percentile, row, writeReport, type Row } from './lib/report';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const POD_COUNT = Number(process.env.POD_COUNT ?? 10_000);
const INFLIGHT = 32;
const LIST_RUNS = 5;
const WATCHERS = 100;
const FANOUT_RATE = 50;
const FANOUT_MS = 3000;
const PACED_RATE = 1000;
const PACED_MS = 4000;
const PROFILE = process.env.APISERVER_BENCH_PROFILE === '1';
/** Extra node flags for the server (e.g. `--trace-gc`, or `--import` of an observer). */
const NODE_ARGS = (process.env.APISERVER_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const NS = 'bench';
const SLO = 'Kubernetes scalability SLOs (github.com/kubernetes/community sig-scalability/slos/slos.md): mutating API call p99 ≤ 1 s, list (namespace scope) p99 ≤ 30 s';
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io';

interface Reply {
	status: number;
	body: string;
	/** When the last byte arrived (performance.now()). */
	endAt: number;
}

/** A minimal kube client over node:http (keep-alive, one agent per phase). */
class Client {
	/** Requests sent (watches excluded), to charge a phase's server CPU per request. */
	calls = 0;

	constructor(
		private readonly origin: URL,
		private readonly base: string,
		private readonly token: string,
		readonly agent = new Agent({ keepAlive: true, maxSockets: INFLIGHT })
	) {}

	call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
		const data = body === undefined ? undefined : JSON.stringify(body);
		this.calls++;
		return new Promise((resolve, reject) => {
			const req = request(
				{
					host: this.origin.hostname,
					port: this.origin.port,
					method,
					path: this.base + path,
					agent: this.agent,
					headers: { authorization: `Bearer ${this.token}`, accept: 'application/json', ...(data ? { 'content-type': 'application/json' } : {}), ...headers }
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () => {
						const endAt = performance.now();
						resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), endAt });
					});
					res.on('error', reject);
				}
			);
			req.on('error', reject);
			req.end(data);
		});
	}

	async ok(method: string, path: string, body?: unknown, headers?: Record<string, string>, want = [200, 201]): Promise<Reply> {
		const r = await this.call(method, path, body, headers);
		if (!want.includes(r.status)) throw new Error(`${method} ${path} answered ${r.status}: ${r.body.slice(0, 300)}`);
		return r;
	}

	/** Opens a watch; `onEvent` gets each line's type and object name. Returns a closer. */
	watch(path: string, onEvent: (type: string, name: string, at: number) => void): Promise<() => void> {
		return new Promise((resolve, reject) => {
			const req = request(
				{ host: this.origin.hostname, port: this.origin.port, path: this.base + path, agent: false, headers: { authorization: `Bearer ${this.token}` } },
				(res: IncomingMessage) => {
					if (res.statusCode !== 200) return reject(new Error(`watch answered ${res.statusCode}`));
					let buf = '';
					res.setEncoding('utf8');
					res.on('data', (d: string) => {
						const at = performance.now();
						buf += d;
						let nl;
						while ((nl = buf.indexOf('\n')) >= 0) {
							const line = buf.slice(0, nl);
							buf = buf.slice(nl + 1);
							const e = JSON.parse(line) as { type: string; object: { metadata?: { name?: string } } };
							onEvent(e.type, e.object.metadata?.name ?? '', at);
						}
					});
					res.on('error', () => {});
					resolve(() => req.destroy());
				}
			);
			req.on('error', (e) => reject(e));
			req.end();
		});
	}
}

const pod = (name: string) => ({
	apiVersion: 'v1',
	kind: 'Pod',
	metadata: { name, labels: { app: 'bench', batch: name.slice(0, 1) } },
	spec: { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.log(`[apiserver] ${msg}`);

/** Creates `names` with `inflight` closed loops; pods/s. */
async function createPods(c: Client, names: string[], inflight: number): Promise<number> {
	let next = 0;
	const t0 = performance.now();
	const loop = async () => {
		while (next < names.length) {
			const name = names[next++];
			await c.ok('POST', `/api/v1/namespaces/${NS}/pods`, pod(name));
		}
	};
	await Promise.all(Array.from({ length: inflight }, loop));
	return names.length / ((performance.now() - t0) / 1000);
}

/** Times LIST_RUNS lists (request sent → last byte received); best and median ms, after one warm-up run. */
async function timeList(c: Client, path: string, accept: string, expectItems: number): Promise<{ best: number; median: number }> {
	const times: number[] = [];
	for (let i = 0; i <= LIST_RUNS; i++) {
		const t0 = performance.now();
		const r = await c.ok('GET', path, undefined, { accept });
		const ms = r.endAt - t0;
		const body = JSON.parse(r.body) as { items?: unknown[]; rows?: unknown[] };
		const n = (body.items ?? body.rows ?? []).length;
		if (n < expectItems) throw new Error(`list ${path} (${accept}) returned ${n} items, expected ≥ ${expectItems}`);
		if (i > 0) times.push(ms);
	}
	return { best: Math.min(...times), median: percentile(times, 50) };
}

const patchLabel = (c: Client, name: string, value: string) =>
	c.ok('PATCH', `/api/v1/namespaces/${NS}/pods/${name}`, { metadata: { labels: { tick: value } } }, { 'content-type': 'application/merge-patch+json' });

/** WATCHERS watches; pods patched at FANOUT_RATE/s; latency write response → event receipt. */
async function fanout(c: Client): Promise<number[]> {
	const acked = new Map<string, number>();
	const pending = new Map<string, Array<number>>();
	const latencies: number[] = [];
	const rv = JSON.parse((await c.ok('GET', `/api/v1/namespaces/${NS}/pods?limit=1`)).body).metadata.resourceVersion as string;
	const closers = await Promise.all(
		Array.from({ length: WATCHERS }, () =>
			c.watch(`/api/v1/namespaces/${NS}/pods?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`, (type, name, at) => {
				if (type !== 'MODIFIED' || !name.startsWith('f')) return;
				const ack = acked.get(name);
				if (ack !== undefined) latencies.push(Math.max(0, at - ack));
				else pending.set(name, [...(pending.get(name) ?? []), at]);
			})
		)
	);
	await sleep(200);
	// A fresh pod per write so each event is matched to exactly one ack.
	const count = await openLoop(FANOUT_RATE, FANOUT_MS, async (i) => {
		const name = `f${i}`;
		await c.ok('POST', `/api/v1/namespaces/${NS}/pods`, pod(name));
		await patchLabel(c, name, 'x');
		const ack = performance.now();
		acked.set(name, ack);
		for (const at of pending.get(name) ?? []) latencies.push(Math.max(0, at - ack));
		pending.delete(name);
	});
	await sleep(500);
	for (const close of closers) close();
	if (latencies.length < count * WATCHERS) throw new Error(`fan-out: ${latencies.length} events received, expected ${count * WATCHERS}`);
	return latencies;
}

/** Starts `fn(i)` at `rate`/s for `ms` (open loop: not waiting for earlier calls); the number of calls. */
async function openLoop(rate: number, ms: number, fn: (i: number) => Promise<void>): Promise<number> {
	const count = Math.round((rate * ms) / 1000);
	const t0 = performance.now();
	const calls: Promise<void>[] = [];
	for (let i = 0; i < count; i++) {
		const wait = t0 + (i * 1000) / rate - performance.now();
		if (wait > 1) await sleep(wait);
		calls.push(fn(i));
	}
	await Promise.all(calls);
	return count;
}

/** Merge-patches at PACED_RATE/s (open loop); each call's latency. */
async function paced(c: Client, names: string[]): Promise<number[]> {
	const latencies: number[] = [];
	await openLoop(PACED_RATE, PACED_MS, async (i) => {
		const start = performance.now();
		await patchLabel(c, names[i % names.length], String(i));
		latencies.push(performance.now() - start);
	});
	return latencies;
}

interface Figures {
	seqRate: number;
	parRate: number;
	listJson: { best: number; median: number };
	listTable: { best: number; median: number };
	fanout: number[];
	paced: number[];
	cpu: Record<string, number>;
	/** Requests per phase. */
	calls: Record<string, number>;
	/** One created pod as the API server returns (and stores) it: the reference's value. */
	storedPod: string;
}

async function measure(profileArgs: string[] = []): Promise<Figures> {
	const nodeArgs = [...profileArgs, ...NODE_ARGS];
	const dataDir = await mkdtemp(join(tmpdir(), 'converge-bench-apiserver-'));
	const server = await startChildServer({ dataDir, idleUnloadMs: 3_600_000, nodeArgs, env: { MAX_OBJECTS_PER_ROOM: '100000' }, verbose: process.env.BENCH_VERBOSE === '1' });
	const cpu: Record<string, number> = {};
	const calls: Record<string, number> = {};
	let counted: Client | undefined;
	const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
		const before = processCpuSeconds(server.pid);
		const callsBefore = counted?.calls ?? 0;
		// CLOCK_MONOTONIC µs, the clock of V8's profile timestamps: a profile can be cut per phase.
		const t0 = process.hrtime.bigint() / 1000n;
		log(`${name}…`);
		const r = await fn();
		cpu[name] = processCpuSeconds(server.pid) - before;
		calls[name] = (counted?.calls ?? 0) - callsBefore;
		if (PROFILE || NODE_ARGS.length) log(`phase window ${name}: ${t0},${process.hrtime.bigint() / 1000n}`);
		return r;
	};
	try {
		const room = await server.createRoom('blank');
		const c = (counted = new Client(new URL(server.origin), `/rooms/${room.id}/k8s`, room.tokens.editor));
		await c.ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
		await createPods(c, ['warm-0', 'warm-1', 'warm-2'], 1);
		const seqNames = Array.from({ length: POD_COUNT }, (_, i) => `a${i}`);
		const parNames = Array.from({ length: POD_COUNT }, (_, i) => `b${i}`);
		const seqRate = await phase('create sequential', () => createPods(c, seqNames, 1));
		const parRate = await phase('create 32 in flight', () => createPods(c, parNames, INFLIGHT));
		// Lists of exactly POD_COUNT pods: the first batch, by label.
		const listPath = `/api/v1/namespaces/${NS}/pods?labelSelector=batch%3Da`;
		const listJson = await phase('list JSON', () => timeList(c, listPath, 'application/json', POD_COUNT));
		const listTable = await phase('list Table', () => timeList(c, listPath, TABLE_ACCEPT, POD_COUNT));
		const fan = await phase('watch fan-out', () => fanout(c));
		const pacedLat = await phase('paced mutations', () => paced(c, seqNames));
		const storedPod = (await c.ok('GET', `/api/v1/namespaces/${NS}/pods/${parNames[0]}`)).body;
		c.agent.destroy();
		return { seqRate, parRate, listJson, listTable, fanout: fan, paced: pacedLat, cpu, calls, storedPod };
	} finally {
		await server.stop();
		await rm(dataDir, { recursive: true, force: true });
	}
}

/**
 * The storage floor under any kube-apiserver on this machine: real etcd 3.4 alone (temp dir,
 * default fsync), given pod-sized values the way kube-apiserver writes them — 32 puts in flight
 * (creates), and puts paced at PACED_RATE/s (mutating calls). kube-apiserver's own work comes on top.
 */
async function measureEtcd(value: string): Promise<{ rate: number; paced: number[]; version: string }> {
	const etcd = await startBenchEtcd();
	const client = new Etcd3({ hosts: etcd.endpoint });
	try {
		const key = (p: string, i: number) => `/registry/pods/${NS}/${p}${i}`;
		let next = 0;
		const t0 = performance.now();
		await Promise.all(
			Array.from({ length: INFLIGHT }, async () => {
				for (let i = next++; i < POD_COUNT; i = next++) await client.put(key('b', i)).value(value);
			})
		);
		const rate = POD_COUNT / ((performance.now() - t0) / 1000);
		const paced: number[] = [];
		await openLoop(PACED_RATE, PACED_MS, async (i) => {
			const start = performance.now();
			await client.put(key('b', i % POD_COUNT)).value(value);
			paced.push(performance.now() - start);
		});
		return { rate, paced, version: etcd.version };
	} finally {
		client.close();
		await etcd.stop();
	}
}

async function main(): Promise<void> {
	if (PROFILE) return profileRun('apiserver', ROOT, measure, log);
	const loadBefore = loadAvg();
	const f = await measure();
	log('real etcd alone, for the storage floor…');
	const e = await measureEtcd(f.storedPod);
	const floor = `etcd ${e.version} alone (same run, 127.0.0.1, default fsync, pod-sized values ${f.storedPod.length} B, etcd3 client in this process): the storage under any kube-apiserver here`;
	const rows: Row[] = [
		row({ metric: `create ${POD_COUNT} pods, sequential`, unit: 'pods/s', ours: f.seqRate, better: 'higher' }),
		row({ metric: `create ${POD_COUNT} pods, ${INFLIGHT} in flight`, unit: 'pods/s', ours: f.parRate, reference: e.rate, referenceName: floor, goal: 5000, better: 'higher' }),
		row({ metric: `list ${POD_COUNT} pods as JSON (median of ${LIST_RUNS})`, unit: 'ms', ours: f.listJson.median, reference: 30_000, referenceName: SLO, goal: 300, better: 'lower' }),
		row({ metric: `list ${POD_COUNT} pods as Table (median of ${LIST_RUNS})`, unit: 'ms', ours: f.listTable.median, reference: 30_000, referenceName: SLO, goal: 300, better: 'lower' }),
		row({ metric: `watch fan-out to ${WATCHERS} watchers, write ack → event p50`, unit: 'ms', ours: percentile(f.fanout, 50), better: 'lower' }),
		row({ metric: `watch fan-out to ${WATCHERS} watchers, write ack → event p99`, unit: 'ms', ours: percentile(f.fanout, 99), goal: 20, better: 'lower' }),
		row({ metric: `mutating call (merge-patch) p50 at ${PACED_RATE}/s`, unit: 'ms', ours: percentile(f.paced, 50), reference: percentile(e.paced, 50), referenceName: floor, better: 'lower' }),
		row({ metric: `mutating call (merge-patch) p99 at ${PACED_RATE}/s`, unit: 'ms', ours: percentile(f.paced, 99), reference: percentile(e.paced, 99), referenceName: floor, goal: 10, better: 'lower' })
	];
	const cpuNote = Object.entries(f.cpu)
		.map(([k, v]) => `${k} ${v.toFixed(2)} s (${Math.round((v * 1e6) / Math.max(1, f.calls[k]))} µs per request)`)
		.join(', ');
	const notes = [
		`Kubernetes scalability SLOs for comparison: ${SLO.split(': ')[1]}`,
		`load average (1/5/15 min) before ${loadBefore}, after ${loadAvg()} (2-core machine shared with other work)`,
		`in-process controllers: CONTROLLERS=${process.env.CONTROLLERS ?? '*'} (\`CONTROLLERS=none\` measures the API server alone)`,
		`server in its own process, client in this one (node:http keep-alive); lists are a labelSelector over ${2 * POD_COUNT + 3} pods returning ${POD_COUNT}; best list JSON ${f.listJson.best.toFixed(1)} ms, Table ${f.listTable.best.toFixed(1)} ms`,
		`fan-out: ${FANOUT_RATE} create+patch pairs/s for ${FANOUT_MS} ms, ${f.fanout.length} MODIFIED events measured; an event that arrives before its write's response counts as 0 ms`,
		`server CPU per phase: ${cpuNote}`
	];
	writeReport('apiserver', rows, undefined, notes);
	const missed = rows.filter((r) => r.met === false).map((r) => r.metric);
	if (missed.length) log(`goals missed: ${missed.join('; ')}\n  (profile with APISERVER_BENCH_PROFILE=1 npm run bench -- apiserver)`);
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
