/**
 * The embedded store's snapshots on the WASM engine: written into the next journal a chunk per
 * write while requests are served, abandoned and started again after a compaction, and
 * recovered exactly (also from the one-record snapshots older journals hold).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWasm } from '../../../scripts/build-wasm';
import { ManualClock } from '../clock/clock';
import { utf8 } from './bytes';
import { EmbeddedStore, memoryJournal, type Journal } from './embedded-store';
import { decodeRecord, encodeRecord } from './wal-codec';
import { createWasmEngine } from './wasm-engine-node';

beforeAll(async () => {
	await buildWasm();
}, 180_000);

const ALL = { key: utf8('/'), rangeEnd: new Uint8Array([0]) };
const VALUE = new Uint8Array(1024).fill(120);
/** Enough 1 KiB values for a few 1 MiB chunks. */
const KEYS = 3000;
const key = (i: number) => utf8(`/registry/pods/ns-${i % 9}/pod-${String(i).padStart(5, '0')}`);
const turn = () => new Promise((r) => setImmediate(r));

/** A journal whose appends are durable at once and whose snapshot writes wait for `step()`. */
function steppedJournal() {
	const records: Uint8Array[] = [];
	const waiting: Array<() => void> = [];
	const log = { records, writes: 0, commits: 0, aborts: 0 };
	const journal: Journal = {
		append: async (r) => void records.push(r),
		successor: () => {
			const next: Uint8Array[] = [];
			return {
				write: (parts) => new Promise<void>((resolve) => waiting.push(() => (next.push(Buffer.concat(parts)), log.writes++, resolve()))),
				commit: async (tail) => {
					records.splice(0, records.length, ...next, ...tail());
					log.commits++;
				},
				abort: async () => void log.aborts++
			};
		},
		close: async () => {}
	};
	/** Lets the oldest snapshot write finish (waiting for the store to issue it). */
	const step = async () => {
		for (let i = 0; i < 100 && waiting.length === 0; i++) await turn();
		if (waiting.length === 0) return false;
		waiting.shift()!();
		await turn();
		return true;
	};
	return { journal, log, step, get waiting() {
		return waiting.length;
	} };
}

function open(journal: Journal, records: Uint8Array[] = [], snapshotEvery = KEYS) {
	return EmbeddedStore.open({ engine: createWasmEngine(), journal, clock: new ManualClock(0), quotaBytes: 1 << 30, snapshotEvery }, records);
}

/** Every key-value and the revision, as one string (deep equality of thousands of byte arrays is slow). */
async function everything(s: EmbeddedStore): Promise<string> {
	const r = await s.range(ALL);
	const kvs = r.kvs.map((kv) => [kv.key, kv.createRevision, kv.modRevision, kv.version, kv.lease, Buffer.from(kv.value).toString('base64')].join(' '));
	return [r.header.revision, ...kvs].join('\n');
}

async function fill(s: EmbeddedStore, n: number, from = 0) {
	for (let i = from; i < from + n; i++) await s.put({ key: key(i), value: VALUE });
}

describe('EmbeddedStore snapshots', () => {
	it('writes a snapshot a chunk per turn, serving requests meanwhile, and recovers from it', async () => {
		const j = steppedJournal();
		const s = open(j.journal);
		await fill(s, KEYS); // the last put starts the snapshot
		expect(j.waiting).toBe(1);

		// Requests in the middle of the snapshot are answered before it ends.
		let served = 0;
		let chunksWritten = 0;
		while (await j.step()) {
			const writes = j.log.writes;
			if (j.log.commits > 0) break;
			const put = await s.put({ key: key(KEYS + writes), value: utf8(`during ${writes}`) });
			const got = await s.range({ key: key(KEYS + writes) });
			expect(got.kvs[0].modRevision).toBe(put.header.revision);
			expect(j.log.commits).toBe(0);
			served++;
			chunksWritten = writes;
		}
		expect(j.log.commits).toBe(1);
		// begin + at least 3 MiB in ~1 MiB chunks + end, with requests answered between them.
		expect(chunksWritten).toBeGreaterThanOrEqual(4);
		expect(served).toBeGreaterThanOrEqual(4);

		// The new journal: the snapshot, then exactly the writes made while it was written.
		const kinds = j.log.records.map((r) => decodeRecord(r).t);
		const chunks = kinds.filter((t) => t === 'snap-chunk').length;
		expect(kinds).toEqual(['snap-begin', ...Array(chunks).fill('snap-chunk'), 'snap-end', ...Array(served).fill('put')]);

		const copy = open(memoryJournal(), j.log.records);
		expect(await everything(copy)).toBe(await everything(s));
		expect((await copy.status()).revision).toBe((await s.status()).revision);
		// And the next write gets the same revision in both.
		expect((await copy.put({ key: key(0), value: VALUE })).header.revision).toBe((await s.put({ key: key(0), value: VALUE })).header.revision);
	});

	it('abandons a snapshot overtaken by a compaction and takes the next one', async () => {
		const j = steppedJournal();
		const s = open(j.journal);
		await fill(s, KEYS);
		await j.step();
		await j.step();
		await s.compact({ revision: 100 });
		// The next chunk finds the engine compacted: the snapshot is dropped, the store goes on.
		while (j.log.aborts === 0 && (await j.step()));
		expect([j.log.aborts, j.log.commits]).toEqual([1, 0]);
		await s.put({ key: key(1), value: utf8('after') });
		while (j.log.commits === 0 && (await j.step()));
		expect(j.log.commits).toBe(1);
		const copy = open(memoryJournal(), j.log.records);
		expect(await everything(copy)).toBe(await everything(s));
		expect((await copy.status()).compactRevision).toBe(100);
	});

	it('recovers from a journal that starts with a one-record snapshot (older journals)', async () => {
		const first = open(memoryJournal());
		await fill(first, 50);
		const { revision } = await first.status();
		const records = [encodeRecord({ seq: 50, t: 'snapshot', engine: first.engineSnapshot(), leases: [], leaseSeed: 1 })];
		records.push(encodeRecord({ seq: 51, t: 'put', req: { key: key(7), value: utf8('after the snapshot') } }));
		const s = open(memoryJournal(), records);
		expect((await s.range({ key: key(7) })).kvs[0]).toMatchObject({ modRevision: revision + 1, version: 2 });
		expect((await s.range(ALL)).count).toBe(50);
	});
});
