import { describe, expect, it } from 'vitest';
import type { Room } from '../rooms/room';
import type { RoomRegistry } from '../rooms/registry';
import { authenticate, principalOf, TokenIssuer } from './auth';

function fixture() {
	const room = { id: 'R0omIdR0omIdR0omIdR0om', meta: { tokens: { editor: 'editor-token', viewer: 'viewer-token' } } } as unknown as Room;
	const rooms = { get: async (id: string) => (id === room.id ? room : undefined) } as unknown as RoomRegistry;
	return { room, rooms, tokens: new TokenIssuer() };
}

describe('room auth tokens', () => {
	it('authenticate with the room id and either token; the token carries the role', async () => {
		const { room, rooms, tokens } = fixture();
		for (const [password, role] of [
			['editor-token', 'editor'],
			['viewer-token', 'viewer']
		] as const) {
			const { token } = await authenticate(rooms, tokens, room.id, password);
			expect(await principalOf(rooms, tokens, token)).toEqual({ room, role });
		}
	});

	it.each([
		{ name: 'wrong password', user: 'R0omIdR0omIdR0omIdR0om', password: 'nope' },
		{ name: 'unknown room', user: 'XXXXXXXXXXXXXXXXXXXXXX', password: 'editor-token' },
		{ name: 'empty user', user: '', password: '' }
	])('authenticate refuses: $name', async ({ user, password }) => {
		const { rooms, tokens } = fixture();
		await expect(authenticate(rooms, tokens, user, password)).rejects.toThrow('etcdserver: authentication failed, invalid user ID or password');
	});

	it('refuses missing, forged, other-process and stale tokens with etcd’s errors', async () => {
		const { room, rooms, tokens } = fixture();
		const { token } = await authenticate(rooms, tokens, room.id, 'viewer-token');
		await expect(principalOf(rooms, tokens, undefined)).rejects.toThrow('etcdserver: user name is empty');
		const invalid = 'etcdserver: invalid auth token';
		await expect(principalOf(rooms, tokens, token.replace('.v.', '.e.'))).rejects.toThrow(invalid);
		await expect(principalOf(rooms, tokens, 'garbage')).rejects.toThrow(invalid);
		await expect(principalOf(rooms, new TokenIssuer(), token)).rejects.toThrow(invalid);
		room.meta.tokens.viewer = 'rotated';
		await expect(principalOf(rooms, tokens, token)).rejects.toThrow(invalid);
	});
});
