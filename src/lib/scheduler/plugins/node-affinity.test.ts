import { describe, expect, it } from 'vitest';
import { makeNode, makePod, runFilterPlugin, runScorePlugin, snapshotOf } from '../test-fixtures';
import { create, ERR_REASON_POD } from './node-affinity';

const zoneA = makeNode('a', { labels: { zone: 'a', disk: 'ssd', gen: '5' } });
const zoneB = makeNode('b', { labels: { zone: 'b', gen: '3' } });
const snap = snapshotOf([zoneA, zoneB]);

describe('NodeAffinity filter', () => {
	it('nodeSelector and required terms, with the exact reason', () => {
		expect(ERR_REASON_POD).toBe("node(s) didn't match Pod's node affinity/selector");
		expect(runFilterPlugin(create(), snap, makePod('p', { spec: { nodeSelector: { disk: 'ssd' } } }))).toEqual({ a: '', b: ERR_REASON_POD });
		const req = (exprs: object[]) => makePod('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: exprs as never }] } } } } });
		expect(runFilterPlugin(create(), snap, req([{ key: 'gen', operator: 'Gt', values: ['4'] }]))).toEqual({ a: '', b: ERR_REASON_POD });
		expect(runFilterPlugin(create(), snap, req([{ key: 'disk', operator: 'DoesNotExist' }]))).toEqual({ a: ERR_REASON_POD, b: '' });
		expect(runFilterPlugin(create(), snap, req([{ key: 'zone', operator: 'NotIn', values: ['a'] }]))).toEqual({ a: ERR_REASON_POD, b: '' });
	});

	it('terms are OR-ed; an empty term matches nothing', () => {
		const pod = makePod('p', {
			spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }] } } } }
		});
		expect(runFilterPlugin(create(), snap, pod)).toEqual({ a: ERR_REASON_POD, b: '' });
	});

	it('PreFilter: conflicting metadata.name pins fail the whole cycle', () => {
		const pod = makePod('p', {
			spec: {
				affinity: {
					nodeAffinity: {
						requiredDuringSchedulingIgnoredDuringExecution: {
							nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }, { key: 'metadata.name', operator: 'In', values: ['b'] }] }]
						}
					}
				}
			}
		});
		expect(runFilterPlugin(create(), snap, pod)).toEqual({ prefilter: 'pod affinity terms conflict' });
	});
});

describe('NodeAffinity score', () => {
	it('sums matching preferred weights, normalized by the max (100·raw/max)', () => {
		const pod = makePod('p', {
			spec: {
				affinity: {
					nodeAffinity: {
						preferredDuringSchedulingIgnoredDuringExecution: [
							{ weight: 30, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
							{ weight: 10, preference: { matchExpressions: [{ key: 'gen', operator: 'Exists' }] } }
						]
					}
				}
			}
		});
		// a: 30+10 = 40 → 100; b: 10 → 100·10/40 = 25
		expect(runScorePlugin(create(), snap, pod)).toEqual({ a: 100, b: 25 });
	});

	it('skips (contributes nothing) without preferred terms', () => {
		expect(runScorePlugin(create(), snap, makePod('p'))).toBeUndefined();
	});
});
