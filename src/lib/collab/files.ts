/**
 * The schema of a room's Yjs document: a file tree whose entries are created, renamed and deleted
 * only by the server (concurrent `Y.Map.set` of the same key from two clients keeps one and loses
 * the other), and one `Y.Text` per file that everyone edits.
 *
 * - `tree`: Y.Map<entryId, TreeEntry>: path and type of every file and folder. A rename replaces
 *   the entry's value; the id, and so the file's text, undo history and cursors, stay.
 * - `texts`: Y.Map<entryId, Y.Text>: the content of each file.
 *
 * @module
 */
import * as Y from 'yjs';

export type EntryType = 'file' | 'dir';

export interface TreeEntry {
	path: string;
	type: EntryType;
}

export const TREE = 'tree';
export const TEXTS = 'texts';

/** Bounds of paths; a violation is a `PathError` with a message for the user. */
export const PATH_LIMITS = { maxLength: 255, maxDepth: 8, maxSegment: 100 } as const;

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export class PathError extends Error {
	override name = 'PathError';
}

/** Normalizes a user-typed path (`/a//b/` → `a/b`) and checks it; throws `PathError`. */
export function normalizePath(input: string): string {
	const path = input.trim().split('/').filter(Boolean).join('/');
	if (!path) throw new PathError('path must not be empty');
	if (path.length > PATH_LIMITS.maxLength)
		throw new PathError(`path must be at most ${PATH_LIMITS.maxLength} characters`);
	const segments = path.split('/');
	if (segments.length > PATH_LIMITS.maxDepth)
		throw new PathError(`path must be at most ${PATH_LIMITS.maxDepth} levels deep`);
	for (const s of segments) {
		if (s.length > PATH_LIMITS.maxSegment || !SEGMENT.test(s) || s === '.' || s === '..')
			throw new PathError(
				`invalid path segment "${s}": use letters, digits, ".", "_" and "-", not starting with "." or "-"`
			);
	}
	return path;
}

export function treeOf(doc: Y.Doc): Y.Map<TreeEntry> {
	return doc.getMap<TreeEntry>(TREE);
}

export function textsOf(doc: Y.Doc): Y.Map<Y.Text> {
	return doc.getMap<Y.Text>(TEXTS);
}

/** Entries sorted by path, folders before files at each level (how a file tree shows them). */
export function listEntries(doc: Y.Doc): Array<TreeEntry & { id: string }> {
	const out: Array<TreeEntry & { id: string }> = [];
	treeOf(doc).forEach((e, id) => out.push({ id, ...e }));
	return out.sort((a, b) => comparePaths(a, b));
}

function comparePaths(a: TreeEntry, b: TreeEntry): number {
	const as = a.path.split('/');
	const bs = b.path.split('/');
	for (let i = 0; i < Math.min(as.length, bs.length); i++) {
		if (as[i] === bs[i]) continue;
		// At the first differing level, a folder (a non-last segment or a dir entry) sorts first.
		const aDir = i < as.length - 1 || a.type === 'dir';
		const bDir = i < bs.length - 1 || b.type === 'dir';
		if (aDir !== bDir) return aDir ? -1 : 1;
		return as[i] < bs[i] ? -1 : 1;
	}
	return as.length - bs.length;
}

/** The id of the entry at `path`, if any. */
export function findEntry(doc: Y.Doc, path: string): string | undefined {
	for (const [id, e] of treeOf(doc).entries()) if (e.path === path) return id;
	return undefined;
}

/** Text of every file, by path. */
export function fileTexts(doc: Y.Doc): Map<string, string> {
	const texts = textsOf(doc);
	const out = new Map<string, string>();
	treeOf(doc).forEach((e, id) => {
		if (e.type === 'file') out.set(e.path, texts.get(id)?.toString() ?? '');
	});
	return out;
}

/** Path of the file whose text is `text`, or undefined. */
export function pathOfText(doc: Y.Doc, text: Y.Text): string | undefined {
	for (const [id, t] of textsOf(doc).entries()) if (t === text) return treeOf(doc).get(id)?.path;
	return undefined;
}
