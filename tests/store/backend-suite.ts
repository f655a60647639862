/**
 * The store's own test suite, written against `Backend` only, so it runs unchanged on the
 * embedded store and on a real etcd through the etcd3 backend. Revisions are asserted relative
 * to the first write (a shared etcd's revisions are the cluster's).
 *
 * @module
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import type { Backend, WatchMessage } from '../../src/lib/store/backend';
import { fromUtf8, utf8 } from '../../src/lib/store/bytes';

const b = utf8;
const ZERO = new Uint8Array([0]);

export function backendSuite(name: string, open: () => Promise<{ backend: Backend; close(): Promise<void> }>): void {
	describe(name, () => {
		let s: Backend;
		let close: () => Promise<void>;
		beforeAll(async () => {
			({ backend: s, close } = await open());
		});
		afterAll(async () => close());

		it('tracks create revision, mod revision and version across put, delete and put', async () => {
			const r1 = (await s.put({ key: b('v/a'), value: b('1') })).header.revision;
			await s.put({ key: b('v/a'), value: b('2') });
			expect((await s.range({ key: b('v/a') })).kvs[0]).toMatchObject({ createRevision: r1, modRevision: r1 + 1, version: 2 });
			const del = await s.deleteRange({ key: b('v/a'), prevKv: true });
			expect(del.deleted).toBe(1);
			expect(fromUtf8(del.prevKvs[0].value)).toBe('2');
			const r4 = (await s.put({ key: b('v/a'), value: b('3') })).header.revision;
			expect((await s.range({ key: b('v/a') })).kvs[0]).toMatchObject({ createRevision: r4, version: 1 });
			expect(fromUtf8((await s.range({ key: b('v/a'), revision: r1 + 1 })).kvs[0].value)).toBe('2');
		});

		it('ranges over a prefix, from a key with "\\0", with limit and count', async () => {
			for (const k of ['r/a', 'r/b', 'r/c', 'r/d']) await s.put({ key: b(k), value: b(k) });
			const page = await s.range({ key: b('r/'), rangeEnd: b('r0'), limit: 2 });
			expect([page.kvs.map((kv) => fromUtf8(kv.key)), page.more, page.count]).toEqual([['r/a', 'r/b'], true, 4]);
			const from = await s.range({ key: b('r/c'), rangeEnd: ZERO, keysOnly: true });
			expect(from.kvs.map((kv) => fromUtf8(kv.key)).filter((k) => k.startsWith('r/'))).toEqual(['r/c', 'r/d']);
			expect(from.kvs.every((kv) => kv.value.length === 0)).toBe(true);
			const desc = await s.range({ key: b('r/'), rangeEnd: b('r0'), sortOrder: 'DESCEND', sortTarget: 'KEY', countOnly: true });
			expect([desc.count, desc.kvs.length]).toEqual([4, 0]);
		});

		it('runs a txn on compares, including compares on a missing key', async () => {
			const ok = await s.txn({
				compare: [{ key: b('t/missing'), target: 'VERSION', result: 'EQUAL', version: 0 }],
				success: [{ requestPut: { key: b('t/x'), value: b('created') } }],
				failure: []
			});
			expect(ok.succeeded).toBe(true);
			const before = (await s.range({ key: b('t/x') })).header.revision;
			const no = await s.txn({
				compare: [{ key: b('t/missing'), target: 'VALUE', result: 'EQUAL', value: b('') }],
				success: [{ requestPut: { key: b('t/x'), value: b('no') } }],
				failure: [{ requestRange: { key: b('t/x') } }]
			});
			expect(no.succeeded).toBe(false);
			expect(no.header.revision).toBe(before);
			const read = no.responses[0] as { responseRange: { kvs: Array<{ value: Uint8Array }> } };
			expect(fromUtf8(read.responseRange.kvs[0].value)).toBe('created');
		});

		it('replays history to a watcher from a past revision, then streams', async () => {
			const first = (await s.put({ key: b('w/k'), value: b('1') })).header.revision;
			await s.put({ key: b('w/k'), value: b('2') });
			const got: WatchMessage[] = [];
			const w = s.watch({ key: b('w/'), rangeEnd: b('w0'), startRevision: first, prevKv: true }, (m) => got.push(m));
			await s.deleteRange({ key: b('w/k') });
			await expect.poll(() => got.filter((m) => m.type === 'events').length, { timeout: 5000 }).toBe(3);
			w.cancel();
			const evs = got.flatMap((m) => (m.type === 'events' ? m.events : []));
			expect(evs.map((e) => `${e.type}:${fromUtf8(e.kv.value)}:${e.prevKv ? fromUtf8(e.prevKv.value) : '-'}`)).toEqual(['PUT:1:-', 'PUT:2:1', 'DELETE::2']);
			expect(evs.map((e) => e.kv.modRevision - first)).toEqual([0, 1, 2]);
		});

		it('revoking a lease deletes its keys in one revision', async () => {
			const { id } = await s.leaseGrant(60);
			await s.put({ key: b('l/1'), value: b(''), lease: id });
			await s.put({ key: b('l/2'), value: b(''), lease: id });
			const ttl = await s.leaseTimeToLive(id, true);
			expect(ttl.keys.map(fromUtf8).sort()).toEqual(['l/1', 'l/2']);
			const before = (await s.range({ key: b('l/1') })).header.revision;
			const { revision } = await s.leaseRevoke(id);
			expect(revision).toBe(before + 1);
			expect((await s.range({ key: b('l/'), rangeEnd: b('l0') })).count).toBe(0);
			await expect(s.put({ key: b('l/3'), value: b(''), lease: id })).rejects.toThrow('etcdserver: requested lease not found');
		});

		it('refuses reads below the compact revision and at future revisions', async () => {
			const r1 = (await s.put({ key: b('c/k'), value: b('1') })).header.revision;
			const r2 = (await s.put({ key: b('c/k'), value: b('2') })).header.revision;
			await s.compact({ revision: r2 });
			await expect(s.range({ key: b('c/k'), revision: r1 })).rejects.toThrow('etcdserver: mvcc: required revision has been compacted');
			expect(fromUtf8((await s.range({ key: b('c/k'), revision: r2 })).kvs[0].value)).toBe('2');
			await expect(s.range({ key: b('c/k'), revision: r2 + 1000 })).rejects.toThrow('etcdserver: mvcc: required revision is a future revision');
		});
	});
}
