import { describe, expect, it } from 'vitest';
import { customPrinter, evalJsonPath, parseJsonPath } from './table';
import { AGE_COLUMN } from './resource-info';

const OBJ = {
	metadata: { name: 'a', creationTimestamp: '2026-01-01T00:00:00Z', labels: { 'app.kubernetes.io/name': 'web' } },
	spec: { replicas: 2.0, ratio: 0.5, image: 'nginx', items: [{ n: 1 }, { n: 2 }] },
	status: { ready: true, conditions: [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True' }] }
};

describe('custom resource tables', () => {
	it.each([
		{ path: '.spec.image', want: 'nginx' },
		{ path: '.spec.items[1].n', want: 2 },
		{ path: '.spec.items[*].n', want: 1 },
		{ path: ".metadata.labels['app.kubernetes.io/name']", want: 'web' },
		{ path: '.status.conditions[?(@.type=="Ready")].status', want: 'True' },
		{ path: '.spec.missing', want: undefined }
	])('evaluates $path', ({ path, want }) => {
		expect(evalJsonPath(OBJ, parseJsonPath(path)!)).toEqual(want);
	});

	it('prints Name then the typed columns', () => {
		const p = customPrinter([
			{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
			{ name: 'Ratio', type: 'number', jsonPath: '.spec.ratio' },
			{ name: 'Ready', type: 'boolean', jsonPath: '.status.ready' },
			{ name: 'Items', type: 'string', jsonPath: '.spec.items', priority: 1 },
			{ name: 'Missing', type: 'string', jsonPath: '.spec.nope' },
			AGE_COLUMN
		]);
		expect(p.columns().map((c) => [c.name, c.type, c.priority])).toEqual([
			['Name', 'string', 0],
			['Replicas', 'integer', 0],
			['Ratio', 'number', 0],
			['Ready', 'boolean', 0],
			['Items', 'string', 1],
			['Missing', 'string', 0],
			['Age', 'date', 0]
		]);
		expect(p.columns()[1].description).toBe('Custom resource definition column (in JSONPath format): .spec.replicas');
		expect(p.row(OBJ, Date.parse('2026-01-01T00:05:00Z')).cells).toEqual(['a', 2, 0.5, true, '[{"n":1},{"n":2}]', null, '5m']);
	});
});
