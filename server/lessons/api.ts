/**
 * The lessons part of the rooms HTTP API:
 *
 *   GET  /api/rooms/<id>/lesson   Bearer any role → the lesson state, freshly evaluated, and the lessons available
 *   POST /api/rooms/<id>/lesson   Bearer facilitator
 *        {action: "start", lesson, clean?}       starts a lesson (writes its files; `clean` deletes the others first)
 *        {action: "step", step: <index|id>}      moves the room to a step; also {action: "next"|"previous"}
 *        {action: "stop"}                        ends the lesson
 *        {action: "import", id, files: {path: text}}  adds a lesson folder to the room (validated, bounded)
 *
 * @module
 */
import { sendJson, StatusError } from '../http/respond';
import { requireCan } from '../rooms/authorize';
import { lessonRuntime, type LessonDeps, type LessonRuntime } from './runtime';
import type { LessonEvent } from '../../src/lib/lessons';
import type { RoomRequest } from '../rooms/room-request';

async function describe(rt: LessonRuntime, event: LessonEvent) {
	const available = (await rt.available()).map((l) => ({ id: l.id, title: l.title, summary: l.summary, source: l.source, steps: l.steps.length }));
	return { kind: 'LessonState', ...event, available };
}

function files(v: unknown): Record<string, string> {
	if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.values(v).every((t) => typeof t === 'string'))
		throw new StatusError(422, 'Invalid', 'files must be a map of paths to file contents (lesson.yaml, steps, files/...)');
	return v as Record<string, string>;
}

async function act(rt: LessonRuntime, b: Record<string, unknown>): Promise<LessonEvent> {
	switch (b.action) {
		case 'start':
			if (typeof b.lesson !== 'string') throw new StatusError(422, 'Invalid', 'lesson must be a lesson id');
			return rt.start(b.lesson, { clean: b.clean === true });
		case 'step':
			if (typeof b.step !== 'number' && typeof b.step !== 'string') throw new StatusError(422, 'Invalid', 'step must be a step id or index');
			return rt.goTo(b.step);
		case 'next':
		case 'previous':
			return rt.goTo(b.action);
		case 'stop':
			return rt.end();
		case 'import': {
			if (typeof b.id !== 'string') throw new StatusError(422, 'Invalid', 'id must be the lesson id (lowercase letters, digits and dashes)');
			await rt.import(b.id, files(b.files));
			return rt.evaluate();
		}
	}
	throw new StatusError(422, 'Invalid', 'action must be one of: start, step, next, previous, stop, import');
}

/** Handles `/api/rooms/<id>/lesson`; returns false for other paths. */
export async function handleLessonApi({ req, res, url, parts, room, role, body, rooms, config }: RoomRequest): Promise<boolean> {
	const deps: LessonDeps = { rooms, config };
	if (parts[3] !== 'lesson' || parts.length !== 4) return false;
	const method = req.method ?? 'GET';
	const rt = await lessonRuntime(room, deps);
	if (method === 'GET') return sendJson(res, 200, await describe(rt, await rt.evaluate())), true;
	if (method !== 'POST') throw new StatusError(405, 'MethodNotAllowed', `${method} is not supported on ${url.pathname}`);
	requireCan(role, 'lesson', `change the lesson of room "${room.id}"`);
	const event = await act(rt, await body());
	sendJson(res, 200, await describe(rt, event));
	return true;
}
