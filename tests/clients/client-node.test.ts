/**
 * The official JavaScript client (@kubernetes/client-node) against a room's kube API, through the
 * editor kubeconfig (TLS, bearer token): informers stay in sync through many changes and relist
 * after a 410, optimistic concurrency answers 409, paging with limit/continue walks every object
 * once, server-side apply reports field manager conflicts the way kube-apiserver does, and a
 * watch from a resourceVersion replays every later change whether the watch cache still holds it
 * or the store has to (the server runs in this process, so the cache's window can be shrunk).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ApiException, CoreV1Api, KubeConfig, ListWatch, makeInformer, PatchStrategy, setHeaderOptions, Watch, type V1ConfigMap, type V1Pod } from '@kubernetes/client-node';
import { ObjectStorage } from '../../server/apiserver/storage';
import { WATCH_CACHE_LIMITS, watchCacheFor } from '../../server/apiserver/watch-cache';
import type { Backend } from '../../src/lib/store/backend';
import { utf8 } from '../../src/lib/store/bytes';
import { createRng, int, withSeed } from '../helpers/prng';
import { eventually, startKubeRoom, type KubeRoom } from '../kubectl/harness';

let room: KubeRoom;
let store: Backend;
let core: CoreV1Api;
let kc: KubeConfig;
const DEFAULT_WINDOW = WATCH_CACHE_LIMITS.windowEvents;

beforeAll(async () => {
	room = await startKubeRoom();
	kc = new KubeConfig();
	kc.loadFromFile(join(room.dir, 'editor.kubeconfig'));
	core = kc.makeApiClient(CoreV1Api);
	store = (await room.converge.rooms.get(room.roomId))!.store;
});
afterAll(async () => {
	await room?.stop();
});

const pod = (name: string, labels: Record<string, string> = {}): V1Pod => ({
	apiVersion: 'v1',
	kind: 'Pod',
	metadata: { name, labels: { app: 'informer', ...labels } },
	spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] }
});

async function namespace(name: string): Promise<void> {
	await core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
}

/** name → resourceVersion of every pod in `ns`, read fresh from the server. */
async function freshPods(ns: string): Promise<Map<string, string>> {
	const list = await core.listNamespacedPod({ namespace: ns });
	return new Map(list.items.map((p) => [p.metadata!.name!, p.metadata!.resourceVersion!]));
}

function cached(items: readonly V1Pod[]): Map<string, string> {
	return new Map(items.map((p) => [p.metadata!.name!, p.metadata!.resourceVersion!]));
}

