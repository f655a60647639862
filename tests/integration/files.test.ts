/**
 * File operations through the rooms API (create, concurrent create, rename of a folder, delete),
 * what connected clients see of them, persistence of meta and files across a restart, and idle
 * rooms unloading and loading again on access.
 */
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/lib/collab/client';
import { listEntries, textsOf, treeOf } from '../../src/lib/collab/files';
import { fileText, settled, snapshot, startServer, waitUntil, type RoomInfo, type TestServer } from '../helpers/server';

const files = (server: TestServer, room: RoomInfo, init: Parameters<TestServer['api']>[1] & { query?: string } = {}) =>
	server.api(`/api/rooms/${room.id}/files${init.query ?? ''}`, { token: room.tokens.editor, ...init });

describe('file operations', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(() => server.stop());

	it('creates a file with its folders; clients see it at once', async () => {
		const room = await server.createRoom('web-app');
		const c = server.client(room.id, room.tokens.viewer);
		await c.when((s) => s.synced);
		const res = await files(server, room, { method: 'POST', body: { path: '/extra//deep/new.yaml', content: 'kind: ConfigMap\n' } });
		expect(res.status).toBe(201);
		expect(await res.json()).toEqual({ path: 'extra/deep/new.yaml' });
		await waitUntil(() => listEntries(c.doc).some((e) => e.path === 'extra/deep/new.yaml'), 'the new file to reach the client');
		const entries = listEntries(c.doc).filter((e) => e.path.startsWith('extra'));
		expect(entries.map((e) => [e.path, e.type])).toEqual([
			['extra', 'dir'],
			['extra/deep', 'dir'],
			['extra/deep/new.yaml', 'file']
		]);
		expect(fileText(c.doc, 'extra/deep/new.yaml').toString()).toBe('kind: ConfigMap\n');
		const got = await files(server, room, { query: '?path=extra/deep/new.yaml' });
		expect(got.status).toBe(200);
		expect(await got.text()).toBe('kind: ConfigMap\n');
		// A folder too; and nothing twice.
		expect((await files(server, room, { method: 'POST', body: { path: 'empty', type: 'dir' } })).status).toBe(201);
		expect((await files(server, room, { method: 'POST', body: { path: 'empty', type: 'dir' } })).status).toBe(409);
	});

	it('refuses invalid paths and a file used as a folder', async () => {
		const room = await server.createRoom('web-app');
		for (const path of ['', '../etc/passwd', '.hidden', 'a b.yaml', 'x/'.repeat(9) + 'f.yaml']) {
			const res = await files(server, room, { method: 'POST', body: { path } });
			expect(res.status, JSON.stringify(path)).toBe(422);
			expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'Invalid' });
		}
		const res = await files(server, room, { method: 'POST', body: { path: 'app/service.yaml/inner.yaml' } });
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ reason: 'Conflict', message: '"app/service.yaml" is a file, not a folder' });
		expect((await files(server, room, { method: 'POST', body: { path: 'x.yaml', type: 'link' } })).status).toBe(422);
	});

	it('creates a path exactly once when two requests race for it', async () => {
		const room = await server.createRoom('web-app');
		const doc = await server.serverDoc(room.id);
		for (let round = 0; round < 5; round++) {
			const path = `race-${round}/same.yaml`;
			const results = await Promise.all(
				['one', 'two'].map(async (who) => {
					const res = await files(server, room, { method: 'POST', body: { path, content: `# by ${who}\n` } });
					return { who, status: res.status, body: await res.json() };
				})
			);
			expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
			const won = results.find((r) => r.status === 201)!;
			const lost = results.find((r) => r.status === 409)!;
			expect(lost.body).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', message: `"${path}" already exists` });
			expect([...treeOf(doc).values()].filter((e) => e.path === path)).toHaveLength(1);
			expect([...treeOf(doc).values()].filter((e) => e.path === `race-${round}`)).toHaveLength(1);
			expect(fileText(doc, path).toString()).toBe(`# by ${won.who}\n`);
		}
	});

	it('renames a folder with everything in it, keeping each file (same text, same id)', async () => {
		const room = await server.createRoom('web-app');
		const c = server.client(room.id, room.tokens.editor);
		await c.when((s) => s.synced);
		const before = snapshot(c.doc);
		const idsBefore = new Map(listEntries(c.doc).map((e) => [e.path, e.id]));
		const textBefore = fileText(c.doc, 'app/deployment.yaml');

		const res = await files(server, room, { method: 'PATCH', body: { from: 'app', to: 'web/frontend' } });
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ path: 'web/frontend' });
		await waitUntil(() => listEntries(c.doc).some((e) => e.path === 'web/frontend/deployment.yaml'), 'the rename to reach the client');

		const want = Object.fromEntries(Object.entries(before).map(([p, t]) => [p.replace(/^app\//, 'web/frontend/'), t]));
		expect(snapshot(c.doc)).toEqual(Object.fromEntries(Object.entries(want).sort(([a], [b]) => (a < b ? -1 : 1))));
		const after = new Map(listEntries(c.doc).map((e) => [e.path, e]));
		for (const name of ['configmap.yaml', 'deployment.yaml', 'service.yaml']) expect(after.get(`web/frontend/${name}`)?.id).toBe(idsBefore.get(`app/${name}`));
		expect(after.get('web/frontend')?.id).toBe(idsBefore.get('app'));
		expect(after.get('web')?.type).toBe('dir');
		expect([...after.keys()].filter((p) => p === 'app' || p.startsWith('app/'))).toEqual([]);
		// The very same Y.Text: editors bound to it keep working, and so does an edit made now.
		expect(fileText(c.doc, 'web/frontend/deployment.yaml')).toBe(textBefore);
		textBefore.insert(0, '# renamed\n');
		await settled(c);
		expect(fileText(await server.serverDoc(room.id), 'web/frontend/deployment.yaml').toString()).toBe('# renamed\n' + before['app/deployment.yaml']);

		expect((await files(server, room, { method: 'PATCH', body: { from: 'web', to: 'web/inside' } })).status).toBe(422);
		expect((await files(server, room, { method: 'PATCH', body: { from: 'nope', to: 'other' } })).status).toBe(404);
		expect((await files(server, room, { method: 'PATCH', body: { from: 'nodes', to: 'web/frontend/service.yaml' } })).status).toBe(409);
	});

	it('deletes a folder with everything in it', async () => {
		const room = await server.createRoom('web-app');
		const c = server.client(room.id, room.tokens.editor);
		await c.when((s) => s.synced);
		const res = await files(server, room, { method: 'DELETE', query: '?path=nodes' });
		expect(res.status).toBe(200);
		expect(((await res.json()) as { deleted: string[] }).deleted.sort()).toEqual(['nodes', 'nodes/node-1.yaml', 'nodes/node-2.yaml', 'nodes/node-3.yaml']);
		await waitUntil(() => !listEntries(c.doc).some((e) => e.path.startsWith('nodes')), 'the delete to reach the client');
		expect(listEntries(c.doc).map((e) => e.path)).toEqual(['app', 'app/configmap.yaml', 'app/deployment.yaml', 'app/service.yaml']);
		expect(textsOf(c.doc).size).toBe(3);
		expect((await files(server, room, { query: '?path=nodes/node-1.yaml' })).status).toBe(404);
		expect((await files(server, room, { method: 'DELETE', query: '?path=nodes' })).status).toBe(404);
		const objects = ((await (await server.api(`/api/rooms/${room.id}/analysis`, { token: room.tokens.viewer })).json()) as { objects: { kind: string }[] }).objects;
		expect(objects.filter((o) => o.kind === 'Node')).toEqual([]);
	});
});

