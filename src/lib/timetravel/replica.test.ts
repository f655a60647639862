import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../store/bytes';
import { createWasmEngine } from '../store/wasm-engine-node';
import type { Event, KeyValue } from '../store/types';
import type { WasmEngine } from '../store/wasm-engine';
import { Replica, ReplicaGap, type RevisionBatch } from './replica';
import { decodeReplicaSnapshot, encodeReplicaSnapshot, engineSnapshot } from './snapshot';
import { decodeMessage, encodeMessage } from './wire';

const ALL = new Uint8Array([0]);

/** A "server" engine with a few revisions of history; returns the events of each write. */
function serverWithHistory(): { server: WasmEngine; batches: RevisionBatch[] } {
	const server = createWasmEngine();
	const batches: RevisionBatch[] = [];
	const record = (events: Event[]) => {
		const revision = events[0].kv.modRevision;
		batches.push({ revision, time: 1000 * revision, events: events.map((e) => ({ type: e.type, key: e.kv.key, value: e.kv.value, lease: e.kv.lease })) });
	};
	const put = (k: string, v: string) => record(server.put({ key: utf8(k), value: utf8(v) }).events);
	put('/registry/pods/default/a', '{"v":1}'); // 2
	put('/registry/pods/default/b', '{"v":1}'); // 3
	put('/registry/pods/default/a', '{"v":2}'); // 4
	record(server.deleteRange({ key: utf8('/registry/pods/default/b') }).events); // 5
	record(
		server.txn({
			compare: [],
			success: [{ requestPut: { key: utf8('/registry/minions/n1'), value: utf8('{"n":1}') } }, { requestPut: { key: utf8('/registry/pods/default/c'), value: utf8('{"c":1}') } }],
			failure: []
		}).events
	); // 6
	put('/registry/pods/default/b', '{"v":"again"}'); // 7
	return { server, batches };
}

function stateAt(e: WasmEngine, rev: number): Array<[string, string, number, number, number]> {
	return e.range({ key: ALL, rangeEnd: ALL, revision: rev }).kvs.map((kv) => [fromUtf8(kv.key), fromUtf8(kv.value), kv.modRevision, kv.createRevision, kv.version]);
}

function snapshotOf(server: WasmEngine, compactRevision: number): Uint8Array {
	const base: KeyValue[] = compactRevision > 0 ? server.range({ key: ALL, rangeEnd: ALL, revision: compactRevision }).kvs : [];
	const events = server.eventsSince(compactRevision + 1, ALL, ALL);
	const engine = engineSnapshot({ revision: server.revision, compactRevision, base, events });
	return encodeReplicaSnapshot({ revision: server.revision, compactRevision, times: [[2, 2000], [5, 5000]], engine });
}

describe('replica snapshot', () => {
	it('restores every retained revision exactly as the server reads it', () => {
		const { server } = serverWithHistory();
		const replica = new Replica(createWasmEngine());
		replica.load(snapshotOf(server, 0));
		expect(replica.revision).toBe(7);
		for (let rev = 1; rev <= 7; rev++) expect(stateAt(replica.engine, rev)).toEqual(stateAt(server, rev));
		expect(replica.times.timeAt(4)).toBe(2000);
		expect(replica.times.timeAt(6)).toBe(5000);
	});

	it('after a compaction keeps the state at the compaction revision and everything since', () => {
		const { server } = serverWithHistory();
		server.compact(5);
		const replica = new Replica(createWasmEngine());
		replica.load(snapshotOf(server, 5));
		expect(replica.firstRevision).toBe(5);
		for (let rev = 5; rev <= 7; rev++) expect(stateAt(replica.engine, rev)).toEqual(stateAt(server, rev));
		expect(() => replica.engine.range({ key: ALL, rangeEnd: ALL, revision: 4 })).toThrow(/compacted/);
		// The base entry of a key keeps its create revision and version.
		expect(replica.get('/registry/pods/default/a', 5)).toMatchObject({ createRevision: 2, modRevision: 4, version: 2 });
	});

	it('refuses a body that is not a replica snapshot', () => {
		expect(() => decodeReplicaSnapshot(new Uint8Array(40))).toThrow(/not a replica snapshot/);
	});
});

