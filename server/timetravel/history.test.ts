import { describe, expect, it } from 'vitest';
import { wallClock } from '../../src/lib/clock/clock';
import type { Backend } from '../../src/lib/store/backend';
import { fromUtf8, utf8 } from '../../src/lib/store/bytes';
import { EmbeddedStore, memoryJournal } from '../../src/lib/store/embedded-store';
import { createWasmEngine } from '../../src/lib/store/wasm-engine-node';
import { Replica } from '../../src/lib/timetravel/replica';
import { replicaSnapshot } from './history';

const ALL = new Uint8Array([0]);

async function storeWithHistory(): Promise<EmbeddedStore> {
	const store = EmbeddedStore.open({ engine: createWasmEngine(), journal: memoryJournal(), clock: wallClock, quotaBytes: 1 << 30 });
	const obj = (v: number) => utf8(JSON.stringify({ metadata: { managedFields: [{ time: `2026-11-26T10:0${v}:00Z` }] }, v }));
	await store.put({ key: utf8('/registry/pods/default/a'), value: obj(1) });
	await store.put({ key: utf8('/registry/pods/default/b'), value: obj(2) });
	await store.put({ key: utf8('/registry/pods/default/a'), value: obj(3) });
	await store.deleteRange({ key: utf8('/registry/pods/default/b') });
	await store.compact({ revision: 4 });
	await store.put({ key: utf8('/registry/pods/default/c'), value: obj(5) });
	await store.put({ key: utf8('/registry/pods/default/a'), value: obj(6) });
	return store;
}

/** The same store seen only through the `Backend` interface (as a real etcd would be). */
function backendOnly(store: Backend): Backend {
	return {
		range: (r) => store.range(r),
		put: (r) => store.put(r),
		deleteRange: (r) => store.deleteRange(r),
		txn: (r) => store.txn(r),
		compact: (r) => store.compact(r),
		watch: (r, fn) => store.watch(r, fn),
		leaseGrant: (t, id) => store.leaseGrant(t, id),
		leaseRevoke: (id) => store.leaseRevoke(id),
		leaseKeepAlive: (id) => store.leaseKeepAlive(id),
		leaseTimeToLive: (id, k) => store.leaseTimeToLive(id, k),
		leaseLeases: () => store.leaseLeases(),
		status: () => store.status(),
		defragment: () => store.defragment(),
		disarm: () => store.disarm(),
		close: () => store.close()
	};
}

const state = (r: Replica, rev: number) => r.engine.range({ key: ALL, rangeEnd: ALL, revision: rev }).kvs.map((kv) => [fromUtf8(kv.key), kv.modRevision, kv.createRevision, kv.version]);

describe('replica snapshot of a room store', () => {
	it('is the same from the embedded engine and through the Backend alone, with room times from the values', async () => {
		const store = await storeWithHistory();
		const fast = new Replica(createWasmEngine());
		fast.load((await replicaSnapshot(store)).body);
		const generic = new Replica(createWasmEngine());
		generic.load((await replicaSnapshot(backendOnly(store))).body);
		expect(fast.revision).toBe(7);
		expect(generic.revision).toBe(7);
		expect(fast.firstRevision).toBe(4);
		for (let rev = 4; rev <= 7; rev++) expect(state(generic, rev)).toEqual(state(fast, rev));
		// The compaction revision gets the newest time among the versions it kept; later ones their own.
		for (const r of [fast, generic]) {
			expect(r.times.timeAt(4)).toBe(Date.parse('2026-11-26T10:03:00Z'));
			expect(r.times.timeAt(7)).toBe(Date.parse('2026-11-26T10:06:00Z'));
		}
		await store.close();
	});
});
