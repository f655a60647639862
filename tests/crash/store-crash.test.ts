/**
 * Crash tests of the room store's durability (issue 4, "Crash").
 *
 * 1. kill -9: a converge child process with a temp DATA_DIR and one room; writers (the `etcd3`
 *    client over gRPC, a few puts in flight) put unique keys and record every acknowledged put
 *    (key, value, revision from the response header). The server is SIGKILLed at seeded random
 *    moments and restarted on the same DATA_DIR and ports; after each restart, with a fresh
 *    client, a range over the writers' prefix must hold every acknowledged put with its value and
 *    mod_revision = the acknowledged revision; nothing present that nobody wrote; and the store's
 *    revision never goes backwards (≥ every acknowledged revision and ≥ what the previous restart
 *    reported). Snapshots are taken every few hundred records, so kills also land on snapshot
 *    rewrites and recovery runs snapshot + replay.
 * 2. WAL tail: in process, a store's WAL is cut mid-record or has a bit flipped in its last
 *    record; reopening recovers with a log line saying what was cut, every put before the damaged
 *    record intact, revisions continuing from the last intact record.
 * 3. Mid-snapshot: in process, a snapshot is written a chunk at a time while puts are
 *    acknowledged; the room directory is copied after every chunk (what a crash at that moment
 *    leaves on disk) and after the new journal replaced the old one; each copy recovers with
 *    every put acknowledged before it, at its revision.
 *
 * Replay a failure with `SEED=<seed> npx vitest run --project crash tests/crash/store-crash.test.ts`
 * (`CRASH_VERBOSE=1` logs each cycle; on a busy machine each restart takes seconds: add
 * `--testTimeout=900000`).
 */
import { cp, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3, type IKeyValue } from 'etcd3';
import { afterAll, describe, expect, it } from 'vitest';
import { openRoomJournal, openRoomStore } from '../../server/store/room-store';
import { createEngine } from '../../server/store/engine';
import { wallClock } from '../../src/lib/clock/clock';
import { EmbeddedStore, type Journal } from '../../src/lib/store/embedded-store';
import { decodeRecords } from '../../server/storage/record-log';
import { decodeRecord } from '../../src/lib/store/wal-codec';
import { startChildServer, type ChildRoom, type ChildServer, type ChildServerOptions } from '../helpers/child-server';
import { createRng, int, withSeed, word } from '../helpers/prng';

const KILLS = 22;
const WRITERS = 4;
/** Once a cycle's writers have an acknowledgement, the kill comes after a random time in this range. */
const CYCLE_MS: [number, number] = [20, 500];
/** Small, so that kills also hit snapshot rewrites and recovery replays snapshot + tail. */
const SNAPSHOT_EVERY = 250;
const PREFIX = '/crash/';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The end of the prefix range (etcd's clientv3.GetPrefixRangeEnd for ASCII prefixes). */
const prefixEnd = (p: string) => p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1);

/** No retries, no circuit breaker: every failure is seen as it is (a retried put would muddle what was acknowledged). */
const noPolicy = { execute: async (fn: (ctx: object) => unknown) => fn({}) } as never;

function clientOf(server: ChildServer, room: ChildRoom): Etcd3 {
	return new Etcd3({
		hosts: server.etcdEndpoint(),
		auth: { username: room.id, password: room.tokens.editor },
		faultHandling: { global: noPolicy, host: () => noPolicy },
		defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + 15_000 })
	});
}

interface Acked {
	value: string;
	revision: number;
}

let dataDir: string | undefined;
let server: ChildServer | undefined;
let client: Etcd3 | undefined;
const tempDirs: string[] = [];
afterAll(async () => {
	client?.close();
	await server?.kill();
	if (dataDir) await rm(dataDir, { recursive: true, force: true });
	for (const d of tempDirs) await rm(d, { recursive: true, force: true });
});

