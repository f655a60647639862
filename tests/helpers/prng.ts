/**
 * Seeded randomness for replayable tests: the seed comes from `SEED` when set (to replay a
 * failure); under CI it is fixed (a landing must not depend on the draw); otherwise it is drawn
 * and printed on failure (`withSeed`).
 *
 * @module
 */
import * as prng from 'lib0/prng';

export type Rng = prng.PRNG;

export function seedFromEnv(): number {
	const s = process.env.SEED;
	if (s) return Number(s);
	return process.env.CI ? 20261125 : Math.floor(Math.random() * 2 ** 31);
}

export function createRng(seed: number): Rng {
	return prng.create(seed);
}

export const int = (rng: Rng, min: number, max: number): number => prng.int32(rng, min, max);
export const pick = <T>(rng: Rng, items: readonly T[]): T => prng.oneOf(rng, items as T[]);
export const bool = (rng: Rng, p = 0.5): boolean => prng.real53(rng) < p;
export const word = (rng: Rng, min = 1, max = 8): string => prng.word(rng, min, max);

/** Runs `fn(seed)`; a failure is rethrown with the seed and the command that replays it. */
export async function withSeed<T>(name: string, fn: (seed: number) => Promise<T>, seed = seedFromEnv()): Promise<T> {
	try {
		return await fn(seed);
	} catch (e) {
		const err = e as Error;
		err.message = `${err.message}\n  [${name}] seed ${seed}; replay with SEED=${seed}`;
		console.error(`[${name}] failed with seed ${seed} (replay: SEED=${seed})`);
		throw err;
	}
}
