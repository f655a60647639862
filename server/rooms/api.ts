/**
 * The rooms HTTP API (documented in README.md), for the app and for facilitators' scripts:
 *
 *   GET    /api/starters
 *   POST   /api/rooms                      {starter?, name?, serviceCIDR?}  → 201 room with the three tokens and links
 *   GET    /api/rooms/<id>                 Bearer any             → room, role, files, participants (tokens and links by role)
 *   PATCH  /api/rooms/<id>                 Bearer facilitator {name} → room settings
 *   DELETE /api/rooms/<id>                 Bearer facilitator
 *   GET    /api/rooms/<id>/analysis        Bearer any             → diagnostics and declared objects
 *   GET    /api/rooms/<id>/kubeconfig?role=facilitator|editor|viewer  Bearer (that role or above) → kubeconfig YAML
 *   GET    /api/rooms/<id>/files?path=p    Bearer any             → file text
 *   POST   /api/rooms/<id>/files           Bearer editor {path, type?, content?}  (not inside a locked path, unless facilitator)
 *   PATCH  /api/rooms/<id>/files           Bearer editor {from, to}
 *   DELETE /api/rooms/<id>/files?path=p    Bearer editor
 *   GET    /api/rooms/<id>/clock           Bearer any             → the simulated clock
 *   POST   /api/rooms/<id>/clock           Bearer facilitator {action: pause|resume|step|speed, seconds?, speed?}
 *   participants, locks, follow, reset     (server/rooms/workshop-api.ts)
 *   GET    /api/rooms/<id>/controlplane    Bearer editor|viewer   → counters of the API server, store, controllers, scheduler, kubelets
 *   GET|POST /api/rooms/<id>/sync, PUT /sync/settings, GET /sync/history  (server/applier/api.ts)
 *   GET    /api/rooms/<id>/nodes/<node>/rules?format=iptables|ipvs|nft|json  Bearer editor|viewer  (server/proxy/api.ts)
 *
 * Errors are Kubernetes `Status` objects.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileTexts, findEntry, listEntries, textsOf } from '../../src/lib/collab/files';
import type { Role } from '../../src/lib/collab/protocol';
import { STARTERS } from '../../src/lib/rooms/starters';
import { readJson, requestOrigin, sendJson, StatusError } from '../http/respond';
import { deniedMessage } from '../../src/lib/rooms/permissions';
import { createEntry, deleteEntry, renameEntry } from '../collab/file-ops';
import type { RoomRegistry } from './registry';
import type { Room } from './room';
import { isLocked, serviceCIDROf, writeMeta } from './meta';
import { join } from 'node:path';
import { authorize, linkRole, requireCan } from './authorize';
import { handleWorkshopApi } from './workshop-api';
import { sendKubeconfig } from '../apiserver/kubeconfig';
import type { Config } from '../config';
import { ROOM_CLOCK } from '../../src/lib/clock/room-clock';
import { controlPlaneSnapshot } from '../controlplane/snapshot';
import { handleSyncApi } from '../applier/api';
import { handleProxyApi } from '../proxy/api';
import { handleLessonApi } from '../lessons/api';
import { handleStoreApi } from '../timetravel/api';
import { handleFaultsApi } from '../faults/api';
import { handleExportApi, handleImportApi } from '../archive/api';
import type { RoomRequest, RoomRoute } from './room-request';

/** The routes of the other modules under `/api/rooms/<id>/`, tried in order. */
const ROOM_ROUTES: RoomRoute[] = [handleSyncApi, handleStoreApi, handleWorkshopApi, handleProxyApi, handleLessonApi, handleFaultsApi, handleExportApi];

export type RoomLinks = Partial<Record<Role, string>> & { viewer: string };

/**
 * The tokens a role may see: the facilitator all three, an editor the editor and viewer ones, a
 * viewer its own. (In a room created before roles, editors also see the facilitator's.)
 */
export function visibleTokens(room: Room, role: Role): Partial<Record<Role, string>> & { viewer: string } {
	const { facilitator, editor, viewer } = room.meta.tokens;
	if (role === 'facilitator' || (role === 'editor' && room.meta.editorsFacilitate)) return { facilitator, editor, viewer };
	return role === 'editor' ? { editor, viewer } : { viewer };
}

/** Links that open the room with a token; the token sits in the fragment, never sent to a server log. */
export function roomLinks(origin: string, room: Room, role: Role): RoomLinks {
	const tokens = visibleTokens(room, role);
	const link = (t: string) => `${origin}/r/${room.id}#token=${t}`;
	return Object.fromEntries(Object.entries(tokens).map(([r, t]) => [r, link(t)])) as RoomLinks;
}

