/**
 * Differential scenarios: Put, Range and DeleteRange, edge cases first.
 */
import { SortOrder, SortTarget, type IRangeRequest } from 'etcd3';
import { b, type Scenario, type Target } from './differential-kit';

/** Puts `pairs` under the scenario prefix, one revision each. */
async function seed(t: Target, pairs: Array<[string, string]>): Promise<void> {
	for (const [k, v] of pairs) await t.rec(`put ${k}`, () => t.client.kv.put({ key: t.k(k), value: b(v) }));
}

const abcde: Array<[string, string]> = [
	['a', '5'],
	['b', '3'],
	['c', '4'],
	['d', '1'],
	['e', '2']
];

/** A prefix's range end: the prefix with its last byte + 1 (etcd's GetPrefixRangeEnd). */
export function prefixEnd(prefix: string): Buffer {
	const end = Buffer.from(prefix);
	end[end.length - 1]++;
	return end;
}

function range(name: string, setup: Array<[string, string]>, req: (t: Target) => IRangeRequest): Scenario {
	return {
		name,
		async run(t) {
			await seed(t, setup);
			await t.rec('range', () => t.client.kv.range(req(t)));
		}
	};
}

export const kvScenarios: Scenario[] = [
	{
		name: 'put a new key: revision +1, create = mod, version 1',
		async run(t) {
			await t.rec('put', () => t.client.kv.put({ key: t.k('x'), value: b('1') }));
			await t.rec('get', () => t.client.kv.range({ key: t.k('x') }));
		}
	},
	{
		name: 'put prev_kv on an existing and on a missing key',
		async run(t) {
			await seed(t, [['x', '1']]);
			await t.rec('overwrite', () => t.client.kv.put({ key: t.k('x'), value: b('2'), prev_kv: true }));
			await t.rec('fresh', () => t.client.kv.put({ key: t.k('y'), value: b('1'), prev_kv: true }));
		}
	},
	{
		name: 'put ignore_value keeps the value; on a missing key it fails',
		async run(t) {
			await seed(t, [['x', 'keep']]);
			await t.rec('ignore value', () => t.client.kv.put({ key: t.k('x'), ignore_value: true, prev_kv: true }));
			await t.rec('get', () => t.client.kv.range({ key: t.k('x') }));
			await t.rec('missing', () => t.client.kv.put({ key: t.k('nope'), ignore_value: true }));
		}
	},
	{
		name: 'put validation: empty key, ignore_value with a value, ignore_lease with a lease, unknown lease',
		async run(t) {
			await seed(t, [['x', '1']]);
			await t.rec('empty key', () => t.client.kv.put({ key: Buffer.alloc(0), value: b('v') }));
			await t.rec('value provided', () => t.client.kv.put({ key: t.k('x'), value: b('v'), ignore_value: true }));
			await t.rec('lease provided', () => t.client.kv.put({ key: t.k('x'), value: b('v'), ignore_lease: true, lease: 5 }));
			await t.rec('lease not found', () => t.client.kv.put({ key: t.k('x'), value: b('v'), lease: 123456 }));
			await t.rec('revision unchanged', () => t.client.kv.range({ key: t.k('x') }));
		}
	},
	{
		name: 'versions count puts; delete and re-create starts over',
		async run(t) {
			await seed(t, [['x', '1'], ['x', '2'], ['x', '3']]);
			await t.rec('get v3', () => t.client.kv.range({ key: t.k('x') }));
			await t.rec('delete', () => t.client.kv.deleteRange({ key: t.k('x') }));
			await seed(t, [['x', 'again']]);
			await t.rec('get recreated', () => t.client.kv.range({ key: t.k('x') }));
		}
	},
	{
		name: 'binary keys and values, including 0x00 and 0xff bytes',
		async run(t) {
			const key = Buffer.concat([t.k(''), Buffer.from([0, 255, 1])]);
			await t.rec('put', () => t.client.kv.put({ key, value: Buffer.from([255, 0, 128]) }));
			await t.rec('get', () => t.client.kv.range({ key }));
			await t.rec('prefix', () => t.client.kv.range({ key: t.k(''), range_end: prefixEnd(t.p) }));
		}
	},
	range('range a missing key: no kvs, count 0', [], (t) => ({ key: t.k('missing') })),
	range('range one key (empty range_end)', abcde, (t) => ({ key: t.k('c') })),
	range('range a prefix', abcde, (t) => ({ key: t.k(''), range_end: prefixEnd(t.p) })),
	range('range [b, d)', abcde, (t) => ({ key: t.k('b'), range_end: t.k('d') })),
	range('range with range_end "\\0": every key from key on', abcde, (t) => ({ key: t.k('c'), range_end: b([0]), count_only: true })),
	range('range with range_end below key: nothing', abcde, (t) => ({ key: t.k('d'), range_end: t.k('b') })),
	range('range the empty key: key is not provided', [], () => ({ key: Buffer.alloc(0) })),
	range('range key "\\0" with range_end "\\0": the whole keyspace, counted', abcde, () => ({ key: b([0]), range_end: b([0]), count_only: true })),
	range('limit below the count: more', abcde, (t) => ({ key: t.k(''), range_end: prefixEnd(t.p), limit: 2 })),
	range('limit equal to the count: no more', abcde, (t) => ({ key: t.k(''), range_end: prefixEnd(t.p), limit: 5 })),
	range('limit above the count', abcde, (t) => ({ key: t.k(''), range_end: prefixEnd(t.p), limit: 50 })),
	range('count_only', abcde, (t) => ({ key: t.k(''), range_end: prefixEnd(t.p), count_only: true })),
	range('keys_only', abcde, (t) => ({ key: t.k(''), range_end: prefixEnd(t.p), keys_only: true })),
	range('count_only with limit: count is the total', abcde, (t) => ({ key: t.k(''), range_end: prefixEnd(t.p), count_only: true, limit: 1 })),
	range('sort KEY DESCEND', abcde, (t) => ({ key: t.k(''), range_end: prefixEnd(t.p), sort_order: SortOrder.Descend, sort_target: SortTarget.Key })),
	range('sort VALUE ASCEND with limit: the smallest values', abcde, (t) => ({
		key: t.k(''),
		range_end: prefixEnd(t.p),
		sort_order: SortOrder.Ascend,
		sort_target: SortTarget.Value,
		limit: 2
	})),
	range('sort CREATE DESCEND', abcde, (t) => ({ key: t.k(''), range_end: prefixEnd(t.p), sort_order: SortOrder.Descend, sort_target: SortTarget.Create })),
	range('sort target without an order sorts ascending', abcde, (t) => ({ key: t.k(''), range_end: prefixEnd(t.p), sort_target: SortTarget.Value })),
	{
		name: 'sort VERSION and MOD after updates',
		async run(t) {
			await seed(t, [['a', '1'], ['b', '1'], ['a', '2'], ['c', '1'], ['a', '3'], ['b', '2']]);
			const all = { key: t.k(''), range_end: prefixEnd(t.p) };
			await t.rec('version desc', () => t.client.kv.range({ ...all, sort_target: SortTarget.Version, sort_order: SortOrder.Descend }));
			await t.rec('mod asc', () => t.client.kv.range({ ...all, sort_target: SortTarget.Mod, sort_order: SortOrder.Ascend }));
			await t.rec('mod desc limit 1', () => t.client.kv.range({ ...all, sort_target: SortTarget.Mod, sort_order: SortOrder.Descend, limit: 1 }));
		}
	},
	{
		name: 'mod and create revision filters',
		async run(t) {
			await seed(t, [['a', '1'], ['b', '1'], ['c', '1'], ['a', '2']]);
			const all = { key: t.k(''), range_end: prefixEnd(t.p) };
			await t.rec('min mod', () => t.client.kv.range({ ...all, min_mod_revision: t.rev0 + 3 }));
			await t.rec('max mod', () => t.client.kv.range({ ...all, max_mod_revision: t.rev0 + 2 }));
			await t.rec('min create', () => t.client.kv.range({ ...all, min_create_revision: t.rev0 + 2 }));
			await t.rec('max create', () => t.client.kv.range({ ...all, max_create_revision: t.rev0 + 1 }));
		}
	},
	{
		name: 'range at past revisions and at a future one',
		async run(t) {
			await seed(t, [['x', '1'], ['y', '1'], ['x', '2']]);
			const all = { key: t.k(''), range_end: prefixEnd(t.p) };
			for (const d of [0, 1, 2, 3]) await t.rec(`at r0+${d}`, () => t.client.kv.range({ ...all, revision: t.rev0 + d }));
			await t.rec('future', () => t.client.kv.range({ ...all, revision: t.rev0 + 4 }));
			await t.rec('negative = current', () => t.client.kv.range({ ...all, revision: -1 }));
		}
	},
	{
		name: 'delete one key with prev_kv',
		async run(t) {
			await seed(t, [['x', '1'], ['y', '2']]);
			await t.rec('delete', () => t.client.kv.deleteRange({ key: t.k('x'), prev_kv: true }));
			await t.rec('get', () => t.client.kv.range({ key: t.k(''), range_end: prefixEnd(t.p) }));
		}
	},
	{
		name: 'delete a missing key: deleted 0, revision unchanged',
		async run(t) {
			await seed(t, [['x', '1']]);
			await t.rec('delete missing', () => t.client.kv.deleteRange({ key: t.k('nope'), prev_kv: true }));
			await t.rec('get', () => t.client.kv.range({ key: t.k('x') }));
		}
	},
	{
		name: 'delete a prefix range with prev_kv: one revision for all',
		async run(t) {
			await seed(t, abcde);
			await t.rec('delete', () => t.client.kv.deleteRange({ key: t.k('b'), range_end: t.k('e'), prev_kv: true }));
			await t.rec('left', () => t.client.kv.range({ key: t.k(''), range_end: prefixEnd(t.p) }));
			await t.rec('before', () => t.client.kv.range({ key: t.k(''), range_end: prefixEnd(t.p), revision: t.rev0 + 5 }));
		}
	},
	{
		name: 'delete with range_end "\\0" from a key; then the empty key fails',
		async run(t) {
			await seed(t, abcde);
			await t.rec('delete from c', () => t.client.kv.deleteRange({ key: t.k('c'), range_end: b([0]) }));
			await t.rec('left', () => t.client.kv.range({ key: t.k(''), range_end: prefixEnd(t.p) }));
			await t.rec('empty key', () => t.client.kv.deleteRange({ key: Buffer.alloc(0) }));
		}
	}
];
