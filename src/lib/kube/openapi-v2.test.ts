import { describe, expect, it } from 'vitest';
import { openApiV2Json, openApiV2Proto } from './openapi-v2';

describe('OpenAPI v2', () => {
	const doc = openApiV2Json() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

	it('has every definition with kinds and patch strategies', () => {
		expect(doc.swagger).toBe('2.0');
		expect(doc.definitions['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
		expect(doc.definitions['io.k8s.api.core.v1.PodSpec'].properties.containers).toMatchObject({
			items: { $ref: '#/definitions/io.k8s.api.core.v1.Container' },
			'x-kubernetes-patch-merge-key': 'name',
			'x-kubernetes-patch-strategy': 'merge'
		});
	});

	it('encodes gnostic protobuf: swagger, info, definitions with YAML extensions', () => {
		const pb = Buffer.from(openApiV2Proto(doc));
		expect([...pb.subarray(0, 5)]).toEqual([0x0a, 0x03, 0x32, 0x2e, 0x30]); // field 1 = "2.0"
		expect(pb.includes(Buffer.from('io.k8s.api.apps.v1.Deployment'))).toBe(true);
		expect(pb.includes(Buffer.from('- group: apps\n  kind: Deployment\n  version: v1\n'))).toBe(true);
		expect(pb.includes(Buffer.from('#/definitions/io.k8s.api.core.v1.Container'))).toBe(true);
	});
});
