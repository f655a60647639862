import { describe, expect, it } from 'vitest';
import { isLocked, participantIdOf, parseToken, roleOf, type RoomMeta } from './meta';

const meta = (extra: Partial<RoomMeta> = {}): RoomMeta => ({
	id: 'r',
	name: 'R',
	starter: 'blank',
	created: '',
	tokens: { facilitator: 'fff', editor: 'eee', viewer: 'vvv' },
	...extra
});

describe('roleOf', () => {
	it('maps each token to its role, and anything else to none', () => {
		expect(['fff', 'eee', 'vvv', 'xxx', '', undefined].map((t) => roleOf(meta(), t))).toEqual(['facilitator', 'editor', 'viewer', undefined, undefined, undefined]);
	});
	it('applies the facilitator\'s role for the participant whose key follows the token, never to the facilitator', () => {
		const p = participantIdOf('key1');
		const m = meta({ participants: { [p]: { role: 'editor' } } });
		expect(roleOf(m, 'vvv.key1')).toBe('editor');
		expect(roleOf(m, 'vvv.key2')).toBe('viewer');
		expect(roleOf(m, 'vvv')).toBe('viewer');
		expect(roleOf(m, 'xxx.key1')).toBeUndefined();
		expect(roleOf(meta({ participants: { [p]: { role: 'viewer' } } }), 'fff.key1')).toBe('facilitator');
	});
	it('shows a hash of the key, never the key', () => {
		expect(parseToken('eee.secret')).toEqual({ secret: 'eee', participant: participantIdOf('secret') });
		expect(participantIdOf('secret')).toMatch(/^[A-Za-z0-9_-]{16}$/);
		expect(participantIdOf('secret')).not.toContain('secret');
	});
});

describe('isLocked', () => {
	it('locks a path and what is under it', () => {
		const m = meta({ locked: ['app', 'x.yaml'] });
		expect(['app/a.yaml', 'app', 'x.yaml', 'apps/a.yaml', 'x.yaml.bak'].map((p) => isLocked(m, p))).toEqual([true, true, true, false, false]);
	});
});
