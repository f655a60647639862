/**
 * Writes a lesson's starting manifests into the room's shared files (the Yjs document), as the
 * server's file operations do: new files are created, files at the same path get the lesson's
 * content; with `clean`, every other file is deleted first.
 *
 * @module
 */
import type * as Y from 'yjs';
import { findEntry, listEntries, textsOf } from '../../src/lib/collab/files';
import { createEntry, deleteEntry, SERVER_ORIGIN } from '../collab/file-ops';
import { StatusError } from '../http/respond';
import type { Limits } from '../config';

export function writeLessonFiles(doc: Y.Doc, files: Record<string, string>, limits: Limits, clean: boolean): string[] {
	if (clean)
		for (const e of listEntries(doc))
			if (!files[e.path] && findEntry(doc, e.path) !== undefined && !Object.keys(files).some((p) => p.startsWith(e.path + '/'))) deleteEntry(doc, e.path);
	const written: string[] = [];
	for (const [path, content] of Object.entries(files)) {
		const id = findEntry(doc, path);
		const text = id === undefined ? undefined : textsOf(doc).get(id);
		if (id === undefined) createEntry(doc, path, 'file', content, limits);
		else if (!text) throw new StatusError(409, 'Conflict', `"${path}" is a folder, the lesson has a file there`);
		else if (text.toString() !== content) {
			if (Buffer.byteLength(content) > limits.maxFileBytes) throw new StatusError(413, 'RequestEntityTooLarge', `"${path}" is too large`);
			doc.transact(() => {
				text.delete(0, text.length);
				text.insert(0, content);
			}, SERVER_ORIGIN);
		}
		written.push(path);
	}
	return written;
}
