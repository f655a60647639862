/**
 * The room's seeded random numbers: sfc32 (Chris Doty-Humphrey's Small Fast Counter, 128-bit
 * state, passes PractRand), seeded through splitmix32 so nearby seeds give unrelated streams.
 * Same seed, same calls → same numbers, on every machine.
 *
 * @module
 */

export interface Rng {
	/** A float in [0, 1). */
	next(): number;
	/** An integer in [0, n). */
	int(n: number): number;
	/** `n` characters from `alphabet` (names, suffixes). */
	string(n: number, alphabet?: string): string;
	/**
	 * A new generator seeded from this one's seed and `label` (one stream per component). It draws
	 * nothing, so forks do not depend on their order or on the draws before them (the API server
	 * forks on its first request, racing the controllers); the same label gives the same stream,
	 * so a label used again (after a reload) must say what differs (`apiserver@<revision>`).
	 */
	fork(label: string): Rng;
}

/** kube's name-suffix alphabet (no vowels, no confusable digits): k8s.io/apimachinery/pkg/util/rand. */
export const KUBE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A fresh 32-bit seed for a new room (the one place randomness is not reproducible). */
export function newSeed(random: () => number = Math.random): number {
	return Math.floor(random() * 2 ** 32) >>> 0;
}

function splitmix32(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x9e3779b9) >>> 0;
		let z = s;
		z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
		z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
		return (z ^ (z >>> 16)) >>> 0;
	};
}

/** FNV-1a of a string (32 bits): mixes a label into a seed. */
export function fnv1a32(s: string, h = 0x811c9dc5): number {
	for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
	return h >>> 0;
}

/** sfc32 seeded with `seed` (a 32-bit integer). */
export function createRng(seed: number): Rng {
	const sm = splitmix32(seed);
	let a = sm();
	let b = sm();
	let c = sm();
	let d = sm();
	const u32 = () => {
		const t = (((a + b) >>> 0) + d) >>> 0;
		d = (d + 1) >>> 0;
		a = b ^ (b >>> 9);
		b = (c + (c << 3)) >>> 0;
		c = ((c << 21) | (c >>> 11)) >>> 0;
		c = (c + t) >>> 0;
		return t;
	};
	// The first outputs of a fresh sfc32 are weakly mixed; discard like the reference does.
	for (let i = 0; i < 12; i++) u32();
	const rng: Rng = {
		next: () => u32() / 2 ** 32,
		int: (n) => Math.floor((u32() / 2 ** 32) * n),
		string: (n, alphabet = KUBE_ALPHABET) => {
			let s = '';
			for (let i = 0; i < n; i++) s += alphabet[rng.int(alphabet.length)];
			return s;
		},
		fork: (label) => createRng(fnv1a32(label, seed >>> 0))
	};
	return rng;
}
