/**
 * Randomness for the scheduler: injected, so a room's seeded RNG makes every tie-break and
 * preemption offset replayable.
 *
 * @module
 */

/** Returns a float in [0, 1), like Math.random. */
export type Rng = () => number;

/** Go's rand.Intn: an integer in [0, n). */
export function intn(rng: Rng, n: number): number {
	return Math.floor(rng() * n);
}

/** mulberry32: a small seeded generator (tests, and rooms without their own RNG). */
export function seededRng(seed: number): Rng {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
