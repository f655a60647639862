import { parseAllDocuments } from 'yaml';
import { describe, expect, test } from 'vitest';
import { STARTERS } from '../../rooms/starters';
import { VALIDATE_LIMITS, formatPath, jsonType, validateObject } from './index';

const pod = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });
const deployment = (spec: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec });
const template = (containers: unknown[], extra: Record<string, unknown> = {}) => ({
	metadata: { labels: { app: 'web' } },
	spec: { containers, ...extra }
});
const validSpec = { selector: { matchLabels: { app: 'web' } }, template: template([{ name: 'web', image: 'nginx' }]) };

describe('validateObject', () => {
	test.each([
		{ name: 'valid deployment', obj: deployment(validSpec), want: [] },
		{
			name: 'integer given a string',
			obj: deployment({ ...validSpec, replicas: 'three' }),
			want: ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"']
		},
		{
			name: 'integer given a fraction',
			obj: deployment({ ...validSpec, replicas: 1.5 }),
			want: ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"']
		},
		{
			name: 'missing required fields',
			obj: deployment({ replicas: 2 }),
			want: ['spec.selector: Required value', 'spec.template: Required value']
		},
		{
			name: 'unknown fields, strict decoding style',
			obj: deployment({ ...validSpec, foo: 1, template: template([{ name: 'web', image: 'nginx', foo: 'x' }]) }),
			// In document order: template comes before foo in this object.
			want: ['unknown field "spec.template.spec.containers[0].foo"', 'unknown field "spec.foo"']
		},
		{
			name: 'enum value',
			obj: pod({ containers: [{ name: 'c' }], restartPolicy: 'Sometimes' }),
			want: ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"']
		},
		{
			name: 'enum given a number reports type and enum, like the apiserver',
			obj: pod({ containers: [{ name: 'c', imagePullPolicy: 5 }] }),
			want: [
				'spec.containers[0].imagePullPolicy: Invalid value: "integer": spec.containers[0].imagePullPolicy in body must be of type string: "integer"',
				'spec.containers[0].imagePullPolicy: Unsupported value: 5: supported values: "Always", "IfNotPresent", "Never"'
			]
		},
		{
			name: 'required field inside a list item',
			obj: pod({ containers: [{ image: 'nginx', ports: [{ protocol: 'TCP' }] }] }),
			want: ['spec.containers[0].ports[0].containerPort: Required value', 'spec.containers[0].name: Required value']
		},
		{
			name: 'object given a list, and a list given an object',
			obj: pod({ containers: { name: 'c' }, nodeSelector: ['a'] }),
			want: [
				'spec.containers: Invalid value: "object": spec.containers in body must be of type array: "object"',
				'spec.nodeSelector: Invalid value: "array": spec.nodeSelector in body must be of type object: "array"'
			]
		},
		{
			name: 'int-or-string rejects booleans',
			obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: true }] } },
			want: ['spec.ports[0].targetPort: Invalid value: "boolean": spec.ports[0].targetPort in body must be of type integer,string: "boolean"']
		},
		{
			name: 'quantities accept numbers and strings, not booleans',
			obj: pod({ containers: [{ name: 'c', resources: { limits: { cpu: 0.5, memory: '128Mi', pods: 3, gpu: false } } }] }),
			want: ['spec.containers[0].resources.limits.gpu: Invalid value: "boolean": spec.containers[0].resources.limits.gpu in body must be of type integer,string: "boolean"']
		},
		{
			name: 'map values are typed',
			obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { tier: 1 } }, data: { PORT: 8080 } },
			want: [
				'metadata.labels.tier: Invalid value: "integer": metadata.labels.tier in body must be of type string: "integer"',
				'data.PORT: Invalid value: "integer": data.PORT in body must be of type string: "integer"'
			]
		},
		{
			name: 'null is "unset", as the API server decodes it',
			obj: deployment({ ...validSpec, replicas: null, strategy: null }),
			want: []
		},
		{
			name: 'free-form fields accept anything',
			obj: {
				apiVersion: 'apiextensions.k8s.io/v1',
				kind: 'CustomResourceDefinition',
				metadata: { name: 'widgets.example.com' },
				spec: {
					group: 'example.com',
					names: { kind: 'Widget', plural: 'widgets' },
					scope: 'Namespaced',
					versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', default: { any: [1, 'x'] } } } }]
				}
			},
			want: []
		},
		{ name: 'kinds without a schema are not validated', obj: { apiVersion: 'example.com/v1', kind: 'Widget', spec: { x: 1 } }, want: [] }
	])('$name', ({ obj, want }) => {
		expect(validateObject(obj, obj.apiVersion, obj.kind).map((e) => e.message)).toEqual(want);
	});

	test('errors carry the path and the reason', () => {
		const errs = validateObject(deployment({ replicas: 'x', selector: {}, template: template([{ name: 'c', bad: 1 }]) }), 'apps/v1', 'Deployment');
		expect(errs.map(({ path, reason }) => ({ path, reason }))).toEqual([
			{ path: ['spec', 'replicas'], reason: 'invalid' },
			{ path: ['spec', 'template', 'spec', 'containers', 0, 'bad'], reason: 'unknown' }
		]);
	});

	test('the number of errors is bounded', () => {
		const data = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
		const errs = validateObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data }, 'v1', 'ConfigMap');
		expect(errs).toHaveLength(VALIDATE_LIMITS.maxErrors);
	});
});

describe('starters', () => {
	const files = STARTERS.flatMap((s) => Object.entries(s.files).map(([path, text]) => ({ name: `${s.id}/${path}`, text })));
	test.each(files)('$name is valid', ({ text }) => {
		for (const doc of parseAllDocuments(text)) {
			const obj = doc.toJS() as { apiVersion: string; kind: string } | null;
			if (obj) expect(validateObject(obj, obj.apiVersion, obj.kind)).toEqual([]);
		}
	});
});

describe('formatting', () => {
	test.each([
		{ path: [], want: '' },
		{ path: ['spec', 'replicas'], want: 'spec.replicas' },
		{ path: ['spec', 'containers', 0, 'ports', 1, 'name'], want: 'spec.containers[0].ports[1].name' },
		{ path: ['metadata', 'labels', 'app.kubernetes.io/name'], want: 'metadata.labels.app.kubernetes.io/name' }
	])('formatPath($path) = $want', ({ path, want }) => expect(formatPath(path)).toBe(want));

	test.each([
		{ value: 3, want: 'integer' },
		{ value: 3.5, want: 'number' },
		{ value: 'x', want: 'string' },
		{ value: true, want: 'boolean' },
		{ value: null, want: 'null' },
		{ value: [], want: 'array' },
		{ value: {}, want: 'object' }
	])('jsonType($value) = $want', ({ value, want }) => expect(jsonType(value)).toBe(want));
});
