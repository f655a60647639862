import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import { MESSAGE_ROOM_EVENT, type RoomEvent, type SyncEvent } from '../../src/lib/collab/protocol';
import type { RoomClient } from '../../src/lib/collab/client';
import { fileText, settled, startServer, waitUntil, type TestServer } from '../helpers/server';

/** The sync state reaches people over the room socket, and names who edited. */
let s: TestServer;

/** The `sync` room events a client receives (RoomClient itself only surfaces analysis, notices, clock). */
function syncEvents(c: RoomClient): SyncEvent[] {
	const seen: SyncEvent[] = [];
	const handler = c.provider.messageHandlers[MESSAGE_ROOM_EVENT];
	c.provider.messageHandlers[MESSAGE_ROOM_EVENT] = (enc, dec, ...rest) => {
		const event = JSON.parse(decoding.readVarString(decoding.clone(dec))) as RoomEvent;
		if (event.type === 'sync') seen.push(event);
		handler(enc, dec, ...rest);
	};
	return seen;
}

beforeAll(async () => {
	s = await startServer();
});

afterAll(async () => {
	await s?.stop();
});

describe('applier over the room socket', () => {
	it('sends the sync state to everyone, and to late joiners first thing, with who triggered the sync', async () => {
		const room = await s.createRoom('blank');
		const ada = s.client(room.id, room.tokens.editor);
		const adaSees = syncEvents(ada);
		await settled(ada);
		ada.awareness.setLocalStateField('user', { name: 'Ada', color: '#e6194b' });
		const res = await s.api(`/api/rooms/${room.id}/files`, { method: 'POST', token: room.tokens.editor, body: { path: 'app/cm.yaml', content: '' } });
		expect(res.status).toBe(201);
		await waitUntil(() => !!fileText(ada.doc, 'app/cm.yaml'), 'the file on the client');
		fileText(ada.doc, 'app/cm.yaml').insert(0, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: greeting}\ndata: {hello: world}\n');
		const key = '/ConfigMap/default/greeting';
		const done = (e: SyncEvent) => !!e.lastSync && e.objects.some((o) => o.key === key && o.sync === 'Synced');
		await waitUntil(() => adaSees.some(done), 'Ada sees the ConfigMap Synced after the sync');
		const last = adaSees.find(done)!;
		expect(last.lastSync).toMatchObject({ trigger: 'auto', triggeredBy: 'Ada' });
		expect(last.objects.find((o) => o.key === key)).toMatchObject({ path: 'app/cm.yaml', line: 1, lastEditedBy: 'Ada', health: { status: 'Healthy' } });

		const bob = s.client(room.id, room.tokens.viewer);
		const bobSees = syncEvents(bob);
		await waitUntil(() => bobSees.some((e) => e.objects.some((o) => o.key === key)), 'Bob gets the sync state on connect');
	});
});