describe('persistence across a restart', () => {
	let server: TestServer | undefined;
	afterEach(async () => {
		await server?.stop();
		server = undefined;
	});

	it('keeps rooms, their meta, tokens, files and edits; a deleted room stays deleted', async () => {
		server = await startServer();
		const dataDir = server.dataDir;
		const room = await server.createRoom('web-app', 'Persistent room');
		const gone = await server.createRoom('blank');
		const c = server.client(room.id, room.tokens.editor);
		await c.when((s) => s.synced);
		fileText(c.doc, 'app/service.yaml').insert(0, '# edited before restart\n');
		await settled(c);
		expect((await files(server, room, { method: 'POST', body: { path: 'later/added.yaml', content: 'a: 1\n' } })).status).toBe(201);
		expect((await files(server, room, { method: 'PATCH', body: { from: 'nodes', to: 'cluster/nodes' } })).status).toBe(200);
		expect((await files(server, room, { method: 'DELETE', query: '?path=app/configmap.yaml' })).status).toBe(200);
		expect((await server.api(`/api/rooms/${gone.id}`, { method: 'DELETE', token: gone.tokens.facilitator })).status).toBe(200);
		const want = snapshot(await server.serverDoc(room.id));
		const described = await (await server.api(`/api/rooms/${room.id}`, { token: room.tokens.facilitator })).json();
		await server.stop({ keepData: true });

		server = await startServer({ dataDir });
		const res = await server.api(`/api/rooms/${room.id}`, { token: room.tokens.facilitator });
		expect(res.status).toBe(200);
		const again = await res.json();
		expect({ ...again, links: undefined }).toEqual({ ...described, links: undefined });
		expect(again).toMatchObject({ id: room.id, name: 'Persistent room', starter: 'web-app', created: room.created, tokens: room.tokens });
		expect(snapshot(await server.serverDoc(room.id))).toEqual(want);
		expect(want['app/service.yaml'].startsWith('# edited before restart\n')).toBe(true);
		expect((await server.api(`/api/rooms/${room.id}`, { token: room.tokens.viewer })).status).toBe(200);

		expect((await server.api(`/api/rooms/${gone.id}`, { token: gone.tokens.editor })).status).toBe(404);
		expect(existsSync(join(dataDir, 'rooms', gone.id))).toBe(false);
		expect((await (await server.api('/api/health')).json()).rooms).toBe(1);

		const late = server.client(room.id, room.tokens.viewer);
		await late.when((s) => s.synced);
		expect(snapshot(late.doc)).toEqual(want);
	});
});

