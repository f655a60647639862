/**
 * Checks an incoming client update against the room's limits before it is applied, so a refused
 * edit never touches the room's content. Cheap bound first: an update's inserted text is at most
 * its own length in UTF-8 bytes, so when even the worst case fits, nothing more is computed.
 * Only near a limit is the update tried on a scratch copy of the document.
 *
 * @module
 */
import * as Y from 'yjs';
import { TEXTS, TREE, textsOf, treeOf } from '../../src/lib/collab/files';
import type { Limits } from '../config';

export interface Refusal {
	code: 'file-too-large' | 'document-too-large' | 'tree-is-server-owned' | 'message-too-large';
	message: string;
}

const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`;

/** Returns why `update` must be refused, or undefined when it may be applied. */
export function checkUpdate(doc: Y.Doc, update: Uint8Array, limits: Limits): Refusal | undefined {
	if (update.length > limits.maxMessageBytes)
		return { code: 'message-too-large', message: `an edit of ${update.length} bytes exceeds the ${MiB(limits.maxMessageBytes)} message limit` };
	const touchesTree = touchesServerOwnedRoots(doc, update);
	if (touchesTree) return { code: 'tree-is-server-owned', message: 'files and folders are created, renamed and deleted by the server; use the file tree' };
	let total = 0;
	let largest = 0;
	textsOf(doc).forEach((t) => {
		total += t.length;
		largest = Math.max(largest, t.length);
	});
	// UTF-16 length × 3 bounds the UTF-8 size of existing text; the update bounds what it adds.
	if (largest * 3 + update.length <= limits.maxFileBytes && total * 3 + update.length <= limits.maxDocBytes) return undefined;
	return trialApply(doc, update, limits);
}

function trialApply(doc: Y.Doc, update: Uint8Array, limits: Limits): Refusal | undefined {
	const probe = new Y.Doc();
	try {
		Y.applyUpdate(probe, Y.encodeStateAsUpdate(doc));
		Y.applyUpdate(probe, update);
		let total = 0;
		const paths = treeOf(probe);
		for (const [id, text] of textsOf(probe).entries()) {
			const bytes = Buffer.byteLength(text.toString(), 'utf8');
			total += bytes;
			if (bytes > limits.maxFileBytes) {
				const path = paths.get(id)?.path ?? id;
				return { code: 'file-too-large', message: `${path} would be ${bytes} bytes; a file may be at most ${MiB(limits.maxFileBytes)}. Your last edit was not saved.` };
			}
		}
		if (total > limits.maxDocBytes)
			return { code: 'document-too-large', message: `the room's files would total ${total} bytes; a room may hold at most ${MiB(limits.maxDocBytes)}. Your last edit was not saved.` };
		return undefined;
	} finally {
		probe.destroy();
	}
}

/**
 * True when the update inserts into the server-owned root maps. An item's parent is encoded only
 * when it has no origin (a map overwrite, for one, carries only its origin), so an item without
 * parent info takes its parent from its origin: in the same update, or already in the doc.
 */
function touchesServerOwnedRoots(doc: Y.Doc, update: Uint8Array): boolean {
	const { structs } = Y.decodeUpdate(update);
	const inUpdate = new Map<number, Y.Item[]>();
	for (const s of structs) if (s instanceof Y.Item) (inUpdate.get(s.id.client) ?? inUpdate.set(s.id.client, []).get(s.id.client)!).push(s);
	const owned = new Set<unknown>([treeOf(doc), textsOf(doc)]);
	const lookup = (id: Y.ID): Y.Item | undefined => {
		for (const item of inUpdate.get(id.client) ?? []) if (id.clock >= item.id.clock && id.clock < item.id.clock + item.length) return item;
		try {
			const found = Y.getItem(doc.store, id);
			return found instanceof Y.Item ? found : undefined;
		} catch {
			return undefined; // not integrated yet: Yjs keeps it pending, nothing to judge now
		}
	};
	for (const s of structs) {
		if (!(s instanceof Y.Item)) continue;
		let item: Y.Item | undefined = s;
		for (let hops = 0; item && hops < 64; hops++) {
			const parent: unknown = item.parent;
			if (typeof parent === 'string') {
				if (parent === TREE || parent === TEXTS) return true;
				break;
			}
			if (parent && !(parent instanceof Y.ID)) {
				if (owned.has(parent)) return true;
				break;
			}
			if (parent instanceof Y.ID) break; // inside a nested type (a file's Y.Text)
			const origin: Y.ID | null = item.origin ?? item.rightOrigin;
			item = origin ? lookup(origin) : undefined;
		}
	}
	return false;
}
