/**
 * What each role may do in a room. The server enforces it (rooms API, collab socket, kube API);
 * the browser only uses it to hide what would be refused.
 *
 * The facilitator (the room's creator) runs the workshop: room settings, the clock, lesson
 * progress, participants' roles, file locks, fault schedules, resetting the cluster, asking
 * everyone to follow. Editors change files and the cluster; viewers read.
 *
 * @module
 */
import type { Role } from '../collab/protocol';

export type RoomAction =
	/** Change the shared files (unless the file is locked). */
	| 'edit-files'
	/** Write through the kube API, sync now, one-click faults. */
	| 'write-cluster'
	/** Room settings: name, sync modes, retention, network plugin. */
	| 'settings'
	/** Pause, resume, step, speed. */
	| 'clock'
	/** Start a lesson, move the room to another step. */
	| 'lesson'
	/** Make a participant an editor or a viewer. */
	| 'roles'
	/** Lock or unlock files. */
	| 'lock-files'
	/** Reset the cluster to the files. */
	| 'reset'
	/** Ask everyone to follow. */
	| 'follow-all'
	/** Export the room as an archive. */
	| 'export';

const FACILITATOR_ONLY: ReadonlySet<RoomAction> = new Set(['settings', 'clock', 'lesson', 'roles', 'lock-files', 'reset', 'follow-all', 'export']);
const EDITOR: ReadonlySet<RoomAction> = new Set(['edit-files', 'write-cluster']);

export function can(role: Role | undefined, action: RoomAction): boolean {
	if (role === 'facilitator') return true;
	if (role === 'editor') return EDITOR.has(action);
	return false;
}

/** Roles from most to least powerful. */
export const ROLE_RANK: Record<Role, number> = { viewer: 0, editor: 1, facilitator: 2 };

/** The less powerful of two roles. */
export function lesserRole(a: Role, b: Role): Role {
	return ROLE_RANK[a] <= ROLE_RANK[b] ? a : b;
}

/** Roles that may do `action`, for error messages ("only the facilitator can …"). */
export function rolesFor(action: RoomAction): Role[] {
	return FACILITATOR_ONLY.has(action) ? ['facilitator'] : EDITOR.has(action) ? ['facilitator', 'editor'] : [];
}

/** Who may do `action`, for messages: "the facilitator", "the facilitator and editors". */
export function whoMay(action: RoomAction): string {
	const roles = rolesFor(action);
	return roles.length === 1 ? 'the facilitator' : roles.length ? 'the facilitator and editors' : 'nobody';
}

/** The refusal's message: `only the facilitator can change the clock of room "x"`. */
export function deniedMessage(action: RoomAction, doing: string): string {
	return `only ${whoMay(action)} can ${doing}`;
}
