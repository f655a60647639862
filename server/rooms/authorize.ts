/**
 * Who is calling the rooms API and whether they may: the bearer token (with the browser's
 * participant key, when sent) resolves to a role; `requireCan` refuses with a 403 Status naming
 * who may do it. Other helpers' handlers get the resolved role and call `requireCan` too.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Role } from '../../src/lib/collab/protocol';
import { can, deniedMessage, lesserRole, type RoomAction } from '../../src/lib/rooms/permissions';
import { bearerToken, StatusError } from '../http/respond';
import { parseToken, roleOf, tokenRole } from './meta';
import type { Room } from './room';

/** The caller's role in `room`; 401 without a valid token. */
export function authorize(req: IncomingMessage, room: Room): Role {
	const role = roleOf(room.meta, bearerToken(req));
	if (!role) throw new StatusError(401, 'Unauthorized', 'Unauthorized');
	return role;
}

/**
 * The role whose links the caller may see: its link's role, or less when the facilitator made
 * it a viewer. (A viewer made editor edits through its own session, never gets the editor link.)
 */
export function linkRole(req: IncomingMessage, room: Room, role: Role): Role {
	const base = tokenRole(room.meta, parseToken(bearerToken(req) ?? '').secret) ?? role;
	return lesserRole(base, role);
}

/** Throws 403 `only the facilitator can <doing>` unless `role` may do `action`. */
export function requireCan(role: Role, action: RoomAction, doing: string): void {
	if (!can(role, action)) throw new StatusError(403, 'Forbidden', deniedMessage(action, doing));
}
