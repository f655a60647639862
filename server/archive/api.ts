/**
 * The rooms API of archives:
 *
 *   GET  /api/rooms/<id>/export   Bearer facilitator (`export`)  → application/zip, the room as one archive
 *   POST /api/rooms/import        body: the archive (application/zip)  → 201 the new room with its tokens and links
 *
 * A bad archive answers 422 (400 for an empty body, 413 over the size bound) and stores nothing.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Role } from '../../src/lib/collab/protocol';
import { requestOrigin, sendJson, StatusError } from '../http/respond';
import type { Config } from '../config';
import type { RoomRegistry } from '../rooms/registry';
import { requireCan } from '../rooms/authorize';
import { ArchiveError } from './format';
import { exportRoom, importRoom, maxArchiveBytes } from './room-archive';
import type { RoomRequest } from '../rooms/room-request';

/** `GET /api/rooms/<id>/export`. */
export async function handleExportApi({ req, res, parts, room, role, rooms, config }: RoomRequest): Promise<boolean> {
	if (parts.length !== 4 || parts[3] !== 'export') return false;
	if ((req.method ?? 'GET') !== 'GET') throw new StatusError(405, 'MethodNotAllowed', `${req.method} is not supported on /api/rooms/${room.id}/export`);
	requireCan(role, 'export', `export room "${room.id}"`);
	let zip: Uint8Array;
	try {
		zip = await exportRoom(room, join(rooms.roomsDir, room.id), config);
	} catch (e) {
		if (e instanceof ArchiveError) throw new StatusError(409, 'Conflict', e.message);
		throw e;
	}
	const name = room.meta.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'room';
	res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length, 'content-disposition': `attachment; filename="${name}.converge.zip"`, 'cache-control': 'no-store' });
	res.end(zip);
	return true;
}

/** `POST /api/rooms/import` (before the room lookup: `import` is no room id). */
export async function handleImportApi(req: IncomingMessage, res: ServerResponse, parts: string[], rooms: RoomRegistry, config: Config): Promise<boolean> {
	if (parts.length !== 3 || parts[1] !== 'rooms' || parts[2] !== 'import') return false;
	if ((req.method ?? 'GET') !== 'POST') throw new StatusError(405, 'MethodNotAllowed', `${req.method} is not supported on /api/rooms/import`);
	const zip = await readBody(req, maxArchiveBytes(config));
	if (!zip.length) throw new StatusError(400, 'BadRequest', 'the request body must be a room archive (application/zip)');
	let meta;
	try {
		meta = await importRoom(zip, rooms, config);
	} catch (e) {
		if (e instanceof ArchiveError) throw new StatusError(422, 'Invalid', `invalid room archive: ${e.message}`);
		throw e;
	}
	const origin = requestOrigin(req);
	const link = (r: Role) => `${origin}/r/${meta.id}#token=${meta.tokens[r]}`;
	sendJson(res, 201, { id: meta.id, name: meta.name, created: meta.created, tokens: meta.tokens, links: { facilitator: link('facilitator'), editor: link('editor'), viewer: link('viewer') } });
	return true;
}

/** The raw body, refused with 413 past `max` bytes. */
async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
	const declared = Number(req.headers['content-length'] ?? 0);
	if (declared > max) throw new StatusError(413, 'RequestEntityTooLarge', `a room archive may have at most ${max} bytes`);
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > max) {
			req.destroy();
			throw new StatusError(413, 'RequestEntityTooLarge', `a room archive may have at most ${max} bytes`);
		}
		chunks.push(chunk as Buffer);
	}
	return new Uint8Array(Buffer.concat(chunks));
}
