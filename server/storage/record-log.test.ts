import { appendFile, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { constants, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeRecords, frame, MAX_RECORD_BYTES, RecordLog, writeFileDurable } from './record-log';

/** `rename` fails while this is set: a crash between writing the temp file and renaming it. */
const failRename = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
	const fs = await importOriginal<typeof import('node:fs/promises')>();
	return {
		...fs,
		rename: async (from: string, to: string) => {
			if (failRename.on) throw Object.assign(new Error('simulated crash before rename'), { code: 'EIO' });
			return fs.rename(from, to);
		}
	};
});

let dir: string;
let path: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'record-log-'));
	path = join(dir, 'doc.log');
	failRename.on = false;
});
afterEach(async () => {
	vi.restoreAllMocks();
	await rm(dir, { recursive: true, force: true });
});

const rec = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
const silent = () => {};

async function writeLog(records: string[]): Promise<void> {
	const { log } = await RecordLog.open(path, silent);
	await Promise.all(records.map((r) => log.append(rec(r))));
	await log.close();
}

async function reopen(): Promise<{ records: string[]; truncatedBytes: number; log: RecordLog }> {
	const r = await RecordLog.open(path, silent);
	return { records: r.records.map(str), truncatedBytes: r.truncatedBytes, log: r.log };
}

/** The records a restart would find (the log is closed again). */
async function readBack(): Promise<string[]> {
	const { records, log } = await reopen();
	await log.close();
	return records;
}

describe('framing', () => {
	it('round-trips records of any content, including empty ones', () => {
		fc.assert(
			fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (records) => {
				const buf = Buffer.concat(records.map(frame));
				const { records: out, validBytes } = decodeRecords(buf);
				expect(out.map((r) => [...r])).toEqual(records.map((r) => [...r]));
				expect(validBytes).toBe(buf.length);
			})
		);
	});

	it('stops at the first record cut anywhere in its header or payload', () => {
		fc.assert(
			fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 100 }), { minLength: 1, maxLength: 10 }), fc.nat(), (records, cutSeed) => {
				const frames = records.map(frame);
				const buf = Buffer.concat(frames);
				const cut = cutSeed % buf.length; // somewhere strictly inside the log
				let whole = 0;
				let end = 0;
				while (whole < frames.length && end + frames[whole].length <= cut) end += frames[whole++].length;
				const { records: out, validBytes } = decodeRecords(buf.subarray(0, cut));
				expect(out).toHaveLength(whole);
				expect(validBytes).toBe(end);
			})
		);
	});
});

describe('recovery', () => {
	it('reads back what was appended, in order, across reopen', async () => {
		await writeLog(['one', 'two', 'three']);
		const { records, truncatedBytes, log } = await reopen();
		expect(records).toEqual(['one', 'two', 'three']);
		expect(truncatedBytes).toBe(0);
		expect(log.count).toBe(3);
		expect(log.size).toBe((await stat(path)).size);
		await log.close();
	});

	it('cuts a torn tail (a record half written) and appends after the last whole record', async () => {
		await writeLog(['one', 'two']);
		const clean = (await stat(path)).size;
		const torn = frame(rec('three, never acknowledged')).subarray(0, 13);
		await appendFile(path, torn);
		const messages: string[] = [];
		const { log, records, truncatedBytes } = await RecordLog.open(path, (m) => messages.push(m));
		expect(records.map(str)).toEqual(['one', 'two']);
		expect(truncatedBytes).toBe(torn.length);
		expect((await stat(path)).size).toBe(clean);
		expect(messages.join('\n')).toMatch(/cut 13 bytes of torn or corrupt tail after 2 records/);
		await log.append(rec('four'));
		await log.close();
		expect(await readBack()).toEqual(['one', 'two', 'four']);
	});

	it('cuts at a record whose CRC does not match, and everything after it', async () => {
		await writeLog(['one', 'two', 'three', 'four']);
		const buf = await readFile(path);
		const second = frame(rec('one')).length + 8; // first payload byte of record two
		buf[second] ^= 0xff;
		await writeFile(path, buf);
		const { records, truncatedBytes, log } = await reopen();
		expect(records).toEqual(['one']);
		expect(truncatedBytes).toBe(buf.length - frame(rec('one')).length);
		await log.close();
	});

	it('treats an absurd length as corruption rather than allocating it', async () => {
		await writeLog(['one']);
		const header = Buffer.alloc(8);
		header.writeUInt32LE(MAX_RECORD_BYTES + 1, 0);
		await appendFile(path, Buffer.concat([header, Buffer.alloc(32)]));
		const { records, truncatedBytes, log } = await reopen();
		expect(records).toEqual(['one']);
		expect(truncatedBytes).toBe(40);
		await log.close();
	});

	it('recovers whatever prefix survives a cut at any byte of a real log file', async () => {
		const all = Array.from({ length: 12 }, (_, i) => `record-${i}-${'x'.repeat(i * 7)}`);
		await writeLog(all);
		const full = await readFile(path);
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 0, max: full.length - 1 }), async (cut) => {
				await writeFile(path, full.subarray(0, cut));
				const { records, log } = await reopen();
				await log.close();
				// Exactly the records that fit entirely before the cut, in order.
				let end = 0;
				let n = 0;
				while (n < all.length && end + frame(rec(all[n])).length <= cut) end += frame(rec(all[n++])).length;
				expect(records).toEqual(all.slice(0, n));
				expect((await stat(path)).size).toBe(end);
			}),
			{ numRuns: 60 }
		);
	});
});

