import { describe, expect, it } from 'vitest';
import { createRng } from '../clock/rng';
import { generateName, uuidV4 } from './random-ids';

describe('random ids', () => {
	it('formats uids as RFC 4122 version 4 UUIDs', () => {
		const rng = createRng(7);
		for (let i = 0; i < 200; i++) expect(uuidV4(rng)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
	});

	it('gives the same uids and names for the same seed, other ones for another', () => {
		const draw = (seed: number) => {
			const rng = createRng(seed).fork('apiserver');
			return [uuidV4(rng), generateName('web-', rng), uuidV4(rng)];
		};
		expect(draw(42)).toEqual(draw(42));
		expect(draw(42)).not.toEqual(draw(43));
	});

	it('appends five characters of kube\'s alphabet, cutting a long prefix to fit 253', () => {
		const rng = createRng(1);
		expect(generateName('web-', rng)).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
		const long = generateName('x'.repeat(300), rng);
		expect(long).toHaveLength(253);
		expect(long.startsWith('x'.repeat(248))).toBe(true);
	});
});
