/**
 * The whole control plane at scale (issue 6): converge in this process (createConverge on
 * 127.0.0.1), one room with every controller, NODES Nodes (each with its simulated kubelet),
 * the room clock at maximum speed, then one Deployment of REPLICAS replicas:
 * - wall seconds until every replica is Running and Ready (Deployment readyReplicas), the API
 *   writes per second over that time (store revisions), peak RSS;
 * - then a rolling update of all of them (new image), timed the same way.
 *
 * Reference: what the real controller manager's own client limit allows for the pod creates
 * alone (kube-controller-manager `--kube-api-qps` 20, `--kube-api-burst` 30: 10,000 creates take
 * ≥ 500 s), not counting scheduling, kubelets and status writes. A run that stops making
 * progress for STALL_MS, or passes LIMIT_MS, is reported as it stands.
 * `NODES`, `REPLICAS` shrink the run; `ROLLING=0` stops after the scale-up (for profiling it);
 * `STALL_MS` lengthens the stall limit on a loaded machine; `RESULTS_DIR` writes the report elsewhere;
 * `HEAP_SNAPSHOT=<file>` writes a heap snapshot at the end (run node with `--expose-gc` to collect first).
 *
 * @module
 */
import { Agent, createServer, request, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConverge } from '../server/app';
import { configFromEnv } from '../server/config';
import { row, writeReport, type Row } from './lib/report';
import { apiMetrics } from '../server/apiserver/metrics';
import { CLIENT_FAILURES } from '../server/controllers/runtime/http-client';

const NODES = Number(process.env.NODES ?? 1000);
const REPLICAS = Number(process.env.REPLICAS ?? 10_000);
const INFLIGHT = 32;
const STALL_MS = Number(process.env.STALL_MS ?? 60_000);
const LIMIT_MS = 600_000;
const GOAL_S = 10;
const GOAL_RSS_MB = 2048;
const KCM_QPS = 20;
const KCM_BURST = 30;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** A tiny keep-alive JSON client of the room's kube API and rooms API. */
function client(origin: string, token: string) {
	const agent = new Agent({ keepAlive: true, maxSockets: INFLIGHT });
	const u = new URL(origin);
	const call = (method: string, path: string, body?: unknown, type = 'application/json', retried = false): Promise<Obj> =>
		new Promise((resolve, reject) => {
			const data = body === undefined ? undefined : JSON.stringify(body);
			const req = request({ host: u.hostname, port: u.port, method, path, agent, headers: { authorization: `Bearer ${token}`, ...(data ? { 'content-type': type } : {}) } }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					if ((res.statusCode ?? 500) >= 300) return reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
					resolve(text ? (JSON.parse(text) as Obj) : {});
				});
			});
			req.on('error', (e: NodeJS.ErrnoException) => {
				// A kept-alive socket the server closed as we reused it: a GET is safe to send again.
				if (e.code === 'ECONNRESET' && method === 'GET' && !retried) return void call(method, path, body, type, true).then(resolve, reject);
				reject(e);
			});
			req.end(data);
		});
	return call;
}

async function parallel(n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
	let next = 0;
	await Promise.all(Array.from({ length: INFLIGHT }, async () => {
		while (next < n) await fn(next++);
	}));
}

/** Peak resident set size while `fn` runs. */
function rssSampler() {
	// memoryUsage.rss() alone: the full memoryUsage() walks the heap spaces, a visible share of the CPU profile.
	let peak = process.memoryUsage.rss();
	const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
	return { peakMB: () => peak / 2 ** 20, stop: () => clearInterval(t) };
}

interface Phase {
	seconds: number;
	/** CPU seconds of the whole process (user + system) over the phase: wall time on a shared machine is noise. */
	cpuSeconds: number;
	done: boolean;
	ready: number;
	writesPerSec: number;
	/** 409 Conflicts the control plane's clients got during the phase. */
	conflicts: number;
}

/** 409s of the control plane's clients so far, by `<user agent> <method>`. */
function conflicts(): Map<string, number> {
	const out = new Map<string, number>();
	// The user agent's service account (or first word) names the client.
	for (const [k, n] of CLIENT_FAILURES) {
		const m = / (GET|PUT|POST|PATCH|DELETE) (\S+) 409$/.exec(k);
		if (!m) continue;
		const ua = k.slice(0, m.index);
		const who = /serviceaccount:[^:\s]+:(\S+)$/.exec(ua)?.[1] ?? ua.split(/[/\s]/)[0];
		out.set(`${who} ${m[1]} ${m[2]}`, (out.get(`${who} ${m[1]} ${m[2]}`) ?? 0) + n);
	}
	return out;
}

