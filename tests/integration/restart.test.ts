/**
 * Clients across a server restart (the server in a child process, killed with SIGKILL or stopped
 * with SIGTERM, restarted on the same data directory and port): acknowledged edits survive, edits
 * made while the server was away are sent on reconnect, and nothing is duplicated: the final
 * text is exactly what the edits make of the starter.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/lib/collab/client';
import { startChildServer, type ChildServer } from '../helpers/child-server';
import { apiCall, connectClient, createRoomAt, fileText, settled, snapshot, waitUntil, type RoomInfo } from '../helpers/server';

let dataDir: string;
let server: ChildServer | undefined;
const clients: RoomClient[] = [];
beforeAll(async () => {
	dataDir = await mkdtemp(join(tmpdir(), 'converge-restart-'));
});
afterAll(async () => {
	for (const c of clients) c.destroy();
	await server?.kill();
	await rm(dataDir, { recursive: true, force: true });
});

function client(room: RoomInfo, role: 'editor' | 'viewer' = 'editor'): RoomClient {
	const c = connectClient(server!.origin, room.id, room.tokens[role], { maxBackoffMs: 200 });
	clients.push(c);
	return c;
}

/** Connected and everything it wrote acknowledged (durable on the server). */
const acked = (c: RoomClient) => c.when((s) => s.connection === 'connected' && !s.pending);

async function serverText(room: RoomInfo, path: string): Promise<string> {
	const res = await apiCall(server!.origin, `/api/rooms/${room.id}/files?path=${path}`, { token: room.tokens.viewer });
	expect(res.status).toBe(200);
	return res.text();
}

describe('reconnect after a server restart', () => {
	it('keeps acknowledged and offline edits exactly once through kill -9 and a graceful restart', async () => {
		server = await startChildServer({ dataDir });
		const port = server.port;
		const room = await createRoomAt(server.origin, 'web-app');
		const a = client(room);
		const b = client(room);
		await Promise.all([a, b].map((c) => c.when((s) => s.synced)));
		const path = 'app/deployment.yaml';
		const base = fileText(a.doc, path).toString();
		expect(base).toContain('replicas: 3');
		const t = (c: RoomClient) => fileText(c.doc, path);

		// Online edits, acknowledged (durable) before the crash.
		t(a).insert(0, '# a online\n');
		t(b).insert(t(b).length, '# b online\n');
		await Promise.all([settled(a), settled(b)]);
		expect(await serverText(room, path)).toBe('# a online\n' + base + '# b online\n');

		// An edit sent just before the crash, maybe never received; then SIGKILL.
		t(a).insert(0, '# a unacked\n');
		await server.kill('SIGKILL');
		await Promise.all([a, b].map((c) => c.when((s) => s.connection !== 'connected')));

		// Offline edits on both sides.
		t(a).insert(0, '# a offline\n');
		const at = t(b).toString().indexOf('replicas: 3') + 'replicas: '.length;
		t(b).delete(at, 1);
		t(b).insert(at, '5');
		t(b).insert(t(b).length, '# b offline\n');
		expect(a.status.pending).toBe(true);
		expect(b.status.pending).toBe(true);

		server = await startChildServer({ dataDir, port });
		await Promise.all([acked(a), acked(b)]);
		const want = '# a offline\n# a unacked\n# a online\n' + base.replace('replicas: 3', 'replicas: 5') + '# b online\n# b offline\n';
		await waitUntil(() => t(a).toString() === want && t(b).toString() === want, 'both clients to hold the merged text');
		expect(await serverText(room, path)).toBe(want);

		// Editing goes on after the reconnect.
		t(b).insert(0, '# b after restart\n');
		await acked(b);
		const want2 = '# b after restart\n' + want;
		await waitUntil(() => t(a).toString() === want2, 'the new edit to reach the other client');

		// A graceful restart: nothing lost, nothing doubled, for the old clients and a new one.
		const all = snapshot(a.doc);
		await server.stop();
		server = await startChildServer({ dataDir, port });
		expect(await serverText(room, path)).toBe(want2); // (this also loads the room: see the last test)
		await Promise.all([acked(a), acked(b)]);
		const fresh = client(room, 'viewer');
		await fresh.when((s) => s.synced);
		for (const c of [a, b, fresh]) expect(snapshot(c.doc)).toEqual(all);
		expect(await serverText(room, path)).toBe(want2);
		expect(want2.split('replicas:').length - 1).toBe(1);
	});

	it('does not reseed a room on restart: a room emptied by its users stays empty', async () => {
		server ??= await startChildServer({ dataDir });
		const room = await createRoomAt(server.origin, 'web-app');
		const a = client(room);
		await a.when((s) => s.synced);
		for (const p of ['app/service.yaml', 'app/configmap.yaml']) {
			const text = fileText(a.doc, p);
			text.delete(0, text.length);
		}
		fileText(a.doc, 'app/service.yaml').insert(0, '# emptied\n');
		await acked(a);
		await waitUntil(async () => (await serverText(room, 'app/configmap.yaml')) === '', 'the deletes to reach the server');
		const port = server.port;
		await server.kill('SIGKILL');
		server = await startChildServer({ dataDir, port });
		expect(await serverText(room, 'app/service.yaml')).toBe('# emptied\n'); // (this also loads the room: see the last test)
		const fresh = client(room, 'viewer');
		await fresh.when((s) => s.synced);
		expect(fileText(fresh.doc, 'app/service.yaml').toString()).toBe('# emptied\n');
		expect(fileText(fresh.doc, 'app/configmap.yaml').toString()).toBe('');
		await acked(a);
		expect(await serverText(room, 'app/service.yaml')).toBe('# emptied\n');
		expect(fileText(a.doc, 'app/service.yaml').toString()).toBe('# emptied\n');
	});

	it('gets a reconnecting client what it missed when its connection is the one that loads the room', async () => {
		server ??= await startChildServer({ dataDir });
		const room = await createRoomAt(server.origin, 'web-app');
		const a = client(room);
		const b = client(room);
		await Promise.all([a, b].map((c) => c.when((s) => s.synced)));
		a.provider.disconnect();
		await a.when((s) => s.connection !== 'connected');
		fileText(b.doc, 'app/service.yaml').insert(0, '# while a was away\n');
		await settled(b);
		b.destroy();
		const port = server.port;
		await server.kill('SIGKILL');
		server = await startChildServer({ dataDir, port });
		// a's socket is the first: the room loads from disk while a's sync step 1 is on the wire.
		a.provider.connect();
		await a.when((s) => s.connection === 'connected');
		await waitUntil(() => fileText(a.doc, 'app/service.yaml').toString().startsWith('# while a was away\n'), 'the missed edit to reach a', 10_000);
		expect(a.status.synced).toBe(true);
	});
});
