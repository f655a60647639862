import { describe, expect, it } from 'vitest';
import * as du from './deployment-util';
import type { KubeObject } from './types';

const NOW = Date.UTC(2026, 0, 1, 12);

function deployment(replicas: number, maxSurge?: number | string, maxUnavailable?: number | string, type = 'RollingUpdate'): KubeObject {
	return {
		metadata: { name: 'web', namespace: 'default', uid: 'd-uid', generation: 2, annotations: { team: 'a', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
		spec: {
			replicas,
			progressDeadlineSeconds: 600,
			strategy: type === 'RollingUpdate' ? { type, rollingUpdate: { maxSurge, maxUnavailable } } : { type },
			selector: { matchLabels: { app: 'web' } },
			template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } }
		}
	};
}

const rs = (name: string, replicas: number, o: { available?: number; image?: string; created?: number; revision?: string } = {}): KubeObject => ({
	metadata: {
		name,
		creationTimestamp: new Date(NOW - (o.created ?? 0)).toISOString(),
		annotations: o.revision ? { [du.REVISION]: o.revision } : {}
	},
	spec: { replicas, template: { metadata: { labels: { app: 'web', [du.POD_TEMPLATE_HASH]: name } }, spec: { containers: [{ name: 'c', image: o.image ?? 'nginx:1.27' }] } } },
	status: { replicas, availableReplicas: o.available ?? replicas, readyReplicas: o.available ?? replicas }
});

describe('fenceposts', () => {
	const cases = [
		{ name: 'defaults 25%/25% of 4', d: deployment(4), want: { surge: 1, unavailable: 1 } },
		{ name: 'percentages: surge rounds up, unavailable down', d: deployment(10, '15%', '15%'), want: { surge: 2, unavailable: 1 } },
		{ name: 'both zero makes unavailable 1', d: deployment(3, 0, 0), want: { surge: 0, unavailable: 1 } },
		{ name: 'absolute numbers', d: deployment(3, 1, 0), want: { surge: 1, unavailable: 0 } }
	];
	for (const c of cases) it(c.name, () => expect(du.fenceposts(c.d)).toEqual(c.want));

	it('Recreate has no surge and no unavailability budget', () => {
		const d = deployment(3, undefined, undefined, 'Recreate');
		expect([du.maxSurge(d), du.maxUnavailable(d)]).toEqual([0, 0]);
	});
});

describe('rollout arithmetic', () => {
	it('scales the new ReplicaSet up within maxSurge', () => {
		const d = deployment(3, 1, 0);
		const old = rs('old', 3);
		const fresh = rs('new', 0);
		expect(du.newRSNewReplicas(d, [old, fresh], fresh)).toBe(1);
		expect(du.newRSNewReplicas(d, [rs('old', 2), rs('new', 1)], rs('new', 1))).toBe(2);
		expect(du.newRSNewReplicas(d, [rs('old', 3), rs('new', 1)], rs('new', 1))).toBe(1);
	});

	it('finds the oldest ReplicaSet with the same template, ignoring the hash label', () => {
		const d = deployment(3);
		const a = rs('a', 1, { image: 'nginx:1.26', created: 3000 });
		const b = rs('b', 1, { created: 2000 });
		const c = rs('c', 1, { created: 1000 });
		expect(du.findNewReplicaSet(d, [c, a, b])?.metadata.name).toBe('b');
	});

	it('hashes templates into kube-style suffixes, changed by the collision count', () => {
		const t = deployment(1).spec.template;
		const h = du.podTemplateHash(t);
		expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
		expect(du.podTemplateHash(structuredClone(t))).toBe(h);
		expect(du.podTemplateHash(t, 1)).not.toBe(h);
	});

	it('annotates a new ReplicaSet: copied annotations, revision, replicas; history on rollback', () => {
		const d = deployment(3, 1, 0);
		const fresh = rs('new', 0);
		expect(du.setNewReplicaSetAnnotations(d, fresh, 4, false)).toBe(true);
		expect(fresh.metadata.annotations).toEqual({ team: 'a', [du.REVISION]: '4', [du.DESIRED_REPLICAS]: '3', [du.MAX_REPLICAS]: '4' });
		const back = rs('back', 0, { revision: '1' });
		du.setNewReplicaSetAnnotations(d, back, 5, true);
		expect(back.metadata.annotations).toMatchObject({ [du.REVISION]: '5', [du.REVISION_HISTORY]: '1' });
	});

	it('computes status and the Available condition', () => {
		const d = deployment(4, 1, 1);
		const s = du.deploymentStatus(d, [rs('old', 1, { available: 1 }), rs('new', 3, { available: 2 })], rs('new', 3, { available: 2 }), NOW);
		expect(s).toMatchObject({ observedGeneration: 2, replicas: 4, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1 });
		expect(s.conditions).toEqual([du.newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', NOW)]);
		const low = du.deploymentStatus(d, [rs('new', 4, { available: 2 })], undefined, NOW);
		expect(du.getCondition(low, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
	});

	it('keeps a condition untouched when status and reason are unchanged, and the transition time when only the reason changes', () => {
		const s: du.DeploymentStatus = {};
		du.setCondition(s, du.newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'x', NOW));
		du.setCondition(s, du.newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'y', NOW + 5000));
		expect(s.conditions![0].message).toBe('x');
		du.setCondition(s, du.newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'z', NOW + 9000));
		expect(s.conditions![0]).toMatchObject({ reason: 'ReplicaSetUpdated', lastTransitionTime: '2026-01-01T12:00:00Z', lastUpdateTime: '2026-01-01T12:00:09Z' });
	});

	it('times out progressDeadlineSeconds after the last progress, on the given clock', () => {
		const d = deployment(3);
		const s: du.DeploymentStatus = { conditions: [du.newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'm', NOW)] };
		expect(du.deploymentTimedOut(d, s, NOW + 600_000)).toBe(false);
		expect(du.deploymentTimedOut(d, s, NOW + 600_001)).toBe(true);
	});

	it('shares a scale-up proportionally to each ReplicaSet size (GetProportion)', () => {
		const d = deployment(20, 3, 2);
		const big = { ...rs('big', 10), metadata: { name: 'big', annotations: { [du.MAX_REPLICAS]: '13' } } };
		// 10 of 13 → 10·23/13 ≈ 17.7 → 18: +8, bounded by what is left to add.
		expect(du.proportion(big, d, 10, 0)).toBe(8);
		expect(du.proportion(big, d, 10, 5)).toBe(5);
	});
});
