import { describe, expect, it } from 'vitest';
import { podTemplateHash } from '../../src/lib/controllers/deployment-util';
import type { KubeObject } from '../../src/lib/controllers/types';
import { reconcileStatefulSet, type StatefulSetDeps } from './statefulset';
import { fixture } from './testing/fixture';

const NOW = Date.UTC(2026, 0, 1, 12);
const template = (image: string) => ({ metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image }] } });

const sts = (spec: object = {}, image = 'pg:1'): KubeObject => ({
	metadata: { name: 'db', namespace: 'default', uid: 'sts', generation: 1 },
	spec: {
		replicas: 3,
		serviceName: 'db',
		selector: { matchLabels: { app: 'db' } },
		template: template(image),
		volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
		...spec
	}
});

const rev = (image: string) => `db-${podTemplateHash(template(image), 0)}`;

function pod(i: number, ready = true, image = 'pg:1'): KubeObject {
	return {
		metadata: { name: `db-${i}`, namespace: 'default', uid: `u${i}`, labels: { app: 'db', 'controller-revision-hash': rev(image) }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'sts', controller: true }] },
		status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] }
	};
}

function setup(s: KubeObject, pods: KubeObject[]) {
	const { ctx, calls } = fixture({ statefulsets: [s], pods, persistentvolumeclaims: [] }, NOW);
	const created: KubeObject[] = [];
	const create = ctx.client.create;
	ctx.client.create = async (r, o) => (r.resource !== 'controllerrevisions' && created.push(o), create(r, o));
	const deps: StatefulSetDeps = { ctx, enqueueAfter: () => {} };
	// ControllerRevision writes have their own tests; these look at pods, claims and status.
	const mine = () => calls.filter((c) => !c.includes('controllerrevisions'));
	return { deps, calls: () => mine().filter((c) => !c.startsWith('status')), status: () => mine().filter((c) => c.startsWith('status')), created };
}

describe('reconcileStatefulSet', () => {
	it('OrderedReady: creates the claim and pod of the first missing ordinal only', async () => {
		const t = setup(sts(), []);
		await reconcileStatefulSet('default/db', t.deps);
		expect(t.calls()).toEqual([
			'create persistentvolumeclaims data-db-0',
			'event Normal SuccessfulCreate create Claim data-db-0 Pod db-0 in StatefulSet db success',
			'create pods db-0',
			'event Normal SuccessfulCreate create Pod db-0 in StatefulSet db successful'
		]);
		const p = t.created[1];
		expect(p.metadata.labels).toEqual({ app: 'db', 'controller-revision-hash': rev('pg:1'), 'statefulset.kubernetes.io/pod-name': 'db-0', 'apps.kubernetes.io/pod-index': '0' });
		expect([p.spec.hostname, p.spec.subdomain, p.spec.volumes]).toEqual(['db-0', 'db', [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }]]);
	});

	it('OrderedReady waits for a pod that is not ready; Parallel does not', async () => {
		const ordered = setup(sts(), [pod(0, false)]);
		await reconcileStatefulSet('default/db', ordered.deps);
		expect(ordered.calls()).toEqual([]);
		const parallel = setup(sts({ podManagementPolicy: 'Parallel', volumeClaimTemplates: [] }), [pod(0, false)]);
		await reconcileStatefulSet('default/db', parallel.deps);
		expect(parallel.calls().filter((c) => c.startsWith('create'))).toEqual(['create pods db-1', 'create pods db-2']);
	});

	it('scales down from the highest ordinal, one at a time', async () => {
		const t = setup(sts({ replicas: 1 }), [pod(0), pod(1), pod(2)]);
		await reconcileStatefulSet('default/db', t.deps);
		expect(t.calls()).toEqual(['delete pods db-2', 'event Normal SuccessfulDelete delete Pod db-2 in StatefulSet db successful']);
	});

	it('rolls a new template from the highest ordinal down to the partition', async () => {
		const t = setup(sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }, 'pg:2'), [pod(0), pod(1), pod(2)]);
		await reconcileStatefulSet('default/db', t.deps);
		expect(t.calls()).toEqual(['delete pods db-2', 'event Normal SuccessfulDelete delete Pod db-2 in StatefulSet db successful']);
		const done = setup(sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }, 'pg:2'), [pod(0), pod(1), pod(2, true, 'pg:2')]);
		await reconcileStatefulSet('default/db', done.deps);
		expect(done.calls()).toEqual([]);
	});

	it('writes status with revisions and does nothing more when converged', async () => {
		const t = setup(sts(), [pod(0), pod(1), pod(2)]);
		await reconcileStatefulSet('default/db', t.deps);
		const r = rev('pg:1');
		expect(t.status()).toEqual([
			`status statefulsets {"observedGeneration":1,"replicas":3,"readyReplicas":3,"currentReplicas":3,"updatedReplicas":3,"currentRevision":"${r}","updateRevision":"${r}","collisionCount":0,"availableReplicas":3}`
		]);
		const status = { observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: r, updateRevision: r, collisionCount: 0, availableReplicas: 3 };
		const converged = setup({ ...sts(), status }, [pod(0), pod(1), pod(2)]);
		await reconcileStatefulSet('default/db', converged.deps);
		expect([...converged.calls(), ...converged.status()]).toEqual([]);
	});
});