describe('room store under kill -9', () => {
	it(`keeps every acknowledged put with its revision across ${KILLS} SIGKILLs`, () =>
		withSeed('store-crash', async (seed) => {
			console.log(`[store-crash] seed ${seed} (replay: SEED=${seed})`);
			const rng = createRng(seed);
			dataDir = await mkdtemp(join(tmpdir(), 'converge-store-crash-'));
			const opts: ChildServerOptions = { dataDir, idleUnloadMs: 3_600_000, env: { STORE_SNAPSHOT_EVERY: String(SNAPSHOT_EVERY) } };
			server = await startChildServer(opts);
			const ports = { port: server.port, etcdPort: server.etcdPort };
			const room = await server.createRoom('blank');

			const acked = new Map<string, Acked>();
			/** Every put ever sent (acknowledged or not): key → value. */
			const sent = new Map<string, string>();
			const next = Array.from({ length: WRITERS }, () => 0);
			const wrngs = Array.from({ length: WRITERS }, (_, i) => createRng(seed + 1 + i));
			let lastRevision = 0;
			let inFlightAtKill = 0;
			let total = { acked: 0, unacked: 0, unackedPresent: 0 };

			for (let cycle = 1; cycle <= KILLS; cycle++) {
				client = clientOf(server, room);
				let writing = true;
				let killed = false;
				let inflight = 0;
				let cycleAcks = 0;
				let firstAck!: () => void;
				const gotAck = new Promise<void>((r) => (firstAck = r));
				const errorsBeforeKill: string[] = [];
				const c = client;
				const loops = Array.from({ length: WRITERS }, async (_, w) => {
					while (writing) {
						const n = next[w]++;
						const key = `${PREFIX}w${w}/${String(n).padStart(7, '0')}`;
						const value = `${seed}:${w}:${n}:${word(wrngs[w], 1, 24)}`;
						sent.set(key, value);
						inflight++;
						try {
							const res = await c.kv.put({ key: Buffer.from(key), value: Buffer.from(value) });
							acked.set(key, { value, revision: Number(res.header.revision) });
							cycleAcks++;
							firstAck();
						} catch (e) {
							if (!killed) errorsBeforeKill.push(`${key}: ${(e as Error).message}`);
							return;
						} finally {
							inflight--;
						}
					}
				});

				// (If every writer failed before an acknowledgement, the assertions below say so.)
				await Promise.race([gotAck, Promise.all(loops)]);
				await new Promise((r) => setTimeout(r, int(rng, ...CYCLE_MS)));
				killed = true;
				inFlightAtKill += inflight;
				await server.kill('SIGKILL');
				writing = false;
				await Promise.all(loops);
				client.close();
				expect(errorsBeforeKill, `cycle ${cycle}: puts failed while the server was up`).toEqual([]);
				expect(cycleAcks, `cycle ${cycle}: acknowledged puts`).toBeGreaterThan(0);

				server = await startChildServer({ ...opts, ...ports });
				client = clientOf(server, room);
				const res = await client.kv.range({ key: Buffer.from(PREFIX), range_end: Buffer.from(prefixEnd(PREFIX)) });
				client.close();
				client = undefined;
				const revision = Number(res.header.revision);
				const present = new Map<string, IKeyValue>(res.kvs.map((kv) => [kv.key.toString(), kv]));

				// Every acknowledged put, with its value and the revision it was acknowledged at.
				const wrong: string[] = [];
				let maxAcked = 0;
				for (const [key, a] of acked) {
					maxAcked = Math.max(maxAcked, a.revision);
					const kv = present.get(key);
					if (!kv) wrong.push(`${key}: acknowledged at revision ${a.revision}, missing`);
					else if (dec.decode(kv.value) !== a.value) wrong.push(`${key}: value ${JSON.stringify(kv.value.toString())}, acknowledged ${JSON.stringify(a.value)}`);
					else if (Number(kv.mod_revision) !== a.revision) wrong.push(`${key}: mod_revision ${kv.mod_revision}, acknowledged ${a.revision}`);
				}
				expect(wrong.slice(0, 20), `cycle ${cycle}: acknowledged puts lost or changed (${wrong.length})`).toEqual([]);

				// Nothing nobody wrote; each key put once (unique keys), each put its own revision.
				const revisions = new Set<string>();
				for (const [key, kv] of present) {
					expect(sent.get(key), `cycle ${cycle}: ${key} present but never written`).toBeDefined();
					expect(dec.decode(kv.value), `cycle ${cycle}: value of ${key}`).toBe(sent.get(key));
					expect([kv.version, kv.create_revision], `cycle ${cycle}: ${key} written once`).toEqual(['1', kv.mod_revision]);
					expect(revisions.has(kv.mod_revision), `cycle ${cycle}: revision ${kv.mod_revision} used twice`).toBe(false);
					revisions.add(kv.mod_revision);
					expect(Number(kv.mod_revision)).toBeLessThanOrEqual(revision);
				}

				// The revision never goes backwards.
				expect(revision, `cycle ${cycle}: revision after restart vs. the highest acknowledged`).toBeGreaterThanOrEqual(maxAcked);
				expect(revision, `cycle ${cycle}: revision after restart vs. the previous restart`).toBeGreaterThanOrEqual(lastRevision);
				lastRevision = revision;
				if (process.env.CRASH_VERBOSE) console.log(`[store-crash] cycle ${cycle}: ${cycleAcks} acknowledged, revision ${revision}`);
				total = { acked: acked.size, unacked: sent.size - acked.size, unackedPresent: present.size - acked.size };
			}

			// The store still takes writes, at the next revision.
			client = clientOf(server, room);
			const after = await client.kv.put({ key: Buffer.from(`${PREFIX}after`), value: Buffer.from('x') });
			expect(Number(after.header.revision)).toBe(lastRevision + 1);
			console.log(
				`[store-crash] seed ${seed}: ${KILLS} kills, ${sent.size} puts sent, ${total.acked} acknowledged (all present), ` +
					`${total.unacked} not acknowledged of which ${total.unackedPresent} survived, ${inFlightAtKill} in flight at the kills, final revision ${lastRevision}`
			);
		}));
});

