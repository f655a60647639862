/**
 * Differential scenarios: Txn — compares (every target and operator, missing keys, ranges),
 * branches, nested txns, sub-response revisions, validation errors.
 */
import { CompareResult, CompareTarget, type ICompare, type IRequestOp } from 'etcd3';
import { b, type Scenario, type Target } from './differential-kit';
import { prefixEnd } from './scenarios-kv';

const put = (key: Buffer, value: string, extra: object = {}): IRequestOp => ({ request_put: { key, value: b(value), ...extra } });
const get = (key: Buffer, extra: object = {}): IRequestOp => ({ request_range: { key, ...extra } });
const del = (key: Buffer, extra: object = {}): IRequestOp => ({ request_delete_range: { key, ...extra } });

/** A txn scenario: seed keys, run one txn, read the prefix back. */
function txn(name: string, setup: Array<[string, string]>, make: (t: Target) => { compare?: ICompare[]; success?: IRequestOp[]; failure?: IRequestOp[] }): Scenario {
	return {
		name,
		async run(t) {
			for (const [k, v] of setup) await t.rec(`put ${k}`, () => t.client.kv.put({ key: t.k(k), value: b(v) }));
			await t.rec('txn', () => t.client.kv.txn(make(t)));
			await t.rec('after', () => t.client.kv.range({ key: t.k(''), range_end: prefixEnd(t.p) }));
		}
	};
}

const cmp = (key: Buffer, target: CompareTarget, result: CompareResult, operand: object): ICompare => ({ key, target, result, ...operand });

