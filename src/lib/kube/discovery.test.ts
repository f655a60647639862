import { describe, expect, it } from 'vitest';
import { aggregatedDiscovery, apiGroupDoc, apiGroupList, apiResourceList } from './discovery';
import { openApiV3Doc, openApiV3Paths } from './openapi-v3';

describe('discovery documents', () => {
	it('lists the apps resources with verbs, short names, categories and subresources', () => {
		const list = apiResourceList('apps', 'v1')!;
		expect(list).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1' });
		const names = list.resources.map((r) => r.name);
		expect(names).toEqual(expect.arrayContaining(['deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'daemonsets', 'statefulsets']));
		expect(list.resources.find((r) => r.name === 'deployments')).toEqual({
			name: 'deployments',
			singularName: 'deployment',
			namespaced: true,
			kind: 'Deployment',
			verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
			shortNames: ['deploy'],
			categories: ['all']
		});
		expect(list.resources.find((r) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
		expect(apiResourceList('', 'v1')).not.toHaveProperty('apiVersion');
		expect(apiResourceList('nope', 'v1')).toBeUndefined();
	});

	it('serves groups with preferred versions', () => {
		expect(apiGroupList().groups.map((g) => g.name)).toEqual([
			'apps',
			'events.k8s.io',
			'authentication.k8s.io',
			'authorization.k8s.io',
			'batch',
			'networking.k8s.io',
			'policy',
			'storage.k8s.io',
			'apiextensions.k8s.io',
			'scheduling.k8s.io',
			'coordination.k8s.io',
			'discovery.k8s.io'
		]);
		expect(apiGroupDoc('batch')).toEqual({
			kind: 'APIGroup',
			apiVersion: 'v1',
			name: 'batch',
			versions: [{ groupVersion: 'batch/v1', version: 'v1' }],
			preferredVersion: { groupVersion: 'batch/v1', version: 'v1' }
		});
	});

	it('builds aggregated discovery (apidiscovery.k8s.io/v2)', () => {
		const core = aggregatedDiscovery(true);
		expect(core).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
		expect(core.items).toHaveLength(1);
		const pods = core.items[0].versions[0].resources.find((r) => r.resource === 'pods');
		expect(pods).toMatchObject({ scope: 'Namespaced', singularResource: 'pod', shortNames: ['po'], subresources: [{ subresource: 'binding' }, { subresource: 'eviction' }, { subresource: 'log' }, { subresource: 'status' }] });
		expect((pods?.subresources as unknown[])[1]).toEqual({ subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] });
		expect(aggregatedDiscovery(false, 'v2beta1').items[0].metadata).toEqual({ name: 'apps', creationTimestamp: null });
	});
});

describe('OpenAPI v3', () => {
	it('has one document per served group version', () => {
		expect(openApiV3Paths()).toContain('apis/apps/v1');
		expect(openApiV3Paths()).toContain('api/v1');
	});

	it('marks kinds, patch strategies and the fieldValidation parameter', () => {
		const doc = openApiV3Doc('apis/apps/v1') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
		const deployment = doc.components.schemas['io.k8s.api.apps.v1.Deployment'];
		expect(deployment['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
		const containers = doc.components.schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
		expect(containers).toMatchObject({ type: 'array', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' });
		expect(doc.components.schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties.template.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec' }]);
		const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
		expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', kind: 'Deployment', version: 'v1' });
		expect(patch.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
		expect(Object.keys(patch.requestBody.content)).toContain('application/strategic-merge-patch+json');
		expect(openApiV3Doc('apis/nope/v1')).toBeUndefined();
	});
});