// ── WAL tail ─────────────────────────────────────────────────────────────────────────────────

const PUTS = 12;

async function openStore(dir: string, log: string[]): Promise<EmbeddedStore> {
	return openRoomStore({ dir, engine: createEngine(), clock: wallClock, quotaBytes: 64 * 1024 * 1024, autoCompactionMs: 0, snapshotEvery: 1_000_000, log: (m) => log.push(m) });
}

/** Byte offsets of the records in a WAL ([u32 len][u32 crc][payload] each). */
function recordOffsets(buf: Buffer): number[] {
	const offsets: number[] = [];
	for (let pos = 0; pos + 8 <= buf.length; pos += 8 + buf.readUInt32LE(pos)) offsets.push(pos);
	return offsets;
}

type Damage = (file: string, buf: Buffer, start: number, len: number) => Promise<void>;

const damages: Array<[string, Damage]> = [
	['truncated mid-payload', (file, _buf, start, len) => truncate(file, start + 8 + Math.floor(len / 2))],
	['truncated mid-header', (file, _buf, start) => truncate(file, start + 5)],
	[
		'a bit flipped in the payload',
		async (file, buf, start, len) => {
			buf[start + 8 + Math.floor(len / 2)] ^= 0x10;
			await writeFile(file, buf);
		}
	],
	[
		'a bit flipped in the length',
		async (file, buf, start) => {
			buf[start] ^= 0x01;
			await writeFile(file, buf);
		}
	]
];

describe('room store WAL with a damaged tail', () => {
	it.each(damages)('recovers cleanly when the last record is %s', async (_name, damage) => {
		const dir = await mkdtemp(join(tmpdir(), 'converge-wal-tail-'));
		tempDirs.push(dir);
		const file = join(dir, 'store.wal');
		const log: string[] = [];

		// Some puts, each its own record (awaited one by one), then a clean close.
		let store = await openStore(dir, log);
		const puts: Array<{ key: string; value: string; revision: number }> = [];
		for (let i = 0; i < PUTS; i++) {
			const key = `/tail/k${String(i).padStart(3, '0')}`;
			const value = `value ${i} `.repeat(1 + (i % 5));
			const res = await store.put({ key: enc.encode(key), value: enc.encode(value) });
			puts.push({ key, value, revision: res.header.revision });
		}
		await store.close();
		expect(log).toEqual([]);

		const buf = await readFile(file);
		const offsets = recordOffsets(buf);
		expect(offsets).toHaveLength(PUTS);
		const start = offsets[PUTS - 1];
		const len = buf.readUInt32LE(start);
		await damage(file, buf, start, len);
		const damagedBytes = (await stat(file)).size - start;

		// Reopen: no crash, a log line about the cut, the file cut back to the last intact record.
		store = await openStore(dir, log);
		try {
			expect(log).toHaveLength(1);
			expect(log[0]).toContain(file);
			expect(log[0]).toMatch(new RegExp(`cut ${damagedBytes} bytes .* after ${PUTS - 1} records`));
			expect((await stat(file)).size).toBe(start);

			// Every put before the damaged record intact; the damaged one gone.
			const intact = puts.slice(0, -1);
			const lost = puts[PUTS - 1];
			for (const p of intact) {
				const r = await store.range({ key: enc.encode(p.key) });
				expect(r.kvs.map((kv) => [dec.decode(kv.key), dec.decode(kv.value), kv.modRevision])).toEqual([[p.key, p.value, p.revision]]);
			}
			expect((await store.range({ key: enc.encode(lost.key) })).kvs).toEqual([]);
			const all = await store.range({ key: enc.encode('/tail/'), rangeEnd: enc.encode('/tail0') });
			expect(all.kvs).toHaveLength(PUTS - 1);
			const lastIntact = intact[intact.length - 1].revision;
			expect(all.header.revision).toBe(lastIntact);
			expect((await store.status()).revision).toBe(lastIntact);

			// New writes are accepted, revisions continue from the last intact record.
			const again = await store.put({ key: enc.encode(lost.key), value: enc.encode('rewritten') });
			expect(again.header.revision).toBe(lastIntact + 1);
			const extra = await store.put({ key: enc.encode('/tail/extra'), value: enc.encode('extra') });
			expect(extra.header.revision).toBe(lastIntact + 2);
		} finally {
			await store.close();
		}

		// And all of it is durable: a clean reopen sees the same, with nothing more to cut.
		store = await openStore(dir, log);
		try {
			expect(log).toHaveLength(1);
			const all = await store.range({ key: enc.encode('/tail/'), rangeEnd: enc.encode('/tail0') });
			expect(all.kvs).toHaveLength(PUTS + 1);
			expect(all.header.revision).toBe(puts[PUTS - 2].revision + 2);
			const lost = await store.range({ key: enc.encode(puts[PUTS - 1].key) });
			expect(lost.kvs.map((kv) => [dec.decode(kv.value), kv.modRevision])).toEqual([['rewritten', puts[PUTS - 2].revision + 1]]);
		} finally {
			await store.close();
		}
	});
});

