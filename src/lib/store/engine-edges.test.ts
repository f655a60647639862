/**
 * etcd 3.4 edge cases, checked on both engines (the model and the WASM engine). The expected
 * values come from etcd's source: etcdserver/apply.go (Txn, checkRequests, applyCompare),
 * etcdserver/api/v3rpc/key.go (checkTxnRequest, checkIntervals), mvcc/kvstore_txn.go,
 * mvcc/key_index.go (compact) and the watch server's prev_kv lookup.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWasm } from '../../../scripts/build-wasm';
import { fromUtf8, utf8 } from './bytes';
import { ModelEngine } from './model';
import type { MvccEngine, RequestOp, ResponseOp, TxnRequest } from './types';
import { createWasmEngine } from './wasm-engine-node';

beforeAll(async () => {
	await buildWasm();
}, 180_000);

const b = utf8;
const ALL = new Uint8Array([0]);
const put = (key: string, value = 'v'): RequestOp => ({ requestPut: { key: b(key), value: b(value) } });
const get = (key: string, revision?: number): RequestOp => ({ requestRange: { key: b(key), revision } });
const del = (key: string, rangeEnd?: Uint8Array): RequestOp => ({ requestDeleteRange: { key: b(key), rangeEnd } });
const txn = (t: Partial<TxnRequest>): TxnRequest => ({ compare: [], success: [], failure: [], ...t });
const headers = (rs: ResponseOp[]) => rs.map((r) => Object.values(r)[0].header.revision);

describe.each([
	['ModelEngine', () => new ModelEngine() as MvccEngine],
	['WasmEngine', () => createWasmEngine() as MvccEngine]
])('%s', (_name, create) => {
	it('reads at exactly the compact revision, fails below it and above the current one', () => {
		const e = create();
		for (let i = 0; i < 4; i++) e.put({ key: b('k'), value: b(String(i)) });
		e.compact(4);
		expect(fromUtf8(e.range({ key: b('k'), revision: 4 }).kvs[0].value)).toBe('2');
		expect(() => e.range({ key: b('k'), revision: 3 })).toThrow('etcdserver: mvcc: required revision has been compacted');
		expect(() => e.range({ key: b('k'), revision: 6 })).toThrow('etcdserver: mvcc: required revision is a future revision');
		expect(e.range({ key: b('k'), revision: 5 }).kvs).toHaveLength(1);
		// A watch from exactly the compact revision is allowed, from below it is not.
		expect(e.eventsSince(4, b('k'), undefined).map((ev) => ev.kv.modRevision)).toEqual([4, 5]);
		expect(() => e.eventsSince(3, b('k'), undefined)).toThrow('compacted');
	});

	it('compacts once at 0 on a fresh store (compactMainRev starts at -1), never twice', () => {
		const e = create();
		expect(e.compact(0).header.revision).toBe(1);
		expect(() => e.compact(0)).toThrow('etcdserver: mvcc: required revision has been compacted');
		expect(e.compact(1).header.revision).toBe(1);
		expect(() => e.compact(2)).toThrow('etcdserver: mvcc: required revision is a future revision');
	});

	it('drops a deletion at the compact revision and the key with it', () => {
		const e = create();
		e.put({ key: b('a'), value: b('1') });
		e.deleteRange({ key: b('a') });
		e.put({ key: b('b'), value: b('1') });
		e.compact(3);
		// Watching from the compact revision: the deletion at 3 is gone with the key.
		expect(e.eventsSince(3, b('a'), ALL).map((ev) => [ev.type, fromUtf8(ev.kv.key)])).toEqual([['PUT', 'b']]);
		expect(e.range({ key: b('a'), revision: 3 }).count).toBe(0);
	});

	it('leaves the revision alone after a failed txn and after deleting a missing key', () => {
		const e = create();
		e.put({ key: b('x'), value: b('1') });
		const failed = e.txn(txn({ compare: [{ key: b('x'), target: 'VALUE', result: 'EQUAL', value: b('2') }], success: [put('x', '2')] }));
		expect(failed.response).toMatchObject({ succeeded: false, header: { revision: 2 }, responses: [] });
		expect(failed.events).toEqual([]);
		const missing = e.deleteRange({ key: b('nope') });
		expect(missing.response).toMatchObject({ deleted: 0, header: { revision: 2 } });
		expect(missing.events).toEqual([]);
		expect(e.revision).toBe(2);
		// The failure branch writes at the next revision.
		const other = e.txn(txn({ compare: [{ key: b('x'), target: 'VALUE', result: 'EQUAL', value: b('2') }], failure: [put('y')] }));
		expect(other.response.header.revision).toBe(3);
	});

	it('compares a missing key as a zero key-value, except on VALUE which always fails', () => {
		const e = create();
		const ok = (c: TxnRequest['compare'][number]) => e.txn(txn({ compare: [c] })).response.succeeded;
		expect(ok({ key: b('m'), target: 'VERSION', result: 'EQUAL', version: 0 })).toBe(true);
		expect(ok({ key: b('m'), target: 'CREATE', result: 'LESS', createRevision: 1 })).toBe(true);
		expect(ok({ key: b('m'), target: 'LEASE', result: 'EQUAL', lease: 0 })).toBe(true);
		expect(ok({ key: b('m'), target: 'VALUE', result: 'EQUAL', value: new Uint8Array(0) })).toBe(false);
		expect(ok({ key: b('m'), target: 'VALUE', result: 'NOT_EQUAL', value: b('x') })).toBe(false);
	});

	it('evaluates nested compares against the state before the txn', () => {
		const e = create();
		const res = e.txn(
			txn({
				success: [put('a'), { requestTxn: txn({ compare: [{ key: b('a'), target: 'VERSION', result: 'EQUAL', version: 0 }], success: [put('b')] }) }]
			})
		);
		const nested = res.response.responses[1] as { responseTxn: { succeeded: boolean; header: { revision: number } } };
		expect(nested.responseTxn.succeeded).toBe(true);
		expect(e.range({ key: b('b') }).count).toBe(1);
	});

	it('fills inner headers like etcd: put → new revision, range/delete → what reads see, txn → 0', () => {
		const e = create();
		e.put({ key: b('a'), value: b('1') });
		const res = e.txn(txn({ success: [get('a'), del('zz'), put('b'), get('b'), del('zz'), { requestTxn: txn({}) }] }));
		expect(headers(res.response.responses)).toEqual([2, 2, 3, 3, 3, 0]);
		expect(res.response.header.revision).toBe(3);
	});

	it('refuses a range at the txn’s own new revision (future for the read view)', () => {
		const e = create();
		expect(() => e.txn(txn({ success: [put('a'), get('a', 2)] }))).toThrow('future revision');
		expect(e.revision).toBe(1);
		expect(e.range({ key: b('a') }).count).toBe(0);
	});

	it('checks leases and ignore_* only on the branch that runs, before writing', () => {
		const e = create();
		const noLease = () => false;
		const lease: RequestOp = { requestPut: { key: b('l'), value: b('v'), lease: 7 } };
		expect(e.txn(txn({ compare: [{ key: b('q'), target: 'VERSION', result: 'GREATER', version: 0 }], success: [lease], failure: [put('f')] }), noLease).response.succeeded).toBe(false);
		expect(() => e.txn(txn({ success: [put('z'), lease] }), noLease)).toThrow('etcdserver: requested lease not found');
		const ignore: RequestOp = { requestPut: { key: b('absent'), value: new Uint8Array(0), ignoreValue: true } };
		expect(() => e.txn(txn({ success: [put('z'), ignore] }))).toThrow('etcdserver: key not found');
		expect(e.range({ key: b('z') }).count).toBe(0);
		expect(e.revision).toBe(2);
	});

	it('looks a plain put’s lease up before its ignore_value key (etcd applier order)', () => {
		const e = create();
		expect(() => e.put({ key: b('a'), value: new Uint8Array(0), ignoreValue: true, lease: 5 }, () => false)).toThrow('requested lease not found');
		expect(() => e.put({ key: b('a'), value: new Uint8Array(0), ignoreValue: true }, () => false)).toThrow('etcdserver: key not found');
	});

	it('lets a "\\0" delete and a put of the same key share a txn (etcd’s interval check)', () => {
		const e = create();
		e.put({ key: b('a'), value: b('old') });
		const res = e.txn(txn({ success: [put('a', 'new'), del('a', ALL)] }));
		expect(res.events.map((ev) => [ev.type, fromUtf8(ev.kv.key), ev.prevKv && fromUtf8(ev.prevKv.value)])).toEqual([
			['PUT', 'a', 'old'],
			// A watcher's prev_kv is the state at revision - 1, not the put of the same txn.
			['DELETE', 'a', 'old']
		]);
		expect(e.range({ key: b('a') }).count).toBe(0);
		expect(() => e.txn(txn({ success: [put('a'), del('a', b('b'))] }))).toThrow('etcdserver: duplicate key given in txn request');
	});

	it('fails a txn whose ignore_value put follows a "\\0" delete of its key, changing nothing', () => {
		const e = create();
		e.put({ key: b('a'), value: b('1') });
		const ignore: RequestOp = { requestPut: { key: b('a'), value: new Uint8Array(0), ignoreValue: true } };
		expect(() => e.txn(txn({ success: [put('b'), del('a', ALL), ignore] }))).toThrow('etcdserver: key not found');
		expect(e.revision).toBe(2);
		expect(e.range({ key: b('a'), rangeEnd: ALL }).kvs.map((kv) => fromUtf8(kv.key))).toEqual(['a']);
		expect(e.eventsSince(3, b('a'), ALL)).toEqual([]);
	});

	it('allows a child txn to delete what an earlier sibling child put, not the reverse', () => {
		const e = create();
		const child = (op: RequestOp) => ({ requestTxn: txn({ success: [op] }) });
		expect(e.txn(txn({ success: [child(put('a')), child(del('a'))] })).response.succeeded).toBe(true);
		expect(() => e.txn(txn({ success: [child(del('a')), child(put('a'))] }))).toThrow('duplicate key');
	});

	it('gives a nested txn the op budget its parent left', () => {
		const e = create();
		const nested = txn({ success: Array.from({ length: 100 }, (_, i) => get(`k${i}`)) });
		// 128 - 29 = 99 < 100: refused; 128 - 28 = 100: accepted.
		expect(() => e.txn(txn({ success: [{ requestTxn: nested }, ...Array.from({ length: 28 }, () => get('x'))] }))).toThrow(
			'etcdserver: too many operations in txn request'
		);
		expect(e.txn(txn({ success: [{ requestTxn: nested }, ...Array.from({ length: 27 }, () => get('x'))] })).response.succeeded).toBe(true);
	});

	it('attaches no prev_kv to creations and none where revision - 1 is compacted', () => {
		const e = create();
		e.put({ key: b('a'), value: b('1') });
		e.put({ key: b('a'), value: b('2') });
		e.put({ key: b('a'), value: b('3') });
		e.compact(3);
		const evs = e.eventsSince(3, b('a'), undefined);
		expect(evs.map((ev) => [ev.kv.modRevision, ev.prevKv?.modRevision])).toEqual([
			[3, undefined],
			[4, 3]
		]);
		e.deleteRange({ key: b('a') });
		const created = e.put({ key: b('a'), value: b('4') });
		expect(created.events[0].prevKv).toBeUndefined();
	});

	it('sorts by a target with order NONE as ASCEND and counts before filters and limit', () => {
		const e = create();
		for (const [k, n] of [['a', 3], ['b', 1], ['c', 2]] as const) for (let i = 0; i < n; i++) e.put({ key: b(k), value: b(k) });
		// a: version 3 mod 4; b: version 1 mod 5; c: version 2 mod 7.
		const r = e.range({ key: b('a'), rangeEnd: b('z'), sortTarget: 'VERSION', limit: 1, minModRevision: 5 });
		expect([r.kvs.map((kv) => fromUtf8(kv.key)), r.more, r.count]).toEqual([['b'], true, 3]);
		const all = e.range({ key: b('a'), rangeEnd: b('z'), sortTarget: 'VERSION', sortOrder: 'DESCEND' });
		expect(all.kvs.map((kv) => fromUtf8(kv.key))).toEqual(['a', 'c', 'b']);
		const d = e.range({ key: b('a'), rangeEnd: b('z'), sortOrder: 'DESCEND', keysOnly: true });
		expect(d.kvs.map((kv) => [fromUtf8(kv.key), kv.value.length])).toEqual([
			['c', 0],
			['b', 0],
			['a', 0]
		]);
	});
});
