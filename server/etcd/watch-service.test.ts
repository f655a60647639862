import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/lib/clock/clock';
import { utf8 } from '../../src/lib/store/bytes';
import { EmbeddedStore, memoryJournal } from '../../src/lib/store/embedded-store';
import { ModelEngine } from '../../src/lib/store/model';
import type { Room } from '../rooms/room';
import { Caller } from './context';
import type { ResponseSink } from './stream';
import { WatchSession, type PbWatchRequest, type PbWatchResponse } from './watch-service';

/** A room with just what a watch session touches, counting holds. */
function fakeRoom() {
	const store = EmbeddedStore.open({ engine: new ModelEngine(), journal: memoryJournal(), clock: new ManualClock(0), quotaBytes: 1 << 20 });
	const room = {
		id: 'AAAAAAAAAAAAAAAAAAAAAA',
		meta: { tokens: { editor: 'e', viewer: 'v' } },
		store,
		holds: 0,
		hold() {
			room.holds++;
			return () => void room.holds--;
		}
	};
	return room;
}

function session(progressMs = 60_000) {
	const room = fakeRoom();
	const sent: PbWatchResponse[] = [];
	const sink: ResponseSink<PbWatchResponse> = { send: (m) => void sent.push(m), fail: (e) => void sent.push({ header: {}, cancel_reason: String(e) }), end() {} };
	const s = new WatchSession(new Caller({ room: room as unknown as Room, role: 'editor' }), sink, progressMs);
	const settle = () => new Promise((r) => setTimeout(r, 0));
	return { room, sent, s, store: room.store, settle };
}

const create = (key: string, extra: Record<string, unknown> = {}): PbWatchRequest => ({
	request_union: 'create_request',
	create_request: { key: Buffer.from(key), range_end: Buffer.alloc(0), start_revision: '0', progress_notify: false, filters: [], prev_kv: false, watch_id: '0', fragment: false, ...extra }
});

/** The parts of responses a test asserts on (int64s as the decimal strings a client decodes). */
const brief = (rs: PbWatchResponse[]) =>
	rs.map((r) => ({
		id: String(r.watch_id),
		rev: String(r.header.revision),
		...(r.created ? { created: true } : {}),
		...(r.canceled ? { canceled: true } : {}),
		...(r.cancel_reason ? { reason: r.cancel_reason } : {}),
		...(r.compact_revision ? { compact: String(r.compact_revision) } : {}),
		...(r.events ? { events: r.events.map((e) => `${e.type} ${Buffer.from(e.kv.key)} @${e.kv.mod_revision}`) } : {})
	}));

afterEach(() => vi.useRealTimers());

describe('WatchSession', () => {
	it('holds the room while the stream lives', () => {
		const { room, s } = session();
		expect(room.holds).toBe(1);
		s.close();
		s.close();
		expect(room.holds).toBe(0);
	});

	it('answers created first, then history in one batch headed by the current revision, then live revisions one by one', async () => {
		const { s, sent, store, settle } = session();
		await store.put({ key: utf8('a'), value: utf8('1') });
		await store.put({ key: utf8('b'), value: utf8('1') });
		await store.put({ key: utf8('a'), value: utf8('2') });
		s.receive(create('a', { start_revision: '2' }));
		await settle();
		await store.put({ key: utf8('a'), value: utf8('3') });
		await settle();
		expect(brief(sent)).toEqual([
			{ id: '0', rev: '4', created: true },
			{ id: '0', rev: '4', events: ['PUT a @2', 'PUT a @4'] },
			{ id: '0', rev: '5', events: ['PUT a @5'] }
		]);
	});

	it('gives auto ids from 0, refuses a duplicate id or an empty range with id -1, ignores unknown cancels', async () => {
		const { s, sent, settle } = session();
		s.receive(create('a', { watch_id: '1' }));
		s.receive(create('b'));
		s.receive(create('c'));
		s.receive(create('d', { watch_id: '1' }));
		s.receive(create('z', { range_end: Buffer.from('a') }));
		s.receive({ request_union: 'cancel_request', cancel_request: { watch_id: '9' } });
		s.receive({ request_union: 'cancel_request', cancel_request: { watch_id: '0' } });
		s.receive({ request_union: 'progress_request', progress_request: {} });
		await settle();
		expect(brief(sent)).toEqual([
			{ id: '1', rev: '1', created: true },
			{ id: '0', rev: '1', created: true },
			{ id: '2', rev: '1', created: true },
			{ id: '-1', rev: '1', created: true, canceled: true, reason: 'mvcc: duplicate watch ID provided on the WatchStream' },
			{ id: '-1', rev: '1', created: true, canceled: true, reason: 'mvcc: watcher range is empty' },
			{ id: '0', rev: '1', canceled: true },
			{ id: '-1', rev: '1' }
		]);
	});

	it('cancels a watch from a compacted revision with the compact revision and no header revision', async () => {
		const { s, sent, store, settle } = session();
		for (const v of ['1', '2', '3']) await store.put({ key: utf8('a'), value: utf8(v) });
		await store.compact({ revision: 3 });
		s.receive(create('a', { start_revision: '2' }));
		await settle();
		expect(brief(sent)).toEqual([
			{ id: '0', rev: '4', created: true },
			{ id: '0', rev: '0', canceled: true, compact: '3' }
		]);
	});

	it('sends progress notifications to quiet watchers that asked for them', async () => {
		vi.useFakeTimers();
		const { s, sent, store } = session(1000);
		s.receive(create('a', { progress_notify: true }));
		s.receive(create('b'));
		await vi.advanceTimersByTimeAsync(10);
		await store.put({ key: utf8('a'), value: utf8('1') });
		await vi.advanceTimersByTimeAsync(1000);
		expect(brief(sent).slice(2)).toEqual([{ id: '0', rev: '2', events: ['PUT a @2'] }]);
		await vi.advanceTimersByTimeAsync(1000);
		expect(brief(sent).slice(3)).toEqual([{ id: '0', rev: '2' }]);
		s.close();
	});
});