describe('idle rooms', () => {
	let server: TestServer;
	const opened: RoomClient[] = [];
	const client = (room: RoomInfo, token: string) => {
		const c = server.client(room.id, token);
		opened.push(c);
		return c;
	};
	beforeAll(async () => {
		server = await startServer({ idleUnloadMs: 100 });
	});
	// A connected client keeps its room loaded: close them so each test starts from idle rooms.
	afterEach(() => {
		for (const c of opened.splice(0)) c.destroy();
	});
	afterAll(() => server.stop());

	const health = async () => (await (await server.api('/api/health')).json()) as { rooms: number; loaded: number };

	it('unloads a room nobody uses and loads it again on access, content intact', async () => {
		const room = await server.createRoom('web-app');
		const res = await files(server, room, { method: 'POST', body: { path: 'kept.yaml', content: 'kept: true\n' } });
		expect(res.status).toBe(201);
		await waitUntil(async () => (await health()).loaded === 0, 'the idle room to unload');
		const got = await files(server, room, { query: '?path=kept.yaml' });
		expect(await got.text()).toBe('kept: true\n');
		expect((await health()).loaded).toBe(1);
		const c = client(room, room.tokens.editor);
		await c.when((s) => s.synced);
		expect(fileText(c.doc, 'kept.yaml').toString()).toBe('kept: true\n');
	});

	it('syncs a client whose socket is the one that loads an unloaded room', async () => {
		const room = await server.createRoom('web-app');
		const res = await files(server, room, { method: 'POST', body: { path: 'kept.yaml', content: 'kept: true\n' } });
		expect(res.status).toBe(201);
		await waitUntil(async () => (await health()).loaded === 0, 'the idle room to unload');
		// No HTTP request loads it first: the socket does, while its sync step 1 is on the wire.
		const c = client(room, room.tokens.viewer);
		await waitUntil(() => c.status.synced, 'the client to complete its first sync', 5_000);
		expect(fileText(c.doc, 'kept.yaml').toString()).toBe('kept: true\n');
	});

	it('keeps a room with a connected client loaded while an idle one unloads', async () => {
		await waitUntil(async () => (await health()).loaded === 0, 'earlier rooms to unload');
		const busy = await server.createRoom('blank');
		const idle = await server.createRoom('blank');
		const c = client(busy, busy.tokens.editor);
		await c.when((s) => s.synced);
		const closes: number[] = [];
		c.provider.on('connection-close', (ev) => closes.push(ev?.code ?? 0));
		// Both were used just now; the idle one unloading shows the sweep ran past the busy one.
		await waitUntil(async () => (await health()).loaded === 1, 'the idle room to unload');
		expect(closes).toEqual([]);
		fileText(c.doc, 'manifests.yaml').insert(0, 'still: loaded\n');
		await settled(c);
		expect(fileText(await server.serverDoc(busy.id), 'manifests.yaml').toString()).toBe('still: loaded\n');
		expect((await files(server, idle, { query: '?path=manifests.yaml' })).status).toBe(200);
	});

	it('does not unload a room under a request that is still being received', async () => {
		const room = await server.createRoom('blank');
		await waitUntil(async () => (await health()).loaded === 0, 'the idle room to unload');
		const body = JSON.stringify({ path: 'slow.yaml', content: 'slow: upload\n' });
		const half = Math.floor(body.length / 2);
		let sendRest!: () => void;
		const answered = new Promise<{ status: number }>((resolve, reject) => {
			const req = request(`${server.origin}/api/rooms/${room.id}/files`, {
				method: 'POST',
				headers: { authorization: `Bearer ${room.tokens.editor}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
			});
			req.on('response', (r) => {
				r.resume();
				r.on('end', () => resolve({ status: r.statusCode ?? 0 }));
			});
			req.on('error', reject);
			req.write(body.slice(0, half));
			sendRest = () => req.end(body.slice(half));
		});
		// The request loaded the room and holds it: sweeps come and go (idle time is 100 ms, a sweep
		// every 100 ms) while the rest of its body has not arrived, and the room stays loaded.
		await waitUntil(async () => (await health()).loaded === 1, 'the request to load the room');
		await new Promise((r) => setTimeout(r, 1000));
		expect((await health()).loaded).toBe(1);
		sendRest();
		const { status } = await answered;
		const stored = await files(server, room, { query: '?path=slow.yaml' });
		expect({ status, stored: stored.status }).toEqual({ status: 201, stored: 200 });
	});
});
