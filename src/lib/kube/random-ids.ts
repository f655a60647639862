/**
 * Identifiers the API server makes up: uids, generateName suffixes, and the random choices of
 * Service allocation. They are derived, not drawn in request order: a sha256 of the room's seed
 * and what the identifier is for (the object's resource, namespace and name, the instant of the
 * room clock and a count within it), so two runs of a scenario whose concurrent requests
 * interleave differently still give every object the same uid and name.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { createRng, KUBE_ALPHABET, type Rng } from '../clock/rng';

const HEX = '0123456789abcdef';
const utf8 = new TextEncoder();

/** kube's names.SimpleNameGenerator (k8s.io/apiserver/pkg/storage/names): 63-character names, 5 random. */
const MAX_NAME_LENGTH = 63;
const RANDOM_LENGTH = 5;

/** An RFC 4122 version 4 UUID (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`) from 16 bytes. */
export function uuidFromBytes(bytes: ArrayLike<number>): string {
	let s = '';
	for (let i = 0; i < 16; i++) {
		let byte = bytes[i];
		if (i === 6) byte = (byte & 0x0f) | 0x40; // version 4
		if (i === 8) byte = (byte & 0x3f) | 0x80; // variant 10xx
		if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
		s += HEX[byte >> 4] + HEX[byte & 15];
	}
	return s;
}

/** An RFC 4122 version 4 UUID drawn from `rng` (the bootstrap's objects, made in a fixed order). */
export function uuidV4(rng: Rng): string {
	return uuidFromBytes(Array.from({ length: 16 }, () => rng.int(256)));
}

/** The prefix as SimpleNameGenerator keeps it: cut so that prefix + suffix fit 63 characters. */
export function generatedBase(prefix: string): string {
	return prefix.length > MAX_NAME_LENGTH - RANDOM_LENGTH ? prefix.slice(0, MAX_NAME_LENGTH - RANDOM_LENGTH) : prefix;
}

/** 5 characters of kube's alphabet from 32-bit words of a hash (bias below 1e-8). */
function suffixFrom(digest: Uint8Array): string {
	const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
	let s = '';
	for (let i = 0; i < RANDOM_LENGTH; i++) s += KUBE_ALPHABET[view.getUint32(i * 4) % KUBE_ALPHABET.length];
	return s;
}

/** sha256 of the parts, joined by NUL (which no name, namespace or resource holds). */
function digestOf(parts: readonly (string | number)[]): Uint8Array {
	return sha256(utf8.encode(parts.join('\0')));
}

/**
 * The identifiers of one API server run over a room's store. An object's incarnation is told
 * apart by the room-clock millisecond of its create and how many times that name was created in
 * that millisecond: counters of the current millisecond only, so memory stays bounded however
 * many names a room creates. `epoch` tells runs over the same store apart (the server passes the
 * store's revision when it starts): a reloaded room counts from 0 again, maybe at the same
 * (paused) instant, and must not give a name the uid of an earlier incarnation.
 */
export class IdentitySource {
	private instant = Number.NaN;
	/** Uses in the current millisecond, by what is counted (uid of a name, suffix of a prefix, ...). */
	private counts = new Map<string, number>();

	constructor(
		private readonly seed: number,
		private readonly epoch: number,
		private readonly now: () => number
	) {}

	/** sha256 of (seed, epoch, what, now, how many times `what` was derived at now). */
	private derive(what: string): Uint8Array {
		const now = this.now();
		if (now !== this.instant) [this.instant, this.counts] = [now, new Map()];
		const n = this.counts.get(what) ?? 0;
		this.counts.set(what, n + 1);
		return digestOf([this.seed, this.epoch, what, now, n]);
	}

	/** The uid of a new incarnation of `name` (resource = `group/resource` as stored). */
	uid(resource: string, namespace: string | undefined, name: string): string {
		return uuidFromBytes(this.derive(`uid\0${resource}\0${namespace ?? ''}\0${name}`));
	}

	/** `prefix` (cut like kube's) with a suffix: a new one on every call. */
	generateName(namespace: string | undefined, prefix: string): string {
		return generatedBase(prefix) + suffixFrom(this.derive(`generateName\0${namespace ?? ''}\0${prefix}`));
	}

	/** Random numbers for one write of one object (e.g. a Service's ClusterIP), seeded on first use. */
	random(label: string, namespace: string | undefined, name: string): () => number {
		let rng: Rng | undefined;
		return () => {
			if (!rng) {
				const d = this.derive(`random\0${label}\0${namespace ?? ''}\0${name}`);
				rng = createRng(new DataView(d.buffer, d.byteOffset).getUint32(0));
			}
			return rng.next();
		};
	}
}
