import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../controllers/types';
import { buildTree, walkTree, type DeclaredRef } from './tree';

const owner = (kind: string, name: string, apiVersion = 'apps/v1') => ({ apiVersion, kind, name, uid: `uid-${kind}-${name}`, controller: true, blockOwnerDeletion: true });
const obj = (apiVersion: string, kind: string, name: string, extra: Partial<KubeObject['metadata']> = {}, rest: Record<string, unknown> = {}): KubeObject => ({
	apiVersion,
	kind,
	metadata: { name, namespace: 'default', uid: `uid-${kind}-${name}`, ...extra },
	...rest
});
const readyPod = { spec: { restartPolicy: 'Always' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
const pendingPod = { spec: { restartPolicy: 'Always' }, status: { phase: 'Pending' } };

const live: KubeObject[] = [
	obj('apps/v1', 'Deployment', 'web', { generation: 1 }, { spec: { replicas: 2 }, status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 } }),
	obj('apps/v1', 'ReplicaSet', 'web-7c5ddbdf54', { generation: 1, ownerReferences: [owner('Deployment', 'web')] }, { spec: { replicas: 2 }, status: { observedGeneration: 1, availableReplicas: 1 } }),
	obj('v1', 'Pod', 'web-7c5ddbdf54-b', { ownerReferences: [owner('ReplicaSet', 'web-7c5ddbdf54')] }, pendingPod),
	obj('v1', 'Pod', 'web-7c5ddbdf54-a', { ownerReferences: [owner('ReplicaSet', 'web-7c5ddbdf54')] }, readyPod),
	obj('v1', 'Service', 'web', {}, { spec: { type: 'ClusterIP' } }),
	obj('discovery.k8s.io/v1', 'EndpointSlice', 'web-x7k2p', { labels: { 'kubernetes.io/service-name': 'web' }, ownerReferences: [owner('Service', 'web', 'v1')] }),
	obj('v1', 'Endpoints', 'web'),
	obj('batch/v1', 'CronJob', 'report', {}, { spec: { schedule: '@hourly' }, status: { active: [{ name: 'report-29401234' }] } }),
	obj('batch/v1', 'Job', 'report-29401234', { ownerReferences: [owner('CronJob', 'report', 'batch/v1')] }, { status: { active: 1 } }),
	obj('v1', 'Pod', 'report-29401234-q8z', { ownerReferences: [owner('Job', 'report-29401234', 'batch/v1')] }, { spec: { restartPolicy: 'OnFailure' }, status: { phase: 'Running' } })
];
const declared = (kind: string, name: string, apiVersion: string, line: number, namespace?: string): DeclaredRef => ({ apiVersion, kind, name, namespace, path: 'app/web.yaml', doc: 0, line });

describe('buildTree', () => {
	const tree = buildTree(
		[declared('Deployment', 'web', 'apps/v1', 1), declared('Service', 'web', 'v1', 30, 'default'), declared('CronJob', 'report', 'batch/v1', 50), declared('ConfigMap', 'gone', 'v1', 70)],
		live
	);
	const shape = (n: (typeof tree)[number]): unknown => [`${n.kind}/${n.name} ${n.health.status}`, ...n.children.map(shape)];

	it('follows ownerReferences down to pods, with each node health', () => {
		expect(shape(tree[0])).toEqual(['Deployment/web Progressing', ['ReplicaSet/web-7c5ddbdf54 Progressing', ['Pod/web-7c5ddbdf54-a Healthy'], ['Pod/web-7c5ddbdf54-b Progressing']]]);
		expect(tree[0].declared?.line).toBe(1);
		expect(tree[0].namespace).toBe('default');
	});
	it('puts a Service over its EndpointSlices and Endpoints, once each', () => {
		expect(shape(tree[1])).toEqual(['Service/web Healthy', ['EndpointSlice/web-x7k2p Healthy'], ['Endpoints/web Healthy']]);
	});
	it('goes CronJob → Job → Pod', () => {
		expect(shape(tree[2])).toEqual(['CronJob/report Progressing', ['Job/report-29401234 Progressing', ['Pod/report-29401234-q8z Progressing']]]);
	});
	it('keeps declared objects that are not live, as Missing', () => {
		expect(tree[3]).toMatchObject({ kind: 'ConfigMap', name: 'gone', health: { status: 'Missing' }, children: [] });
		expect([...walkTree(tree)].length).toBe(11);
	});
	it('finds the children of a declared object whose kind is not watched, by owner name', () => {
		const t = buildTree([declared('Deployment', 'web', 'apps/v1', 1)], live.filter((o) => o.kind !== 'Deployment'));
		expect(t[0].live).toBeUndefined();
		expect(shape(t[0])).toEqual(['Deployment/web Missing', ['ReplicaSet/web-7c5ddbdf54 Progressing', ['Pod/web-7c5ddbdf54-a Healthy'], ['Pod/web-7c5ddbdf54-b Progressing']]]);
		const svc = buildTree([declared('Service', 'web', 'v1', 1)], live.filter((o) => o.kind !== 'Service'));
		expect(svc[0].children.map((c) => c.kind)).toEqual(['EndpointSlice', 'Endpoints']);
	});
	it('does not loop on an ownerReferences cycle', () => {
		const a = obj('v1', 'ConfigMap', 'a', { ownerReferences: [owner('ConfigMap', 'b', 'v1')] });
		const b = obj('v1', 'ConfigMap', 'b', { ownerReferences: [owner('ConfigMap', 'a', 'v1')] });
		const t = buildTree([declared('ConfigMap', 'a', 'v1', 1)], [a, b]);
		expect([...walkTree(t)].map((n) => n.name)).toEqual(['a', 'b']);
	});
});