// ── Mid-snapshot ─────────────────────────────────────────────────────────────────────────────

/** 1 KiB values: 3,000 of them make a snapshot of a few ~1 MiB chunks. */
const SNAP_KEYS = 3000;
const SNAP_VALUE = 'v'.repeat(1024);

describe('room store crashing in the middle of a snapshot', () => {
	it('recovers every acknowledged put from the disk as a crash at any chunk would leave it', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'converge-mid-snapshot-'));
		tempDirs.push(dir);
		const { journal, records } = await openRoomJournal(dir);
		// Snapshot writes wait for the test: between two of them it puts and copies the directory.
		const waiting: Array<() => void> = [];
		let commits = 0;
		let wake = () => {};
		/** Resolves once a snapshot write waits or the snapshot is committed. */
		const settled = () => (waiting.length > 0 || commits > 0 ? Promise.resolve() : new Promise<void>((r) => (wake = r)));
		const stepped: Journal = {
			...journal,
			successor: () => {
				const next = journal.successor!();
				return {
					write: async (r) => {
						await new Promise<void>((go) => {
							waiting.push(go);
							wake();
						});
						await next.write(r);
					},
					commit: async (tail) => {
						await next.commit(tail);
						commits++;
						wake();
					},
					abort: () => next.abort()
				};
			}
		};
		const store = EmbeddedStore.open({ engine: createEngine(), journal: stepped, clock: wallClock, quotaBytes: 1 << 30, autoCompactionMs: 0, snapshotEvery: SNAP_KEYS }, records);
		const acked: Array<{ key: string; value: string; revision: number }> = [];
		const put = async (key: string, value: string) => {
			const res = await store.put({ key: enc.encode(key), value: enc.encode(value) });
			acked.push({ key, value, revision: res.header.revision });
		};
		// Concurrent batches share one fsync each (group commit); the last put starts the snapshot.
		for (let b = 0; b < SNAP_KEYS; b += 100) await Promise.all(Array.from({ length: 100 }, (_, i) => put(`/snap/k${String(b + i).padStart(5, '0')}`, SNAP_VALUE)));

		const images: Array<{ dir: string; acked: number }> = [];
		const image = async () => {
			const copy = await mkdtemp(join(tmpdir(), 'converge-mid-snapshot-image-'));
			tempDirs.push(copy);
			await cp(dir, copy, { recursive: true });
			images.push({ dir: copy, acked: acked.length });
		};
		for (let step = 0; ; step++) {
			await settled();
			if (commits > 0) break;
			await put(`/snap/during${String(step).padStart(3, '0')}`, `written while chunk ${step} was`);
			await image();
			waiting.shift()!();
		}
		await put('/snap/after', 'after the snapshot');
		await image();
		await store.close();
		expect(images.length).toBeGreaterThanOrEqual(5);

		// The last image's journal starts with the snapshot and holds only what came after it.
		const kinds = decodeRecords(await readFile(join(images[images.length - 1].dir, 'store.wal'))).records.map((r) => decodeRecord(r).t);
		expect(kinds[0]).toBe('snap-begin');
		expect(kinds.filter((t) => t === 'put').length).toBeLessThan(images.length + 2);

		for (const [n, img] of images.entries()) {
			const recovered = await openRoomStore({ dir: img.dir, engine: createEngine(), clock: wallClock, quotaBytes: 1 << 30, autoCompactionMs: 0, snapshotEvery: 1_000_000 });
			try {
				const all = await recovered.range({ key: enc.encode('/snap/'), rangeEnd: enc.encode('/snap0') });
				const present = new Map(all.kvs.map((kv) => [dec.decode(kv.key), kv]));
				const wrong = acked.slice(0, img.acked).filter((a) => {
					const kv = present.get(a.key);
					return !kv || dec.decode(kv.value) !== a.value || kv.modRevision !== a.revision;
				});
				expect(wrong.map((a) => a.key).slice(0, 10), `image ${n}: acknowledged puts lost or changed`).toEqual([]);
				expect(all.header.revision, `image ${n}: revision`).toBeGreaterThanOrEqual(acked[img.acked - 1].revision);
			} finally {
				await recovered.close();
			}
		}
	});
});