async function main(): Promise<void> {
	const dir = await mkdtemp(join(tmpdir(), 'converge-cluster-bench-'));
	const config = { ...configFromEnv({}), host: '127.0.0.1', port: 0, etcdPort: 0, dataDir: join(dir, 'data'), log: () => {}, controllers: '*' };
	const converge = await createConverge(config);
	const http: Server = createServer((req, res) => converge.handle(req, res, () => void res.writeHead(404).end()));
	// A loaded event loop can leave the client's sockets idle past Node's 5 s default.
	http.keepAliveTimeout = 120_000;
	await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
	const origin = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
	const rss = rssSampler();
	const rows: Row[] = [];
	const notes: string[] = [];
	try {
		const room = await converge.rooms.create({ name: 'cluster bench' });
		const release = room.hold();
		const call = client(origin, room.meta.tokens.facilitator);
		const kube = `/rooms/${room.id}/k8s`;
		const revision = async () => Number((await call('GET', `${kube}/api/v1/namespaces?limit=1`)).metadata.resourceVersion);

		const tn = performance.now();
		await parallel(NODES, (i) => call('POST', `${kube}/api/v1/nodes`, { apiVersion: 'v1', kind: 'Node', metadata: { name: `n-${i}`, labels: { 'topology.kubernetes.io/zone': `z-${i % 10}` } } }));
		// Every kubelet has registered its capacity and posted Ready.
		for (;;) {
			const nodes = (await call('GET', `${kube}/api/v1/nodes`)).items as Obj[];
			if (nodes.filter((n) => n.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True')).length >= NODES) break;
			await new Promise((r) => setTimeout(r, 200));
		}
		const nodesS = (performance.now() - tn) / 1000;
		console.log(`${NODES} nodes Ready in ${nodesS.toFixed(1)} s`);
		await call('POST', `/api/rooms/${room.id}/clock`, { action: 'speed', speed: 'max' });

		const deploymentPath = `${kube}/apis/apps/v1/namespaces/default/deployments/web`;
		const until = async (what: string, done: (d: Obj) => boolean): Promise<Phase> => {
			const rev0 = await revision();
			const conflicts0 = conflicts();
			const requests0 = apiMetrics(room).snapshot().clients;
			const cpu0 = process.cpuUsage();
			const t0 = performance.now();
			let last = -1;
			let lastAt = t0;
			let d: Obj = {};
			for (;;) {
				d = await call('GET', deploymentPath);
				const ready = d.status?.readyReplicas ?? 0;
				if (done(d)) break;
				if (ready !== last) [last, lastAt] = [ready, performance.now()];
				if (performance.now() - lastAt > STALL_MS || performance.now() - t0 > LIMIT_MS) break;
				await new Promise((r) => setTimeout(r, 250));
			}
			const seconds = (performance.now() - t0) / 1000;
			const cpu = process.cpuUsage(cpu0);
			const writes = (await revision()) - rev0;
			const byClient = [...conflicts()].map(([k, n]) => [k, n - (conflicts0.get(k) ?? 0)] as const).filter(([, n]) => n > 0);
			const total409 = byClient.reduce((a, [, n]) => a + n, 0);
			const result = { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, done: done(d), ready: d.status?.readyReplicas ?? 0, writesPerSec: writes / seconds, conflicts: total409 };
			console.log(`${what}: ${result.done ? 'done' : 'NOT done'} in ${seconds.toFixed(1)} s (${result.cpuSeconds.toFixed(1)} s CPU, ${((result.cpuSeconds * 1000) / REPLICAS).toFixed(2)} ms per pod), ${result.ready} ready, ${result.writesPerSec.toFixed(0)} writes/s (${(writes / REPLICAS).toFixed(1)} per pod), peak RSS ${rss.peakMB().toFixed(0)} MB`);
			console.log(`  409 Conflicts: ${total409}${byClient.length ? ` (${byClient.map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}`);
			// Requests per pod by client (verbs), to see who makes the calls.
			for (const [c, v] of Object.entries(apiMetrics(room).snapshot().clients)) {
				const verbs = Object.entries(v.verbs)
					.map(([verb, n]) => [verb, n - (requests0[c]?.verbs[verb] ?? 0)] as const)
					.filter(([verb, n]) => n > 0 && verb !== 'watch');
				if (verbs.length) console.log(`  ${c}: ${verbs.map(([verb, n]) => `${verb} ${(n / REPLICAS).toFixed(2)}`).join(', ')} per pod`);
			}
			return result;
		};
		const allReady = (image: string) => (d: Obj) =>
			d.status?.observedGeneration >= d.metadata.generation &&
			d.status?.updatedReplicas === REPLICAS &&
			d.status?.readyReplicas === REPLICAS &&
			(d.status?.replicas ?? 0) === REPLICAS &&
			d.spec.template.spec.containers[0].image === image;

		const template = (image: string) => ({
			metadata: { labels: { app: 'web' } },
			spec: { containers: [{ name: 'web', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] }
		});
		await call('POST', `${kube}/apis/apps/v1/namespaces/default/deployments`, {
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: { name: 'web' },
			spec: { replicas: REPLICAS, selector: { matchLabels: { app: 'web' } }, template: template('nginx:1.27') }
		});
		const up = await until(`scale-up to ${REPLICAS}`, allReady('nginx:1.27'));
		rows.push(row({ metric: `scale-up: ${NODES} nodes, Deployment of ${REPLICAS} to all Running and Ready (clock max)`, unit: 's', ours: up.seconds, goal: GOAL_S, reference: REPLICAS / KCM_QPS, referenceName: `pod creates alone at kube-controller-manager's client limit (--kube-api-qps ${KCM_QPS}, burst ${KCM_BURST})`, better: 'lower' }));
		rows.push(row({ metric: '  CPU time of the process during the scale-up', unit: 's', ours: up.cpuSeconds, better: 'lower' }));
		rows.push(row({ metric: '  API writes during the scale-up', unit: 'writes/s', ours: up.writesPerSec, better: 'higher' }));
		rows.push(row({ metric: '  409 Conflicts of the control plane during the scale-up', unit: 'count', ours: up.conflicts, better: 'lower' }));
		if (!up.done) notes.push(`scale-up stopped at ${up.ready}/${REPLICAS} ready (no progress for ${STALL_MS / 1000} s or past ${LIMIT_MS / 1000} s)`);

		if (up.done && process.env.ROLLING !== '0') {
			await call('PATCH', deploymentPath, { spec: { template: template('nginx:1.28') } }, 'application/strategic-merge-patch+json');
			const roll = await until(`rolling update of ${REPLICAS}`, allReady('nginx:1.28'));
			rows.push(row({ metric: `rolling update of all ${REPLICAS} (25% surge / 25% unavailable)`, unit: 's', ours: roll.seconds, better: 'lower' }));
			rows.push(row({ metric: '  CPU time of the process during the rolling update', unit: 's', ours: roll.cpuSeconds, better: 'lower' }));
			rows.push(row({ metric: '  API writes during the rolling update', unit: 'writes/s', ours: roll.writesPerSec, better: 'higher' }));
			rows.push(row({ metric: '  409 Conflicts of the control plane during the rolling update', unit: 'count', ours: roll.conflicts, better: 'lower' }));
			if (!roll.done) notes.push(`rolling update stopped at ${roll.ready} ready`);
		}
		// HEAP_SNAPSHOT=<file>: where the memory per pod goes (after a GC, before the room closes).
		if (process.env.HEAP_SNAPSHOT) {
			(globalThis as { gc?: () => void }).gc?.();
			const m = process.memoryUsage();
			console.log(`memory: heapUsed ${(m.heapUsed / 2 ** 20).toFixed(0)} MB, external ${(m.external / 2 ** 20).toFixed(0)} MB, arrayBuffers ${(m.arrayBuffers / 2 ** 20).toFixed(0)} MB, rss ${(m.rss / 2 ** 20).toFixed(0)} MB`);
			(await import('node:v8')).writeHeapSnapshot(process.env.HEAP_SNAPSHOT);
		}
		rows.push(row({ metric: 'peak RSS (whole process: server, store, control plane, bench client)', unit: 'MB', ours: rss.peakMB(), goal: GOAL_RSS_MB, better: 'lower' }));
		notes.push(`${NODES} Nodes created and Ready (kubelets registered) in ${nodesS.toFixed(1)} s before timing starts`);
		notes.push('converge runs in this process: the bench client, API server, store, controllers, scheduler and kubelets share one event loop and the 2 cores');
		release();
	} finally {
		rss.stop();
		await converge.close();
		await new Promise<void>((r) => http.close(() => r()));
		await rm(dir, { recursive: true, force: true });
	}
	// RESULTS_DIR: a profiling run writes its report elsewhere than the committed results.
	writeReport('cluster', rows, process.env.RESULTS_DIR || undefined, notes);
}

await main();