describe('group commit', () => {
	/**
	 * Spies on FileHandle.writev and records the order of events; a write to a file opened
	 * O_DSYNC (checked in /proc) is durable when it returns, so that counts as its fsync.
	 */
	async function spyOnFileHandles() {
		const probe = await open(join(dir, 'probe'), 'w');
		const proto = Object.getPrototypeOf(probe) as { writev: (...a: unknown[]) => Promise<unknown> };
		await probe.close();
		const events: string[] = [];
		const batches: number[] = [];
		const writev = proto.writev;
		vi.spyOn(proto, 'writev').mockImplementation(async function (this: { fd: number }, ...args: unknown[]) {
			batches.push((args[0] as unknown[]).length);
			events.push(`writev ${batches.length}`);
			const flags = parseInt(/flags:\s*(\d+)/.exec(readFileSync(`/proc/self/fdinfo/${this.fd}`, 'utf8'))![1], 8);
			const out = await writev.apply(this, args);
			if (flags & constants.O_DSYNC) events.push('fsynced');
			return out;
		});
		return { events, batches };
	}

	it('shares one write and one fsync among every append queued while one runs', async () => {
		const { log } = await RecordLog.open(path, silent);
		const { events, batches } = await spyOnFileHandles();
		const n = 200;
		const done = Array.from({ length: n }, (_, i) =>
			log.append(rec(`r${i}`)).then(() => events.push(`acked r${i}`))
		);
		await Promise.all(done);
		// The first append starts a write at once; the other 199 wait for it and go out together.
		expect(batches.reduce((s, b) => s + b, 0)).toBe(n);
		expect(batches.length).toBeLessThanOrEqual(2);
		expect(events.filter((e) => e === 'fsynced')).toHaveLength(batches.length);
		// No append is acknowledged before the fsync of its batch.
		const firstFsync = events.indexOf('fsynced');
		const lastFsync = events.lastIndexOf('fsynced');
		expect(events.indexOf('acked r0')).toBeGreaterThan(firstFsync);
		expect(events.indexOf(`acked r${n - 1}`)).toBeGreaterThan(lastFsync);
		await log.close();
		expect(await readBack()).toEqual(Array.from({ length: n }, (_, i) => `r${i}`));
	});

	it('barrier resolves without I/O when idle, and after pending appends are durable otherwise', async () => {
		const { log } = await RecordLog.open(path, silent);
		const { events, batches } = await spyOnFileHandles();
		await log.barrier();
		expect(events).toEqual([]);
		void log.append(rec('a'));
		void log.append(rec('b'));
		await log.barrier().then(() => events.push('barrier'));
		expect(events.indexOf('barrier')).toBeGreaterThan(events.lastIndexOf('fsynced'));
		expect(batches.reduce((s, b) => s + b, 0)).toBe(2);
		await log.close();
		await expect(log.append(rec('late'))).rejects.toThrow(/closed/);
	});
});

describe('rewrite', () => {
	it('replaces the content atomically; appends queued around it land after the new content', async () => {
		const { log } = await RecordLog.open(path, silent);
		await log.append(rec('old-1'));
		let onDiskWhenEvaluated: string[] = [];
		void log.append(rec('old-2'));
		const rewritten = log.rewrite(() => {
			onDiskWhenEvaluated = decodeRecords(readFileSync(path)).records.map(str);
			return [rec('compacted')];
		});
		const after = log.append(rec('new-1'));
		await Promise.all([rewritten, after]);
		// records() runs after every earlier append is written, so it can include them.
		expect(onDiskWhenEvaluated).toEqual(['old-1', 'old-2']);
		expect(log.count).toBe(2);
		expect(log.size).toBe(frame(rec('compacted')).length + frame(rec('new-1')).length);
		await log.append(rec('new-2'));
		await log.close();
		expect(await readBack()).toEqual(['compacted', 'new-1', 'new-2']);
		expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
	});

	it('leaves the old log whole when the process dies before the rename, and keeps working', async () => {
		await writeLog(['one', 'two']);
		const { log } = await RecordLog.open(path, silent);
		failRename.on = true;
		await expect(log.rewrite(() => [rec('compacted')])).rejects.toThrow(/simulated crash/);
		failRename.on = false;
		// What a restart would find: the old records (a stale temp file is ignored).
		expect(await readBack()).toEqual(['one', 'two']);
		await log.append(rec('three'));
		await log.close();
		expect(await readBack()).toEqual(['one', 'two', 'three']);
	});

	it('ignores a stale temp file from an interrupted rewrite and overwrites it next time', async () => {
		await writeLog(['one']);
		await writeFile(join(dir, '.doc.log.tmp'), 'garbage from a crash');
		const { log, records } = await reopen();
		expect(records).toEqual(['one']);
		await log.rewrite(() => [rec('fresh')]);
		await log.close();
		expect(await readBack()).toEqual(['fresh']);
	});
});

describe('writeFileDurable', () => {
	it('replaces a file whole, leaving no temp file behind', async () => {
		const p = join(dir, 'meta.json');
		await writeFileDurable(p, '{"v":1}');
		await writeFileDurable(p, '{"v":2}');
		expect(await readFile(p, 'utf8')).toBe('{"v":2}');
		expect(await readdir(dir)).toEqual(['meta.json']);
	});

	it('keeps the old content when the rename fails', async () => {
		const p = join(dir, 'meta.json');
		await writeFileDurable(p, 'old');
		failRename.on = true;
		await expect(writeFileDurable(p, 'new')).rejects.toThrow();
		expect(await readFile(p, 'utf8')).toBe('old');
	});
});
