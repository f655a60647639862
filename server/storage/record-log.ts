/**
 * An append-only log of records, each framed as `[u32 length][u32 crc32][payload]` (little
 * endian), with group commit: `append` resolves only after the record is durable (the file is
 * opened O_DSYNC), and all records queued while one write runs share the next one.
 *
 * Recovery reads records until the first torn or corrupt one, truncates the file there and logs
 * what was cut: a crash mid-write loses only records that were never acknowledged.
 *
 * `rewrite(records)` replaces the whole log atomically (temp file, fsync, rename, fsync of the
 * directory); it is serialized with appends, so a record is never lost to a concurrent rewrite.
 *
 * @module
 */
import { constants } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { dirname, basename } from 'node:path';

const HEADER = 8;
/** 'a+' plus O_DSYNC: each write returns once its data is durable, one syscall instead of write + fdatasync. */
const APPEND_DSYNC = constants.O_RDWR | constants.O_CREAT | constants.O_APPEND | constants.O_DSYNC;
/** A record larger than this is treated as corruption on read (nothing legitimate is this big). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export interface RecoveredLog {
	log: RecordLog;
	records: Uint8Array[];
	/** Bytes cut from a torn or corrupt tail (0 when the log was clean). */
	truncatedBytes: number;
}

type Op =
	| { kind: 'append'; data: Uint8Array; resolve: () => void; reject: (e: unknown) => void }
	| { kind: 'rewrite'; records: () => Uint8Array[]; base?: RewriteBase; resolve: () => void; reject: (e: unknown) => void };

/** A file of framed records written beforehand (e.g. a large snapshot, over many turns) that a rewrite starts from. */
export interface RewriteBase {
	path: string;
	records: number;
	bytes: number;
}

export class RecordLog {
	private queue: Op[] = [];
	private running = false;
	private closed = false;
	/** Bytes in the file. */
	size: number;
	/** Records in the file. */
	count: number;

	private constructor(
		private readonly path: string,
		private fh: FileHandle,
		size: number,
		count: number,
		private readonly log: (msg: string) => void
	) {
		this.size = size;
		this.count = count;
	}

	/** Opens (or creates) the log at `path` and returns its intact records. */
	static async open(path: string, log: (msg: string) => void = console.warn): Promise<RecoveredLog> {
		const fh = await open(path, APPEND_DSYNC);
		const buf = await fh.readFile();
		const { records, validBytes } = decodeRecords(buf);
		const truncatedBytes = buf.length - validBytes;
		if (truncatedBytes > 0) {
			log(`${path}: cut ${truncatedBytes} bytes of torn or corrupt tail after ${records.length} records`);
			await fh.truncate(validBytes);
			await fh.datasync();
		}
		return { log: new RecordLog(path, fh, validBytes, records.length, log), records, truncatedBytes };
	}

	/** Appends one record; resolves once it is durable. */
	append(data: Uint8Array): Promise<void> {
		return this.enqueue((resolve, reject) => ({ kind: 'append', data, resolve, reject }));
	}

	/** Resolves once everything appended before this call is durable. */
	barrier(): Promise<void> {
		if (!this.running && this.queue.length === 0) return Promise.resolve();
		return this.enqueue((resolve, reject) => ({ kind: 'append', data: EMPTY, resolve, reject }));
	}

	/**
	 * Replaces the log's content with `records()` (evaluated when the rewrite runs, after every
	 * earlier append), atomically. With `base`, that file's records come first and the file
	 * itself becomes the log (it must be in the log's directory).
	 */
	rewrite(records: () => Uint8Array[], base?: RewriteBase): Promise<void> {
		return this.enqueue((resolve, reject) => ({ kind: 'rewrite', records, base, resolve, reject }));
	}

	/** Waits for queued work, then closes the file. */
	async close(): Promise<void> {
		await this.barrier();
		if (this.closed) return;
		this.closed = true;
		await this.fh.close();
	}

	private enqueue(make: (resolve: () => void, reject: (e: unknown) => void) => Op): Promise<void> {
		if (this.closed) return Promise.reject(new Error(`record log ${this.path} is closed`));
		const p = new Promise<void>((resolve, reject) => this.queue.push(make(resolve, reject)));
		if (!this.running) void this.run();
		return p;
	}

