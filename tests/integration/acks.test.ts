/**
 * Acknowledgements: a client's edit is "pending" from the moment it is made until the server has
 * made it durable, whatever the edit is (an insert, a delete); viewers' edits are never
 * acknowledged (they are dropped).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fileText, settled, startServer, type RoomInfo, type TestServer } from '../helpers/server';

let server: TestServer;
let room: RoomInfo;
beforeAll(async () => {
	server = await startServer();
	room = await server.createRoom('web-app');
});
afterAll(() => server.stop());

describe('acknowledgements', () => {
	it('marks an insert pending until the server has made it durable, then acknowledges its clock', async () => {
		const c = server.client(room.id, room.tokens.editor);
		await settled(c);
		const before = c.ackedClock;
		fileText(c.doc, 'app/service.yaml').insert(0, '# pending\n');
		expect(c.status.pending).toBe(true);
		await c.when((s) => !s.pending);
		expect(c.ackedClock).toBe(Y.getState(c.doc.store, c.doc.clientID));
		expect(c.ackedClock).toBeGreaterThan(before);
		expect(fileText(await server.serverDoc(room.id), 'app/service.yaml').toString().startsWith('# pending\n')).toBe(true);
	});

	it('marks a delete pending until the server has made it durable', async () => {
		const c = server.client(room.id, room.tokens.editor);
		await settled(c);
		const text = fileText(c.doc, 'app/configmap.yaml');
		const removed = text.toString().slice(0, 15);
		text.delete(0, 15); // no new clock: only the delete set grows
		expect(c.status.pending).toBe(true);
		await c.when((s) => !s.pending);
		expect(fileText(await server.serverDoc(room.id), 'app/configmap.yaml').toString().startsWith(removed)).toBe(false);
	});
});
