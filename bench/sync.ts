/**
 * The applier under load (issue 8's benchmark): one room with OBJECTS objects (ConfigMaps and
 * Deployments) in FILES files, converge in this process (tests/kubectl/harness.ts, 127.0.0.1),
 * the room clock at max speed, only the `applier` controller running (the numbers are the
 * applier's, not the workload controllers').
 *
 * - initial sync: files written → every object live (watch on the namespace);
 * - edit → live applied: EDITS one-object edits in turn (a ConfigMap value in a random file);
 *   from the document change to the watch event carrying the new value. The ~500 ms auto-sync
 *   pause is set to 0 here (it is a chosen wait, not work): what remains is analysis + plan +
 *   apply + watch delivery;
 * - full re-sync: a manual sync of everything through the rooms API (every object re-applied);
 * - full diff: the sync state of every object (compare + health), computed in process;
 * - memory: the process's heap and RSS with the room loaded.
 *
 * There is no Argo CD here to measure against; its default reconciliation interval (3 min, the
 * `timeout.reconciliation` setting) and webhook-driven refresh are named as a reference point.
 *
 * @module
 */
import * as Y from 'yjs';
import { findEntry, textsOf } from '../src/lib/collab/files';
import { APPLIER } from '../server/applier';
import { startKubeRoom } from '../tests/kubectl/harness';
import type { KubeObject } from '../src/lib/controllers/types';
import { objectKey } from '../src/lib/kube/analyze';
import { manifestOf } from '../src/lib/sync/apply-plan';
import { assess } from '../server/applier/assess';
import { percentile, row, writeReport } from './lib/report';

const OBJECTS = Number(process.env.OBJECTS ?? 500);
const FILES = Number(process.env.FILES ?? 20);
const EDITS = Number(process.env.EDITS ?? 60);
const NS = 'bench';
const PER_FILE = Math.ceil(OBJECTS / FILES);

