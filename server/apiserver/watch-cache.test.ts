import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock/clock';
import { EmbeddedStore, memoryJournal } from '../../src/lib/store/embedded-store';
import { ModelEngine } from '../../src/lib/store/model';
import { ObjectStorage } from './storage';
import { prefixEndKey, WATCH_CACHE_LIMITS, watchCacheFor, type CacheEvent } from './watch-cache';

const PODS = '/registry/pods/';
const key = (ns: string, name: string) => `${PODS}${ns}/${name}`;
const pod = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels } });

function storage(): ObjectStorage {
	const s = EmbeddedStore.open({ engine: new ModelEngine(), journal: memoryJournal(), clock: new ManualClock(1_000_000), quotaBytes: 1 << 24 }, []);
	return new ObjectStorage(s);
}

const summary = (events: CacheEvent[]) => events.map((e) => `${e.type} ${e.key} ${e.revision} ${e.object.metadata.resourceVersion} prev=${e.prev?.metadata.resourceVersion ?? '-'}`);
const defaultWindow = WATCH_CACHE_LIMITS.windowEvents;
afterEach(() => void (WATCH_CACHE_LIMITS.windowEvents = defaultWindow));

describe('WatchCache', () => {
	it('starts from the store, follows writes, and snapshots a prefix in key order', async () => {
		const st = storage();
		await st.create(key('b', 'x'), pod('x'));
		const y = await st.create(key('a', 'y'), pod('y'));
		await st.create('/registry/podtemplates/a/t', pod('t'));
		const cache = (await watchCacheFor(st, PODS))!;
		expect(cache.snapshot(PODS, prefixEndKey(PODS)).map((s) => s.key)).toEqual([key('a', 'y'), key('b', 'x')]);
		const r = await st.create(key('a', 'a'), pod('a'));
		if (!('revision' in r)) throw new Error('create failed');
		expect(await cache.syncTo(r.revision)).toBe(true);
		expect(cache.snapshot(`${PODS}a/`, prefixEndKey(`${PODS}a/`)).map((s) => [s.key, s.object.metadata.resourceVersion])).toEqual([
			[key('a', 'a'), String(r.revision)],
			[key('a', 'y'), String('revision' in y && y.revision)]
		]);
		// The same cache is shared by every caller of the store and prefix.
		expect(await watchCacheFor(st, PODS)).toBe(cache);
	});

	it('catches up through progress marks when other resources were written', async () => {
		const st = storage();
		const cache = (await watchCacheFor(st, PODS))!;
		await st.create('/registry/configmaps/a/c', pod('c'));
		const latest = await st.revision();
		expect(cache.revision).toBeLessThan(latest);
		expect(await cache.syncToLatest()).toBe(true);
		expect(cache.revision).toBe(latest);
	});

	it('replays events after a revision in its window, then delivers live ones, within the key range', async () => {
		const st = storage();
		const cache = (await watchCacheFor(st, PODS))!;
		const start = cache.revision;
		const a = await st.create(key('a', 'p'), pod('p'));
		await st.create(key('b', 'q'), pod('q'));
		const rev = 'revision' in a ? a.revision : 0;
		const updated = await st.update(key('a', 'p'), pod('p', { x: '1' }), rev);
		await cache.syncToLatest();
		expect(cache.covers(start)).toBe(true);
		const got: CacheEvent[] = [];
		const stop = cache.subscribe(`${PODS}a/`, prefixEndKey(`${PODS}a/`), start, { events: (es) => got.push(...es), end: () => {} });
		expect(summary(got)).toEqual([`PUT ${key('a', 'p')} ${rev} ${rev} prev=-`, `PUT ${key('a', 'p')} ${updated} ${updated} prev=${rev}`]);
		const deleted = await st.delete(key('a', 'p'), updated!);
		await cache.syncToLatest();
		expect(summary(got.slice(2))).toEqual([`DELETE ${key('a', 'p')} ${deleted} ${deleted} prev=${updated}`]);
		stop();
		await st.create(key('a', 'r'), pod('r'));
		await cache.syncToLatest();
		expect(got).toHaveLength(3);
	});

	it('holds back events up to a future start revision', async () => {
		const st = storage();
		const cache = (await watchCacheFor(st, PODS))!;
		const got: CacheEvent[] = [];
		cache.subscribe(PODS, prefixEndKey(PODS), cache.revision + 1, { events: (es) => got.push(...es), end: () => {} });
		await st.create(key('a', 'one'), pod('one'));
		await st.create(key('a', 'two'), pod('two'));
		await cache.syncToLatest();
		expect(got.map((e) => e.object.metadata.name)).toEqual(['two']);
	});

	it('forgets the oldest events beyond its window', async () => {
		WATCH_CACHE_LIMITS.windowEvents = 3;
		const st = storage();
		const cache = (await watchCacheFor(st, PODS))!;
		const first = cache.revision;
		for (let i = 0; i < 5; i++) await st.create(key('a', `p${i}`), pod(`p${i}`));
		await cache.syncToLatest();
		expect(cache.covers(first)).toBe(false);
		expect(cache.covers(cache.revision - 3)).toBe(true);
		const got: CacheEvent[] = [];
		cache.subscribe(PODS, prefixEndKey(PODS), cache.revision - 3, { events: (es) => got.push(...es), end: () => {} });
		expect(got.map((e) => e.object.metadata.name)).toEqual(['p2', 'p3', 'p4']);
	});

	it('ends its subscribers when the store closes, and a new cache replaces it', async () => {
		const st = storage();
		const cache = (await watchCacheFor(st, PODS))!;
		let ended = false;
		cache.subscribe(PODS, prefixEndKey(PODS), cache.revision, { events: () => {}, end: () => (ended = true) });
		await st.backend.close();
		expect(ended).toBe(true);
		expect(cache.alive).toBe(false);
		expect(await cache.syncTo(cache.revision + 1)).toBe(false);
	});
});
