import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock';
import { EmbeddedStore, memoryJournal, type Journal } from './embedded-store';
import { ModelEngine } from './model';
import { fromUtf8, utf8 } from './bytes';
import type { WatchMessage } from './backend';

const b = utf8;
function store(over: Partial<Parameters<typeof EmbeddedStore.open>[0]> = {}, records: Uint8Array[] = []) {
	const clock = new ManualClock(1_000_000);
	const s = EmbeddedStore.open({ engine: new ModelEngine(), journal: memoryJournal(), clock, quotaBytes: 1 << 20, ...over }, records);
	return { s, clock };
}

/** A journal that keeps records in memory and releases appends only when told; snapshots go through. */
function gatedJournal() {
	const records: Uint8Array[] = [];
	const waiting: Array<() => void> = [];
	const j: Journal & { records: Uint8Array[]; releaseAll(): void } = {
		records,
		append: (r) => new Promise<void>((resolve) => waiting.push(() => (records.push(r), resolve()))),
		successor: () => {
			const next: Uint8Array[] = [];
			return {
				write: async (parts) => void next.push(Buffer.concat(parts)),
				commit: async (tail) => void records.splice(0, records.length, ...next, ...tail()),
				abort: async () => {}
			};
		},
		close: async () => {},
		releaseAll: () => waiting.splice(0).forEach((f) => f())
	};
	return j;
}

describe('EmbeddedStore', () => {
	it('answers a write only once its record is durable, and readers wait too', async () => {
		const journal = gatedJournal();
		const { s } = store({ journal });
		let done = false;
		const put = s.put({ key: b('a'), value: b('1') }).then((r) => ((done = true), r));
		const read = s.range({ key: b('a') });
		await Promise.resolve();
		expect(done).toBe(false);
		journal.releaseAll();
		expect((await put).header.revision).toBe(2);
		expect((await read).kvs).toHaveLength(1);
	});

	it('releases watch events in revision order only after they are durable', async () => {
		const journal = gatedJournal();
		const { s } = store({ journal });
		const got: WatchMessage[] = [];
		s.watch({ key: b('a'), rangeEnd: b('b') }, (m) => got.push(m));
		const p1 = s.put({ key: b('a1'), value: b('x') });
		const p2 = s.put({ key: b('a2'), value: b('y') });
		expect(got).toEqual([]);
		journal.releaseAll();
		await Promise.all([p1, p2]);
		expect(got.map((m) => (m.type === 'events' ? [m.revision, fromUtf8(m.events[0].kv.key)] : m.type))).toEqual([
			[2, 'a1'],
			[3, 'a2']
		]);
	});

	it('catches a new watcher up from a past revision, and refuses a compacted one', async () => {
		const { s } = store();
		for (let i = 0; i < 4; i++) await s.put({ key: b('k'), value: b(String(i)) });
		const got: WatchMessage[] = [];
		s.watch({ key: b('k'), startRevision: 3, prevKv: true }, (m) => got.push(m));
		expect(got.map((m) => (m.type === 'events' ? `${m.revision}:${fromUtf8(m.events[0].kv.value)}<${fromUtf8(m.events[0].prevKv!.value)}` : m.type))).toEqual([
			'3:1<0',
			'4:2<1',
			'5:3<2'
		]);
		await s.compact({ revision: 4 });
		const late: WatchMessage[] = [];
		s.watch({ key: b('k'), startRevision: 2 }, (m) => late.push(m));
		expect(late).toEqual([{ type: 'compacted', revision: 5, compactRevision: 4 }]);
	});

	it('expires a lease on the clock and deletes its keys in one revision', async () => {
		const { s, clock } = store();
		const { id, ttl } = await s.leaseGrant(10);
		expect(ttl).toBe(10);
		await s.put({ key: b('l1'), value: b(''), lease: id });
		await s.put({ key: b('l2'), value: b(''), lease: id });
		const got: WatchMessage[] = [];
		s.watch({ key: b('l'), rangeEnd: b('m') }, (m) => got.push(m));
		clock.advance(9_000);
		expect((await s.leaseTimeToLive(id, true)).ttl).toBe(1);
		clock.advance(1_000);
		await new Promise((r) => setTimeout(r, 0));
		await s.range({ key: b('x') });
		expect(got).toHaveLength(1);
		expect(got[0]).toMatchObject({ type: 'events', revision: 4 }); // grants do not take a revision
		expect((got[0] as { events: unknown[] }).events).toHaveLength(2);
		await expect(s.put({ key: b('z'), value: b(''), lease: id })).rejects.toThrow('etcdserver: requested lease not found');
	});

	it('raises the NOSPACE alarm over quota, allows deletes, and keeps refusing until disarmed', async () => {
		const { s } = store({ quotaBytes: 2000 });
		await s.put({ key: b('big'), value: new Uint8Array(1500) });
		await expect(s.put({ key: b('more'), value: new Uint8Array(600) })).rejects.toThrow('etcdserver: mvcc: database space exceeded');
		expect((await s.status()).alarms).toEqual(['NOSPACE']);
		await expect(s.put({ key: b('tiny'), value: b('') })).rejects.toThrow('database space exceeded');
		await s.deleteRange({ key: b('big') });
		await s.compact({ revision: (await s.status()).revision });
		await s.defragment();
		await s.disarm();
		await s.put({ key: b('tiny'), value: b('') });
	});

	it('recovers the same state, revisions and lease ids from its journal', async () => {
		const journal = gatedJournal();
		const first = store({ journal, snapshotEvery: 4 });
		const pending: Promise<unknown>[] = [];
		const l = first.s.leaseGrant(60);
		journal.releaseAll();
		const lease = await l;
		for (let i = 0; i < 6; i++) {
			pending.push(first.s.put({ key: b(`k${i % 3}`), value: b(String(i)), lease: i === 5 ? lease.id : 0 }));
			journal.releaseAll();
		}
		await Promise.all(pending);
		const second = store({ journal: memoryJournal() }, journal.records);
		const a = await first.s.range({ key: b('k'), rangeEnd: b('l') });
		const c = await second.s.range({ key: b('k'), rangeEnd: b('l') });
		expect(c).toEqual(a);
		expect(await second.s.leaseLeases()).toEqual(await first.s.leaseLeases());
		const next = first.s.leaseGrant(60);
		journal.releaseAll();
		expect((await second.s.leaseGrant(60)).id).toBe((await next).id);
	});
});