	private async run(): Promise<void> {
		this.running = true;
		try {
			while (this.queue.length > 0) {
				const head = this.queue[0];
				if (head.kind === 'rewrite') {
					this.queue.shift();
					await settle(head, () => this.doRewrite(head.records(), head.base));
					continue;
				}
				// Group commit: every append queued up to the next rewrite shares one write + fsync.
				let n = 0;
				while (n < this.queue.length && this.queue[n].kind === 'append') n++;
				const batch = this.queue.splice(0, n) as Extract<Op, { kind: 'append' }>[];
				const frames = batch.filter((o) => o.data.length > 0).map((o) => frame(o.data));
				try {
					if (frames.length > 0) {
						const bytes = frames.reduce((s, f) => s + f.length, 0);
						await this.fh.writev(frames); // durable on return (O_DSYNC)
						this.size += bytes;
						this.count += frames.length;
					}
					for (const o of batch) o.resolve();
				} catch (e) {
					for (const o of batch) o.reject(e);
				}
			}
		} finally {
			this.running = false;
		}
	}

	private async doRewrite(records: Uint8Array[], base?: RewriteBase): Promise<void> {
		const tmp = base?.path ?? `${dirname(this.path)}/.${basename(this.path)}.tmp`;
		const out = await open(tmp, base ? 'a' : 'w');
		const frames = records.map(frame);
		try {
			if (frames.length > 0) await out.writev(frames);
			await out.sync();
		} finally {
			await out.close();
		}
		await rename(tmp, this.path);
		await syncDir(dirname(this.path));
		await this.fh.close();
		this.fh = await open(this.path, APPEND_DSYNC);
		this.size = (base?.bytes ?? 0) + frames.reduce((s, f) => s + f.length, 0);
		this.count = (base?.records ?? 0) + frames.length;
	}
}

const EMPTY = new Uint8Array(0);

async function settle(op: { resolve: () => void; reject: (e: unknown) => void }, fn: () => Promise<void>) {
	try {
		await fn();
		op.resolve();
	} catch (e) {
		op.reject(e);
	}
}

/** Frames one record: length, CRC-32 of the payload, payload. */
export function frame(data: Uint8Array): Uint8Array {
	const out = new Uint8Array(HEADER + data.length);
	out.set(frameHeader([data]));
	out.set(data, HEADER);
	return out;
}

/** The frame header of a payload given in parts (written after it with writev: no copy). */
export function frameHeader(parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(HEADER);
	let length = 0;
	let crc = 0;
	for (const p of parts) {
		length += p.length;
		crc = crc32(p, crc);
	}
	const view = new DataView(out.buffer);
	view.setUint32(0, length, true);
	view.setUint32(4, crc, true);
	return out;
}

/** Decodes records up to the first torn or corrupt one. */
export function decodeRecords(buf: Uint8Array): { records: Uint8Array[]; validBytes: number } {
	const records: Uint8Array[] = [];
	const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
	let pos = 0;
	while (pos + HEADER <= buf.length) {
		const len = view.getUint32(pos, true);
		const crc = view.getUint32(pos + 4, true);
		if (len > MAX_RECORD_BYTES || pos + HEADER + len > buf.length) break;
		const data = buf.subarray(pos + HEADER, pos + HEADER + len);
		if (crc32(data) !== crc) break;
		records.push(data.slice());
		pos += HEADER + len;
	}
	return { records, validBytes: pos };
}

/** fsyncs a directory so a rename in it is durable. */
export async function syncDir(dir: string): Promise<void> {
	const fh = await open(dir, 'r');
	try {
		await fh.sync();
	} finally {
		await fh.close();
	}
}

/** Writes a file atomically and durably (temp, fsync, rename, fsync dir). */
export async function writeFileDurable(path: string, data: string | Uint8Array): Promise<void> {
	const tmp = `${dirname(path)}/.${basename(path)}.tmp`;
	const fh = await open(tmp, 'w', 0o600);
	try {
		await fh.writeFile(data);
		await fh.sync();
	} finally {
		await fh.close();
	}
	await rename(tmp, path);
	await syncDir(dirname(path));
}
