import { describe, expect, it } from 'vitest';
import { can, deniedMessage, lesserRole, rolesFor, type RoomAction } from './permissions';

const ACTIONS: RoomAction[] = ['edit-files', 'write-cluster', 'settings', 'clock', 'lesson', 'roles', 'lock-files', 'reset', 'follow-all', 'export'];

describe('can', () => {
	it('lets the facilitator do everything, editors edit files and the cluster, viewers nothing', () => {
		expect(ACTIONS.filter((a) => can('facilitator', a))).toEqual(ACTIONS);
		expect(ACTIONS.filter((a) => can('editor', a))).toEqual(['edit-files', 'write-cluster']);
		expect(ACTIONS.filter((a) => can('viewer', a))).toEqual([]);
		expect(can(undefined, 'edit-files')).toBe(false);
	});
	it('names who may do an action in refusals', () => {
		expect(rolesFor('clock')).toEqual(['facilitator']);
		expect(deniedMessage('clock', 'change the clock of room "r"')).toBe('only the facilitator can change the clock of room "r"');
		expect(deniedMessage('edit-files', 'change the files of room "r"')).toBe('only the facilitator and editors can change the files of room "r"');
	});
	it('orders roles', () => {
		expect(lesserRole('facilitator', 'viewer')).toBe('viewer');
		expect(lesserRole('editor', 'facilitator')).toBe('editor');
	});
});
