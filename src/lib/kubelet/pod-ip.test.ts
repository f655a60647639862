import { describe, expect, it } from 'vitest';
import { podIPOffset } from './pod-ip';

describe('podIPOffset', () => {
	it('gives a pod the same address whatever order the pods of an instant start in', () => {
		const uids = Array.from({ length: 20 }, (_, i) => `uid-${i}`);
		const assign = (order: string[]) => {
			const used = new Set<number>();
			const out = new Map<string, number>();
			for (const uid of order) {
				const o = podIPOffset(uid, 256, used)!;
				used.add(o);
				out.set(uid, o);
			}
			return out;
		};
		const forward = assign(uids);
		const backward = assign([...uids].reverse());
		// Pods whose first choice was free either way get it in both orders.
		const firstChoice = (uid: string) => podIPOffset(uid, 256, new Set());
		const uncontested = uids.filter((u) => uids.filter((v) => firstChoice(v) === firstChoice(u)).length === 1);
		expect(uncontested.length).toBeGreaterThan(15);
		for (const u of uncontested) expect(backward.get(u)).toBe(forward.get(u));
		expect(new Set(forward.values()).size).toBe(uids.length);
	});

	it('stays within .2 … .254 of a /24, takes the next free one, and says when the block is full', () => {
		const used = new Set<number>();
		for (let i = 0; i < 253; i++) {
			const o = podIPOffset(`p-${i}`, 256, used);
			expect(o).toBeGreaterThanOrEqual(2);
			expect(o).toBeLessThanOrEqual(254);
			used.add(o!);
		}
		expect(podIPOffset('one-more', 256, used)).toBeUndefined();
		const taken = podIPOffset('x', 256, new Set())!;
		expect(podIPOffset('x', 256, new Set([taken]))).toBe(taken === 254 ? 2 : taken + 1);
	});
});
