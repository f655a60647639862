import { describe, expect, it } from 'vitest';
import { omitEmptyMeta } from './omit-empty';

describe('omitEmptyMeta', () => {
	it('drops empty ObjectMeta lists and maps like Go omitempty, keeps the rest', () => {
		const obj = { metadata: { name: 'a', finalizers: [], labels: {}, annotations: { k: 'v' }, ownerReferences: [] }, spec: { list: [] } };
		expect(omitEmptyMeta(obj)).toEqual({ metadata: { name: 'a', annotations: { k: 'v' } }, spec: { list: [] } });
	});

	it('does not touch a metadata object shared with another object', () => {
		const meta = { name: 'a', finalizers: [] as string[] };
		const obj = omitEmptyMeta({ metadata: meta });
		expect(meta.finalizers).toEqual([]);
		expect(obj.metadata).toEqual({ name: 'a' });
	});
});