/** The room as `role` sees it; `shown` is the role whose tokens and links it may see (see linkRole). */
function describe(room: Room, role: Role, origin: string, shown: Role = role) {
	const texts = fileTexts(room.doc);
	return {
		id: room.id,
		name: room.meta.name,
		starter: room.meta.starter,
		created: room.meta.created,
		serviceCIDR: serviceCIDROf(room.meta),
		role,
		tokens: visibleTokens(room, shown),
		links: roomLinks(origin, room, shown),
		locked: room.meta.locked ?? [],
		files: listEntries(room.doc).map((e) => ({ path: e.path, type: e.type, ...(e.type === 'file' ? { bytes: Buffer.byteLength(texts.get(e.path) ?? '') } : {}) })),
		participants: room.awareness.getStates().size
	};
}

/** Handles `/api/...`; returns false for other paths. */
export async function handleRoomsApi(req: IncomingMessage, res: ServerResponse, url: URL, rooms: RoomRegistry, config: Config): Promise<boolean> {
	const parts = url.pathname.split('/').filter(Boolean); // ['api', ...]
	if (parts[0] !== 'api') return false;
	const method = req.method ?? 'GET';
	const origin = requestOrigin(req);
	const body = () => readJson(req, config.limits.maxMessageBytes);

	if (parts.length === 2 && parts[1] === 'starters' && method === 'GET') {
		sendJson(res, 200, { items: STARTERS.map(({ id, title, description, files }) => ({ id, title, description, files: Object.keys(files) })) });
		return true;
	}
	if (parts.length === 2 && parts[1] === 'health') {
		sendJson(res, 200, { status: 'ok', rooms: rooms.count, loaded: rooms.loadedCount });
		return true;
	}
	if (parts[1] !== 'rooms') throw new StatusError(404, 'NotFound', `no API at ${url.pathname}`);
	if (parts.length === 2) {
		if (method !== 'POST') throw methodNotAllowed(method, url);
		const b = await body();
		const room = await rooms.create({ starter: str(b.starter, 'starter'), name: str(b.name, 'name'), serviceCIDR: str(b.serviceCIDR, 'serviceCIDR') });
		sendJson(res, 201, describe(room, 'facilitator', origin));
		return true;
	}
	if (await handleImportApi(req, res, parts, rooms, config)) return true;
	const room = await rooms.get(parts[2]);
	if (!room) throw new StatusError(404, 'NotFound', `room "${parts[2]}" not found`);
	// Keep the room loaded until the answer is written: an idle unload mid-request would lose it.
	const release = room.hold();
	try {
		return await roomRoute(req, res, url, parts, room, rooms, config);
	} finally {
		release();
	}
}

