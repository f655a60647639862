/**
 * A room's store on disk: the embedded store with its journal in `DATA_DIR/rooms/<id>/store.wal`
 * (a CRC-framed record log; group commit; a torn tail is cut with a log line on recovery).
 *
 * A snapshot is written to `.store.wal.next` beside the journal, a chunk per write, while
 * appends go on to `store.wal`; then the records appended meanwhile are added to it and it
 * replaces `store.wal` atomically (RecordLog.rewrite with a base: fsync, rename, fsync of the
 * directory). A crash before that rename leaves `store.wal` whole: the next snapshot overwrites
 * the leftover file.
 *
 * @module
 */
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../src/lib/clock/clock';
import { EmbeddedStore, type Journal, type NextJournal, type StoreOptions } from '../../src/lib/store/embedded-store';
import type { MvccEngine } from '../../src/lib/store/types';
import { frameHeader, RecordLog } from '../storage/record-log';

export interface RoomStoreOptions {
	dir: string;
	engine: MvccEngine;
	clock: Clock;
	quotaBytes: number;
	autoCompactionMs?: number;
	snapshotEvery?: number;
	log?: (m: string) => void;
}

/** The journal in `dir` and the records it held (recovered: a torn tail is cut). */
export async function openRoomJournal(dir: string, log?: (m: string) => void): Promise<{ journal: Journal; records: Uint8Array[] }> {
	const { log: wal, records } = await RecordLog.open(join(dir, 'store.wal'), log);
	const journal: Journal = {
		append: (r) => wal.append(r),
		successor: () => nextJournal(wal, join(dir, '.store.wal.next')),
		close: () => wal.close()
	};
	return { journal, records };
}

function nextJournal(wal: RecordLog, path: string): NextJournal {
	let fh: Promise<FileHandle> | undefined;
	let records = 0;
	let bytes = 0;
	const closed = async () => {
		if (fh) await (await fh).close();
		fh = undefined;
	};
	return {
		async write(parts) {
			const frame = [frameHeader(parts), ...parts];
			const length = frame.reduce((n, p) => n + p.length, 0);
			fh ??= open(path, 'w');
			const { bytesWritten } = await (await fh).writev(frame);
			if (bytesWritten !== length) throw new Error(`${path}: short write`);
			records++;
			bytes += length;
		},
		async commit(tail) {
			await closed();
			await wal.rewrite(tail, { path, records, bytes });
		},
		async abort() {
			await closed();
			await rm(path, { force: true });
		}
	};
}

/** Opens (recovering) the store kept in `dir`. */
export async function openRoomStore(o: RoomStoreOptions): Promise<EmbeddedStore> {
	const { journal, records } = await openRoomJournal(o.dir, o.log);
	const options: StoreOptions = {
		engine: o.engine,
		journal,
		clock: o.clock,
		quotaBytes: o.quotaBytes,
		autoCompactionMs: o.autoCompactionMs,
		snapshotEvery: o.snapshotEvery
	};
	return EmbeddedStore.open(options, records);
}
