import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MESSAGE_ROOM_EVENT, type RoomEvent } from '../../../src/lib/collab/protocol';
import type { LessonEvent } from '../../../src/lib/lessons';
import { startServer, waitUntil, type RoomInfo, type TestServer } from '../../helpers/server';

/** The lessons API: roles, import, the live room event, durable progress. */
let s: TestServer;
let room: RoomInfo;
const path = () => `/api/rooms/${room.id}/lesson`;
const post = (token: string, body: unknown) => s.api(path(), { method: 'POST', token, body });
const state = async (token = room.tokens.facilitator) => (await (await s.api(path(), { token })).json()) as LessonEvent & { available: Array<{ id: string; source: string }> };

const LESSON = {
	'lesson.yaml': `title: Settings
summary: A ConfigMap declared in a file.
steps:
  - id: create
    title: Make it blue
    markdown: steps/1.md
    checks:
      - title: settings says blue, applied from a room file
        kind: ConfigMap
        name: settings
        expect: { data.color: blue, managedBy: "converge:*" }
`,
	'steps/1.md': 'Edit `app/settings.yaml` and set **color** to blue.',
	'files/app/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: default }\ndata: { color: red }\n'
};

beforeAll(async () => {
	s = await startServer();
	room = await s.createRoom('blank');
});
afterAll(async () => {
	await s?.stop();
});

describe('lessons API', () => {
	it('lists the shipped lessons to every role, with no lesson running', async () => {
		const st = await state(room.tokens.viewer);
		expect(st.lesson).toBeUndefined();
		expect(st.available.filter((l) => l.source === 'shipped').map((l) => l.id)).toEqual(['01-declarative-api', '02-rolling-updates', '03-scheduler', '04-node-failure', '05-services', '06-network-policy']);
	});

	it('lets only the facilitator start a lesson', async () => {
		for (const token of [room.tokens.viewer, room.tokens.editor]) {
			const res = await post(token, { action: 'start', lesson: '01-declarative-api' });
			expect(res.status).toBe(403);
			const body = (await res.json()) as { kind: string; reason: string; message: string };
			expect(body).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
			expect(body.message).toMatch(new RegExp(`^only the facilitator.* can change the lesson of room "${room.id}"$`));
		}
	});

	it('refuses an invalid or oversized import with what is wrong', async () => {
		const { 'steps/1.md': _, ...noStep } = LESSON;
		let res = await post(room.tokens.facilitator, { action: 'import', id: 'settings', files: noStep });
		expect(res.status).toBe(422);
		expect(((await res.json()) as { message: string }).message).toBe('the lesson is invalid: lesson.yaml steps[0].markdown: file "steps/1.md" is not in the lesson');
		res = await post(room.tokens.facilitator, { action: 'import', id: 'settings', files: { ...LESSON, 'files/big.yaml': 'x'.repeat(600 * 1024) } });
		expect(res.status).toBe(422);
		expect(((await res.json()) as { message: string }).message).toBe('the lesson is invalid: lesson: at most 524288 bytes in all');
	});

	it('imports a lesson, starts it, and publishes its checks live to participants', async () => {
		const viewer = s.client(room.id, room.tokens.viewer);
		const seen: LessonEvent[] = [];
		const handler = viewer.provider.messageHandlers[MESSAGE_ROOM_EVENT];
		viewer.provider.messageHandlers[MESSAGE_ROOM_EVENT] = (enc, dec, ...rest) => {
			const e = JSON.parse(decoding.readVarString(decoding.clone(dec))) as RoomEvent;
			if (e.type === 'lesson') seen.push(e);
			handler(enc, dec, ...rest);
		};
		expect((await post(room.tokens.facilitator, { action: 'import', id: 'settings', files: LESSON })).status).toBe(200);
		expect((await state()).available).toContainEqual(expect.objectContaining({ id: 'settings', source: 'room' }));
		const started = await post(room.tokens.facilitator, { action: 'start', lesson: 'settings' });
		expect(started.status).toBe(200);
		expect(((await started.json()) as LessonEvent).lesson).toMatchObject({ id: 'settings', source: 'room', steps: [{ id: 'create', title: 'Make it blue' }] });
		// The starting file is applied red: the check says so.
		await waitUntil(async () => (await state()).checks[0]?.message === 'expected data.color = blue, found red (ConfigMap default/settings)', 'the red ConfigMap checked');
		await s.api(`/api/rooms/${room.id}/files?path=app/settings.yaml`, { method: 'DELETE', token: room.tokens.facilitator });
		await s.api(`/api/rooms/${room.id}/files`, { method: 'POST', token: room.tokens.facilitator, body: { path: 'app/settings.yaml', content: LESSON['files/app/settings.yaml'].replace('red', 'blue') } });
		await waitUntil(() => seen.some((e) => e.checks[0]?.passed === true), 'the viewer sees the check pass');
		expect(seen.at(-1)).toMatchObject({ type: 'lesson', step: 0, completed: ['create'], checks: [{ id: 'create-1', title: 'settings says blue, applied from a room file', passed: true }] });
		expect(seen.at(-1)!.markdown).toBe(LESSON['steps/1.md']);
	});

	it('keeps the progress in the room directory', async () => {
		const saved = JSON.parse(await readFile(join(s.dataDir, 'rooms', room.id, 'lesson.json'), 'utf8'));
		expect(saved).toMatchObject({ lesson: { id: 'settings', source: 'room' }, step: 0, completed: ['create'] });
		expect(Object.keys(saved.imported.settings)).toEqual(Object.keys(LESSON));
	});

	it('finds the lesson where it was after a server restart', async () => {
		const dataDir = s.dataDir;
		await s.stop({ keepData: true });
		s = await startServer({ dataDir });
		const st = await state(room.tokens.viewer);
		expect(st).toMatchObject({ lesson: { id: 'settings', source: 'room' }, step: 0, completed: ['create'] });
		await waitUntil(async () => (await state()).checks[0]?.passed === true, 'the check passes again after the reload');
	});

	it('moves between steps only within the lesson, and ends it', async () => {
		const res = await post(room.tokens.facilitator, { action: 'next' });
		expect(res.status).toBe(422);
		expect(((await res.json()) as { message: string }).message).toBe('step must be a step id or an index from 0 to 0');
		expect((await post(room.tokens.facilitator, { action: 'stop' })).status).toBe(200);
		expect((await state()).lesson).toBeUndefined();
	});
});
