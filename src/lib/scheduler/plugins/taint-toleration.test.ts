import { describe, expect, it } from 'vitest';
import { makeNode, makePod, runFilterPlugin, runScorePlugin, snapshotOf } from '../test-fixtures';
import { create, untoleratedTaintReason } from './taint-toleration';

const cp = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

describe('TaintToleration', () => {
	it('rejects the first untolerated NoSchedule/NoExecute taint with the exact message', () => {
		const snap = snapshotOf([
			makeNode('cp', { taints: [cp] }),
			makeNode('gpu', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }, { key: 'gpu', value: 'true', effect: 'NoExecute' }] }),
			makeNode('w')
		]);
		const got = runFilterPlugin(create(), snap, makePod('p'));
		expect(got).toEqual({ cp: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }', gpu: 'node(s) had untolerated taint {gpu: true}', w: '' });
		expect(untoleratedTaintReason({ key: 'a', value: 'b', effect: 'NoSchedule' })).toBe('node(s) had untolerated taint {a: b}');
	});

	it('tolerations: Exists ignores the value, empty key + Exists tolerates all, Equal needs the value', () => {
		const snap = snapshotOf([makeNode('n', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] })]);
		const tol = (t: object) => makePod('p', { spec: { tolerations: [t] } });
		expect(runFilterPlugin(create(), snap, tol({ key: 'k', operator: 'Exists' })).n).toBe('');
		expect(runFilterPlugin(create(), snap, tol({ operator: 'Exists' })).n).toBe('');
		expect(runFilterPlugin(create(), snap, tol({ key: 'k', value: 'v' })).n).toBe('');
		expect(runFilterPlugin(create(), snap, tol({ key: 'k', value: 'w' })).n).toBe('node(s) had untolerated taint {k: v}');
		expect(runFilterPlugin(create(), snap, tol({ key: 'k', operator: 'Exists', effect: 'NoExecute' })).n).toBe('node(s) had untolerated taint {k: v}');
	});

	it('scores untolerated PreferNoSchedule taints reversed: 100 − 100·count/max', () => {
		const p = (k: string) => ({ key: k, effect: 'PreferNoSchedule' });
		const snap = snapshotOf([makeNode('a'), makeNode('b', { taints: [p('x')] }), makeNode('c', { taints: [p('x'), p('y')] })]);
		// max = 2: a 100 − 0 = 100, b 100 − 100·1/2 = 50, c 100 − 100 = 0
		expect(runScorePlugin(create(), snap, makePod('p'))).toEqual({ a: 100, b: 50, c: 0 });
		// tolerating x with effect PreferNoSchedule: counts 0,0,1 → 100,100,0
		const tolerant = makePod('t', { spec: { tolerations: [{ key: 'x', operator: 'Exists', effect: 'PreferNoSchedule' }] } });
		expect(runScorePlugin(create(), snap, tolerant)).toEqual({ a: 100, b: 100, c: 0 });
		// no PreferNoSchedule taints anywhere: everyone 100
		expect(runScorePlugin(create(), snapshotOf([makeNode('a'), makeNode('b')]), makePod('p'))).toEqual({ a: 100, b: 100 });
	});
});
