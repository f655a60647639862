/**
 * Durable Yjs state of one room: every document update is appended to a CRC-framed log and
 * fsynced (group commit) before the server acknowledges it; the log is compacted into one state
 * update once it grows, so a reload replays little. The Yjs binary state is the source of truth,
 * never the YAML text (re-seeding from text would duplicate content on reconnecting clients).
 *
 * @module
 */
import * as Y from 'yjs';
import { RecordLog } from '../storage/record-log';

/** Compact when the log holds more records than this... */
export const COMPACT_AFTER_RECORDS = 2000;
/** ...or is this many times larger than the last compacted state (plus 1 MiB). */
export const COMPACT_GROWTH = 4;

export class DocPersistence {
	private compactedBytes = 0;
	private compacting = false;

	private constructor(
		readonly doc: Y.Doc,
		private readonly log: RecordLog
	) {
		doc.on('update', this.onUpdate);
	}

	/**
	 * Loads the doc stored at `path` (or an empty one); `seed` runs only when no state exists at
	 * all, and its result is made durable before the doc is returned.
	 */
	static async open(path: string, log: (m: string) => void, seed?: (doc: Y.Doc) => void): Promise<DocPersistence> {
		const { log: records, records: updates } = await RecordLog.open(path, log);
		const doc = new Y.Doc({ gc: true });
		Y.transact(doc, () => {
			for (const u of updates) Y.applyUpdate(doc, u);
		}, 'load');
		const p = new DocPersistence(doc, records);
		p.compactedBytes = records.size;
		if (updates.length === 0 && seed) {
			Y.transact(doc, () => seed(doc), 'seed');
			await p.flush();
		}
		return p;
	}

	private onUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin === 'load') return;
		this.log.append(update).catch((e) => console.error('append failed', e));
		this.maybeCompact();
	};

	/** Resolves once every update so far is durable. */
	flush(): Promise<void> {
		return this.log.barrier();
	}

	private maybeCompact(): void {
		if (this.compacting) return;
		const big = this.log.size > COMPACT_GROWTH * this.compactedBytes + 1024 * 1024;
		if (this.log.count < COMPACT_AFTER_RECORDS && !big) return;
		this.compacting = true;
		this.log
			.rewrite(() => [Y.encodeStateAsUpdate(this.doc)])
			.then(() => (this.compactedBytes = this.log.size))
			.catch((e) => console.error('compaction failed', e))
			.finally(() => (this.compacting = false));
	}

	/** Flushes, closes the log and stops listening; the doc itself is the caller's to destroy. */
	async close(): Promise<void> {
		this.doc.off('update', this.onUpdate);
		await this.log.close();
	}

	get records(): number {
		return this.log.count;
	}
}
