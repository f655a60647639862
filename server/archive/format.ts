/**
 * The room archive: one zip (fflate) with
 *
 *   converge-room.json   format, version, the room's meta without tokens, the store's revision
 *   files/<path>         the room's files as text
 *   room/<name>          other files of the room's directory (lesson progress)
 *   store/store.wal      the store's journal as it is on disk: its last snapshot (every retained
 *                        revision) and the writes since, in order
 *
 * Importing replays `store/store.wal` into a fresh store, so the imported room has the same
 * revisions, with the same values, create/mod revisions and versions, and the same history.
 * Unpacking checks everything before anything is stored (sizes are checked before inflating).
 *
 * @module
 */
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { decodeRecords } from '../storage/record-log';
import { decodeRecord } from '../../src/lib/store/wal-codec';
import type { RoomMeta } from '../rooms/meta';

export const ARCHIVE_FORMAT = 'converge-room';
export const ARCHIVE_VERSION = 1;
const MANIFEST = 'converge-room.json';
const WAL = 'store/store.wal';

/** The room's meta as exported: no id, no tokens (an import gets new ones). */
export type ExportedMeta = Omit<RoomMeta, 'id' | 'tokens'>;

export interface ArchiveManifest {
	format: typeof ARCHIVE_FORMAT;
	version: number;
	exportedAt: string;
	room: ExportedMeta;
	store: { revision: number };
}

export interface RoomArchive {
	manifest: ArchiveManifest;
	/** path → text */
	files: Map<string, string>;
	/** name → bytes (files of the room directory beside the document and the store) */
	extras: Map<string, Uint8Array>;
	/** The store's journal, framed records. */
	wal: Uint8Array;
}

/** An archive that cannot be imported (the API answers 422 with the message). */
export class ArchiveError extends Error {}

export function packArchive(a: RoomArchive): Uint8Array {
	const entries: Zippable = { [MANIFEST]: strToU8(JSON.stringify(a.manifest, null, 2)), [WAL]: a.wal };
	for (const [path, text] of a.files) entries[`files/${path}`] = strToU8(text);
	for (const [name, bytes] of a.extras) entries[`room/${name}`] = bytes;
	return zipSync(entries, { level: 6 });
}

export interface UnpackLimits {
	/** Bytes of all entries once inflated. */
	maxUncompressedBytes: number;
	/** Entries in the archive. */
	maxEntries: number;
}

/** Reads and checks an archive; throws ArchiveError naming the problem. */
export function unpackArchive(zip: Uint8Array, limits: UnpackLimits): RoomArchive {
	let total = 0;
	let count = 0;
	let entries: Record<string, Uint8Array>;
	try {
		entries = unzipSync(zip, {
			filter: (f) => {
				total += f.originalSize;
				if (++count > limits.maxEntries) throw new ArchiveError(`the archive has more than ${limits.maxEntries} entries`);
				if (total > limits.maxUncompressedBytes) throw new ArchiveError(`the archive inflates to more than ${limits.maxUncompressedBytes} bytes`);
				return true;
			}
		});
	} catch (e) {
		if (e instanceof ArchiveError) throw e;
		throw new ArchiveError(`not a room archive (a zip file): ${(e as Error).message}`);
	}
	const manifest = parseManifest(entries[MANIFEST]);
	const wal = entries[WAL];
	if (!wal) throw new ArchiveError(`the archive has no ${WAL}`);
	checkJournal(wal);
	const files = new Map<string, string>();
	const extras = new Map<string, Uint8Array>();
	for (const [name, bytes] of Object.entries(entries)) {
		if (name.endsWith('/')) continue;
		if (name.startsWith('files/')) files.set(name.slice(6), strFromU8(bytes));
		else if (name.startsWith('room/')) {
			const base = name.slice(5);
			if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(base) || RESERVED.has(base)) throw new ArchiveError(`room file "${base}" is not allowed in an archive`);
			extras.set(base, bytes);
		} else if (name !== MANIFEST && name !== WAL) throw new ArchiveError(`unexpected entry "${name}" in the archive`);
	}
	return { manifest, files, extras, wal };
}

/** Files of a room directory that an archive never carries as `room/...` (the importer writes them). */
export const RESERVED = new Set(['meta.json', 'doc.log', 'store.wal']);

function parseManifest(bytes: Uint8Array | undefined): ArchiveManifest {
	if (!bytes) throw new ArchiveError(`the archive has no ${MANIFEST}`);
	let m: ArchiveManifest;
	try {
		m = JSON.parse(strFromU8(bytes));
	} catch (e) {
		throw new ArchiveError(`${MANIFEST} is not JSON: ${(e as Error).message}`);
	}
	if (m?.format !== ARCHIVE_FORMAT) throw new ArchiveError(`${MANIFEST}: format must be "${ARCHIVE_FORMAT}"`);
	if (m.version !== ARCHIVE_VERSION) throw new ArchiveError(`${MANIFEST}: version ${m.version} is not supported (this server reads version ${ARCHIVE_VERSION})`);
	if (typeof m.room?.name !== 'string' || typeof m.store?.revision !== 'number') throw new ArchiveError(`${MANIFEST}: room.name and store.revision are required`);
	return m;
}

/** Every record framed and checksummed, each one a store record. */
function checkJournal(wal: Uint8Array): void {
	const { records, validBytes } = decodeRecords(wal);
	if (validBytes !== wal.length) throw new ArchiveError(`${WAL} is corrupt after record ${records.length} (byte ${validBytes})`);
	records.forEach((r, i) => {
		try {
			decodeRecord(r);
		} catch (e) {
			throw new ArchiveError(`${WAL}: record ${i} is not a store record: ${(e as Error).message}`);
		}
	});
}

/** The framed records of a journal file read while the store runs: the complete ones. */
export function completeRecords(file: Uint8Array): Uint8Array {
	return file.subarray(0, decodeRecords(file).validBytes);
}
