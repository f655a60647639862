import { describe, expect, it } from 'vitest';
import { loadRecent, MAX_RECENT, parseRoomLink, rememberRoom } from './recent';

function memory(): Storage {
	const m = new Map<string, string>();
	return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) } as Storage;
}

describe('recent rooms', () => {
	it('keeps newest first, bounded, one entry per room', () => {
		const s = memory();
		for (let i = 0; i < MAX_RECENT + 5; i++) rememberRoom({ id: `r${i}`, name: `R${i}`, token: 't', role: 'editor' }, s);
		rememberRoom({ id: 'r10', name: 'again', token: 't', role: 'editor' }, s);
		const list = loadRecent(s);
		expect(list).toHaveLength(MAX_RECENT);
		expect(list[0]).toMatchObject({ id: 'r10', name: 'again' });
		expect(new Set(list.map((r) => r.id)).size).toBe(MAX_RECENT);
	});

	it('does not replace an editor token by a viewer token', () => {
		const s = memory();
		rememberRoom({ id: 'r', name: 'R', token: 'edit', role: 'editor' }, s);
		rememberRoom({ id: 'r', name: 'R', token: 'view', role: 'viewer' }, s);
		expect(loadRecent(s)[0]).toMatchObject({ token: 'edit', role: 'editor' });
	});

	it('survives garbage in storage', () => {
		const s = memory();
		s.setItem('converge.recentRooms', '{not json');
		expect(loadRecent(s)).toEqual([]);
	});
});

describe('parseRoomLink', () => {
	const id = 'AAAAAAAAAAAAAAAAAAAAAA';
	it('reads id and token', () => expect(parseRoomLink(`https://x.example/r/${id}#token=abc_-1`)).toEqual({ id, token: 'abc_-1' }));
	it('refuses a link without token', () => expect(parseRoomLink(`https://x.example/r/${id}`)).toBeUndefined());
	it('refuses a short id', () => expect(parseRoomLink('https://x.example/r/abc#token=t')).toBeUndefined());
});
