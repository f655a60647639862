import { describe, expect, it } from 'vitest';
import { createRng, KUBE_ALPHABET } from './rng';

describe('createRng', () => {
	it('replays the same sequence for the same seed, another for another seed', () => {
		const a = createRng(42);
		const b = createRng(42);
		const xs = Array.from({ length: 100 }, () => a.next());
		expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
		const c = createRng(43);
		expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(xs);
		expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
	});

	it('forks independent, reproducible streams by label', () => {
		const a = createRng(7);
		const b = createRng(7);
		expect(a.fork('replicaset').string(5)).toBe(b.fork('replicaset').string(5));
		expect(createRng(7).fork('x').next()).not.toBe(createRng(7).fork('y').next());
	});

	it('draws integers and kube-style suffixes in range', () => {
		const r = createRng(1);
		const counts = new Array(6).fill(0);
		for (let i = 0; i < 6_000; i++) counts[r.int(6)]++;
		for (const n of counts) expect(n).toBeGreaterThan(800);
		expect(r.string(5)).toMatch(new RegExp(`^[${KUBE_ALPHABET}]{5}$`));
	});
});
