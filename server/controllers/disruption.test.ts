import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/lib/controllers/types';
import { reconcileDisruptionBudget, type DisruptionDeps } from './disruption';
import { fixture } from './testing/fixture';

const NOW = Date.UTC(2026, 0, 1, 12);
const T = '2026-01-01T12:00:00Z';

const pdb = (spec: object, status?: object): KubeObject => ({
	metadata: { name: 'web', namespace: 'default', uid: 'pdb', generation: 1 },
	spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
	...(status ? { status } : {})
});

const pod = (name: string, ready: boolean): KubeObject => ({
	metadata: { name, namespace: 'default', uid: name, labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs', controller: true }] },
	status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] }
});

const rs: KubeObject = { metadata: { name: 'web-1', namespace: 'default', uid: 'rs', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd', controller: true }] }, spec: { replicas: 4 } };
const deployment: KubeObject = { metadata: { name: 'web', namespace: 'default', uid: 'd' }, spec: { replicas: 4 } };

function run(p: KubeObject, pods: KubeObject[]) {
	const { ctx, calls } = fixture({ poddisruptionbudgets: [p], pods, replicasets: [rs], deployments: [deployment] }, NOW);
	const deps: DisruptionDeps = { ctx, enqueueAfter: (k, ms) => calls.push(`requeue ${k} +${ms}`) };
	return { go: () => reconcileDisruptionBudget('default/web', deps), calls };
}

const cond = (ok: boolean) => ({ type: 'DisruptionAllowed', status: ok ? 'True' : 'False', observedGeneration: 1, lastTransitionTime: T, reason: ok ? 'SufficientPods' : 'InsufficientPods', message: '' });

describe('reconcileDisruptionBudget', () => {
	it('minAvailable as a number: expects the selected pods', async () => {
		const { go, calls } = run(pdb({ minAvailable: 2 }), [pod('a', true), pod('b', true), pod('c', false)]);
		await go();
		expect(calls).toEqual([`status poddisruptionbudgets ${JSON.stringify({ observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 3, conditions: [cond(false)] })}`]);
	});

	it('maxUnavailable: expects the Deployment scale', async () => {
		const { go, calls } = run(pdb({ maxUnavailable: '25%' }), [pod('a', true), pod('b', true), pod('c', true), pod('d', true)]);
		await go();
		expect(calls).toEqual([`status poddisruptionbudgets ${JSON.stringify({ observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 4, desiredHealthy: 3, expectedPods: 4, conditions: [cond(true)] })}`]);
	});

	it('drops disruptedPods entries after 2 minutes, and writes nothing once converged', async () => {
		const old = new Date(NOW - 3 * 60_000).toISOString().replace('.000Z', 'Z');
		const recent = new Date(NOW - 60_000).toISOString().replace('.000Z', 'Z');
		const { go, calls } = run(pdb({ minAvailable: 1 }, { disruptedPods: { a: old, b: recent } }), [pod('a', true), pod('b', true)]);
		await go();
		expect(calls).toEqual([
			`status poddisruptionbudgets ${JSON.stringify({ observedGeneration: 1, disruptedPods: { b: recent }, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 2, conditions: [cond(false)] })}`,
			'requeue default/web +60000'
		]);
		const converged = run(pdb({ minAvailable: 1 }, { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, conditions: [cond(true)] }), [pod('a', true), pod('b', true)]);
		await converged.go();
		expect(converged.calls).toEqual([]);
	});
});
