import { describe, expect, it } from 'vitest';
import { Expectations } from '../../src/lib/controllers/expectations';
import type { KubeObject } from '../../src/lib/controllers/types';
import { reconcileReplicaSet, type ReplicaSetDeps } from './replicaset';
import { fixture } from './testing/fixture';

const NOW = Date.UTC(2026, 0, 1, 12);

function rs(replicas = 2, status?: object): KubeObject {
	return {
		metadata: { name: 'web', namespace: 'default', uid: 'rs-uid', generation: 1, resourceVersion: '5' },
		spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
		...(status ? { status } : {})
	};
}

function pod(name: string, owned = true): KubeObject {
	return {
		metadata: {
			name,
			namespace: 'default',
			uid: `uid-${name}`,
			labels: { app: 'web' },
			creationTimestamp: new Date(NOW - 1000).toISOString(),
			...(owned ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true }] } : {})
		},
		spec: {},
		status: { phase: 'Pending' }
	};
}

function setup(objects: { rs: KubeObject[]; pods: KubeObject[] }) {
	const { ctx, calls, clock } = fixture({ replicasets: objects.rs, pods: objects.pods }, NOW, () => rs());
	const deps: ReplicaSetDeps = { ctx, expectations: new Expectations(clock), enqueueAfter: (k, ms) => calls.push(`requeue ${k} +${ms}`) };
	return { deps, calls };
}

describe('reconcileReplicaSet', () => {
	it('creates the missing pods and records status and events', async () => {
		const { deps, calls } = setup({ rs: [rs(2)], pods: [] });
		await reconcileReplicaSet('default/web', deps);
		// Slow start: a batch of 1, then the remaining 1; status counts the pods claimed before.
		expect(calls).toEqual([
			'create pods web-',
			'event Normal SuccessfulCreate Created pod: web-0',
			'create pods web-',
			'event Normal SuccessfulCreate Created pod: web-1',
			'status replicasets {"replicas":0,"observedGeneration":1}'
		]);
	});

	it('waits for its expectations before creating again (never over-creates)', async () => {
		const { deps, calls } = setup({ rs: [rs(2)], pods: [] });
		await reconcileReplicaSet('default/web', deps);
		calls.length = 0;
		// The informer has not seen the new pods yet: a second sync must not create more.
		await reconcileReplicaSet('default/web', deps);
		expect(calls.filter((c) => c.startsWith('create'))).toEqual([]);
		deps.expectations.creationObserved('default/web');
		deps.expectations.creationObserved('default/web');
		expect(deps.expectations.satisfied('default/web')).toBe(true);
	});

	it('does nothing when converged (no write at all)', async () => {
		const { deps, calls } = setup({ rs: [rs(2, { replicas: 2, fullyLabeledReplicas: 2, observedGeneration: 1 })], pods: [pod('a'), pod('b')] });
		await reconcileReplicaSet('default/web', deps);
		expect(calls).toEqual([]);
	});

	it('deletes the surplus and adopts matching orphans', async () => {
		const { deps, calls } = setup({ rs: [rs(1, { replicas: 2, fullyLabeledReplicas: 2, observedGeneration: 1 })], pods: [pod('a'), pod('orphan', false)] });
		await reconcileReplicaSet('default/web', deps);
		// Status is unchanged (2 claimed pods before the delete): no status write.
		expect(calls).toEqual(['patch pods orphan', 'delete pods a', 'event Normal SuccessfulDelete Deleted pod: a']);
	});

	it('forgets a ReplicaSet that is gone', async () => {
		const { deps, calls } = setup({ rs: [], pods: [pod('a')] });
		deps.expectations.expect('default/web', 3);
		await reconcileReplicaSet('default/web', deps);
		expect(calls).toEqual([]);
		expect(deps.expectations.satisfied('default/web')).toBe(true);
	});
});
