import { describe, expect, it } from 'vitest';
import { hasSavedIdentity, participantKey, saveIdentity, sessionToken, withColor } from './identity';

function memory(): Pick<Storage, 'getItem' | 'setItem'> {
	const m = new Map<string, string>();
	return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

describe('participant key', () => {
	it('is made once per browser, 128 bits in base64url, and sent after the token', () => {
		const s = memory();
		const key = participantKey(s, (b) => b.fill(255));
		expect(key).toBe('_____________________w');
		expect(participantKey(s, (b) => b.fill(0))).toBe(key);
		expect(sessionToken('tok', key)).toBe(`tok.${key}`);
	});
});

describe('saved identity', () => {
	it('tells a first visit (no saved name) from a later one', () => {
		const s = memory();
		expect(hasSavedIdentity(s)).toBe(false);
		saveIdentity(withColor('Ada', '#000'), s);
		expect(hasSavedIdentity(s)).toBe(true);
	});
});
