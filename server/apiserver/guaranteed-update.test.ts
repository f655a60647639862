/**
 * guaranteedUpdate starting from the watch cache's copy (kube's Cacher.GuaranteedUpdate): the copy
 * may trail a write still in flight (applied, not yet durable, so not yet in the cache); the
 * mod_revision compare or a check against the store then sends the update back to the store's
 * state, so no answer is drawn from a stale copy.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock/clock';
import { EmbeddedStore, type Journal } from '../../src/lib/store/embedded-store';
import { ModelEngine } from '../../src/lib/store/model';
import { findResource } from '../../src/lib/kube/resources';
import { IdentitySource } from '../../src/lib/kube/random-ids';
import { makeTarget, type ApiContext } from './context';
import { ObjectStorage } from './storage';
import { watchCacheFor } from './watch-cache';
import { guaranteedUpdate } from './write';
import type { Room } from '../rooms/room';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KEY = '/registry/configmaps/default/cm';

/** A journal whose appends can be held back (writes applied but not durable). */
function holdableJournal() {
	let held: Array<() => void> | undefined;
	const journal: Journal = {
		append: () => (held ? new Promise<void>((r) => held!.push(r)) : Promise.resolve()),
		close: async () => {}
	};
	return {
		journal,
		hold: () => void (held = []),
		release: () => {
			const h = held;
			held = undefined;
			for (const r of h ?? []) r();
		}
	};
}

async function setup() {
	const clock = new ManualClock(1_000_000);
	const j = holdableJournal();
	const storage = new ObjectStorage(EmbeddedStore.open({ engine: new ModelEngine(), journal: j.journal, clock, quotaBytes: 1 << 24 }, []));
	const created = await storage.create(KEY, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default', uid: 'u1', creationTimestamp: '2026-01-01T00:00:00Z' }, data: { a: '1' } });
	if (!('revision' in created)) throw new Error('create failed');
	const cache = (await watchCacheFor(storage, '/registry/configmaps/'))!;
	const ctx = { room: {} as Room, storage, clock, user: 'editor', ids: new IdentitySource(0, 0, () => clock.now()), log: () => {} } as ApiContext;
	const call = { ctx, target: makeTarget(findResource('', 'v1', 'configmaps')!, 'default', 'cm') };
	/** A write by someone else, applied but held before it is durable (the cache does not have it yet). */
	const inFlight = (data: Obj) => {
		j.hold();
		const cur = cache.get(KEY)!;
		void storage.update(KEY, { ...cur.object, data }, cur.modRevision);
	};
	return { storage, cache, call, inFlight, release: j.release };
}

describe('guaranteedUpdate from the watch cache', () => {
	it('starts from the cached copy and redoes the update from the store when the copy lost a race', async () => {
		const { storage, cache, call, inFlight, release } = await setup();
		inFlight({ a: '1', other: 'x' });
		const seen: Obj[] = [];
		const done = guaranteedUpdate(call, { dryRun: false }, (cur) => {
			seen.push(cur.data);
			return { ...cur, data: { ...cur.data, mine: 'y' } };
		});
		await new Promise((r) => setTimeout(r, 10));
		expect(seen).toEqual([{ a: '1' }]);
		release();
		const r = await done;
		expect(seen).toEqual([{ a: '1' }, { a: '1', other: 'x' }]);
		expect(r.object.data).toEqual({ a: '1', other: 'x', mine: 'y' });
		expect((await storage.get(KEY))!.object.data).toEqual({ a: '1', other: 'x', mine: 'y' });
		expect(cache.get(KEY)!.object.data).toEqual({ a: '1', other: 'x', mine: 'y' });
	});

	it('does not answer "nothing changed" from a cached copy the store has moved past', async () => {
		const { storage, call, inFlight, release } = await setup();
		inFlight({ a: '2' });
		// Setting a=1 changes nothing in the cached copy, but undoes the write in flight.
		const done = guaranteedUpdate(call, { dryRun: false }, (cur) => ({ ...cur, data: { a: '1' } }));
		await new Promise((r) => setTimeout(r, 10));
		release();
		const r = await done;
		const stored = (await storage.get(KEY))!;
		expect(stored.object.data).toEqual({ a: '1' });
		expect(r.object.metadata.resourceVersion).toBe(String(stored.modRevision));
	});

	it('does not answer a dry run from a cached copy the store has moved past', async () => {
		const { storage, call, inFlight, release } = await setup();
		inFlight({ a: '2' });
		const done = guaranteedUpdate(call, { dryRun: true }, (cur) => ({ ...cur, data: { ...cur.data, b: '3' } }));
		await new Promise((r) => setTimeout(r, 10));
		release();
		const r = await done;
		const stored = (await storage.get(KEY))!;
		expect(r.object.data).toEqual({ a: '2', b: '3' });
		expect(r.object.metadata.resourceVersion).toBe(String(stored.modRevision));
		expect(stored.object.data).toEqual({ a: '2' });
	});

	it('keeps an error drawn from the cached copy only when the store still holds that copy', async () => {
		const { call, cache, inFlight, release } = await setup();
		const rv = cache.get(KEY)!.object.metadata.resourceVersion;
		// The store holds the cached copy: its resourceVersion precondition fails with 409.
		await expect(guaranteedUpdate(call, { dryRun: false }, (cur) => ({ ...cur, metadata: { ...cur.metadata, resourceVersion: '1' } }))).rejects.toMatchObject({ code: 409 });
		// A transform that fails on the cached copy only (it trails a write in flight) is redone on the store's.
		inFlight({ a: '2' });
		const done = guaranteedUpdate(call, { dryRun: false }, (cur) => {
			if (cur.metadata.resourceVersion === rv) throw new Error('stale copy');
			return { ...cur, data: { ...cur.data, b: '3' } };
		});
		await new Promise((r) => setTimeout(r, 10));
		release();
		expect((await done).object.data).toEqual({ a: '2', b: '3' });
	});
});