const configMap = (name: string, value: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ${NS}
  labels: {app: bench}
data:
  value: "${value}"
`;
const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${NS}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: app, image: "nginx:1.27", resources: {requests: {cpu: 10m}}}]}
`;

/** File i: one Deployment in five, ConfigMaps for the rest (each ConfigMap's value is "v0"). */
function fileText(i: number, values: Map<string, string>): string {
	const docs: string[] = i === 0 ? [`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${NS}}\n`] : [];
	for (let j = 0; j < PER_FILE && i * PER_FILE + j < OBJECTS; j++) {
		const name = `o-${i}-${j}`;
		docs.push(j % 5 === 4 ? deployment(name) : configMap(name, values.get(name) ?? 'v0'));
	}
	return docs.join('---\n');
}

async function main(): Promise<void> {
	APPLIER.autoSyncDelayMs = 0;
	const k = await startKubeRoom({ controllers: 'applier' });
	const api = (path: string, init: RequestInit = {}) => k.api(path, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
	await api(`/api/rooms/${k.roomId}/clock`, { method: 'POST', body: JSON.stringify({ action: 'speed', speed: 'max' }) });
	const room = (await k.converge.rooms.get(k.roomId))!;

	// Watch the namespace's ConfigMaps and Deployments: arrival time of each (name, value).
	const seen = new Map<string, number>();
	const waiters = new Map<string, () => void>();
	const watch = async (path: string) => {
		const res = await k.api(`/rooms/${k.roomId}/k8s${path}?watch=1&resourceVersion=0`);
		const reader = res.body!.getReader();
		const dec = new TextDecoder();
		let buf = '';
		void (async () => {
			for (;;) {
				const { value, done } = await reader.read();
				if (done) return;
				buf += dec.decode(value, { stream: true });
				let nl: number;
				while ((nl = buf.indexOf('\n')) >= 0) {
					const e = JSON.parse(buf.slice(0, nl)) as { type: string; object: { metadata: { name: string }; data?: { value?: string } } };
					buf = buf.slice(nl + 1);
					if (e.type === 'DELETED') continue;
					const id = `${e.object.metadata.name}=${e.object.data?.value ?? ''}`;
					if (!seen.has(id)) seen.set(id, performance.now());
					waiters.get(id)?.();
				}
			}
		})();
		return reader;
	};
	const until = (id: string) => (seen.has(id) ? Promise.resolve() : new Promise<void>((r) => waiters.set(id, r)));
	const readers = [await watch(`/api/v1/namespaces/${NS}/configmaps`), await watch(`/apis/apps/v1/namespaces/${NS}/deployments`)];

	// Initial sync.
	const values = new Map<string, string>();
	const t0 = performance.now();
	for (let i = 0; i < FILES; i++) {
		const res = await api(`/api/rooms/${k.roomId}/files`, { method: 'POST', body: JSON.stringify({ path: `bench/f${String(i).padStart(2, '0')}.yaml`, content: fileText(i, values) }) });
		if (res.status !== 201) throw new Error(`writing file ${i}: ${res.status} ${await res.text()}`);
	}
	const names = Array.from({ length: OBJECTS }, (_, n) => `o-${Math.floor(n / PER_FILE)}-${n % PER_FILE}`);
	await Promise.all(names.map((n) => until(`${n}=${Number(n.split('-')[2]) % 5 === 4 ? '' : 'v0'}`)));
	const initialMs = performance.now() - t0;

	// Edits, one at a time.
	const latencies: number[] = [];
	const analysed: number[] = [];
	let analysisAt = 0;
	room.onAnalysis(() => (analysisAt = performance.now()));
	let seed = 42;
	const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
	for (let e = 1; e <= EDITS; e++) {
		const file = rand(FILES);
		const j = rand(PER_FILE);
		const name = j % 5 === 4 ? `o-${file}-${j - 1}` : `o-${file}-${j}`;
		values.set(name, `v${e}`);
		const text = textsOf(room.doc).get(findEntry(room.doc, `bench/f${String(file).padStart(2, '0')}.yaml`)!) as Y.Text;
		const start = performance.now();
		room.doc.transact(() => {
			text.delete(0, text.length);
			text.insert(0, fileText(file, values));
		});
		await until(`${name}=v${e}`);
		latencies.push(seen.get(`${name}=v${e}`)! - start);
		analysed.push(analysisAt - start);
	}

	// Full re-sync (manual: every object re-applied).
	const r0 = performance.now();
	const resync = await api(`/api/rooms/${k.roomId}/sync`, { method: 'POST', body: '{}' });
	if (resync.status !== 200) throw new Error(`sync answered ${resync.status}`);
	const resyncMs = performance.now() - r0;

	// Full diff: compare + health of every declared object against its live object (uncached), best of 5.
	const live = new Map<string, KubeObject>();
	for (const [path, kind] of [[`/api/v1/namespaces/${NS}/configmaps`, 'ConfigMap'], [`/apis/apps/v1/namespaces/${NS}/deployments`, 'Deployment']]) {
		const list = (await (await k.api(`/rooms/${k.roomId}/k8s${path}`)).json()) as { items: KubeObject[] };
		for (const o of list.items) live.set(`${kind}/${o.metadata.name}`, { ...o, kind, apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1' });
	}
	const declared = room.currentObjects().filter((o) => o.namespace === NS);
	const diffs: number[] = [];
	const objects = declared.length;
	for (let i = 0; i < 5; i++) {
		const d0 = performance.now();
		for (const o of declared) assess(manifestOf({ ...o, key: objectKey(o) }), live.get(`${o.kind}/${o.name}`));
		diffs.push(performance.now() - d0);
	}
	// The applier's own sync state of the room (memoized per declaration and resourceVersion).
	const s0 = performance.now();
	room.applier!.state();
	const stateMs = performance.now() - s0;
	global.gc?.();
	const mem = process.memoryUsage();

	for (const r of readers) await r.cancel().catch(() => {});
	await k.stop();
	writeReport(
		'sync',
		[
			row({ metric: `initial sync of ${OBJECTS} objects in ${FILES} files`, unit: 'ms', ours: initialMs, better: 'lower' }),
			row({ metric: 'edit → live applied p50 (one object)', unit: 'ms', ours: percentile(latencies, 50), better: 'lower' }),
			row({ metric: 'edit → live applied p99 (one object)', unit: 'ms', ours: percentile(latencies, 99), better: 'lower', goal: 100 }),
			row({ metric: '  of which edit → analysis (debounce + parse) p50', unit: 'ms', ours: percentile(analysed, 50), better: 'lower' }),
			row({ metric: `full re-sync (manual, ${OBJECTS} applies)`, unit: 'ms', ours: resyncMs, better: 'lower' }),
			row({
				metric: `full diff of ${objects} objects (compare + health, uncached)`,
				unit: 'ms',
				ours: Math.min(...diffs),
				better: 'lower',
				goal: 200
			}),
			row({ metric: 'sync state of the room (memoized, after the diff above)', unit: 'ms', ours: stateMs, better: 'lower' }),
			row({ metric: 'heap used with the room loaded', unit: 'MiB', ours: mem.heapUsed / 2 ** 20, better: 'lower' }),
			row({ metric: 'RSS with the room loaded', unit: 'MiB', ours: mem.rss / 2 ** 20, better: 'lower' })
		],
		undefined,
		[
			`${EDITS} edits; the auto-sync pause (${500} ms by default) is excluded: it is a deliberate wait, not work`,
			'Argo CD for comparison reconciles every 3 min by default (timeout.reconciliation) or on a Git webhook; no Argo CD runs here'
		]
	);
}

main().then(
	() => process.exit(0),
	(e: Error) => {
		console.error(e.stack);
		process.exit(1);
	}
);
