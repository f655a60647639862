import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../field-errors';
import { validateCustomObject } from './validate';
import type { JSONSchemaProps } from './types';

const SCHEMA: JSONSchemaProps = {
	type: 'object',
	properties: {
		spec: {
			type: 'object',
			required: ['cronSpec'],
			properties: {
				cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
				replicas: { type: 'integer', minimum: 1, maximum: 10 },
				ratio: { type: 'number', exclusiveMaximum: true, maximum: 1, multipleOf: 0.25 },
				size: { type: 'string', enum: ['S', 'M'] },
				name: { type: 'string', maxLength: 5, minLength: 2 },
				tags: { type: 'array', maxItems: 2, minItems: 1, items: { type: 'string' } },
				port: { 'x-kubernetes-int-or-string': true },
				note: { type: 'string', nullable: true },
				labels: { type: 'object', additionalProperties: { type: 'string' } },
				template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
				free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }
			}
		}
	}
};

const errorsOf = (spec: Record<string, unknown>) => validateCustomObject(SCHEMA, { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' }, spec }).map(formatFieldError);

describe('validateCustomObject', () => {
	it.each([
		{ name: 'valid object', spec: { cronSpec: '* * * * */5', replicas: 3, port: 'http', note: null, free: { any: [1] } }, want: [] },
		{
			name: 'wrong type',
			spec: { cronSpec: '* * * * *', replicas: 'three' },
			want: ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"']
		},
		{ name: 'float for an integer', spec: { cronSpec: '* * * * *', replicas: 1.5 }, want: ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"'] },
		{ name: 'required', spec: {}, want: ['spec.cronSpec: Required value'] },
		{ name: 'enum', spec: { cronSpec: '* * * * *', size: 'XL' }, want: ['spec.size: Unsupported value: "XL": supported values: "S", "M"'] },
		{ name: 'maximum', spec: { cronSpec: '* * * * *', replicas: 11 }, want: ['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10'] },
		{ name: 'minimum', spec: { cronSpec: '* * * * *', replicas: 0 }, want: ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1'] },
		{
			name: 'exclusive maximum and multipleOf',
			spec: { cronSpec: '* * * * *', ratio: 1 },
			want: ['spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1']
		},
		{ name: 'multipleOf', spec: { cronSpec: '* * * * *', ratio: 0.3 }, want: ['spec.ratio: Invalid value: 0.3: spec.ratio in body should be a multiple of 0.25'] },
		{
			name: 'pattern',
			spec: { cronSpec: 'often' },
			want: ["spec.cronSpec: Invalid value: \"often\": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'"]
		},
		{ name: 'maxLength', spec: { cronSpec: '* * * * *', name: 'toolong' }, want: ['spec.name: Too long: may not be longer than 5'] },
		{ name: 'minLength', spec: { cronSpec: '* * * * *', name: 'a' }, want: ['spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long'] },
		{ name: 'maxItems', spec: { cronSpec: '* * * * *', tags: ['a', 'b', 'c'] }, want: ['spec.tags: Too many: 3: must have at most 2 items'] },
		{ name: 'minItems', spec: { cronSpec: '* * * * *', tags: [] }, want: ['spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items'] },
		{ name: 'item type', spec: { cronSpec: '* * * * *', tags: ['a', 2] }, want: ['spec.tags[1]: Invalid value: "integer": spec.tags[1] in body must be of type string: "integer"'] },
		{ name: 'int-or-string', spec: { cronSpec: '* * * * *', port: true }, want: ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"'] },
		{ name: 'map values', spec: { cronSpec: '* * * * *', labels: { a: 1 } }, want: ['spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"'] },
		{ name: 'null without nullable', spec: { cronSpec: '* * * * *', name: null }, want: ['spec.name: Invalid value: "null": spec.name in body must be of type string: "null"'] },
		{
			name: 'embedded resource without apiVersion and kind',
			spec: { cronSpec: '* * * * *', template: { metadata: {} } },
			want: ['spec.template.apiVersion: Required value: must not be empty', 'spec.template.kind: Required value: must not be empty']
		}
	])('$name', ({ spec, want }) => {
		expect(errorsOf(spec)).toEqual(want);
	});

	it('ignores the root apiVersion, kind and metadata', () => {
		expect(validateCustomObject({ type: 'object', properties: { spec: { type: 'object' } } }, { apiVersion: 1, kind: [], metadata: { name: 'a' } })).toEqual([]);
	});
});
