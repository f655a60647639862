import { describe, expect, it } from 'vitest';
import { changedPaths } from './changed-paths';

describe('changed paths', () => {
	it('lists the leaf paths that differ, ignoring server-set metadata and status', () => {
		const live = { metadata: { name: 'web', resourceVersion: '5', generation: 2, labels: { app: 'web' } }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.26' }] } } }, status: { replicas: 3 } };
		const after = { metadata: { name: 'web', resourceVersion: '6', generation: 3, labels: { app: 'web', tier: 'front' } }, spec: { replicas: 5, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } }, status: { replicas: 5 } };
		expect(changedPaths(live, after)).toEqual(['metadata.labels.tier', 'spec.replicas', 'spec.template.spec.containers[0].image']);
		expect(changedPaths(live, structuredClone(live))).toEqual([]);
	});

	it('names a removed field and an added list item', () => {
		const older = { spec: { ports: [{ port: 80 }], selector: { app: 'web' } } };
		const newer = { spec: { ports: [{ port: 80 }, { port: 443 }] } };
		expect(changedPaths(older, newer)).toEqual(['spec.ports[1]', 'spec.selector']);
	});
});
