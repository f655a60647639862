/**
 * Identifiers the API server makes up (uids, generateName suffixes), drawn from a seeded RNG so
 * a room's replay gives the same objects.
 *
 * @module
 */
import { KUBE_ALPHABET, type Rng } from '../clock/rng';

const HEX = '0123456789abcdef';

/** An RFC 4122 version 4 UUID (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`) from `rng`. */
export function uuidV4(rng: Rng): string {
	let s = '';
	for (let i = 0; i < 16; i++) {
		let byte = rng.int(256);
		if (i === 6) byte = (byte & 0x0f) | 0x40; // version 4
		if (i === 8) byte = (byte & 0x3f) | 0x80; // variant 10xx
		if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
		s += HEX[byte >> 4] + HEX[byte & 15];
	}
	return s;
}

/** kube's names.SimpleNameGenerator: the prefix (cut to fit 253) plus 5 random characters. */
export function generateName(prefix: string, rng: Rng): string {
	const base = prefix.length > 253 - 5 ? prefix.slice(0, 253 - 5) : prefix;
	return base + rng.string(5, KUBE_ALPHABET);
}