async function roomRoute(req: IncomingMessage, res: ServerResponse, url: URL, parts: string[], room: Room, rooms: RoomRegistry, config: Config): Promise<boolean> {
	const method = req.method ?? 'GET';
	const origin = requestOrigin(req);
	const body = () => readJson(req, config.limits.maxMessageBytes);
	const role = authorize(req, room);
	const saveMeta = () => writeMeta(join(rooms.roomsDir, room.id), room.meta);

	if (parts.length === 3) {
		if (method === 'GET') return sendJson(res, 200, describe(room, role, origin, linkRole(req, room, role))), true;
		if (method === 'PATCH') {
			requireCan(role, 'settings', `change the settings of room "${room.id}"`);
			const name = str((await body()).name, 'name')?.trim().slice(0, 100);
			if (name !== undefined) {
				if (!name) throw new StatusError(422, 'Invalid', 'name must not be empty');
				room.meta.name = name;
				await saveMeta();
			}
			return sendJson(res, 200, describe(room, role, origin, linkRole(req, room, role))), true;
		}
		if (method === 'DELETE') {
			requireCan(role, 'settings', `delete room "${room.id}"`);
			await rooms.delete(room.id);
			sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: room.id, kind: 'rooms' } });
			return true;
		}
		throw methodNotAllowed(method, url);
	}
	if (parts.length === 4 && parts[3] === 'kubeconfig' && method === 'GET') {
		// By the link's role: a viewer the facilitator made an editor writes from the browser only.
		sendKubeconfig(res, room, linkRole(req, room, role), url.searchParams.get('role'), origin, config);
		return true;
	}
	if (parts.length === 4 && parts[3] === 'controlplane' && method === 'GET') {
		sendJson(res, 200, await controlPlaneSnapshot(room));
		return true;
	}
	if (parts.length === 4 && parts[3] === 'analysis' && method === 'GET') {
		sendJson(res, 200, room.currentAnalysis());
		return true;
	}
	if (parts.length === 4 && parts[3] === 'clock') {
		if (method === 'GET') return sendJson(res, 200, clockView(room)), true;
		if (method !== 'POST') throw methodNotAllowed(method, url);
		requireCan(role, 'clock', `change the clock of room "${room.id}"`);
		await clockAction(room, await body());
		room.time.save();
		await saveMeta();
		sendJson(res, 200, clockView(room));
		return true;
	}
	const request: RoomRequest = { req, res, url, parts, room, role, body, saveMeta, rooms, config };
	for (const route of ROOM_ROUTES) if (await route(request)) return true;
	if (parts.length === 4 && parts[3] === 'files') {
		if (method === 'GET') {
			const path = url.searchParams.get('path') ?? '';
			const id = findEntry(room.doc, path);
			const text = id === undefined ? undefined : textsOf(room.doc).get(id);
			if (!text) throw new StatusError(404, 'NotFound', `file "${path}" not found`);
			res.writeHead(200, { 'content-type': 'application/yaml; charset=utf-8', 'cache-control': 'no-store' });
			res.end(text.toString());
			return true;
		}
		requireCan(role, 'edit-files', `change the files of room "${room.id}"`);
		// Locked paths (and what is under them) change only by the facilitator's hand.
		const unlocked = (path: string) => {
			if (role !== 'facilitator' && isLocked(room.meta, path.replace(/^\/+|\/+$/g, '')))
				throw new StatusError(403, 'Forbidden', `${path} is locked: ${deniedMessage('lock-files', 'change it')}`);
			return path;
		};
		let result: unknown;
		if (method === 'POST') {
			const b = await body();
			const type = b.type === 'dir' ? 'dir' : b.type === undefined || b.type === 'file' ? 'file' : undefined;
			if (!type) throw new StatusError(422, 'Invalid', 'type must be "file" or "dir"');
			result = { path: createEntry(room.doc, unlocked(str(b.path, 'path') ?? ''), type, str(b.content, 'content') ?? '', config.limits) };
		} else if (method === 'PATCH') {
			const b = await body();
			const from = unlocked(str(b.from, 'from') ?? '');
			const path = renameEntry(room.doc, from, unlocked(str(b.to, 'to') ?? ''));
			await room.moveLocks(from, path);
			result = { path };
		} else if (method === 'DELETE') {
			const path = unlocked(url.searchParams.get('path') ?? '');
			result = { deleted: deleteEntry(room.doc, path) };
			await room.moveLocks(path, undefined);
		} else throw methodNotAllowed(method, url);
		// Answer once the change is durable, like every acknowledged edit.
		await room.flush();
		sendJson(res, method === 'POST' ? 201 : 200, result);
		return true;
	}
	throw new StatusError(404, 'NotFound', `no API at ${url.pathname}`);
}

/** The clock as the API shows it: simulated time in ms and RFC 3339, mode, seed, next timer. */
function clockView(room: Room) {
	const { clock } = room.time;
	const s = clock.state();
	const next = clock.nextDue();
	return { time: s.time, timestamp: new Date(s.time).toISOString(), paused: s.paused, speed: s.speed, seed: room.meta.seed, ...(next !== undefined ? { nextTimer: next } : {}) };
}

/** pause | resume | step {seconds: n | "next"} | speed {speed: n | "max"}. */
async function clockAction(room: Room, b: Record<string, unknown>): Promise<void> {
	const { clock } = room.time;
	switch (b.action) {
		case 'pause':
			return clock.pause();
		case 'resume':
			return clock.resume();
		case 'step': {
			const by = b.seconds ?? 'next';
			if (by !== 'next' && !(typeof by === 'number' && Number.isFinite(by) && by >= 0 && by <= MAX_STEP_SECONDS))
				throw new StatusError(422, 'Invalid', `seconds must be a number from 0 to ${MAX_STEP_SECONDS} or "next"`);
			await clock.step(by === 'next' ? 'next' : by * 1000);
			return;
		}
		case 'speed': {
			const speed = b.speed;
			if (speed !== 'max' && !(typeof speed === 'number' && speed > 0 && speed <= ROOM_CLOCK.maxSpeed))
				throw new StatusError(422, 'Invalid', `speed must be a number in (0, ${ROOM_CLOCK.maxSpeed}] or "max"`);
			return clock.setSpeed(speed);
		}
	}
	throw new StatusError(422, 'Invalid', 'action must be one of: pause, resume, step, speed');
}

/** A step of more than a day of simulated time is refused (it would hold the request for long). */
const MAX_STEP_SECONDS = 86_400;

function str(v: unknown, field: string): string | undefined {
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'string') throw new StatusError(422, 'Invalid', `${field} must be a string`);
	return v;
}

function methodNotAllowed(method: string, url: URL): StatusError {
	return new StatusError(405, 'MethodNotAllowed', `${method} is not supported on ${url.pathname}`);
}
