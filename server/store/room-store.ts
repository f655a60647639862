/**
 * A room's store on disk: the embedded store with its journal in `DATA_DIR/rooms/<id>/store.wal`
 * (a CRC-framed record log; group commit; a torn tail is cut with a log line on recovery).
 *
 * @module
 */
import { join } from 'node:path';
import type { Clock } from '../../src/lib/clock/clock';
import { EmbeddedStore, type Journal, type StoreOptions } from '../../src/lib/store/embedded-store';
import type { MvccEngine } from '../../src/lib/store/types';
import { RecordLog } from '../storage/record-log';

export interface RoomStoreOptions {
	dir: string;
	engine: MvccEngine;
	clock: Clock;
	quotaBytes: number;
	autoCompactionMs?: number;
	snapshotEvery?: number;
	log?: (m: string) => void;
}

function journalOf(log: RecordLog): Journal {
	return {
		append: (r) => log.append(r),
		rewrite: (make) => log.rewrite(() => [make()]),
		get count() {
			return log.count;
		},
		close: () => log.close()
	};
}

/** Opens (recovering) the store kept in `dir`. */
export async function openRoomStore(o: RoomStoreOptions): Promise<EmbeddedStore> {
	const { log, records } = await RecordLog.open(join(o.dir, 'store.wal'), o.log);
	const options: StoreOptions = {
		engine: o.engine,
		journal: journalOf(log),
		clock: o.clock,
		quotaBytes: o.quotaBytes,
		autoCompactionMs: o.autoCompactionMs,
		snapshotEvery: o.snapshotEvery
	};
	return EmbeddedStore.open(options, records);
}
