/**
 * Roles and refusals: viewers are read-only on the socket (their edits are refused and they
 * resync; they still receive everyone's) and on the HTTP API (403 Status); missing or wrong tokens, unknown rooms and
 * foreign Origins are refused with 401 / 4401, 4404 and 4403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE } from '../../src/lib/collab/protocol';
import { newRoomId } from '../../server/rooms/meta';
import { fileText, settled, snapshot, startServer, waitUntil, type RoomInfo, type TestServer } from '../helpers/server';

let server: TestServer;
let room: RoomInfo;
beforeAll(async () => {
	server = await startServer({ allowedOrigins: ['https://allowed.example'] });
	room = await server.createRoom('web-app');
});
afterAll(() => server.stop());

/** Opens a raw socket and resolves with how it ended (or `open` if the server kept it). */
function rawSocket(path: string, headers: { origin?: string } = {}): Promise<{ code: number; reason: string; opened: boolean }> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(server.origin.replace('http', 'ws') + path, { origin: headers.origin });
		let opened = false;
		ws.on('open', () => (opened = true));
		ws.on('close', (code, reason) => resolve({ code, reason: reason.toString(), opened }));
		ws.on('error', reject);
	});
}

/** Opens a raw socket that stays open; resolves once the server has sent its first message. */
function openSocket(path: string, origin?: string): Promise<WebSocket> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(server.origin.replace('http', 'ws') + path, { origin });
		ws.once('message', () => resolve(ws));
		ws.once('close', (code) => reject(new Error(`closed with ${code}`)));
		ws.on('error', reject);
	});
}

async function expectStatus(res: Response, code: number, reason: string): Promise<void> {
	expect(res.status).toBe(code);
	expect(await res.json()).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
}

describe('viewers on the collaboration socket', () => {
	it("refuses a viewer's edits: they never reach the server or other clients, and the viewer resyncs", async () => {
		const editor = server.client(room.id, room.tokens.editor);
		const viewer = server.client(room.id, room.tokens.viewer);
		await Promise.all([editor.when((s) => s.synced), viewer.when((s) => s.synced)]);
		const path = 'app/service.yaml';
		const before = fileText(editor.doc, path).toString();
		const notices: string[] = [];
		viewer.on('notice', (n) => notices.push(n.code));
		const reset = new Promise((resolve) => viewer.on('reset', resolve));

		fileText(viewer.doc, path).insert(0, 'VIEWER-EDIT\n');
		// Refused like an edit over a limit: a notice, then the viewer starts over from the server's state.
		await reset;
		expect(notices).toContain('read-only');
		await viewer.when((s) => s.synced);
		const serverDoc = await server.serverDoc(room.id);
		expect(fileText(serverDoc, path).toString()).toBe(before);
		expect(fileText(editor.doc, path).toString()).toBe(before);
		expect(fileText(viewer.doc, path).toString()).toBe(before);

		// Viewers still receive everyone else's edits.
		fileText(editor.doc, path).insert(0, '# editor was here\n');
		await settled(editor);
		await waitUntil(() => fileText(viewer.doc, path).toString() === '# editor was here\n' + before, 'the edit to reach the viewer');
		expect(fileText(serverDoc, path).toString()).toBe('# editor was here\n' + before);
		expect(fileText(editor.doc, path).toString()).not.toContain('VIEWER-EDIT');

		// A viewer that joins later gets the server's state, without the refused edit.
		const late = server.client(room.id, room.tokens.viewer);
		await late.when((s) => s.synced);
		expect(snapshot(late.doc)).toEqual(snapshot(serverDoc));
	});
});

