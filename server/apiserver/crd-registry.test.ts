import { describe, expect, it } from 'vitest';
import { crdResources, namedStatus } from '../../src/lib/kube/crd';
import { resourceSetOf } from './crd-registry';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const crd = (group: string, plural: string, kind: string, versions: string[]): Obj => {
	const c: Obj = {
		metadata: { name: `${plural}.${group}` },
		spec: {
			group,
			scope: 'Namespaced',
			names: { plural, kind, singular: kind.toLowerCase(), listKind: `${kind}List` },
			versions: versions.map((name, i) => ({ name, served: true, storage: i === 0, schema: { openAPIV3Schema: { type: 'object' } } }))
		}
	};
	c.status = namedStatus(c, [], '2026-01-01T00:00:00Z');
	return c;
};

describe('resourceSetOf', () => {
	it('adds CRD groups after the built-ins, versions by priority, resources by name', () => {
		const set = resourceSetOf([
			...crdResources(crd('stable.example.com', 'crontabs', 'CronTab', ['v1', 'v1beta1'])),
			...crdResources(crd('stable.example.com', 'atjobs', 'AtJob', ['v1'])),
			...crdResources(crd('a.example.com', 'foos', 'Foo', ['v1alpha1']))
		]);
		const gvs = set.groupVersions();
		expect(gvs[0]).toEqual({ group: '', version: 'v1' });
		expect(gvs.slice(-3)).toEqual([
			{ group: 'a.example.com', version: 'v1alpha1' },
			{ group: 'stable.example.com', version: 'v1' },
			{ group: 'stable.example.com', version: 'v1beta1' }
		]);
		expect(set.resourcesOf('stable.example.com', 'v1').map((r) => r.resource)).toEqual(['atjobs', 'crontabs']);
		expect(set.find('stable.example.com', 'v1beta1', 'crontabs')?.custom?.storage?.version).toBe('v1');
		expect(set.find('apps', 'v1', 'deployments')?.kind).toBe('Deployment');
	});

	it('never lets a CRD shadow a built-in resource', () => {
		const set = resourceSetOf(crdResources(crd('apps', 'deployments', 'Deployment', ['v1'])));
		expect(set.find('apps', 'v1', 'deployments')?.custom).toBeUndefined();
		expect(set.resourcesOf('apps', 'v1').filter((r) => r.resource === 'deployments')).toHaveLength(1);
	});
});
