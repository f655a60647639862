import { describe, expect, it } from 'vitest';
import { createRng, KUBE_ALPHABET } from '../clock/rng';
import { IdentitySource, uuidV4 } from './random-ids';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SUFFIX = new RegExp(`^[${KUBE_ALPHABET}]{5}$`);

/** An identity source on a clock the test moves. */
function source(seed: number, epoch = 1) {
	const clock = { t: 1_000 };
	const ids = new IdentitySource(seed, epoch, () => clock.t);
	return Object.assign(ids, { clock });
}

describe('random ids', () => {
	it('formats uids as RFC 4122 version 4 UUIDs', () => {
		const rng = createRng(7);
		const ids = source(7);
		for (let i = 0; i < 200; i++) {
			expect(uuidV4(rng)).toMatch(UUID_V4);
			expect(ids.uid('/pods', 'default', `p-${i}`)).toMatch(UUID_V4);
		}
	});

	it('derives uids from seed, resource, namespace and name, not from the order of requests', () => {
		const a = source(42);
		const b = source(42);
		const webA = a.uid('/pods', 'default', 'web');
		a.uid('/pods', 'default', 'db');
		b.uid('/pods', 'default', 'db');
		expect(b.uid('/pods', 'default', 'web')).toBe(webA);
		// Each of these differs from the others: another seed, epoch, resource, namespace, name.
		const others = [
			source(43).uid('/pods', 'default', 'web'),
			source(42, 2).uid('/pods', 'default', 'web'),
			source(42).uid('/services', 'default', 'web'),
			source(42).uid('/pods', 'other', 'web'),
			source(42).uid('/pods', 'default', 'web2')
		];
		expect(new Set([webA, ...others]).size).toBe(6);
	});

	it('gives every incarnation of a name its own uid: later, in the same instant, after a restart (new epoch)', () => {
		const ids = source(42, 10);
		const uids = [ids.uid('apps/deployments', 'default', 'web'), ids.uid('apps/deployments', 'default', 'web')];
		ids.clock.t += 1;
		uids.push(ids.uid('apps/deployments', 'default', 'web'));
		ids.clock.t -= 1; // a reloaded room whose clock was paused: same instant, counters from 0
		const restarted = new IdentitySource(42, 17, () => ids.clock.t);
		uids.push(restarted.uid('apps/deployments', 'default', 'web'), restarted.uid('apps/deployments', 'default', 'web'));
		expect(new Set(uids).size).toBe(5);
	});

	it('appends a new suffix of kube\'s alphabet on every generateName, the same ones per prefix however calls interleave', () => {
		const a = source(42);
		const b = source(42);
		const seqA = [a.generateName('default', 'web-'), a.generateName('default', 'db-'), a.generateName('default', 'web-')];
		const seqB = [b.generateName('default', 'db-'), b.generateName('default', 'web-'), b.generateName('default', 'web-')];
		expect([seqB[1], seqB[0], seqB[2]]).toEqual(seqA);
		expect(seqA[0]).not.toBe(seqA[2]);
		for (const n of seqA) expect(n.replace(/^(web|db)-/, '')).toMatch(SUFFIX);
		expect(source(43).generateName('default', 'web-')).not.toBe(seqA[0]);
		expect(source(42).generateName('kube-system', 'web-')).not.toBe(seqA[0]);
	});

	it('gives 8 different suffixes in a row (the API server\'s retries on AlreadyExists)', () => {
		const ids = source(1);
		const names = Array.from({ length: 8 }, () => ids.generateName('default', 'web-'));
		expect(new Set(names).size).toBe(8);
	});

	it('cuts a long prefix like SimpleNameGenerator: 58 characters + 5', () => {
		const long = source(1).generateName(undefined, 'x'.repeat(300));
		expect(long).toHaveLength(63);
		expect(long.startsWith('x'.repeat(58))).toBe(true);
		expect(long.slice(58)).toMatch(SUFFIX);
	});

	it('spreads suffixes over the whole alphabet', () => {
		const ids = source(9);
		const seen = new Set<string>();
		for (let i = 0; i < 500; i++) for (const c of ids.generateName('ns', 'p-').slice(2)) seen.add(c);
		expect([...seen].sort().join('')).toBe([...KUBE_ALPHABET].sort().join(''));
	});

	it('hands out random streams per object write, seeded on first use', () => {
		const draw = (ids: IdentitySource) => {
			const r = ids.random('services', 'default', 'web');
			return [r(), r()];
		};
		const a = source(5);
		const b = source(5);
		b.random('services', 'default', 'unused'); // never called: counts nothing
		const first = draw(a);
		expect(draw(b)).toEqual(first);
		expect(first[0]).not.toBe(first[1]);
		expect(draw(a)).not.toEqual(first); // the object's next write gets a new stream
		expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
	});
});
