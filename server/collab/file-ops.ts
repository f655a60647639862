/**
 * File tree operations on a room's document. Only the server runs them (clients ask over HTTP),
 * so two users can never create the same file twice; each runs in one transaction.
 *
 * @module
 */
import * as Y from 'yjs';
import { randomBytes } from 'node:crypto';
import { findEntry, normalizePath, textsOf, treeOf, type EntryType } from '../../src/lib/collab/files';
import { StatusError } from '../http/respond';
import type { Limits } from '../config';
import { formatBytes } from '../../src/lib/util/format-bytes';

/** Transaction origin of server-made changes. */
export const SERVER_ORIGIN = 'server';

function newId(): string {
	return randomBytes(9).toString('base64url');
}

/** UTF-8 bytes of all the room's files. */
function roomBytes(doc: Y.Doc): number {
	let n = 0;
	textsOf(doc).forEach((t) => (n += Buffer.byteLength(t.toString(), 'utf8')));
	return n;
}

function parentsOf(path: string): string[] {
	const segs = path.split('/');
	return segs.slice(0, -1).map((_, i) => segs.slice(0, i + 1).join('/'));
}

function checkFree(doc: Y.Doc, path: string): void {
	if (findEntry(doc, path) !== undefined) throw new StatusError(409, 'AlreadyExists', `"${path}" already exists`);
	for (const p of parentsOf(path)) {
		const id = findEntry(doc, p);
		if (id !== undefined && treeOf(doc).get(id)?.type === 'file')
			throw new StatusError(409, 'Conflict', `"${p}" is a file, not a folder`);
	}
}

/** Creates a file (with `content`) or a folder; returns the normalized path. */
export function createEntry(doc: Y.Doc, rawPath: string, type: EntryType, content: string, limits: Limits): string {
	const path = validPath(rawPath);
	checkFree(doc, path);
	const missing = parentsOf(path).filter((p) => findEntry(doc, p) === undefined);
	if (treeOf(doc).size + missing.length + 1 > limits.maxEntries)
		throw new StatusError(422, 'Invalid', `a room may hold at most ${limits.maxEntries} files and folders`);
	if (type === 'file') {
		const bytes = Buffer.byteLength(content, 'utf8');
		if (bytes > limits.maxFileBytes)
			throw new StatusError(413, 'RequestEntityTooLarge', `a file may be at most ${formatBytes(limits.maxFileBytes)}`);
		if (roomBytes(doc) + bytes > limits.maxDocBytes)
			throw new StatusError(413, 'RequestEntityTooLarge', `the room's files may total at most ${formatBytes(limits.maxDocBytes)}`);
	}
	doc.transact(() => {
		for (const p of missing) treeOf(doc).set(newId(), { path: p, type: 'dir' });
		const id = newId();
		if (type === 'file') {
			const text = new Y.Text();
			if (content) text.insert(0, content);
			textsOf(doc).set(id, text);
		}
		treeOf(doc).set(id, { path, type });
	}, SERVER_ORIGIN);
	return path;
}

/** Renames a file or a folder (with everything under it). */
export function renameEntry(doc: Y.Doc, rawFrom: string, rawTo: string): string {
	const from = validPath(rawFrom);
	const to = validPath(rawTo);
	const id = findEntry(doc, from);
	if (id === undefined) throw new StatusError(404, 'NotFound', `"${from}" does not exist`);
	if (from === to) return to;
	if (to.startsWith(from + '/')) throw new StatusError(422, 'Invalid', `cannot move "${from}" into itself`);
	checkFree(doc, to);
	const tree = treeOf(doc);
	doc.transact(() => {
		for (const p of parentsOf(to)) if (findEntry(doc, p) === undefined) tree.set(newId(), { path: p, type: 'dir' });
		for (const [eid, e] of [...tree.entries()]) {
			if (e.path === from) tree.set(eid, { ...e, path: to });
			else if (e.path.startsWith(from + '/')) tree.set(eid, { ...e, path: to + e.path.slice(from.length) });
		}
	}, SERVER_ORIGIN);
	return to;
}

/** Deletes a file, or a folder and everything under it. */
export function deleteEntry(doc: Y.Doc, rawPath: string): string[] {
	const path = validPath(rawPath);
	if (findEntry(doc, path) === undefined) throw new StatusError(404, 'NotFound', `"${path}" does not exist`);
	const tree = treeOf(doc);
	const gone: string[] = [];
	doc.transact(() => {
		for (const [eid, e] of [...tree.entries()]) {
			if (e.path !== path && !e.path.startsWith(path + '/')) continue;
			tree.delete(eid);
			textsOf(doc).delete(eid);
			gone.push(e.path);
		}
	}, SERVER_ORIGIN);
	return gone;
}

function validPath(raw: string): string {
	try {
		return normalizePath(raw);
	} catch (e) {
		throw new StatusError(422, 'Invalid', (e as Error).message);
	}
}
