import { describe, expect, it } from 'vitest';
import { ModelEngine } from './model';
import { fromUtf8, utf8 } from './bytes';

const b = utf8;
const keys = (r: { kvs: Array<{ key: Uint8Array }> }) => r.kvs.map((kv) => fromUtf8(kv.key));

describe('ModelEngine', () => {
	it('counts revisions, versions and create revisions like etcd', () => {
		const m = new ModelEngine();
		expect(m.put({ key: b('a'), value: b('1') }).response.header.revision).toBe(2);
		expect(m.put({ key: b('a'), value: b('2') }).response.header.revision).toBe(3);
		const [kv] = m.range({ key: b('a') }).kvs;
		expect(kv).toMatchObject({ createRevision: 2, modRevision: 3, version: 2 });
		expect(m.deleteRange({ key: b('a') }).response).toMatchObject({ deleted: 1, header: { revision: 4 } });
		// Deleting nothing does not advance the revision.
		expect(m.deleteRange({ key: b('a') }).response).toMatchObject({ deleted: 0, header: { revision: 4 } });
		m.put({ key: b('a'), value: b('3') });
		expect(m.range({ key: b('a') }).kvs[0]).toMatchObject({ createRevision: 5, version: 1 });
		expect(fromUtf8(m.range({ key: b('a'), revision: 3 }).kvs[0].value)).toBe('2');
	});

	it('selects one key, a prefix range, and everything from a key with "\\0"', () => {
		const m = new ModelEngine();
		for (const k of ['a', 'ab', 'abc', 'b', 'c']) m.put({ key: b(k), value: b(k) });
		expect(keys(m.range({ key: b('ab') }))).toEqual(['ab']);
		expect(keys(m.range({ key: b('ab'), rangeEnd: b('ac') }))).toEqual(['ab', 'abc']);
		expect(keys(m.range({ key: b('b'), rangeEnd: new Uint8Array([0]) }))).toEqual(['b', 'c']);
		expect(keys(m.range({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) }))).toEqual(['a', 'ab', 'abc', 'b', 'c']);
		const limited = m.range({ key: b('a'), rangeEnd: b('z'), limit: 2 });
		expect([keys(limited), limited.more, limited.count]).toEqual([['a', 'ab'], true, 5]);
	});

	it('fails reads below the compact revision and above the current one', () => {
		const m = new ModelEngine();
		for (let i = 0; i < 5; i++) m.put({ key: b('k'), value: b(String(i)) });
		m.compact(4);
		expect(() => m.range({ key: b('k'), revision: 3 })).toThrow('etcdserver: mvcc: required revision has been compacted');
		expect(fromUtf8(m.range({ key: b('k'), revision: 4 }).kvs[0].value)).toBe('2');
		expect(() => m.range({ key: b('k'), revision: 7 })).toThrow('etcdserver: mvcc: required revision is a future revision');
		expect(() => m.compact(4)).toThrow('compacted');
	});

	it('runs a txn atomically in one revision, reading its own writes', () => {
		const m = new ModelEngine();
		m.put({ key: b('x'), value: b('1') });
		const { response, events } = m.txn({
			compare: [{ key: b('x'), target: 'VALUE', result: 'EQUAL', value: b('1') }],
			success: [{ requestPut: { key: b('x'), value: b('2') } }, { requestPut: { key: b('y'), value: b('3') } }, { requestRange: { key: b('x') } }],
			failure: []
		});
		expect(response.succeeded).toBe(true);
		expect(response.header.revision).toBe(3);
		expect(events.map((e) => [e.type, fromUtf8(e.kv.key), e.kv.modRevision])).toEqual([
			['PUT', 'x', 3],
			['PUT', 'y', 3]
		]);
		const read = response.responses[2] as { responseRange: { kvs: Array<{ value: Uint8Array }> } };
		expect(fromUtf8(read.responseRange.kvs[0].value)).toBe('2');
	});

	it('refuses a key written twice in a txn branch', () => {
		const m = new ModelEngine();
		expect(() =>
			m.txn({ compare: [], success: [{ requestPut: { key: b('a'), value: b('') } }, { requestDeleteRange: { key: b('a'), rangeEnd: b('b') } }], failure: [] })
		).toThrow('etcdserver: duplicate key given in txn request');
	});

	it('replays events since a revision with prev kvs, in revision order', () => {
		const m = new ModelEngine();
		m.put({ key: b('a'), value: b('1') });
		m.put({ key: b('b'), value: b('1') });
		m.put({ key: b('a'), value: b('2') });
		m.deleteRange({ key: b('b') });
		const evs = m.eventsSince(3, b('a'), b('z'));
		expect(evs.map((e) => [e.type, fromUtf8(e.kv.key), e.kv.modRevision, e.prevKv ? fromUtf8(e.prevKv.value) : null])).toEqual([
			['PUT', 'b', 3, null],
			['PUT', 'a', 4, '1'],
			['DELETE', 'b', 5, '1']
		]);
	});

	it('restores exactly what it snapshotted', () => {
		const m = new ModelEngine();
		m.put({ key: b('a'), value: new Uint8Array([0, 255, 10]) });
		m.put({ key: b('a'), value: b('x'), lease: 0 });
		const copy = new ModelEngine();
		copy.restore(m.snapshot());
		expect(copy.range({ key: b('a'), revision: 2 })).toEqual(m.range({ key: b('a'), revision: 2 }));
		expect(copy.revision).toBe(3);
	});
});
