import { describe, expect, it } from 'vitest';
import { base64Decode, firstJsonValue, fromJson, JsonValueSplitter, toJson } from './gateway-json';
import { messageType } from './protos';

describe('toJson (etcd gateway output)', () => {
	it.each([
		{
			name: 'defaults omitted, int64 as strings, bytes as base64, original names',
			type: 'etcdserverpb.RangeResponse',
			msg: { header: { cluster_id: '18446744073709551615', member_id: '0', revision: '7', raft_term: '2' }, kvs: [], more: false, count: '0' },
			want: { header: { cluster_id: '18446744073709551615', revision: '7', raft_term: '2' } }
		},
		{
			name: 'a present but empty message is written, an absent one is not',
			type: 'etcdserverpb.TxnResponse',
			msg: { header: {}, succeeded: true, responses: [{ response_put: { header: { revision: '3' } } }] },
			want: { header: {}, succeeded: true, responses: [{ response_put: { header: { revision: '3' } } }] }
		},
		{
			name: 'enums by name, the zero value omitted',
			type: 'mvccpb.Event',
			msg: { type: 'PUT', kv: { key: Buffer.from('k'), value: Buffer.alloc(0), create_revision: '0', mod_revision: '2', version: '1', lease: '0' } },
			want: { kv: { key: 'aw==', mod_revision: '2', version: '1' } }
		},
		{
			name: 'a set oneof member is written even when zero',
			type: 'etcdserverpb.Compare',
			msg: { result: 'EQUAL', target: 'VERSION', key: Buffer.from('k'), version: '0' },
			want: { key: 'aw==', version: '0' }
		}
	])('$name', ({ type, msg, want }) => {
		expect(toJson(messageType(type), msg)).toEqual(want);
	});
});

describe('fromJson (etcd gateway input)', () => {
	it('takes original and lowerCamel names, int64 as numbers or strings, enums by name or number', () => {
		const got = fromJson(messageType('etcdserverpb.RangeRequest'), { key: 'YQ==', rangeEnd: 'Yg==', limit: 5, revision: '7', sort_order: 2, sortTarget: 'MOD', unknown: 1, keys_only: null });
		expect(got).toEqual({ key: Buffer.from('a'), range_end: Buffer.from('b'), limit: '5', revision: '7', sort_order: 'DESCEND', sort_target: 'MOD' });
	});

	it.each([
		{ json: { key: 5 }, want: 'json: cannot unmarshal number into Go value of type []uint8' },
		{ json: { key: 'YQ==', limit: 2.5 }, want: 'json: cannot unmarshal number 2.5 into Go value of type int64' },
		{ json: { key: 'YQ==', limit: 'x' }, want: "invalid character 'x' looking for beginning of value" },
		{ json: { key: 'YQ==', keys_only: 'true' }, want: 'json: cannot unmarshal string into Go value of type bool' },
		{ json: { key: 'YQ==', sort_order: 'BAD' }, want: 'unknown value "BAD" for enum etcdserverpb.RangeRequest_SortOrder' },
		{ json: [], want: 'json: cannot unmarshal array into Go value of type map[string]json.RawMessage' }
	])('refuses $json with Go’s message', ({ json, want }) => {
		expect(() => fromJson(messageType('etcdserverpb.RangeRequest'), json)).toThrow(want);
	});

	it.each([
		{ s: 'Zm9v', want: 'foo' },
		{ s: 'Zm9vYg==', want: 'foob' },
		{ s: 'Zm9v!', err: 'illegal base64 data at input byte 4' },
		{ s: 'Zm9vbw', err: 'illegal base64 data at input byte 4' },
		{ s: 'Zm9vbw=', err: 'illegal base64 data at input byte 7' },
		{ s: '_-8', err: 'illegal base64 data at input byte 0' }
	])('base64 $s', ({ s, want, err }) => {
		if (err) expect(() => base64Decode(s)).toThrow(err);
		else expect(base64Decode(s).toString()).toBe(want);
	});
});

describe('request bodies', () => {
	it('a unary body is its first JSON value, like Go’s json.Decoder', () => {
		expect(firstJsonValue('')).toEqual({});
		expect(firstJsonValue(' {"a":1} trailing')).toEqual({ a: 1 });
		expect(() => firstJsonValue('{"a":')).toThrow('unexpected EOF');
		expect(() => firstJsonValue('not json')).toThrow("invalid character 'o' in literal null (expecting 'u')");
	});

	it('a streaming body splits into values as they complete', () => {
		const s = new JsonValueSplitter(1000);
		expect(s.push('{"a":"}"}{"b"')).toEqual([{ a: '}' }]);
		expect(s.push(':2}\n')).toEqual([{ b: 2 }]);
		s.push('{"c"');
		expect(() => s.end()).toThrow('unexpected EOF');
		expect(() => new JsonValueSplitter(1000).push('{"a" 1}')).toThrow("invalid character '1' after object key");
	});
});
