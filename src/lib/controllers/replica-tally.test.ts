import { describe, expect, it } from 'vitest';
import { Indexer } from './indexer';
import { ReplicaTally } from './replica-tally';
import type { KubeObject } from './types';
import { replicaSetStatus } from './workload';

const rs = (selector = { app: 'web' }): KubeObject => ({
	metadata: { name: 'web', namespace: 'default', uid: 'rs-1' },
	spec: { replicas: 3, selector: { matchLabels: selector }, template: { metadata: { labels: { app: 'web', tier: 'front' } } } }
});

function pod(name: string, o: { ready?: boolean; labels?: Record<string, string>; owner?: string; phase?: string; deleting?: boolean } = {}): KubeObject {
	return {
		metadata: {
			name,
			namespace: 'default',
			uid: `uid-${name}`,
			labels: o.labels ?? { app: 'web', tier: 'front' },
			ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: o.owner ?? 'rs-1', controller: true }],
			...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {})
		},
		status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False' }] }
	};
}

/** The counts replicaSetStatus makes from the full list of active controlled matching pods. */
function fullCount(set: KubeObject, store: Indexer) {
	const pods = store.byOwner('rs-1').filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp && p.metadata.labels?.app === set.spec?.selector.matchLabels.app);
	const s = replicaSetStatus(set, pods, undefined, 0);
	return { replicas: s.replicas, fullyLabeled: s.fullyLabeledReplicas ?? 0, ready: s.readyReplicas ?? 0 };
}

describe('ReplicaTally', () => {
	it('counts what replicaSetStatus counts, recounting only the pods that changed', () => {
		const store = new Indexer();
		const tally = new ReplicaTally();
		const set = rs();
		const change = (p: KubeObject) => {
			const old = store.set(p);
			tally.touched(p, old);
		};
		change(pod('a', { ready: true }));
		change(pod('b'));
		expect(tally.count(set, store)).toMatchObject({ ...fullCount(set, store), mismatched: 0 });
		change(pod('b', { ready: true }));
		change(pod('c', { labels: { app: 'web' } }));
		change(pod('d', { owner: 'other' }));
		change(pod('e', { phase: 'Succeeded' }));
		expect(tally.count(set, store)).toMatchObject({ replicas: 3, fullyLabeled: 2, ready: 2, available: 2, mismatched: 0 });
		expect(tally.count(set, store)).toMatchObject(fullCount(set, store));
		// Deleted from the cache, marked for deletion, relabelled out of the selector.
		const gone = store.delete('default/a')!;
		tally.touched(gone);
		change(pod('b', { ready: true, deleting: true }));
		change(pod('c', { labels: { app: 'db' } }));
		expect(tally.count(set, store)).toMatchObject({ replicas: 0, ready: 0, mismatched: 1 });
	});

	it('rebuilds when the selector changes and forgets a deleted ReplicaSet', () => {
		const store = new Indexer();
		const tally = new ReplicaTally();
		store.set(pod('a', { ready: true }));
		expect(tally.count(rs(), store).replicas).toBe(1);
		expect(tally.count(rs({ app: 'db' }), store)).toMatchObject({ replicas: 0, mismatched: 1 });
		tally.forget('rs-1');
		store.set(pod('b'));
		// No entry: the pod event is not remembered, the next count rebuilds from the cache.
		tally.touched(pod('b'));
		expect(tally.count(rs(), store).replicas).toBe(2);
	});
});
