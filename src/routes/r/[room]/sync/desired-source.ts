/**
 * The declared object as its file says it now, read from the room's shared document (what the
 * next sync will apply), for the diff's desired side.
 *
 * @module
 */
import type * as Y from 'yjs';
import { findEntry, textsOf } from '$lib/collab/files';
import { parseManifestFile } from '$lib/kube/manifest';

export function declaredManifest(doc: Y.Doc, path: string, index: number): Record<string, unknown> | undefined {
	const id = findEntry(doc, path);
	const text = id === undefined ? undefined : textsOf(doc).get(id)?.toString();
	if (text === undefined) return undefined;
	return parseManifestFile(path, text).objects.find((o) => o.doc === index)?.object;
}