describe('HTTP API roles', () => {
	it('answers 403 Forbidden to a viewer creating a file', async () => {
		const res = await server.api(`/api/rooms/${room.id}/files`, { method: 'POST', token: room.tokens.viewer, body: { path: 'v.yaml' } });
		await expectStatus(res, 403, 'Forbidden');
		const list = await (await server.api(`/api/rooms/${room.id}`, { token: room.tokens.viewer })).json();
		expect(list.files.map((f: { path: string }) => f.path)).not.toContain('v.yaml');
	});

	it('answers 403 Forbidden to a viewer deleting a file or the room', async () => {
		await expectStatus(await server.api(`/api/rooms/${room.id}/files?path=app/service.yaml`, { method: 'DELETE', token: room.tokens.viewer }), 403, 'Forbidden');
		await expectStatus(await server.api(`/api/rooms/${room.id}`, { method: 'DELETE', token: room.tokens.viewer }), 403, 'Forbidden');
		const res = await server.api(`/api/rooms/${room.id}/files?path=app/service.yaml`, { token: room.tokens.viewer });
		expect(res.status).toBe(200);
	});

	it('lets a viewer read, and shows it only the viewer token and link', async () => {
		const res = await server.api(`/api/rooms/${room.id}`, { token: room.tokens.viewer });
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body.role).toBe('viewer');
		expect(body.tokens).toEqual({ viewer: room.tokens.viewer });
		expect(body.links.editor).toBeUndefined();
		expect(JSON.stringify(body)).not.toContain(room.tokens.editor);
	});

	it('answers 401 without a token and with a wrong one', async () => {
		await expectStatus(await server.api(`/api/rooms/${room.id}`), 401, 'Unauthorized');
		await expectStatus(await server.api(`/api/rooms/${room.id}/files?path=app/service.yaml`, { token: 'not-a-token' }), 401, 'Unauthorized');
		await expectStatus(
			await server.api(`/api/rooms/${room.id}/files`, { method: 'POST', body: { path: 'x.yaml' } }),
			401,
			'Unauthorized'
		);
	});

	it('answers 404 NotFound for a room that does not exist', async () => {
		await expectStatus(await server.api(`/api/rooms/${newRoomId()}`, { token: room.tokens.editor }), 404, 'NotFound');
	});
});

/** A refusal is a prompt close; waiting ws's 30 s close timeout would be a bug (and slow). */
const REFUSAL_TIMEOUT = 10_000;

describe('socket refusals', () => {
	it('closes with 4401 for a missing or wrong token', async () => {
		expect(await rawSocket(`/collab/${room.id}`)).toMatchObject({ code: CLOSE.unauthorized });
		expect(await rawSocket(`/collab/${room.id}?token=wrong`)).toMatchObject({ code: CLOSE.unauthorized });
		// The viewer token of another room is no token for this one.
		const other = await server.createRoom('blank');
		expect(await rawSocket(`/collab/${room.id}?token=${other.tokens.viewer}`)).toMatchObject({ code: CLOSE.unauthorized });
	}, REFUSAL_TIMEOUT);

	it('closes with 4404 for an unknown room', async () => {
		expect(await rawSocket(`/collab/${newRoomId()}?token=${room.tokens.editor}`)).toMatchObject({ code: CLOSE.notFound });
		expect(await rawSocket(`/collab/not-even-an-id?token=${room.tokens.editor}`)).toMatchObject({ code: CLOSE.notFound });
	}, REFUSAL_TIMEOUT);

	it('closes with 4403 for a foreign Origin, and accepts its own and configured ones', async () => {
		expect(await rawSocket(`/collab/${room.id}?token=${room.tokens.editor}`, { origin: 'https://evil.example' })).toMatchObject({
			code: CLOSE.forbidden
		});
		for (const origin of [server.origin, 'https://allowed.example', undefined]) {
			const ws = await openSocket(`/collab/${room.id}?token=${room.tokens.editor}`, origin);
			expect(ws.readyState).toBe(WebSocket.OPEN);
			ws.close();
		}
	}, REFUSAL_TIMEOUT);

	it('ends a RoomClient session for good on a refusal, with a reason for the user', async () => {
		const c = server.client(room.id, 'wrong-token');
		const s = await c.when((st) => st.connection === 'closed');
		expect(s.closedReason).toBe('the link is not valid for this room');
		const d = server.client(newRoomId(), room.tokens.editor);
		expect((await d.when((st) => st.connection === 'closed')).closedReason).toBe('the room does not exist (it may have been deleted)');
	}, REFUSAL_TIMEOUT);
});
