/**
 * The Lesson view's calls to `GET|POST /api/rooms/<id>/lesson` (server/lessons/api.ts).
 *
 * @module
 */
import type { LessonEvent } from '$lib/lessons';

export interface LessonSummary {
	id: string;
	title: string;
	summary: string;
	source: 'shipped' | 'room';
	steps: number;
}

export type LessonState = LessonEvent & { kind: 'LessonState'; available: LessonSummary[] };

export type LessonAction = { action: 'start'; lesson: string; clean?: boolean } | { action: 'step'; step: number | string } | { action: 'next' | 'previous' | 'stop' };

async function call(method: 'GET' | 'POST', roomId: string, token: string, body?: LessonAction): Promise<LessonState> {
	const res = await fetch(`/api/rooms/${roomId}/lesson`, {
		method,
		headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined
	});
	const data = (await res.json()) as LessonState & { message?: string };
	if (!res.ok) throw new Error(data.message ?? res.statusText);
	return data;
}

export const fetchLesson = (roomId: string, token: string) => call('GET', roomId, token);
export const lessonAction = (roomId: string, token: string, action: LessonAction) => call('POST', roomId, token, action);
