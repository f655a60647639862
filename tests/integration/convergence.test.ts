/**
 * Node Yjs clients editing one room through the real server (WebSockets on 127.0.0.1) converge:
 * seeded random inserts and deletes across the room's files, delivered with the network's own
 * interleaving; at the end every client holds exactly the server's state and text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/lib/collab/client';
import { bool, createRng, int, pick, withSeed, word, type Rng } from '../helpers/prng';
import { fileText, sameState, settled, snapshot, startServer, waitUntil, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(() => server.stop());

/** One random edit by `c`: an insert (60 %) or a delete of up to 10 characters, in a random file. */
function randomEdit(rng: Rng, c: RoomClient, paths: string[], tag: string): void {
	const text = fileText(c.doc, pick(rng, paths));
	const len = text.length;
	if (len === 0 || bool(rng, 0.6)) text.insert(int(rng, 0, len), `${tag}${word(rng, 1, 6)} `);
	else {
		const at = int(rng, 0, len - 1);
		text.delete(at, int(rng, 1, Math.min(10, len - at)));
	}
}

async function convergeRun(seed: number, clientCount: number, editsPerClient: number): Promise<void> {
	const rng = createRng(seed);
	const room = await server.createRoom('web-app');
	const paths = room.files.filter((f) => f.type === 'file').map((f) => f.path);
	const clients = Array.from({ length: clientCount }, () => server.client(room.id, room.tokens.editor));
	const viewer = server.client(room.id, room.tokens.viewer);
	await Promise.all([...clients, viewer].map((c) => c.when((s) => s.synced)));
	const before = snapshot(clients[0].doc);

	// Random phase: every client edits in turn, yielding to the network at random points so
	// that updates cross on the wire; some edits are grouped in one transaction.
	const remaining = clients.map(() => editsPerClient);
	while (remaining.some((r) => r > 0)) {
		const i = int(rng, 0, clientCount - 1);
		if (remaining[i] === 0) continue;
		const burst = Math.min(remaining[i], int(rng, 1, 4));
		const c = clients[i];
		if (bool(rng, 0.3)) c.doc.transact(() => Array.from({ length: burst }, () => randomEdit(rng, c, paths, `c${i}-`)));
		else for (let k = 0; k < burst; k++) randomEdit(rng, c, paths, `c${i}-`);
		remaining[i] -= burst;
		if (bool(rng, 0.5)) await new Promise((r) => setImmediate(r));
		if (bool(rng, 0.1)) await new Promise((r) => setTimeout(r, int(rng, 1, 5)));
	}
	// Marker phase: one unique insert per client, never deleted, must survive exactly once.
	const markers = clients.map((c, i) => {
		const m = `<<marker-${seed}-${i}>>`;
		const text = fileText(c.doc, pick(rng, paths));
		text.insert(int(rng, 0, text.length), m);
		return m;
	});

	await Promise.all(clients.map((c) => settled(c)));
	const serverDoc = await server.serverDoc(room.id);
	await waitUntil(() => [...clients, viewer].every((c) => sameState(c.doc, serverDoc)), 'every client to hold the server state');

	const want = snapshot(serverDoc);
	expect(want).not.toEqual(before);
	for (const c of [...clients, viewer]) expect(snapshot(c.doc)).toEqual(want);
	const all = Object.values(want).join('\n');
	for (const m of markers) expect(all.split(m).length - 1, `occurrences of ${m}`).toBe(1);
	// What a fresh client loads from the server is the same text.
	const late = server.client(room.id, room.tokens.viewer);
	await late.when((s) => s.synced);
	expect(snapshot(late.doc)).toEqual(want);
}

describe('convergence through the real server', () => {
	it('two clients converge after seeded random inserts and deletes across files', () =>
		withSeed('converge-2', (seed) => convergeRun(seed, 2, 150)));

	it('ten clients converge after seeded random inserts and deletes across files', () =>
		withSeed('converge-10', (seed) => convergeRun(seed, 10, 60)));
});
