import { describe, expect, test } from 'vitest';
import { BUILTIN_KINDS, apiVersionOf } from '../kinds';
import {
	KUBE_SCHEMA,
	descriptionBody,
	enumNotes,
	firstSentence,
	resolveAt,
	schemaFor,
	typeLabel,
	type FieldPath,
	type SchemaNode
} from './index';

describe('schemaFor', () => {
	test.each(BUILTIN_KINDS.map((i) => ({ name: `${apiVersionOf(i)} ${i.kind}`, apiVersion: apiVersionOf(i), kind: i.kind })))(
		'$name has a schema with metadata and typed apiVersion/kind',
		({ apiVersion, kind }) => {
			const s = schemaFor(apiVersion, kind);
			expect(s?.type).toBe('object');
			expect(s?.properties?.metadata?.$ref).toBe('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
			expect(s?.properties?.apiVersion?.description).toMatch(/^APIVersion defines the versioned schema/);
			expect(s?.properties?.kind?.type).toBe('string');
		}
	);

	test('unknown kinds and versions have no schema', () => {
		expect(schemaFor('apps/v1beta1', 'Deployment')).toBeUndefined();
		expect(schemaFor('example.com/v1', 'Widget')).toBeUndefined();
	});

	test('the schema keeps real OpenAPI definition names and records its source', () => {
		expect(KUBE_SCHEMA.kinds['apps/v1/Deployment']).toBe('io.k8s.api.apps.v1.Deployment');
		expect(KUBE_SCHEMA.kinds['apiextensions.k8s.io/v1/CustomResourceDefinition']).toBe(
			'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'
		);
		expect(KUBE_SCHEMA.source).toMatch(/^kubernetes-models@\d+\.\d+\.\d+$/);
	});
});

describe('resolveAt', () => {
	const deploy = schemaFor('apps/v1', 'Deployment')!;
	const service = schemaFor('v1', 'Service')!;
	const crd = schemaFor('apiextensions.k8s.io/v1', 'CustomResourceDefinition')!;
	const container: FieldPath = ['spec', 'template', 'spec', 'containers', 0];
	test.each<{ name: string; root: SchemaNode; path: FieldPath; want: Partial<SchemaNode> | undefined }>([
		{ name: 'integer field', root: deploy, path: ['spec', 'replicas'], want: { type: 'integer', format: 'int32' } },
		{ name: 'int64 field', root: deploy, path: [...container.slice(0, 3), 'terminationGracePeriodSeconds'], want: { type: 'integer', format: 'int64' } },
		{ name: 'through $ref and a list item', root: deploy, path: [...container, 'image'], want: { type: 'string' } },
		{ name: 'enum in a nested list', root: deploy, path: [...container, 'ports', 0, 'protocol'], want: { enum: ['SCTP', 'TCP', 'UDP'] } },
		{ name: 'map value', root: deploy, path: ['metadata', 'labels', 'app'], want: { type: 'string' } },
		{ name: 'int-or-string', root: service, path: ['spec', 'ports', 0, 'targetPort'], want: { 'x-kubernetes-int-or-string': true } },
		{ name: 'quantity in a map', root: deploy, path: [...container, 'resources', 'limits', 'cpu'], want: { format: 'quantity' } },
		{ name: 'recursive definition', root: crd, path: ['spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'properties', 'x', 'properties', 'y', 'type'], want: { type: 'string' } },
		{ name: 'free-form value', root: crd, path: ['spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'default', 'anything', 3], want: { 'x-kubernetes-preserve-unknown-fields': true } },
		{ name: 'unknown field', root: deploy, path: ['spec', 'nope'], want: undefined },
		{ name: 'index into a scalar', root: deploy, path: ['spec', 'replicas', 0], want: undefined },
		{ name: 'field of a list', root: deploy, path: [...container.slice(0, 4), 'name'], want: undefined }
	])('$name', ({ root, path, want }) => {
		const got = resolveAt(root, path);
		if (want === undefined) expect(got).toBeUndefined();
		else expect(got).toMatchObject(want);
	});

	test('a resolved property keeps its own description over its type’s', () => {
		expect(resolveAt(deploy, ['spec'])?.description).toBe('Specification of the desired behavior of the Deployment.');
		expect(resolveAt(deploy, ['spec'])?.properties?.selector).toBeDefined();
	});
});

describe('typeLabel', () => {
	const spec = resolveAt(schemaFor('v1', 'Pod')!, ['spec'])!;
	const meta = resolveAt(schemaFor('v1', 'Pod')!, ['metadata'])!;
	test.each([
		{ name: 'list of objects', node: spec.properties!.containers, want: '[]Container' },
		{ name: 'reference', node: spec.properties!.securityContext, want: 'PodSecurityContext' },
		{ name: 'string map', node: meta.properties!.labels, want: 'map[string]string' },
		{ name: 'scalar', node: spec.properties!.hostNetwork, want: 'boolean' },
		{ name: 'time', node: meta.properties!.creationTimestamp, want: 'Time' },
		{ name: 'resolved node keeps the definition name', node: resolveAt(spec, ['affinity'])!, want: 'Affinity' }
	])('$name → $want', ({ node, want }) => expect(typeLabel(node)).toBe(want));
});

describe('description helpers', () => {
	const policy = resolveAt(schemaFor('v1', 'Pod')!, ['spec', 'containers', 0, 'imagePullPolicy'])!;
	test('firstSentence stops at the first full stop followed by a space', () => {
		expect(firstSentence('Number of desired pods. This is a pointer.')).toBe('Number of desired pods.');
		expect(firstSentence('See e.g.the docs')).toBe('See e.g.the docs');
		expect(firstSentence(undefined)).toBe('');
	});
	test('enumNotes reads the "Possible enum values" list', () => {
		const notes = enumNotes(policy.description);
		expect([...notes.keys()]).toEqual(['Always', 'IfNotPresent', 'Never']);
		expect(notes.get('Never')).toMatch(/^means that kubelet never pulls an image/);
	});
	test('descriptionBody drops that list', () => {
		expect(descriptionBody(policy.description)).toMatch(/^Image pull policy\./);
		expect(descriptionBody(policy.description)).not.toContain('Possible enum values');
	});
});
