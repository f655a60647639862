/**
 * Benchmark `timetravel` (issue 10): a room store with `TT_REVISIONS` revisions (default
 * 100,000) of a realistic cluster's writes (pod status updates with managedFields, node lease
 * renewals, events), served by the time-travel snapshot code; Debian's Chromium loads the replica
 * (the store's WASM engine + src/lib/timetravel, bundled by esbuild) and materializes the cluster
 * (every pod and node, decoded) at random revisions.
 *
 *   load     fetch + inflate + decode the snapshot, compile the engine,
 *            restore (ReplicaConnection.load, as the room page does)    goal ≤ 2,000 ms
 *   scrub    list + decode pods and nodes at a random revision (p50/p95) goal ≤ 50 ms
 *   memory   the page's JS heap + the engine's linear memory            goal ≤ 200 MB
 *
 * Run: `npm run bench -- timetravel` (or `TT_REVISIONS=5000 npx tsx bench/timetravel.ts` for a
 * quick check). Meaningless on a loaded machine.
 *
 * @module
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { wallClock } from '../src/lib/clock/clock';
import { EmbeddedStore, memoryJournal } from '../src/lib/store/embedded-store';
import { utf8 } from '../src/lib/store/bytes';
import { createWasmEngine, STORE_WASM_PATH } from '../src/lib/store/wasm-engine-node';
import { replicaSnapshot } from '../server/timetravel/history';
import { percentile, row, writeReport } from './lib/report';

const REVISIONS = Number(process.env.TT_REVISIONS ?? 100_000);
const NODES = 50;
const PODS = 1_000;
const SCRUBS = 30;
const ROOM = 'bench';
const ROOT = join(import.meta.dirname, '..');

function stamp(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function pod(i: number, rev: number, ms: number): string {
	const name = `web-${(i % 20).toString(36)}-${i.toString(36).padStart(5, '0')}`;
	return JSON.stringify({
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name,
			namespace: `team-${i % 5}`,
			uid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
			labels: { app: `web-${i % 20}`, 'pod-template-hash': '5d8f7c9b6' },
			creationTimestamp: stamp(ms - 60_000),
			ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `web-${i % 20}-5d8f7c9b6`, uid: 'rs', controller: true, blockOwnerDeletion: true }],
			managedFields: [
				{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: stamp(ms - 60_000), fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} }, 'f:spec': { 'f:containers': {} } } },
				{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: stamp(ms), fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:conditions': {}, 'f:phase': {} } }, subresource: 'status' }
			]
		},
		spec: { nodeName: `node-${i % NODES}`, containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '128Mi' } } }], restartPolicy: 'Always' },
		status: {
			phase: rev % 7 === 0 ? 'Pending' : 'Running',
			conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: stamp(ms) })),
			podIP: `10.244.${i % NODES}.${i % 250}`,
			containerStatuses: [{ name: 'web', ready: true, restartCount: rev % 3, image: 'nginx:1.27', state: { running: { startedAt: stamp(ms) } } }]
		}
	});
}

const lease = (n: number, ms: number) =>
	JSON.stringify({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `node-${n}`, namespace: 'kube-node-lease' }, spec: { holderIdentity: `node-${n}`, leaseDurationSeconds: 40, renewTime: new Date(ms).toISOString().replace('Z', '000Z') } });
const node = (n: number, ms: number) =>
	JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${n}`, labels: { 'kubernetes.io/hostname': `node-${n}` } }, status: { capacity: { cpu: '8', memory: '32Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: stamp(ms) }] } });
const event = (i: number, ms: number) =>
	JSON.stringify({ apiVersion: 'v1', kind: 'Event', metadata: { name: `web.${i.toString(16)}`, namespace: 'default' }, reason: 'Pulled', message: 'Container image "nginx:1.27" already present on machine', type: 'Normal', count: 1, firstTimestamp: stamp(ms), lastTimestamp: stamp(ms), involvedObject: { kind: 'Pod', name: `web-${i}` } });

async function makeStore(): Promise<EmbeddedStore> {
	const store = EmbeddedStore.open({ engine: createWasmEngine(), journal: memoryJournal(), clock: wallClock, quotaBytes: 8 * 2 ** 30, autoCompactionMs: 0, snapshotEvery: 1e12 });
	let ms = Date.parse('2026-11-26T10:00:00Z');
	const put = (key: string, value: string) => store.put({ key: utf8(key), value: utf8(value) });
	for (let n = 0; n < NODES; n++) await put(`/registry/minions/node-${n}`, node(n, ms));
	let rev = NODES;
	while (rev < REVISIONS) {
		ms += 50;
		const r = rev % 10;
		if (r < 6) {
			const i = (rev * 7919) % PODS;
			await put(`/registry/pods/team-${i % 5}/web-${(i % 20).toString(36)}-${i.toString(36).padStart(5, '0')}`, pod(i, rev, ms));
		} else if (r < 8) await put(`/registry/leases/kube-node-lease/node-${rev % NODES}`, lease(rev % NODES, ms));
		else if (r < 9) await put(`/registry/events/default/web.${rev.toString(16)}`, event(rev, ms));
		else await put(`/registry/minions/node-${rev % NODES}`, node(rev % NODES, ms));
		rev++;
	}
	return store;
}

async function main(): Promise<void> {
	console.log(`building a store with ${REVISIONS} revisions…`);
	const store = await makeStore();
	const status = await store.status();
	let t = performance.now();
	const snap = await replicaSnapshot(store);
	const buildMs = performance.now() - t;
	t = performance.now();
	const gzBytes = snap.gzipped().byteLength;
	const gzipMs = performance.now() - t;
	const engineBytes = store.engineSnapshot().byteLength;
	console.log(`snapshot: ${(engineBytes / 2 ** 20).toFixed(1)} MiB of engine history, ${(snap.body.byteLength / 2 ** 20).toFixed(1)} MiB coded, ${(gzBytes / 2 ** 20).toFixed(1)} MiB gzipped; built in ${buildMs.toFixed(0)} ms`);

	const bundle = await build({
		stdin: {
			// The room page's path (time-travel.svelte.ts): the connection's first load, the engine compiled meanwhile.
			contents: `
				import { ReplicaConnection } from './src/lib/timetravel/connection';
				import { WasmEngine } from './src/lib/store/wasm-engine';
				export { ObjectDecoder } from './src/lib/timetravel/decode';
				export async function loadReplica(roomId) {
					const conn = new ReplicaConnection({ roomId, token: 'bench', createEngine: async () => WasmEngine.create(await WebAssembly.compileStreaming(fetch('/store.wasm'))) });
					await conn.load();
					return conn.replica;
				}`,
			resolveDir: ROOT,
			loader: 'ts'
		},
		bundle: true,
		format: 'esm',
		platform: 'browser',
		target: 'es2022',
		write: false
	});
	const files: Record<string, { type: string; body: Uint8Array | string }> = {
		'/': { type: 'text/html', body: `<!doctype html><title>tt</title><script type="module">import * as m from '/tt.js'; window.tt = m;</script>` },
		'/tt.js': { type: 'text/javascript', body: bundle.outputFiles[0].text },
		'/store.wasm': { type: 'application/wasm', body: readFileSync(STORE_WASM_PATH) },
		// As server/timetravel/api.ts serves it.
		[`/api/rooms/${ROOM}/store/snapshot`]: { type: 'application/gzip', body: snap.gzipped() }
	};
	const server = createServer((req, res) => {
		const f = files[req.url ?? ''];
		if (!f) return void res.writeHead(404).end();
		res.writeHead(200, { 'content-type': f.type, 'content-length': Buffer.byteLength(f.body) });
		res.end(f.body);
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--js-flags=--expose-gc'] });
	try {
		const page = await browser.newPage();
		const pageErrors: string[] = [];
		page.on('pageerror', (e) => pageErrors.push(e.message));
		await page.goto(origin);
		await page.waitForFunction(() => 'tt' in window).catch((e: Error) => {
			throw new Error(`the bundle did not load: ${pageErrors.join('; ') || e.message}`);
		});
		const result = await page.evaluate(
			async ({ first, last, scrubs, room }) => {
				// eslint-disable-next-line @typescript-eslint/no-explicit-any
				const { loadReplica, ObjectDecoder } = (window as any).tt;
				const t0 = performance.now();
				const replica = await loadReplica(room);
				const loadMs = performance.now() - t0;
				const decoder = new ObjectDecoder();
				const times: number[] = [];
				let objects = 0;
				for (let i = 0; i < scrubs; i++) {
					const rev = first + Math.floor(Math.random() * (last - first + 1));
					const s = performance.now();
					let n = 0;
					for (const prefix of ['/registry/pods/', '/registry/minions/']) for (const kv of replica.range(prefix, rev)) if (decoder.decode(kv)) n++;
					times.push(performance.now() - s);
					objects = n;
				}
				// eslint-disable-next-line @typescript-eslint/no-explicit-any
				(globalThis as any).gc?.();
				(window as unknown as { keep: unknown }).keep = replica;
				return { loadMs, times, objects, wasmBytes: replica.engine.memoryBytes(), revision: replica.revision };
			},
			{ first: Math.max(1, status.compactRevision), last: status.revision, scrubs: SCRUBS, room: ROOM }
		);
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('HeapProfiler.collectGarbage');
		const metrics = (await cdp.send('Performance.getMetrics').catch(async () => (await cdp.send('Performance.enable'), cdp.send('Performance.getMetrics')))) as {
			metrics: Array<{ name: string; value: number }>;
		};
		const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
		const memMB = (heap + result.wasmBytes) / 1e6;
		if (result.revision !== status.revision) throw new Error(`replica at ${result.revision}, store at ${status.revision}`);
		const rows = [
			row({ metric: `replica load (${REVISIONS} revisions)`, unit: 'ms', ours: result.loadMs, better: 'lower', goal: 2000 }),
			row({ metric: 'scrub to a random revision, p50', unit: 'ms', ours: percentile(result.times, 50), better: 'lower', goal: 50 }),
			row({ metric: 'scrub to a random revision, p95', unit: 'ms', ours: percentile(result.times, 95), better: 'lower', goal: 50 }),
			row({ metric: 'browser memory (JS heap + engine)', unit: 'MB', ours: memMB, better: 'lower', goal: 200 }),
			row({ metric: 'server: snapshot build', unit: 'ms', ours: buildMs, better: 'lower' }),
			row({ metric: 'server: snapshot gzip (level 1)', unit: 'ms', ours: gzipMs, better: 'lower' }),
			row({ metric: 'engine history restored', unit: 'MB', ours: engineBytes / 1e6, better: 'lower' }),
			row({ metric: 'snapshot size (values coded as differences)', unit: 'MB', ours: snap.body.byteLength / 1e6, better: 'lower' }),
			row({ metric: 'snapshot size gzipped', unit: 'MB', ours: gzBytes / 1e6, better: 'lower' })
		];
		writeReport('timetravel', rows, undefined, [
			`${REVISIONS} revisions: ${NODES} nodes, ${PODS} pods (60% pod status updates, 20% lease renewals, 10% events, 10% node status); ${result.objects} objects materialized per scrub`,
			'load = ReplicaConnection.load() in Chromium: fetch the gzipped snapshot over localhost (engine compiled meanwhile), inflate, decode, restore; scrub = range + JSON decode of pods and nodes (decoded versions cached, as in the UI)',
			'memory = JSHeapUsedSize (CDP, after GC) + the engine linear memory'
		]);
	} finally {
		await browser.close();
		server.close();
		await store.close();
	}
}

await main();
