import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock';
import { Informer } from './informer';
import { ApiError, RESOURCES, type KubeClient, type KubeObject, type WatchEvent } from './types';

const pod = (name: string, rv: string): KubeObject => ({ metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: rv } });

/** A fake API: lists return `state`; watches are driven by the test. */
function fakeClient(state: { items: KubeObject[]; rv: string }) {
	const watches: Array<{ rv: string; onEvent: (e: WatchEvent) => void; onEnd: (err?: Error) => void }> = [];
	let lists = 0;
	const client = {
		list: async () => (lists++, { items: state.items, resourceVersion: state.rv }),
		watch: (_r: unknown, opts: { resourceVersion: string }, onEvent: (e: WatchEvent) => void, onEnd: (err?: Error) => void) => {
			watches.push({ rv: opts.resourceVersion, onEvent, onEnd });
			return { stop: () => {} };
		}
	} as unknown as KubeClient;
	return { client, watches, lists: () => lists };
}

const tick = () => new Promise((r) => setImmediate(r));

/** Starts the informer with a handler writing what it is told; resolves once it watches. */
async function startRecording(inf: Informer): Promise<string[]> {
	const seen: string[] = [];
	inf.addEventHandler({ add: (o) => seen.push(`add ${o.metadata.name}`), update: (_, o) => seen.push(`update ${o.metadata.name}`), delete: (o) => seen.push(`delete ${o.metadata.name}`) });
	inf.start();
	await inf.waitForSync();
	await tick();
	return seen;
}

describe('Informer', () => {
	it('lists, then watches from the list resourceVersion, telling handlers what changed', async () => {
		const api = fakeClient({ items: [pod('a', '5')], rv: '7' });
		const inf = new Informer(api.client, RESOURCES.pods, new ManualClock(0));
		const seen = await startRecording(inf);
		expect(api.watches.map((w) => w.rv)).toEqual(['7']);
		const w = api.watches[0];
		w.onEvent({ type: 'ADDED', object: pod('b', '8') });
		w.onEvent({ type: 'MODIFIED', object: pod('a', '9') });
		w.onEvent({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '10' } } });
		w.onEvent({ type: 'DELETED', object: pod('b', '11') });
		expect(seen).toEqual(['add a', 'add b', 'update a', 'delete b']);
		expect(inf.store.byNamespace('default').map((o) => o.metadata.name)).toEqual(['a']);
		// A watch the server ended resumes from the last resourceVersion seen.
		w.onEnd();
		expect(api.watches.at(-1)!.rv).toBe('11');
		expect(api.lists()).toBe(1);
	});

	it('keeps and hands out only what its transform keeps, from lists and watches alike', async () => {
		const big = (name: string, rv: string): KubeObject => ({ ...pod(name, rv), spec: { huge: 'x'.repeat(1000) } });
		const api = fakeClient({ items: [big('a', '5')], rv: '7' });
		const inf = new Informer(api.client, RESOURCES.pods, new ManualClock(0), undefined, (o) => ({ metadata: o.metadata }));
		const handed: KubeObject[] = [];
		inf.addEventHandler({ add: (o) => handed.push(o), update: (_, o) => handed.push(o), delete: (o) => handed.push(o) });
		inf.start();
		await inf.waitForSync();
		await tick();
		api.watches[0].onEvent({ type: 'MODIFIED', object: big('a', '8') });
		api.watches[0].onEvent({ type: 'DELETED', object: big('a', '9') });
		expect(handed.map((o) => [o.metadata.resourceVersion, 'spec' in o])).toEqual([['5', false], ['8', false], ['9', false]]);
		api.watches[0].onEvent({ type: 'ADDED', object: big('b', '10') });
		expect(inf.store.get('default/b')).toEqual({ metadata: pod('b', '10').metadata });
	});

	it('relists on 410 Gone and diffs the new list against the cache', async () => {
		const state = { items: [pod('a', '5'), pod('b', '6')], rv: '7' };
		const api = fakeClient(state);
		const inf = new Informer(api.client, RESOURCES.pods, new ManualClock(0));
		const seen = await startRecording(inf);
		// Meanwhile (compacted away): b deleted, a changed, c created.
		state.items = [pod('a', '20'), pod('c', '21')];
		state.rv = '22';
		api.watches[0].onEvent({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', metadata: {} } as unknown as KubeObject });
		api.watches[0].onEnd();
		await tick();
		expect(api.lists()).toBe(2);
		expect(seen.slice(2)).toEqual(['update a', 'add c', 'delete b']);
		expect(inf.store.keys().sort()).toEqual(['default/a', 'default/c']);
		expect(api.watches.at(-1)!.rv).toBe('22');
	});

	it('relists when the watch request itself answers 410', async () => {
		const api = fakeClient({ items: [], rv: '3' });
		const inf = new Informer(api.client, RESOURCES.pods, new ManualClock(0));
		inf.start();
		await inf.waitForSync();
		await tick();
		api.watches[0].onEnd(new ApiError(410, 'Expired', 'too old resource version'));
		await tick();
		expect(api.lists()).toBe(2);
	});

	it('retries a failed list after a backoff on the clock', async () => {
		const clock = new ManualClock(0);
		let fail = true;
		const api = fakeClient({ items: [pod('a', '1')], rv: '2' });
		const list = api.client.list.bind(api.client);
		api.client.list = async (...args) => {
			if (fail) throw new ApiError(500, 'InternalError', 'boom');
			return list(...args);
		};
		const inf = new Informer(api.client, RESOURCES.pods, clock);
		inf.start();
		await tick();
		expect(inf.hasSynced()).toBe(false);
		fail = false;
		clock.advance(800);
		await inf.waitForSync();
		expect(inf.store.size).toBe(1);
	});
});
