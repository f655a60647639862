import { describe, expect, it } from 'vitest';
import * as du from '../../src/lib/controllers/deployment-util';
import type { KubeObject } from '../../src/lib/controllers/types';
import { reconcileDeployment } from './deployment';
import { fixture } from './testing/fixture';

const NOW = Date.UTC(2026, 0, 1, 12);
const T = '2026-01-01T12:00:00Z';
const progressing = { type: 'Progressing', status: 'True', lastUpdateTime: T, lastTransitionTime: T, reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-new" is progressing.' };
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };

function deployment(status?: object, o: { replicas?: number; strategy?: object; revision?: string } = {}): KubeObject {
	return {
		metadata: { name: 'web', namespace: 'default', uid: 'd-uid', generation: 1, resourceVersion: '7', creationTimestamp: T, annotations: { [du.REVISION]: o.revision ?? '1' } },
		spec: {
			replicas: o.replicas ?? 3,
			progressDeadlineSeconds: 600,
			revisionHistoryLimit: 10,
			selector: { matchLabels: { app: 'web' } },
			strategy: o.strategy ?? { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
			template
		},
		...(status ? { status } : {})
	};
}

function replicaSet(name: string, replicas: number, available: number, image = 'nginx:1.27', revision = '1'): KubeObject {
	const hash = name.split('-')[1];
	return {
		metadata: {
			name,
			namespace: 'default',
			uid: `uid-${name}`,
			creationTimestamp: T,
			labels: { app: 'web', [du.POD_TEMPLATE_HASH]: hash },
			annotations: { [du.REVISION]: revision, [du.DESIRED_REPLICAS]: '3', [du.MAX_REPLICAS]: '4' },
			ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true }]
		},
		spec: {
			replicas,
			selector: { matchLabels: { app: 'web', [du.POD_TEMPLATE_HASH]: hash } },
			template: { metadata: { labels: { app: 'web', [du.POD_TEMPLATE_HASH]: hash } }, spec: { containers: [{ name: 'c', image }] } }
		},
		status: { replicas, readyReplicas: available, availableReplicas: available, observedGeneration: 1 }
	};
}

async function run(objects: { deployments: KubeObject[]; replicasets: KubeObject[] }) {
	const f = fixture(objects, NOW);
	const requeues: string[] = [];
	await reconcileDeployment('default/web', f.ctx, (k, ms) => requeues.push(`${k} +${ms}`), (k) => requeues.push(`${k} rate-limited`));
	return { calls: f.calls, requeues };
}

describe('reconcileDeployment', () => {
	it('creates the first ReplicaSet, named by the template hash, scaled within maxSurge', async () => {
		const { calls } = await run({ deployments: [deployment()], replicasets: [] });
		const hash = du.podTemplateHash({ ...template, metadata: { labels: { app: 'web' } } });
		expect(calls.slice(0, 2)).toEqual([`create replicasets web-${hash}`, `event Normal ScalingReplicaSet Scaled up replica set web-${hash} to 3`]);
		expect(calls[2]).toContain(`"reason":"NewReplicaSetCreated","message":"Created new replica set \\"web-${hash}\\""`);
	});

	it('does nothing when the rollout is complete and the status says so', async () => {
		const complete = {
			observedGeneration: 1,
			replicas: 3,
			updatedReplicas: 3,
			readyReplicas: 3,
			availableReplicas: 3,
			conditions: [
				{ type: 'Available', status: 'True', lastUpdateTime: T, lastTransitionTime: T, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
				{ type: 'Progressing', status: 'True', lastUpdateTime: T, lastTransitionTime: T, reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-abc" has successfully progressed.' }
			]
		};
		const rs = replicaSet('web-abc', 3, 3);
		const { calls, requeues } = await run({ deployments: [deployment(complete)], replicasets: [rs] });
		expect(calls).toEqual([]);
		expect(requeues).toEqual([]);
	});

	it('rolls: one surge pod for the new ReplicaSet while the old one keeps all 3', async () => {
		const old = replicaSet('web-old', 3, 3, 'nginx:1.26');
		const fresh = { ...replicaSet('web-new', 0, 0, 'nginx:1.27', '2') };
		const { calls } = await run({ deployments: [deployment({ observedGeneration: 1, replicas: 3, availableReplicas: 3, conditions: [progressing] }, { revision: '2' })], replicasets: [old, fresh] });
		expect(calls.slice(0, 2)).toEqual(['update replicasets web-new replicas=1', 'event Normal ScalingReplicaSet Scaled up replica set web-new to 1 from 0']);
		expect(calls.filter((c) => c.includes('web-old'))).toEqual([]);
	});

	it('scales the old ReplicaSet down only as the new one becomes available (maxUnavailable 0)', async () => {
		const old = replicaSet('web-old', 3, 3, 'nginx:1.26');
		const fresh = replicaSet('web-new', 1, 1, 'nginx:1.27', '2');
		const { calls } = await run({ deployments: [deployment({ observedGeneration: 1, replicas: 4, availableReplicas: 4, conditions: [progressing] }, { revision: '2' })], replicasets: [old, fresh] });
		expect(calls.slice(0, 2)).toEqual(['update replicasets web-old replicas=2', 'event Normal ScalingReplicaSet Scaled down replica set web-old to 2 from 3']);
	});

	it('Recreate scales the old ReplicaSet to 0 before creating anything', async () => {
		const old = replicaSet('web-old', 3, 3, 'nginx:1.26');
		const { calls } = await run({ deployments: [deployment({ observedGeneration: 1, replicas: 3 }, { strategy: { type: 'Recreate' } })], replicasets: [old] });
		expect(calls.slice(0, 2)).toEqual(['update replicasets web-old replicas=0', 'event Normal ScalingReplicaSet Scaled down replica set web-old to 0 from 3']);
		expect(calls.some((c) => c.startsWith('create'))).toBe(false);
	});

	it('marks a paused Deployment Progressing Unknown DeploymentPaused', async () => {
		const d = deployment({ observedGeneration: 1 });
		d.spec.paused = true;
		const { calls } = await run({ deployments: [d], replicasets: [replicaSet('web-abc', 3, 3)] });
		expect(calls[0]).toContain('"type":"Progressing","status":"Unknown","lastUpdateTime":"2026-01-01T12:00:00Z","lastTransitionTime":"2026-01-01T12:00:00Z","reason":"DeploymentPaused","message":"Deployment is paused"');
	});
});
