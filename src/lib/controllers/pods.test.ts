import { describe, expect, it } from 'vitest';
import { podsToDelete, POD_DELETION_COST } from './pods';
import type { KubeObject } from './types';

const NOW = Date.UTC(2026, 0, 1, 12);
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();

function pod(name: string, o: { node?: string; phase?: string; readyAgo?: number; createdAgo?: number; cost?: number; restarts?: number } = {}): KubeObject {
	return {
		metadata: {
			name,
			uid: `uid-${name}`,
			creationTimestamp: iso(o.createdAgo ?? 3_600_000),
			...(o.cost !== undefined ? { annotations: { [POD_DELETION_COST]: String(o.cost) } } : {})
		},
		spec: { ...(o.node ? { nodeName: o.node } : {}) },
		status: {
			phase: o.phase ?? 'Pending',
			...(o.readyAgo !== undefined ? { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(o.readyAgo) }] } : {}),
			...(o.restarts !== undefined ? { containerStatuses: [{ name: 'c', restartCount: o.restarts }] } : {})
		}
	};
}

const names = (ps: KubeObject[]) => ps.map((p) => p.metadata.name);

describe('podsToDelete (ActivePodsWithRanks)', () => {
	const cases: Array<{ name: string; pods: KubeObject[]; related?: KubeObject[]; diff: number; want: string[] }> = [
		{ name: 'unassigned before assigned', pods: [pod('on', { node: 'n1', phase: 'Running' }), pod('off')], diff: 1, want: ['off'] },
		{ name: 'Pending < Unknown < Running', pods: [pod('run', { node: 'n', phase: 'Running' }), pod('unk', { node: 'n', phase: 'Unknown' }), pod('pen', { node: 'n' })], diff: 2, want: ['pen', 'unk'] },
		{ name: 'not ready before ready', pods: [pod('r', { node: 'n', phase: 'Running', readyAgo: 1000 }), pod('nr', { node: 'n', phase: 'Running' })], diff: 1, want: ['nr'] },
		{ name: 'lower pod-deletion-cost first', pods: [pod('hi', { cost: 10 }), pod('lo', { cost: -5 }), pod('zero')], diff: 2, want: ['lo', 'zero'] },
		{
			name: 'more related pods on the same node first',
			pods: [pod('alone', { node: 'n1', phase: 'Running' }), pod('crowded', { node: 'n2', phase: 'Running' })],
			related: [pod('x', { node: 'n2', phase: 'Running' }), pod('y', { node: 'n2', phase: 'Running' }), pod('z', { node: 'n1', phase: 'Running' })],
			diff: 1,
			want: ['crowded']
		},
		{
			name: 'ready more recently first (log2 buckets)',
			pods: [pod('old', { node: 'n', phase: 'Running', readyAgo: 3_600_000 }), pod('new', { node: 'n', phase: 'Running', readyAgo: 60_000 })],
			diff: 1,
			want: ['new']
		},
		{ name: 'more restarts first', pods: [pod('calm', { restarts: 0 }), pod('crashy', { restarts: 4 })], diff: 1, want: ['crashy'] },
		{ name: 'created more recently first', pods: [pod('old', { createdAgo: 86_400_000 }), pod('young', { createdAgo: 10_000 })], diff: 1, want: ['young'] },
		{ name: 'all when diff covers them', pods: [pod('a'), pod('b')], diff: 5, want: ['a', 'b'] }
	];
	for (const c of cases)
		it(c.name, () => {
			expect(names(podsToDelete(c.pods, c.related ?? [], c.diff, NOW))).toEqual(c.want);
		});
});