export const txnScenarios: Scenario[] = [
	txn('compare value EQUAL: success branch', [['x', 'v']], (t) => ({
		compare: [cmp(t.k('x'), CompareTarget.Value, CompareResult.Equal, { value: b('v') })],
		success: [put(t.k('x'), 'won', { prev_kv: true })],
		failure: [get(t.k('x'))]
	})),
	txn('compare value on a missing key is false', [], (t) => ({
		compare: [cmp(t.k('nope'), CompareTarget.Value, CompareResult.Equal, { value: b('') })],
		success: [put(t.k('s'), '1')],
		failure: [put(t.k('f'), '1')]
	})),
	txn('compare version = 0 on a missing key is true (create if absent)', [], (t) => ({
		compare: [cmp(t.k('new'), CompareTarget.Version, CompareResult.Equal, { version: 0 })],
		success: [put(t.k('new'), 'created')],
		failure: [get(t.k('new'))]
	})),
	txn('compare create_revision = 0 and mod_revision < 1 on a missing key', [], (t) => ({
		compare: [
			cmp(t.k('new'), CompareTarget.Create, CompareResult.Equal, { create_revision: 0 }),
			cmp(t.k('new'), CompareTarget.Mod, CompareResult.Less, { mod_revision: 1 })
		],
		success: [put(t.k('new'), '1')]
	})),
	txn('compare lease = 0 on a missing and on a present key', [['x', '1']], (t) => ({
		compare: [cmp(t.k('x'), CompareTarget.Lease, CompareResult.Equal, { lease: 0 }), cmp(t.k('nope'), CompareTarget.Lease, CompareResult.Equal, { lease: 0 })],
		success: [get(t.k('x'))]
	})),
	txn('compare mod_revision GREATER and NOT_EQUAL', [['x', '1'], ['x', '2']], (t) => ({
		compare: [
			cmp(t.k('x'), CompareTarget.Mod, CompareResult.Greater, { mod_revision: t.rev0 + 1 }),
			cmp(t.k('x'), CompareTarget.Version, CompareResult.NotEqual, { version: 1 })
		],
		success: [get(t.k('x'))],
		failure: [put(t.k('x'), 'lost')]
	})),
	txn('compare version LESS fails: failure branch runs', [['x', '1'], ['x', '2']], (t) => ({
		compare: [cmp(t.k('x'), CompareTarget.Version, CompareResult.Less, { version: 2 })],
		success: [put(t.k('x'), 'won')],
		failure: [put(t.k('y'), 'fallback'), get(t.k('x'))]
	})),
	txn('compare value GREATER / LESS (byte order)', [['x', 'm']], (t) => ({
		compare: [cmp(t.k('x'), CompareTarget.Value, CompareResult.Greater, { value: b('a') }), cmp(t.k('x'), CompareTarget.Value, CompareResult.Less, { value: b('z') })],
		success: [put(t.k('ok'), '1')]
	})),
	txn('compare over a range (range_end): every key must match', [['a', '1'], ['b', '1'], ['c', '2']], (t) => ({
		compare: [cmp(t.k('a'), CompareTarget.Value, CompareResult.Equal, { value: b('1'), range_end: t.k('c') })],
		success: [put(t.k('ab'), 'all'), get(t.k('a'), { range_end: t.k('d') })],
		failure: [put(t.k('no'), '1')]
	})),
	txn('compare over a range with one mismatch fails', [['a', '1'], ['b', '1'], ['c', '2']], (t) => ({
		compare: [cmp(t.k('a'), CompareTarget.Value, CompareResult.Equal, { value: b('1'), range_end: t.k('d') })],
		success: [put(t.k('yes'), '1')],
		failure: [get(t.k('a'), { range_end: t.k('d'), count_only: true })]
	})),
	txn('failed txn with reads only: revision unchanged', [['x', '1']], (t) => ({
		compare: [cmp(t.k('x'), CompareTarget.Value, CompareResult.Equal, { value: b('2') })],
		failure: [get(t.k('x'))]
	})),
	txn('empty txn: succeeded, revision unchanged', [['x', '1']], () => ({})),
	txn('range, put, range in one branch: reads see the txn’s own writes', [['x', '1']], (t) => ({
		success: [get(t.k('x')), put(t.k('x'), '2'), get(t.k('x')), put(t.k('y'), '1', { prev_kv: true }), get(t.k(''), { range_end: prefixEnd(t.p) })]
	})),
	txn('delete of nothing before and after a write: sub-response revisions', [['x', '1']], (t) => ({
		success: [del(t.k('nothing')), put(t.k('x'), '2'), del(t.k('still-nothing')), del(t.k('x'), { prev_kv: true })]
	})),
	txn('nested txns: inner branches chosen by their own compares', [['x', '1']], (t) => ({
		success: [
			{
				request_txn: {
					compare: [cmp(t.k('x'), CompareTarget.Value, CompareResult.Equal, { value: b('1') })],
					success: [put(t.k('inner'), 'yes'), get(t.k('x'))],
					failure: [put(t.k('inner'), 'no')]
				}
			},
			{ request_txn: { compare: [cmp(t.k('nope'), CompareTarget.Version, CompareResult.Greater, { version: 0 })], success: [put(t.k('a'), '1')], failure: [get(t.k('inner'))] } },
			put(t.k('outer'), '1')
		]
	})),
	txn('nested read-only txn: no revision change', [['x', '1']], (t) => ({
		success: [{ request_txn: { success: [get(t.k('x'))] } }]
	})),
	txn('put twice to one key in a branch: duplicate key', [], (t) => ({
		success: [put(t.k('x'), '1'), put(t.k('x'), '2')]
	})),
	txn('put inside a range deleted by the same branch: duplicate key', [['a', '1']], (t) => ({
		success: [del(t.k('a'), { range_end: t.k('z') }), put(t.k('b'), '1')]
	})),
	txn('the same key in success and failure is fine', [], (t) => ({
		success: [put(t.k('x'), 's')],
		failure: [put(t.k('x'), 'f')]
	})),
	txn('too many operations in one txn', [], (t) => ({
		success: Array.from({ length: 129 }, (_, i) => get(t.k(`k${i}`)))
	})),
	txn('a range at a past revision inside a txn', [['x', '1'], ['x', '2']], (t) => ({
		success: [get(t.k('x'), { revision: t.rev0 + 1 }), get(t.k('x'), { revision: t.rev0 + 9 })]
	})),
	txn('put with an unknown lease in the branch that runs fails the txn', [['x', '1']], (t) => ({
		compare: [cmp(t.k('x'), CompareTarget.Value, CompareResult.Equal, { value: b('1') })],
		success: [put(t.k('x'), '2'), put(t.k('y'), '1', { lease: 777 })],
		failure: [put(t.k('z'), '1', { lease: 777 })]
	})),
	txn('an unknown lease in the branch that does not run is ignored', [['x', '1']], (t) => ({
		compare: [cmp(t.k('x'), CompareTarget.Value, CompareResult.Equal, { value: b('1') })],
		success: [put(t.k('x'), '2')],
		failure: [put(t.k('z'), '1', { lease: 777 })]
	}))
];
