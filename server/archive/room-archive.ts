/**
 * Exporting a room to an archive and importing one as a new room (server/archive/format.ts has
 * the layout). The store travels as its journal; importing replays it into a fresh store, so
 * revisions, values, create/mod revisions and versions, and the retained history are the same.
 * The imported room's clock is paused where the export left it, and its control plane resumes
 * from the imported objects when the room loads.
 *
 * @module
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileTexts } from '../../src/lib/collab/files';
import { wallClock } from '../../src/lib/clock/clock';
import { EmbeddedStore, memoryJournal } from '../../src/lib/store/embedded-store';
import { decodeRecords } from '../storage/record-log';
import { DocPersistence } from '../collab/doc-persistence';
import { createEntry } from '../collab/file-ops';
import { createEngine } from '../store/engine';
import type { Config } from '../config';
import type { Room } from '../rooms/room';
import type { RoomMeta } from '../rooms/meta';
import type { RoomRegistry } from '../rooms/registry';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, ArchiveError, completeRecords, packArchive, RESERVED, unpackArchive, type RoomArchive } from './format';

/** Bounds of archives (room files beside doc and store, e.g. lesson progress). */
export const ARCHIVE_LIMITS = { maxExtraBytes: 16 * 2 ** 20, maxEntries: 2_000 };

/** The store revision a journal replays to (throws if it does not replay). */
async function replayedRevision(wal: Uint8Array, quotaBytes: number): Promise<number> {
	const store = EmbeddedStore.open({ engine: createEngine(), journal: memoryJournal(), clock: wallClock, quotaBytes }, decodeRecords(wal).records);
	try {
		return (await store.status()).revision;
	} finally {
		await store.close();
	}
}

/** The room as one archive (zip bytes). Needs the embedded store (its journal in the room's directory). */
export async function exportRoom(room: Room, dir: string, config: Config): Promise<Uint8Array> {
	await room.flush();
	let file: Uint8Array;
	try {
		file = await readFile(join(dir, 'store.wal'));
	} catch {
		throw new ArchiveError('this room\'s store is not embedded (STORE_BACKEND=etcd): export needs the embedded store');
	}
	// Writes are appended while we read: take the complete records (all acknowledged writes).
	const wal = completeRecords(file);
	const extras = new Map<string, Uint8Array>();
	let extraBytes = 0;
	for (const name of (await readdir(dir)).sort()) {
		if (RESERVED.has(name) || name.endsWith('.tmp') || name.startsWith('.')) continue;
		const s = await stat(join(dir, name));
		if (!s.isFile() || (extraBytes += s.size) > ARCHIVE_LIMITS.maxExtraBytes) continue;
		extras.set(name, await readFile(join(dir, name)));
	}
	const { id: _id, tokens: _tokens, ...meta } = room.meta;
	const archive: RoomArchive = {
		manifest: {
			format: ARCHIVE_FORMAT,
			version: ARCHIVE_VERSION,
			exportedAt: new Date().toISOString(),
			room: { ...meta, clock: room.time.clock.state() },
			store: { revision: await replayedRevision(wal, config.limits.storeQuotaBytes) }
		},
		files: fileTexts(room.doc),
		extras,
		wal
	};
	return packArchive(archive);
}

/** Bytes an archive may have, packed or inflated: the store's quota twice (journal and snapshot) plus all files. */
export function maxArchiveBytes(config: Config): number {
	return 2 * config.limits.storeQuotaBytes + config.limits.maxDocBytes + ARCHIVE_LIMITS.maxExtraBytes;
}

/** A new room from an archive, with new id and tokens; nothing is stored unless all of it checks out. */
export async function importRoom(zip: Uint8Array, rooms: RoomRegistry, config: Config): Promise<RoomMeta> {
	const a = unpackArchive(zip, { maxUncompressedBytes: maxArchiveBytes(config), maxEntries: ARCHIVE_LIMITS.maxEntries });
	let revision: number;
	try {
		revision = await replayedRevision(a.wal, config.limits.storeQuotaBytes);
	} catch (e) {
		throw new ArchiveError(`store/store.wal does not replay: ${(e as Error).message}`);
	}
	if (revision !== a.manifest.store.revision) throw new ArchiveError(`store/store.wal replays to revision ${revision}, but the archive says ${a.manifest.store.revision}`);
	const { room } = a.manifest;
	const meta = { ...room, name: room.name.slice(0, 100), ...(room.clock ? { clock: { ...room.clock, paused: true } } : {}) };
	return rooms.createFrom(meta, async (dir) => {
		const doc = await DocPersistence.open(join(dir, 'doc.log'), config.log, (d) => {
			for (const [path, text] of [...a.files].sort(([x], [y]) => (x < y ? -1 : 1))) createEntry(d, path, 'file', text, config.limits);
		}).catch((e: Error) => {
			throw new ArchiveError(`the archive's files cannot be restored: ${e.message}`);
		});
		await doc.close();
		doc.doc.destroy();
		await writeFile(join(dir, 'store.wal'), a.wal);
		for (const [name, bytes] of a.extras) await writeFile(join(dir, name), bytes);
	});
}
