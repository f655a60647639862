import { describe, expect, it } from 'vitest';
import { crdResources } from './resource-info';
import { namedStatus } from './status';
import { customOpenApiV2Definitions, customOpenApiV3Doc } from './openapi';
import { openApiV2Json } from '../openapi-v2';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const crd: Obj = {
	metadata: { name: 'crontabs.stable.example.com' },
	spec: {
		group: 'stable.example.com',
		scope: 'Namespaced',
		names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList' },
		versions: [
			{
				name: 'v1',
				served: true,
				storage: true,
				schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { cronSpec: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: 'true' }] } } } }
			}
		]
	}
};
crd.status = namedStatus(crd, [], '2026-01-01T00:00:00Z');

/** Every `$ref` target in a document (kubectl refuses a document with a dangling one). */
function refs(node: unknown, out = new Set<string>()): Set<string> {
	if (Array.isArray(node)) for (const n of node) refs(n, out);
	else if (node && typeof node === 'object')
		for (const [k, v] of Object.entries(node)) {
			if (k === '$ref' && typeof v === 'string') out.add(v.replace(/^#\/(definitions|components\/schemas)\//, ''));
			else refs(v, out);
		}
	return out;
}

describe('custom resource OpenAPI', () => {
	it('leaves no dangling reference in the v2 and v3 documents (ListMeta included)', () => {
		const v2 = openApiV2Json(customOpenApiV2Definitions(crdResources(crd))) as Obj;
		for (const r of refs(v2)) expect(v2.definitions, r).toHaveProperty([r]);
		const v3 = customOpenApiV3Doc(crdResources(crd)) as Obj;
		for (const r of refs(v3)) expect(v3.components.schemas, r).toHaveProperty([r]);
	});

	it('publishes the kind, its list and ObjectMeta in the v3 document', () => {
		const doc = customOpenApiV3Doc(crdResources(crd)) as Obj;
		const schemas = doc.components.schemas;
		const kind = schemas['com.example.stable.v1.CronTab'];
		expect(kind['x-kubernetes-group-version-kind']).toEqual([{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
		expect(kind.properties.metadata.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
		expect(kind.properties.spec.properties.cronSpec).toEqual({ type: 'string' });
		expect(kind.properties.spec['x-kubernetes-validations']).toBeUndefined();
		expect(schemas['com.example.stable.v1.CronTabList'].properties.items.items).toEqual({ $ref: '#/components/schemas/com.example.stable.v1.CronTab' });
		expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
		const patch = doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'].patch;
		expect(Object.keys(patch.requestBody.content)).toEqual(['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']);
		expect(patch.parameters.map((p: Obj) => p.name)).toContain('fieldValidation');
	});

	it('uses #/definitions references in v2', () => {
		const defs = customOpenApiV2Definitions(crdResources(crd)) as Obj;
		expect(defs['com.example.stable.v1.CronTab'].properties.metadata.$ref).toBe('#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
	});
});
