/**
 * The time-travel part of the rooms HTTP API, for the browser's read replica and the Store view
 * (every role may read; changing the retention is a room setting):
 *
 *   GET /api/rooms/<id>/store                      → revision, compaction revision, db size, retention
 *   GET /api/rooms/<id>/store/snapshot             → the replica snapshot, gzipped (application/gzip:
 *                                                    the client inflates it itself; src/lib/timetravel/snapshot.ts)
 *   GET /api/rooms/<id>/store/watch?revision=R     → JSON lines of every revision after R (src/lib/timetravel/wire.ts)
 *   GET /api/rooms/<id>/store/retention            → {revisions, seconds} in force
 *   PUT /api/rooms/<id>/store/retention            Bearer facilitator {revisions?, seconds?} → the same
 *
 * @module
 */
import { effectiveRetention, parseRetention } from '../../src/lib/timetravel/retention';
import { sendJson, StatusError } from '../http/respond';
import { requireCan } from '../rooms/authorize';
import { replicaSnapshot } from './history';
import { roomHistory } from './recorder';
import { streamRevisions } from './stream';
import type { RoomRequest } from '../rooms/room-request';

/** Handles `/api/rooms/<id>/store[/...]`; returns false for other paths. `persist` saves the room's meta. */
export async function handleStoreApi({ req, res, url, parts, room, role, body, saveMeta: persist }: RoomRequest): Promise<boolean> {
	if (parts[3] !== 'store' || parts.length > 5) return false;
	const method = req.method ?? 'GET';
	const history = roomHistory(room);
	const notAllowed = () => new StatusError(405, 'MethodNotAllowed', `${method} is not supported on ${url.pathname}`);
	const sub = parts[4];
	if (sub !== 'retention' && method !== 'GET') throw notAllowed();

	if (sub === undefined) {
		const s = await room.store.status();
		sendJson(res, 200, {
			revision: s.revision,
			compactRevision: s.compactRevision,
			dbSize: s.dbSize,
			dbSizeInUse: s.dbSizeInUse,
			quotaBytes: s.quotaBytes,
			alarms: s.alarms,
			time: history.now(),
			retention: effectiveRetention(room.meta.retention)
		});
		return true;
	}
	if (sub === 'snapshot') {
		const snap = await replicaSnapshot(room.store, history.times);
		const data = snap.gzipped();
		res.writeHead(200, {
			'content-type': 'application/gzip',
			'content-length': data.byteLength,
			'cache-control': 'no-store',
			'x-converge-revision': String(snap.revision),
			'x-converge-compact-revision': String(snap.compactRevision)
		});
		res.end(data);
		return true;
	}
	if (sub === 'watch') {
		const raw = url.searchParams.get('revision') ?? '';
		if (!/^\d{1,15}$/.test(raw)) throw new StatusError(400, 'BadRequest', `revision must be a non-negative integer, not "${raw}"`);
		await streamRevisions(req, res, room, history, Number(raw));
		return true;
	}
	if (sub === 'retention') {
		if (method === 'GET') return sendJson(res, 200, effectiveRetention(room.meta.retention)), true;
		if (method !== 'PUT') throw notAllowed();
		requireCan(role, 'settings', `change the history retention of room "${room.id}"`);
		const parsed = parseRetention(await body());
		if (typeof parsed === 'string') throw new StatusError(422, 'Invalid', parsed);
		room.meta.retention = parsed;
		await persist();
		void history.enforce();
		sendJson(res, 200, effectiveRetention(parsed));
		return true;
	}
	throw new StatusError(404, 'NotFound', `no API at ${url.pathname}`);
}