/** Runs `fn` on every item with `n` in flight. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	await Promise.all(Array.from({ length: n }, async () => {
		while (next < items.length) await fn(items[next++]);
	}));
}

/** A write over plain HTTP with the editor token (cheaper than the client under test); throws unless it answers `want`. */
async function write<T = V1Pod>(method: string, path: string, body: unknown, want: number): Promise<T> {
	const res = await room.api(`/rooms/${room.roomId}/k8s${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
	const text = await res.text();
	if (res.status !== want) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
	return JSON.parse(text) as T;
}

async function compactNow(): Promise<number> {
	const revision = (await store.range({ key: utf8('/registry/'), countOnly: true })).header.revision;
	await store.compact({ revision });
	return revision;
}

async function apiError(p: Promise<unknown>): Promise<ApiException<string>> {
	try {
		await p;
	} catch (e) {
		if (e instanceof ApiException) return e as ApiException<string>;
		throw e;
	}
	throw new Error('the call succeeded; an API error was expected');
}

const statusOf = (e: ApiException<string>) => (typeof e.body === 'string' ? JSON.parse(e.body) : e.body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The call fails with kube's 409 Conflict Status carrying `message` and `details`. */
async function expectConflict(p: Promise<unknown>, message: string, details: Record<string, unknown>): Promise<void> {
	const err = await apiError(p);
	expect(err.code).toBe(409);
	expect(statusOf(err)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409, message, details });
}

describe('informer (makeInformer: list + watch)', () => {
	it('stays in sync through 10,000 creates, updates and deletes', async () => {
		const ns = 'informer';
		await namespace(ns);
		const informer = makeInformer(kc, `/api/v1/namespaces/${ns}/pods`, () => core.listNamespacedPod({ namespace: ns }));
		const errors: unknown[] = [];
		informer.on('error', (e) => errors.push(e));
		await informer.start();
		await withSeed('informer changes', async (seed) => {
			const rng = createRng(seed);
			// The writes go over plain HTTP (cheaper than the client under test); 16 workers, each
			// owning its own names, so every change is expected to succeed.
			const workers = 16;
			const perWorker = 10_000 / workers;
			const plans = Array.from({ length: workers }, (_, w) => Array.from({ length: perWorker }, () => int(rng, 0, 99)).map((roll) => ({ w, roll })));
			await Promise.all(
				plans.map(async (plan) => {
					const live = new Map<string, V1Pod>();
					let seq = 0;
					for (const { w, roll } of plan) {
						const names = [...live.keys()];
						if (names.length === 0 || (roll < 45 && names.length < 40)) {
							const name = `p${w}-${seq++}`;
							live.set(name, await write('POST', `/api/v1/namespaces/${ns}/pods`, pod(name), 201));
						} else if (roll < 75) {
							const name = names[roll % names.length];
							const current = live.get(name)!;
							current.metadata!.labels = { ...current.metadata!.labels, step: String(roll) };
							live.set(name, await write('PUT', `/api/v1/namespaces/${ns}/pods/${name}`, current, 200));
						} else {
							const name = names[roll % names.length];
							await write('DELETE', `/api/v1/namespaces/${ns}/pods/${name}?gracePeriodSeconds=0`, undefined, 200);
							live.delete(name);
						}
					}
				})
			);
		});
		const fresh = await freshPods(ns);
		expect(fresh.size).toBeGreaterThan(0);
		await eventually(() => JSON.stringify([...cached(informer.list(ns))].sort()) === JSON.stringify([...fresh].sort()), 'the informer cache to equal a fresh list', 60_000);
		expect(errors).toEqual([]);
		await informer.stop();
	}, 600_000);

	it('relists cleanly after its resourceVersion was compacted (410 Gone)', async () => {
		const ns = 'relist';
		await namespace(ns);
		for (const name of ['a', 'b', 'c']) await core.createNamespacedPod({ namespace: ns, body: pod(name) });
		let lists = 0;
		const informer = makeInformer(kc, `/api/v1/namespaces/${ns}/pods`, () => (lists++, core.listNamespacedPod({ namespace: ns })));
		const errors: unknown[] = [];
		// Stopping an informer aborts its watch request, which client-node reports as an AbortError.
		informer.on('error', (e) => (e as Error).name !== 'AbortError' && errors.push(e));
		await informer.start();
		await eventually(() => informer.list(ns).length === 3, 'the first list');
		// makeInformer's informer is a ListWatch; its resourceVersion shows where it resumes.
		const rvOf = () => (informer as unknown as ListWatch<V1Pod>).latestResourceVersion();
		const rvBefore = rvOf();
		// While it is stopped: changes, then a compaction past its resourceVersion.
		await informer.stop();
		await core.deleteNamespacedPod({ name: 'a', namespace: ns, gracePeriodSeconds: 0 });
		await core.createNamespacedPod({ namespace: ns, body: pod('d') });
		const compacted = await compactNow();
		expect(compacted).toBeGreaterThan(Number(rvBefore));
		// The same watch the informer is about to open gets the 410 kube answers.
		const res = await room.api(`/rooms/${room.roomId}/k8s/api/v1/namespaces/${ns}/pods?watch=1&resourceVersion=${rvBefore}`);
		const line = JSON.parse((await res.text()).trim()) as { type: string; object: { code: number; reason: string } };
		expect(line).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
		await informer.start();
		await eventually(async () => JSON.stringify([...cached(informer.list(ns))].sort()) === JSON.stringify([...(await freshPods(ns))].sort()), 'the relisted cache');
		expect(lists).toBe(2);
		expect(informer.list(ns).map((p) => p.metadata!.name).sort()).toEqual(['b', 'c', 'd']);
		expect(Number(rvOf())).toBeGreaterThanOrEqual(compacted);
		expect(errors).toEqual([]);
		await informer.stop();
	});
});

describe('optimistic concurrency', () => {
	it('answers 409 Conflict to an update with a stale resourceVersion', async () => {
		const ns = 'conflicts';
		await namespace(ns);
		const first = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cm' }, data: { v: '1' } } });
		await core.replaceNamespacedConfigMap({ name: 'cm', namespace: ns, body: { ...first, data: { v: '2' } } });
		await expectConflict(
			core.replaceNamespacedConfigMap({ name: 'cm', namespace: ns, body: { ...first, data: { v: '3' } } }),
			'Operation cannot be fulfilled on configmaps "cm": the object has been modified; please apply your changes to the latest version and try again',
			{ name: 'cm', kind: 'configmaps' }
		);
		const now = await core.readNamespacedConfigMap({ name: 'cm', namespace: ns });
		expect(now.data).toEqual({ v: '2' });
	});
});

describe('pagination', () => {
	it('walks 5,000 objects with limit and _continue, each exactly once, at one resourceVersion', async () => {
		const ns = 'pages';
		await namespace(ns);
		const names = Array.from({ length: 5000 }, (_, i) => `cm-${String(i).padStart(4, '0')}`);
		await pool(names, 16, async (name) => void (await write('POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name }, data: { n: name } }, 201)));
		// Controllers may add their own objects (kube-root-ca.crt): compare with an unpaged list.
		const all = (await core.listNamespacedConfigMap({ namespace: ns })).items.map((c) => c.metadata!.name!);
		expect(all).toEqual(expect.arrayContaining(names));
		const seen: string[] = [];
		const versions = new Set<string>();
		let token: string | undefined;
		let pages = 0;
		do {
			const page = await core.listNamespacedConfigMap({ namespace: ns, limit: 700, _continue: token });
			seen.push(...page.items.map((c: V1ConfigMap) => c.metadata!.name!));
			versions.add(page.metadata!.resourceVersion!);
			if (page.metadata!._continue) expect(page.metadata!.remainingItemCount).toBe(all.length - seen.length);
			token = page.metadata!._continue || undefined;
			pages++;
			// Writes between pages are not seen: the continue token pins the first page's revision.
			if (pages === 1) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'zz-late' } } });
		} while (token);
		expect(pages).toBe(Math.ceil(all.length / 700));
		expect(seen).toEqual(all);
		expect(versions.size).toBe(1);
	}, 600_000);
});

describe('server-side apply', () => {
	const applied = (manager: string, value: string, force = false) =>
		core.patchNamespacedConfigMap(
			{ name: 'ssa', namespace: 'apply', fieldManager: manager, force, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { key: value } } },
			setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply)
		);

	it('answers 409 with the conflicting field and manager, and takes the field with force', async () => {
		await namespace('apply');
		await applied('mgr-a', 'one');
		await expectConflict(applied('mgr-b', 'two'), 'Apply failed with 1 conflict: conflict with "mgr-a": .data.key', {
			// StatusCause's type is serialized as "reason".
			causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "mgr-a"', field: '.data.key' }]
		});
		expect((await core.readNamespacedConfigMap({ name: 'ssa', namespace: 'apply' })).data).toEqual({ key: 'one' });
		const forced = await applied('mgr-b', 'two', true);
		expect(forced.data).toEqual({ key: 'two' });
		const owners = (forced.metadata!.managedFields ?? []).filter((m) => JSON.stringify(m.fieldsV1 ?? {}).includes('f:key')).map((m) => m.manager);
		expect(owners).toEqual(['mgr-b']);
	});
});

describe('watch from a resourceVersion (Watch)', () => {
	/** Names and resourceVersions of the ADDED events of `cm-*` objects after `rv`, until `count` arrived. */
	async function addedSince(ns: string, rv: string, count: number): Promise<Array<[string, string]>> {
		const seen: Array<[string, string]> = [];
		let abort: AbortController | undefined;
		await new Promise<void>((resolve, reject) => {
			void new Watch(kc)
				.watch(
					`/api/v1/namespaces/${ns}/configmaps`,
					{ resourceVersion: rv },
					(type, obj: V1ConfigMap) => {
						if (type !== 'ADDED' || !obj.metadata!.name!.startsWith('cm-')) return;
						seen.push([obj.metadata!.name!, obj.metadata!.resourceVersion!]);
						if (seen.length === count) resolve();
					},
					(err) => (err && (err as Error).name !== 'AbortError' ? reject(err) : resolve())
				)
				.then((c) => (abort = c), reject);
		});
		abort?.abort();
		return seen;
	}

	it('replays every change after it, from the watch cache window and from the store beyond it', async () => {
		const ns = 'resume';
		await namespace(ns);
		// A whole list starts the configmaps watch cache and gives the starting resourceVersion.
		const start = (await core.listNamespacedConfigMap({ namespace: ns })).metadata!.resourceVersion!;
		WATCH_CACHE_LIMITS.windowEvents = 20;
		try {
			const created: Array<[string, string]> = [];
			for (let i = 0; i < 30; i++) {
				const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `cm-${i}` } } });
				created.push([cm.metadata!.name!, cm.metadata!.resourceVersion!]);
			}
			const mid = created[19][1];
			const cache = (await watchCacheFor(new ObjectStorage(store), '/registry/configmaps/'))!;
			await cache.syncToLatest();
			// 30 changes overflow a window of 20: the start is behind it (read from the store), mid inside it.
			expect(cache.covers(Number(start))).toBe(false);
			expect(cache.covers(Number(mid))).toBe(true);
			expect(await addedSince(ns, start, 30)).toEqual(created);
			expect(await addedSince(ns, mid, 10)).toEqual(created.slice(20));
		} finally {
			WATCH_CACHE_LIMITS.windowEvents = DEFAULT_WINDOW;
		}
	});
});
