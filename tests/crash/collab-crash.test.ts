/**
 * Crash test of the collaboration server's durability: writers insert unique lines continuously
 * while the server process is SIGKILLed at seeded random moments and restarted on the same data
 * directory. After every restart, before any writer reconnects (so only what is on disk counts),
 * every line whose insert the server had acknowledged (RoomClient.ackedClock) is present exactly
 * once, and no line is duplicated or garbled. At the end all writers resend what was lost and
 * everyone holds every line exactly once.
 *
 * Replay a failure with `SEED=<seed> npx vitest run --project crash`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RoomClient } from '../../src/lib/collab/client';
import { startChildServer, type ChildServer } from '../helpers/child-server';
import { createRng, int, pick, withSeed, type Rng } from '../helpers/prng';
import { apiCall, connectClient, createRoomAt, fileText, sameState, waitUntil, type RoomInfo } from '../helpers/server';

const KILLS = 10;
const WRITERS = 4;
const FILES = ['manifests.yaml', 'more.yaml'];
/** Each cycle runs edits for a random time in this range before the kill. */
const CYCLE_MS: [number, number] = [150, 900];

interface Token {
	line: string;
	/** The writer's clock once the insert was made: acknowledged when ackedClock reaches it. */
	clockEnd: number;
}

interface Writer {
	client: RoomClient;
	tokens: Token[];
	next: number;
}

let dataDir: string | undefined;
let server: ChildServer | undefined;
const writers: Writer[] = [];
afterAll(async () => {
	for (const w of writers) w.client.destroy();
	await server?.kill();
	if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Inserts one unique line at a random line boundary of a random file. */
function insertToken(rng: Rng, w: Writer, index: number): void {
	const text = fileText(w.client.doc, pick(rng, FILES));
	const s = text.toString();
	const starts = [0];
	for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) starts.push(i + 1);
	const line = `# w${index}-${String(w.next++).padStart(6, '0')}`;
	text.insert(pick(rng, starts.filter((p) => p <= s.length)), line + '\n');
	w.tokens.push({ line, clockEnd: Y.getState(w.client.doc.store, w.client.doc.clientID) });
}

/** Lines of every file as the server has them on disk (writers are disconnected). */
async function serverLines(room: RoomInfo): Promise<string[]> {
	const lines: string[] = [];
	for (const path of FILES) {
		const res = await apiCall(server!.origin, `/api/rooms/${room.id}/files?path=${path}`, { token: room.tokens.viewer });
		expect(res.status).toBe(200);
		lines.push(...(await res.text()).split('\n').filter(Boolean));
	}
	return lines;
}

function countLines(lines: string[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1);
	return counts;
}

/** Every acknowledged line exactly once; no line twice; nothing but known lines. */
function checkDurable(lines: string[], acked: Set<string>, known: Set<string>, cycle: number): void {
	const counts = countLines(lines);
	const missing = [...acked].filter((l) => counts.get(l) !== 1);
	expect(missing, `cycle ${cycle}: acknowledged lines not present exactly once`).toEqual([]);
	const doubled = [...counts].filter(([, n]) => n > 1).map(([l]) => l);
	expect(doubled, `cycle ${cycle}: duplicated lines`).toEqual([]);
	const unknown = [...counts.keys()].filter((l) => !known.has(l));
	expect(unknown, `cycle ${cycle}: lines nobody wrote`).toEqual([]);
}

describe('collaboration server under kill -9', () => {
	it(`keeps every acknowledged edit exactly once across ${KILLS} SIGKILLs`, () =>
		withSeed('collab-crash', async (seed) => {
			const rng = createRng(seed);
			dataDir = await mkdtemp(join(tmpdir(), 'converge-crash-'));
			const opts = { dataDir, limits: { messagesPerSecond: 100_000, messageBurst: 100_000 } };
			server = await startChildServer(opts);
			const port = server.port;
			const room = await createRoomAt(server.origin, 'blank');
			const created = await apiCall(server.origin, `/api/rooms/${room.id}/files`, { method: 'POST', token: room.tokens.editor, body: { path: FILES[1] } });
			expect(created.status).toBe(201);
			for (let i = 0; i < WRITERS; i++) writers.push({ client: connectClient(server.origin, room.id, room.tokens.editor, { maxBackoffMs: 100 }), tokens: [], next: 0 });
			await Promise.all(writers.map((w) => w.client.when((s) => s.synced)));
			const resets: number[] = [];
			writers.forEach((w, i) => w.client.on('reset', () => resets.push(i)));

			// Writers edit continuously, connected or not, until told to stop.
			let editing = true;
			const loops = writers.map(async (w, i) => {
				const wrng = createRng(seed + i + 1);
				while (editing) {
					insertToken(wrng, w, i);
					await new Promise((r) => setTimeout(r, int(wrng, 0, 6)));
				}
			});

			let everAcked = 0;
			for (let cycle = 1; cycle <= KILLS; cycle++) {
				await new Promise((r) => setTimeout(r, int(rng, ...CYCLE_MS)));
				await server.kill('SIGKILL');
				// Nothing can be acknowledged any more; take stock once every socket has noticed.
				await Promise.all(writers.map((w) => w.client.when((s) => s.connection !== 'connected')));
				for (const w of writers) w.client.provider.disconnect();
				const acked = new Set<string>();
				const known = new Set<string>();
				for (const w of writers) {
					const upTo = w.client.ackedClock;
					for (const t of w.tokens) {
						known.add(t.line);
						if (t.clockEnd <= upTo) acked.add(t.line);
					}
				}
				expect(acked.size, `cycle ${cycle}: acknowledged lines never shrink`).toBeGreaterThanOrEqual(everAcked);
				everAcked = acked.size;

				server = await startChildServer({ ...opts, port });
				checkDurable(await serverLines(room), acked, known, cycle);
				for (const w of writers) w.client.provider.connect();
			}

			// The end: writers stop, resend what the crashes lost, and all converge on everything.
			editing = false;
			await Promise.all(loops);
			await Promise.all(writers.map((w) => w.client.when((s) => s.connection === 'connected' && !s.pending)));
			const all = new Set(writers.flatMap((w) => w.tokens.map((t) => t.line)));
			const lines = await serverLines(room);
			checkDurable(lines, all, all, KILLS + 1);
			expect(lines).toHaveLength(all.size);
			const observer = connectClient(server.origin, room.id, room.tokens.viewer);
			writers.push({ client: observer, tokens: [], next: 0 }); // (destroyed in afterAll)
			await observer.when((s) => s.synced);
			await waitUntil(() => writers.every((w) => sameState(w.client.doc, observer.doc)), 'every writer to hold the server state');
			for (const w of writers)
				for (const path of FILES) expect(fileText(w.client.doc, path).toString()).toBe(fileText(observer.doc, path).toString());
			expect(resets).toEqual([]);
			console.log(`[collab-crash] seed ${seed}: ${KILLS} kills, ${all.size} lines written, ${everAcked} acknowledged before the last kill`);
		}));
});
