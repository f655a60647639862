import { describe, expect, it } from 'vitest';
import { applySchemaDefaults, pruneUnknown, withSchemaDefaults } from './default';
import type { JSONSchemaProps } from './types';

const SCHEMA: JSONSchemaProps = {
	type: 'object',
	properties: {
		spec: {
			type: 'object',
			properties: {
				replicas: { type: 'integer', default: 1 },
				strategy: { type: 'object', default: {}, properties: { type: { type: 'string', default: 'Rolling' } } },
				note: { type: 'string', nullable: true, default: 'n' },
				name: { type: 'string', default: 'x' },
				ports: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } } },
				labels: { type: 'object', additionalProperties: { type: 'string' } },
				free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } },
				template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } }
			}
		}
	}
};

describe('pruneUnknown', () => {
	it('drops unspecified fields and reports their paths', () => {
		const obj = {
			apiVersion: 'x/v1',
			kind: 'X',
			metadata: { name: 'a', bogus: 1 },
			extra: true,
			spec: {
				foo: 1,
				ports: [{ port: 80, bar: 2 }],
				labels: { a: 'b' },
				free: { anything: 1, known: { a: 'x', b: 'y' } },
				template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {}, status: {} }
			}
		};
		expect(pruneUnknown(SCHEMA, obj)).toEqual(['metadata.bogus', 'extra', 'spec.foo', 'spec.ports[0].bar', 'spec.free.known.b', 'spec.template.status']);
		expect(obj).toEqual({
			apiVersion: 'x/v1',
			kind: 'X',
			metadata: { name: 'a' },
			spec: { ports: [{ port: 80 }], labels: { a: 'b' }, free: { anything: 1, known: { a: 'x' } }, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} } }
		});
	});

	it('keeps everything under a root that preserves unknown fields', () => {
		const obj = { apiVersion: 'x/v1', kind: 'X', metadata: {}, spec: { any: 1 } };
		expect(pruneUnknown({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, obj)).toEqual([]);
		expect(obj.spec).toEqual({ any: 1 });
	});
});

describe('applySchemaDefaults', () => {
	it('fills unset properties top-down, inside defaulted values and list items', () => {
		const obj: Record<string, unknown> = { spec: { ports: [{ port: 80 }], name: null, note: null } };
		applySchemaDefaults(SCHEMA, obj);
		expect(obj.spec).toEqual({ replicas: 1, strategy: { type: 'Rolling' }, note: null, name: 'x', ports: [{ port: 80, protocol: 'TCP' }] });
	});

	it('keeps set values', () => {
		const obj: Record<string, unknown> = { spec: { replicas: 3, strategy: { type: 'Recreate' } } };
		applySchemaDefaults(SCHEMA, obj);
		expect(obj.spec).toMatchObject({ replicas: 3, strategy: { type: 'Recreate' } });
	});
});

describe('withSchemaDefaults', () => {
	it('defaults a copy on read, and returns the object itself when the schema has no defaults', () => {
		const stored = { spec: { replicas: 2 } };
		const read = withSchemaDefaults(SCHEMA, stored);
		expect(read).toEqual({ spec: { replicas: 2, strategy: { type: 'Rolling' }, note: 'n', name: 'x' } });
		expect(stored).toEqual({ spec: { replicas: 2 } });
		const plain = { type: 'object', properties: { spec: { type: 'object' } } };
		expect(withSchemaDefaults(plain, stored)).toBe(stored);
	});
});
