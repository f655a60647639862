import { describe, expect, it } from 'vitest';
import * as protoLoader from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { LOADER_OPTIONS } from './protos';
import { decodePutRequest, decodeRangeRequest, encodeDeleteRangeResponse, encodePutResponse, encodeRangeResponse, encodeWatchResponse } from './wire-codec';

// proto-loader's reflection codecs are the reference: what ours write, theirs must read back the
// same, and what theirs write, ours must read the same.
const pkg = protoLoader.loadSync('rpc.proto', LOADER_OPTIONS);
const kv = pkg['etcdserverpb.KV'] as ServiceDefinition;
const watch = pkg['etcdserverpb.Watch'] as ServiceDefinition;

/** int64 fields as decimal strings, like proto-loader's `longs: String`. */
function asStrings(o: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]));
}

const header = { cluster_id: '14841639068965178418', member_id: '10276657743932975437', revision: 42, raft_term: 2 };
const kv1 = { key: Buffer.from('/a'), create_revision: 3, mod_revision: 2 ** 40, version: 2, value: Buffer.alloc(300, 7), lease: '7587862039442735113' };
const kv2 = { key: Buffer.from('/b'), create_revision: 0, mod_revision: 5, version: 0, value: Buffer.alloc(0), lease: 0 };

describe('wire codecs', () => {
	it('decodes a RangeRequest like proto-loader, int64s as numbers', () => {
		const req = {
			key: Buffer.from('/registry/'),
			range_end: Buffer.from('/registry0'),
			limit: 500,
			revision: '123456789012',
			sort_order: 'DESCEND',
			sort_target: 'MOD',
			serializable: true,
			keys_only: true,
			count_only: false,
			min_mod_revision: -1,
			max_mod_revision: 0,
			min_create_revision: 7,
			max_create_revision: '9007199254740993'
		};
		const wire = kv.Range.requestSerialize(req);
		const theirs = kv.Range.requestDeserialize(wire) as Record<string, unknown>;
		expect(asStrings(decodeRangeRequest(wire) as unknown as Record<string, unknown>)).toEqual({ ...theirs, max_create_revision: String(Number(theirs.max_create_revision)) });
		expect(decodeRangeRequest(kv.Range.requestSerialize({}))).toEqual({ ...asNumbers(kv.Range.requestDeserialize(kv.Range.requestSerialize({}))) });
	});

	it('decodes a PutRequest, skipping unknown fields', () => {
		const wire = kv.Put.requestSerialize({ key: Buffer.from('k'), value: Buffer.from('v'), lease: 99, prev_kv: true, ignore_lease: true });
		const unknown = Buffer.concat([wire, Buffer.from([0x78, 0x05, 0x82, 0x01, 0x02, 0x61, 0x62, 0x0d, 1, 2, 3, 4, 0x09, 1, 2, 3, 4, 5, 6, 7, 8])]);
		const theirs = asNumbers(kv.Put.requestDeserialize(wire));
		expect(decodePutRequest(wire)).toEqual(theirs);
		expect(decodePutRequest(unknown)).toEqual(theirs);
		expect(() => decodePutRequest(wire.subarray(0, wire.length - 1))).toThrow();
	});

	it('encodes Range, Put and DeleteRange responses that proto-loader reads back', () => {
		const range = { header, kvs: [kv1, kv2], more: true, count: 1234 };
		expect(kv.Range.responseDeserialize(encodeRangeResponse(range))).toEqual(kv.Range.responseDeserialize(kv.Range.responseSerialize(range)));
		const empty = { header: { revision: 0 }, kvs: [], more: false, count: 0 };
		expect(kv.Range.responseDeserialize(encodeRangeResponse(empty))).toEqual(kv.Range.responseDeserialize(kv.Range.responseSerialize(empty)));
		for (const put of [{ header }, { header, prev_kv: kv1 }])
			expect(kv.Put.responseDeserialize(encodePutResponse(put))).toEqual(kv.Put.responseDeserialize(kv.Put.responseSerialize(put)));
		const del = { header, deleted: 2, prev_kvs: [kv1, kv2] };
		expect(kv.DeleteRange.responseDeserialize(encodeDeleteRangeResponse(del))).toEqual(kv.DeleteRange.responseDeserialize(kv.DeleteRange.responseSerialize(del)));
	});

	it('encodes Watch responses (events, ids of -1, cancel reasons) that proto-loader reads back', () => {
		const cases = [
			{ header, watch_id: 3, events: [{ type: 'PUT', kv: kv1, prev_kv: kv2 }, { type: 'DELETE', kv: kv2 }] },
			{ header: {}, watch_id: '-1', created: true, canceled: true, cancel_reason: 'rpc error: code = Unauthenticated desc = é' },
			{ header: { ...header, revision: '0' }, watch_id: 0, canceled: true, compact_revision: 17, fragment: true }
		];
		for (const m of cases) expect(watch.Watch.responseDeserialize(encodeWatchResponse(m as never))).toEqual(watch.Watch.responseDeserialize(watch.Watch.responseSerialize(m)));
	});

	it('omits zero fields like etcd (gogoproto), so the bytes are etcd’s', () => {
		// header{revision: 5}, one kv {key "k", mod_revision 5, version 1}, no more, no count.
		const bytes = encodeRangeResponse({ header: { revision: 5 }, kvs: [{ key: Buffer.from('k'), create_revision: 0, mod_revision: 5, version: 1, value: Buffer.alloc(0), lease: 0 }], more: false, count: 0 });
		expect([...bytes]).toEqual([0x0a, 0x02, 0x18, 0x05, 0x12, 0x07, 0x0a, 0x01, 0x6b, 0x18, 0x05, 0x20, 0x01]);
	});

	it('can leave bytes free in front of a message (the gRPC frame prefix) without changing it', () => {
		const range = { header, kvs: [kv1, kv2], more: true, count: 2 };
		expect(encodeRangeResponse(range, 5).subarray(5)).toEqual(encodeRangeResponse(range));
		expect(encodePutResponse({ header, prev_kv: kv1 }, 5).subarray(5)).toEqual(encodePutResponse({ header, prev_kv: kv1 }));
		expect(encodeDeleteRangeResponse({ header, deleted: 2, prev_kvs: [kv1, kv2] }, 5).length).toBe(5 + encodeDeleteRangeResponse({ header, deleted: 2, prev_kvs: [kv1, kv2] }).length);
		const w = { header, watch_id: 3, events: [{ type: 'PUT' as const, kv: kv1 }] };
		expect(encodeWatchResponse(w, 5).subarray(5)).toEqual(encodeWatchResponse(w));
	});
});

function asNumbers(o: object): Record<string, unknown> {
	return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v]));
}
