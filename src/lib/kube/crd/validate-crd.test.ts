import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../field-errors';
import { defaultCrd, validateCrd, validateCrdUpdate } from './validate-crd';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const crd = (patch: (c: Obj) => void = () => {}): Obj => {
	const c: Obj = {
		metadata: { name: 'widgets.example.com' },
		spec: {
			group: 'example.com',
			scope: 'Namespaced',
			names: { plural: 'widgets', kind: 'Widget' },
			versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } } }]
		}
	};
	patch(c);
	defaultCrd(c);
	return c;
};
const errs = (c: Obj) => validateCrd(c).map(formatFieldError);
const SCHEMA = 'spec.versions[0].schema.openAPIV3Schema';
const DNS1035 = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

describe('validateCrd', () => {
	it('defaults singular, listKind and conversion', () => {
		expect(crd().spec.names).toEqual({ plural: 'widgets', kind: 'Widget', singular: 'widget', listKind: 'WidgetList' });
		expect(crd().spec.conversion).toEqual({ strategy: 'None' });
		expect(errs(crd())).toEqual([]);
	});

	it.each([
		{ name: 'name not plural.group', patch: (c: Obj) => (c.metadata.name = 'widget.example.com'), want: ['metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group'] },
		{
			name: 'group without a dot',
			patch: (c: Obj) => {
				c.spec.group = 'example';
				c.metadata.name = 'widgets.example';
			},
			want: ['spec.group: Invalid value: "example": should be a domain with at least one dot']
		},
		{ name: 'bad scope', patch: (c: Obj) => (c.spec.scope = 'Global'), want: ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'] },
		{ name: 'no schema', patch: (c: Obj) => delete c.spec.versions[0].schema, want: [`${SCHEMA}: Required value: schemas are required`] },
		{ name: 'no root type', patch: (c: Obj) => delete c.spec.versions[0].schema.openAPIV3Schema.type, want: [`${SCHEMA}.type: Required value: must not be empty at the root`] },
		{
			name: 'no field type',
			patch: (c: Obj) => delete c.spec.versions[0].schema.openAPIV3Schema.properties.spec.type,
			want: [`${SCHEMA}.properties[spec].type: Required value: must not be empty for specified object fields`]
		},
		{
			name: 'array without items',
			patch: (c: Obj) => (c.spec.versions[0].schema.openAPIV3Schema.properties.spec = { type: 'array' }),
			want: [`${SCHEMA}.properties[spec].items: Required value: must be specified`]
		},
		{ name: 'root not an object', patch: (c: Obj) => (c.spec.versions[0].schema.openAPIV3Schema = { type: 'string' }), want: [`${SCHEMA}.type: Invalid value: "string": must be object at the root`] },
		{
			name: 'a default of the wrong type',
			patch: (c: Obj) => (c.spec.versions[0].schema.openAPIV3Schema.properties.spec = { type: 'object', properties: { replicas: { type: 'integer', default: 'one' } } }),
			want: [`${SCHEMA}.properties[spec].properties[replicas].default: Invalid value: "string": in body must be of type integer: "string"`]
		},
		{
			name: 'no storage version',
			patch: (c: Obj) => (c.spec.versions[0].storage = false),
			want: ['spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have exactly one version marked as storage version']
		},
		{
			name: 'bad printer column type and scale path',
			patch: (c: Obj) => {
				c.spec.versions[0].additionalPrinterColumns = [{ name: 'X', type: 'int', jsonPath: '.spec.x' }];
				c.spec.versions[0].subresources = { scale: { specReplicasPath: '.replicas', statusReplicasPath: '.status.replicas' } };
			},
			want: [
				'spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".replicas": should be a json path under .spec',
				'spec.versions[0].additionalPrinterColumns[0].type: Invalid value: "int": must be one of boolean,date,integer,number,string'
			]
		},
		{
			name: 'a kind that is no DNS label',
			patch: (c: Obj) => (c.spec.names.kind = 'Wid_get'),
			want: [
				`spec.names.singular: Invalid value: "wid_get": ${DNS1035}`,
				`spec.names.kind: Invalid value: "Wid_get": may have mixed case, but should otherwise match: ${DNS1035}`,
				`spec.names.listKind: Invalid value: "Wid_getList": may have mixed case, but should otherwise match: ${DNS1035}`
			]
		}
	])('$name', ({ patch, want }) => {
		expect(errs(crd(patch))).toEqual(want);
	});

	it('keeps the group and the stored versions on update', () => {
		const old = crd((c) => (c.status = { storedVersions: ['v1'] }));
		const next = crd((c) => {
			c.status = { storedVersions: ['v1'] };
			c.spec.versions[0].name = 'v2';
		});
		expect(validateCrdUpdate(next, old).map(formatFieldError)).toEqual([
			'status.storedVersions[0]: Invalid value: "v1": missing from spec.versions; v1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1 and removes v1 from status.storedVersions'
		]);
	});
});
