/**
 * The applier's part of the rooms HTTP API:
 *
 *   GET  /api/rooms/<id>/sync                    Bearer editor|viewer → the sync state (SyncEvent)
 *   POST /api/rooms/<id>/sync                    Bearer editor {objects?, prune?, dryRun?} → state, or a preview
 *   PUT  /api/rooms/<id>/sync/settings           Bearer editor {autoSync?, prune?, selfHeal?} → state
 *   GET  /api/rooms/<id>/sync/history?object=<key>  Bearer editor|viewer → applied revisions of one object
 *
 * @module
 */
import type { SyncSettings } from '../../src/lib/collab/protocol';
import { sendJson, StatusError } from '../http/respond';
import type { SyncRequest } from './types';
import { requireCan } from '../rooms/authorize';
import type { RoomRequest } from '../rooms/room-request';
import { parseToken } from '../rooms/meta';
import type { Room } from '../rooms/room';

function bool(v: unknown, field: string): boolean | undefined {
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'boolean') throw new StatusError(422, 'Invalid', `${field} must be a boolean`);
	return v;
}

function syncRequest(b: Record<string, unknown>): SyncRequest {
	const objects = b.objects;
	if (objects !== undefined && !(Array.isArray(objects) && objects.every((o) => typeof o === 'string')))
		throw new StatusError(422, 'Invalid', 'objects must be a list of object keys (group/Kind/namespace/name)');
	const prune = bool(b.prune, 'prune');
	const dryRun = bool(b.dryRun, 'dryRun');
	return { ...(objects ? { objects: objects as string[] } : {}), ...(prune !== undefined ? { prune } : {}), ...(dryRun !== undefined ? { dryRun } : {}) };
}

/**
 * Who asked for a sync: the name the caller's participant (the key the browser sends after its
 * token) publishes in the room, else the API itself (a script with a bare token).
 */
function callerName(req: RoomRequest['req'], room: Room): string {
	const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
	const participant = token ? parseToken(token).participant : undefined;
	return (participant && room.participantName(participant)) || 'rooms API';
}

/**
 * Handles `/api/rooms/<id>/sync[/...]`; returns false for other paths. `persist` writes the
 * room's meta (the settings live there).
 */
export async function handleSyncApi({ req, res, url, parts, room, role, body, saveMeta: persist }: RoomRequest): Promise<boolean> {
	if (parts[3] !== 'sync' || parts.length > 5) return false;
	const method = req.method ?? 'GET';
	const applier = room.applier;
	if (!applier) throw new StatusError(404, 'NotFound', `the applier is not running in room "${room.id}" (see CONTROLLERS)`);
	const editorOnly = () => requireCan(role, 'write-cluster', `sync room "${room.id}"`);
	const notAllowed = () => new StatusError(405, 'MethodNotAllowed', `${method} is not supported on ${url.pathname}`);
	if (parts.length === 4) {
		if (method === 'GET') return sendJson(res, 200, applier.state()), true;
		if (method !== 'POST') throw notAllowed();
		editorOnly();
		const request = syncRequest(await body());
		sendJson(res, 200, await applier.sync({ ...request, triggeredBy: callerName(req, room) }));
		return true;
	}
	if (parts[4] === 'settings') {
		if (method === 'GET') return sendJson(res, 200, applier.settings()), true;
		if (method !== 'PUT') throw notAllowed();
		requireCan(role, 'settings', `change the sync settings of room "${room.id}"`);
		const b = await body();
		const patch: Partial<SyncSettings> = {};
		for (const k of ['autoSync', 'prune', 'selfHeal'] as const) {
			const v = bool(b[k], k);
			if (v !== undefined) patch[k] = v;
		}
		const state = applier.updateSettings(patch);
		await persist();
		sendJson(res, 200, state);
		return true;
	}
	if (parts[4] === 'history') {
		if (method !== 'GET') throw notAllowed();
		const key = url.searchParams.get('object');
		if (!key) throw new StatusError(422, 'Invalid', 'object is required (an object key: group/Kind/namespace/name)');
		sendJson(res, 200, { kind: 'SyncHistory', object: key, items: await applier.history(key) });
		return true;
	}
	throw new StatusError(404, 'NotFound', `no API at ${url.pathname}`);
}
