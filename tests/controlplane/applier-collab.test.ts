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

	it('names the last editor of each object, not of the file: an edit of one document attributes that object only', async () => {
		const room = await s.createRoom('blank');
		const two = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: first}\ndata: {a: "1"}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: second}\ndata: {b: "1"}\n';
		// Written through the files API: no person edited it yet.
		expect((await s.api(`/api/rooms/${room.id}/files`, { method: 'POST', token: room.tokens.editor, body: { path: 'app/two.yaml', content: two } })).status).toBe(201);
		const ada = s.client(room.id, room.tokens.editor);
		const bob = s.client(room.id, room.tokens.editor);
		const adaSees = syncEvents(ada);
		await Promise.all([settled(ada), settled(bob)]);
		ada.awareness.setLocalStateField('user', { name: 'Ada', color: '#e6194b' });
		bob.awareness.setLocalStateField('user', { name: 'Bob', color: '#4363d8' });
		const first = '/ConfigMap/default/first';
		const second = '/ConfigMap/default/second';
		const object = (e: SyncEvent, key: string) => e.objects.find((o) => o.key === key);
		await waitUntil(() => adaSees.some((e) => object(e, first)?.sync === 'Synced' && object(e, second)?.sync === 'Synced'), 'both ConfigMaps Synced');
		expect(object(adaSees.at(-1)!, first)?.lastEditedBy).toBeUndefined();

		// Ada changes the first document, then Bob the second (each in their own copy of the file).
		const edit = (c: RoomClient, from: string, to: string) => {
			const t = fileText(c.doc, 'app/two.yaml');
			const at = t.toString().indexOf(from);
			c.doc.transact(() => {
				t.delete(at, from.length);
				t.insert(at, to);
			});
		};
		edit(ada, 'a: "1"', 'a: "2"');
		await settled(ada);
		await waitUntil(() => fileText(bob.doc, 'app/two.yaml').toString().includes('a: "2"'), "Bob has Ada's edit");
		edit(bob, 'b: "1"', 'b: "2"');
		await settled(bob);
		const attributed = (e: SyncEvent) => object(e, first)?.lastEditedBy === 'Ada' && object(e, second)?.lastEditedBy === 'Bob';
		await waitUntil(() => adaSees.some(attributed), 'each object attributed to its own editor');

		// The applied revisions carry the same per-object author.
		const history = async (key: string) => ((await (await s.api(`/api/rooms/${room.id}/sync/history?object=${encodeURIComponent(key)}`, { token: room.tokens.editor })).json()) as { items: Array<{ author?: string; manifest: { data: Record<string, string> } }> }).items;
		await waitUntil(async () => (await history(second)).at(-1)?.manifest.data.b === '2', 'the second edit applied');
		expect((await history(first)).at(-1)).toMatchObject({ author: 'Ada', manifest: { data: { a: '2' } } });
		expect((await history(second)).at(-1)).toMatchObject({ author: 'Bob', manifest: { data: { b: '2' } } });
	});
});
