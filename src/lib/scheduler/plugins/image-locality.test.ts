import { describe, expect, it } from 'vitest';
import { makeNode, makePod, runScorePlugin, snapshotOf } from '../test-fixtures';
import { create, normalizedImageName } from './image-locality';

const MB = 1024 * 1024;

describe('ImageLocality', () => {
	it('normalizes untagged names with :latest', () => {
		expect(normalizedImageName('nginx')).toBe('nginx:latest');
		expect(normalizedImageName('registry:5000/app')).toBe('registry:5000/app:latest');
		expect(normalizedImageName('nginx:1.25')).toBe('nginx:1.25');
	});

	it('scores size × spread, clamped to [23 MiB, 1000 MiB × containers]', () => {
		const img = (size: number) => [{ names: ['app:1'], sizeBytes: size }];
		// 300 MiB image on 2 of 4 nodes: per node 300·2/4 = 150 MiB → 100·(150−23)/(1000−23) = 12 (12.99)
		const snap = snapshotOf([makeNode('a', { images: img(300 * MB) }), makeNode('b', { images: img(300 * MB) }), makeNode('c'), makeNode('d')]);
		const want = Math.trunc((100 * (150 * MB - 23 * MB)) / (1000 * MB - 23 * MB));
		expect(want).toBe(12);
		expect(runScorePlugin(create(), snap, makePod('p'))).toEqual({ a: want, b: want, c: 0, d: 0 });
	});
});
