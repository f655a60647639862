/**
 * The facilitator's part of the rooms HTTP API (workshop mode):
 *
 *   GET  /api/rooms/<id>/participants               Bearer any          → who is here, with the role the server resolved
 *   PUT  /api/rooms/<id>/participants/<participant> Bearer facilitator {role: editor|viewer} → that participant's role, live
 *   GET  /api/rooms/<id>/locks                      Bearer any          → {paths}
 *   PUT  /api/rooms/<id>/locks                      Bearer facilitator {path, locked} → {paths}
 *   POST /api/rooms/<id>/follow                     Bearer facilitator {leader: <awareness client id> | null} → asks everyone to follow
 *   POST /api/rooms/<id>/reset                      Bearer facilitator  → the cluster reset to the files (server/rooms/reset.ts)
 *
 * @module
 */
import { findEntry } from '../../src/lib/collab/files';
import { sendJson, StatusError } from '../http/respond';
import { requireCan } from './authorize';
import { PARTICIPANT_ID } from './meta';
import { resetCluster } from './reset';
import type { RoomRequest } from './room-request';

export async function handleWorkshopApi({ req, res, url, parts, room, role, body, rooms, config }: RoomRequest): Promise<boolean> {
	const method = req.method ?? 'GET';
	const notAllowed = () => new StatusError(405, 'MethodNotAllowed', `${method} is not supported on ${url.pathname}`);
	const what = parts[3];
	if (what === 'participants' && parts.length <= 5) {
		if (parts.length === 4) {
			if (method !== 'GET') throw notAllowed();
			const items = room.participantRoles().map((p) => ({ ...p, name: room.participantName(p.participant) }));
			return sendJson(res, 200, { items }), true;
		}
		if (method !== 'PUT') throw notAllowed();
		const participant = parts[4];
		requireCan(role, 'roles', `change the role of a participant in room "${room.id}"`);
		if (!PARTICIPANT_ID.test(participant)) throw new StatusError(404, 'NotFound', `participant "${participant}" not found`);
		const wanted = (await body()).role;
		if (wanted !== 'editor' && wanted !== 'viewer') throw new StatusError(422, 'Invalid', 'role must be "editor" or "viewer"');
		await room.setParticipantRole(participant, wanted);
		return sendJson(res, 200, { participant, role: wanted }), true;
	}
	if (what === 'locks' && parts.length === 4) {
		if (method === 'GET') return sendJson(res, 200, { paths: room.meta.locked ?? [] }), true;
		if (method !== 'PUT') throw notAllowed();
		requireCan(role, 'lock-files', `lock or unlock files in room "${room.id}"`);
		const b = await body();
		const path = typeof b.path === 'string' ? b.path.replace(/^\/+|\/+$/g, '') : '';
		if (typeof b.locked !== 'boolean') throw new StatusError(422, 'Invalid', 'locked must be a boolean');
		// Unlocking a path that is gone is allowed (a lock left behind); locking one is not.
		if (b.locked && findEntry(room.doc, path) === undefined) throw new StatusError(404, 'NotFound', `"${path}" not found`);
		return sendJson(res, 200, { paths: await room.setLocked(path, b.locked) }), true;
	}
	if (what === 'follow' && parts.length === 4) {
		if (method !== 'POST') throw notAllowed();
		requireCan(role, 'follow-all', `ask everyone in room "${room.id}" to follow`);
		const b = await body();
		const leader = b.leader;
		if (leader !== null && !(typeof leader === 'number' && Number.isSafeInteger(leader) && leader >= 0))
			throw new StatusError(422, 'Invalid', 'leader must be an awareness client id or null');
		const state = leader === null ? undefined : (room.awareness.getStates().get(leader) as { user?: { name?: unknown } } | undefined);
		const name = typeof state?.user?.name === 'string' ? state.user.name : undefined;
		return sendJson(res, 200, room.setFollow(leader, name)), true;
	}
	if (what === 'reset' && parts.length === 4) {
		if (method !== 'POST') throw notAllowed();
		requireCan(role, 'reset', `reset the cluster of room "${room.id}"`);
		const { deleted, revision } = await resetCluster(room, rooms, config);
		sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', message: `deleted ${deleted} keys; the cluster is reset to the files`, details: { name: room.id, kind: 'rooms' }, revision });
		return true;
	}
	return false;
}