describe('replica stream', () => {
	it('applies revisions as the server numbered them, through the wire format', () => {
		const { server, batches } = serverWithHistory();
		const replica = new Replica(createWasmEngine());
		// The replica starts at revision 3 and catches up from the stream.
		const early = createWasmEngine();
		early.put({ key: utf8('/registry/pods/default/a'), value: utf8('{"v":1}') });
		early.put({ key: utf8('/registry/pods/default/b'), value: utf8('{"v":1}') });
		replica.load(snapshotOf(early, 0));
		for (const b of batches.filter((b) => b.revision > 3)) {
			const m = decodeMessage(encodeMessage({ type: 'revision', ...b }));
			if (m.type !== 'revision') throw new Error('not a revision');
			replica.apply(m);
		}
		for (let rev = 1; rev <= 7; rev++) expect(stateAt(replica.engine, rev)).toEqual(stateAt(server, rev));
		expect(replica.times.timeAt(7)).toBe(7000);
	});

	it('raises a gap for a revision that does not follow, and ignores one already held', () => {
		const { server, batches } = serverWithHistory();
		const replica = new Replica(createWasmEngine());
		replica.load(snapshotOf(server, 0));
		replica.apply(batches[2]);
		expect(replica.revision).toBe(7);
		expect(() => replica.apply({ revision: 9, events: [{ type: 'DELETE', key: utf8('/x') }] })).toThrow(ReplicaGap);
	});

	it('compacts like the server', () => {
		const { server } = serverWithHistory();
		const replica = new Replica(createWasmEngine());
		replica.load(snapshotOf(server, 0));
		replica.compact(6);
		expect(replica.firstRevision).toBe(6);
		expect(stateAt(replica.engine, 6)).toEqual(stateAt(server, 6));
	});
});

describe('replica reads', () => {
	const replica = new Replica(createWasmEngine());
	replica.load(snapshotOf(serverWithHistory().server, 0));

	it('lists a prefix at a revision', () => {
		expect(replica.range('/registry/pods/', 3).map((kv) => fromUtf8(kv.key))).toEqual(['/registry/pods/default/a', '/registry/pods/default/b']);
		expect(replica.range('/registry/pods/', 5).map((kv) => fromUtf8(kv.key))).toEqual(['/registry/pods/default/a']);
		expect(replica.get('/registry/pods/default/a', 3)?.value).toEqual(utf8('{"v":1}'));
	});

	it('gives the history of a key, deletions included', () => {
		const h = replica.history('/registry/pods/default/b');
		expect(h.map((v) => [v.revision, v.kv ? fromUtf8(v.kv.value) : null])).toEqual([
			[3, '{"v":1}'],
			[5, null],
			[7, '{"v":"again"}']
		]);
	});

	it('lists what changed between two revisions', () => {
		const changes = replica.changes(3, 6);
		expect(changes.map((c) => [c.key, c.type, c.revisions])).toEqual([
			['/registry/minions/n1', 'created', [6]],
			['/registry/pods/default/a', 'updated', [4]],
			['/registry/pods/default/b', 'deleted', [5]],
			['/registry/pods/default/c', 'created', [6]]
		]);
		expect(fromUtf8(changes[1].before!.value)).toBe('{"v":1}');
		expect(fromUtf8(changes[1].after!.value)).toBe('{"v":2}');
		// Deleted and created again: present at both ends, so an update (with both revisions listed).
		expect(replica.changes(4, 7).find((c) => c.key === '/registry/pods/default/b')).toMatchObject({ type: 'updated', revisions: [5, 7] });
		expect(replica.changes(6, 3)).toEqual([]);
	});
});
