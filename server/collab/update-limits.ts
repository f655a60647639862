/**
 * Checks an incoming client update before it is applied, so a refused edit never touches the
 * room's content. A client may only edit file texts, so the update is checked structurally:
 *
 * - every inserted item is plain text (or already-deleted text) inside a file's Y.Text; anything
 *   written to a root (the server-owned `tree` and `texts`, or a root of its own) is refused;
 * - every deletion hits file text, or something already deleted;
 * - every dependency (origin, parent, deleted range) is known: an update Yjs would have to hold
 *   back as pending is refused as incomplete (the client reconnects and sends a complete diff),
 *   so pending content can never slip past the size checks later.
 *
 * Then sizes: an update's inserted text is at most its own length in UTF-8 bytes, so when even
 * the worst case fits nothing more is computed; only near a limit is it tried on a scratch copy.
 *
 * @module
 */
import * as Y from 'yjs';
import { TEXTS, TREE, textsOf, treeOf } from '../../src/lib/collab/files';
import type { Limits } from '../config';
import { formatBytes } from '../../src/lib/util/format-bytes';

export interface Refusal {
	code: 'file-locked' | 'file-too-large' | 'document-too-large' | 'tree-is-server-owned' | 'unsupported-content' | 'message-too-large' | 'incomplete-update';
	message: string;
}


const SERVER_OWNED: Refusal = { code: 'tree-is-server-owned', message: 'files and folders are created, renamed and deleted by the server; use the file tree' };
const UNSUPPORTED: Refusal = { code: 'unsupported-content', message: 'only text edits inside files are accepted' };
const INCOMPLETE: Refusal = { code: 'incomplete-update', message: 'an edit arrived before one it depends on; resynchronizing' };

/**
 * Returns why `update` must be refused, or undefined when it may be applied. `lockedPath(text)`
 * names the file when the sender may not change that text (a file the facilitator locked).
 */
export function checkUpdate(doc: Y.Doc, update: Uint8Array, limits: Limits, lockedPath?: (text: Y.Text) => string | undefined): Refusal | undefined {
	if (update.length > limits.maxMessageBytes)
		return { code: 'message-too-large', message: `an edit of ${update.length} bytes exceeds the ${formatBytes(limits.maxMessageBytes)} message limit` };
	const shape = new UpdateShape(doc, update);
	const structural = shape.check();
	if (structural) return structural;
	if (lockedPath)
		for (const text of shape.touched) {
			const path = lockedPath(text);
			if (path !== undefined) return { code: 'file-locked', message: `${path} is locked: only the facilitator can change it. Your last edit was not saved.` };
		}
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

/** Structural checks of one decoded update against the server's doc. */
class UpdateShape {
	private readonly structs: Array<Y.Item | Y.GC | Y.Skip>;
	private readonly ds: { clients: Map<number, Array<{ clock: number; len: number }>> };
	private readonly byClient = new Map<number, Y.Item[]>();
	private readonly texts: Y.Map<Y.Text>;
	private readonly roots: Set<unknown>;
	/** Parent verdicts of items, by "client:clock" (chains of origins are walked once): the file text, or a refusal. */
	private readonly verdicts = new Map<string, Refusal | Y.Text>();
	/** File texts the update inserts into or deletes from (valid once `check()` passed). */
	readonly touched = new Set<Y.Text>();

	constructor(
		private readonly doc: Y.Doc,
		update: Uint8Array
	) {
		const decoded = Y.decodeUpdate(update) as unknown as { structs: UpdateShape['structs']; ds: UpdateShape['ds'] };
		this.structs = decoded.structs;
		this.ds = decoded.ds;
		for (const s of this.structs) if (s instanceof Y.Item) (this.byClient.get(s.id.client) ?? this.byClient.set(s.id.client, []).get(s.id.client)!).push(s);
		this.texts = textsOf(doc);
		this.roots = new Set<unknown>([treeOf(doc), this.texts]);
	}

	check(): Refusal | undefined {
		for (const [client, items] of this.byClient) if (items[0].id.clock > Y.getState(this.doc.store, client)) return INCOMPLETE;
		for (const s of this.structs) {
			if (!(s instanceof Y.Item)) continue;
			const v = this.parentVerdict(s);
			if (!(v instanceof Y.Text)) return v;
			this.touched.add(v);
			if (!(s.content instanceof Y.ContentString) && !(s.content instanceof Y.ContentDeleted)) return UNSUPPORTED;
		}
		return this.checkDeletions();
	}

	/** Whether an update item sits inside a file's text, following origins when parent info is absent. */
	private parentVerdict(start: Y.Item): Refusal | Y.Text {
		const seen: string[] = [];
		let item: Y.Item | undefined = start;
		let verdict: Refusal | Y.Text = INCOMPLETE;
		for (let hops = 0; item && hops < 10_000; hops++) {
			const key = `${item.id.client}:${item.id.clock}`;
			const known = this.verdicts.get(key);
			if (known) {
				verdict = known;
				break;
			}
			seen.push(key);
			const parent: unknown = item.parent;
			if (typeof parent === 'string') {
				verdict = parent === TREE || parent === TEXTS ? SERVER_OWNED : UNSUPPORTED;
				break;
			}
			if (parent instanceof Y.ID) {
				const stored = this.storeItem(parent);
				verdict = this.fileTextOf(stored) ?? (stored ? SERVER_OWNED : INCOMPLETE);
				break;
			}
			if (parent && !(parent instanceof Y.ID)) {
				verdict = this.typeVerdict(parent);
				break;
			}
			const origin: Y.ID | null = item.origin ?? item.rightOrigin;
			if (!origin) break;
			const inUpdate = this.updateItem(origin);
			if (inUpdate) {
				item = inUpdate;
				continue;
			}
			const stored = this.storeItem(origin);
			verdict = stored ? this.typeVerdict(stored.parent) : INCOMPLETE;
			break;
		}
		for (const k of seen) this.verdicts.set(k, verdict);
		return verdict;
	}

	private typeVerdict(type: unknown): Refusal | Y.Text {
		if (this.roots.has(type)) return SERVER_OWNED;
		if (type instanceof Y.Text && type._item?.parent === this.texts) return type;
		return UNSUPPORTED;
	}

	/** The file's Y.Text when the stored item is one. */
	private fileTextOf(item: Y.Item | undefined): Y.Text | undefined {
		return item && item.parent === this.texts && item.content instanceof Y.ContentType && item.content.type instanceof Y.Text ? item.content.type : undefined;
	}

	private updateItem(id: Y.ID): Y.Item | undefined {
		for (const it of this.byClient.get(id.client) ?? []) if (id.clock >= it.id.clock && id.clock < it.id.clock + it.length) return it;
		return undefined;
	}

	private storeItem(id: Y.ID): Y.Item | undefined {
		if (id.clock >= Y.getState(this.doc.store, id.client)) return undefined;
		const s = Y.getItem(this.doc.store, id);
		return s instanceof Y.Item ? s : undefined;
	}

	/** Deletions may hit file text, content already deleted, or items of this update. */
	private checkDeletions(): Refusal | undefined {
		for (const [client, ranges] of this.ds.clients) {
			const structs = this.doc.store.clients.get(client) ?? [];
			const known = Y.getState(this.doc.store, client);
			for (const { clock, len } of ranges) {
				const end = clock + len;
				if (end > known && !this.coveredByUpdate(client, Math.max(clock, known), end)) return INCOMPLETE;
				for (let i = clock < known ? Y.findIndexSS(structs as never, clock) : structs.length; i < structs.length; i++) {
					const s = structs[i] as Y.Item | Y.GC;
					if (s.id.clock >= end) break;
					if (!(s instanceof Y.Item) || s.deleted) continue;
					const v = this.typeVerdict(s.parent);
					if (!(v instanceof Y.Text)) return v;
					this.touched.add(v);
				}
			}
		}
		return undefined;
	}

	private coveredByUpdate(client: number, from: number, to: number): boolean {
		const items = this.byClient.get(client) ?? [];
		let at = from;
		for (const it of items) if (it.id.clock <= at && it.id.clock + it.length > at) at = it.id.clock + it.length;
		return at >= to;
	}
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
				return { code: 'file-too-large', message: `${path} would be ${bytes} bytes; a file may be at most ${formatBytes(limits.maxFileBytes)}. Your last edit was not saved.` };
			}
		}
		if (total > limits.maxDocBytes)
			return { code: 'document-too-large', message: `the room's files would total ${total} bytes; a room may hold at most ${formatBytes(limits.maxDocBytes)}. Your last edit was not saved.` };
		return undefined;
	} finally {
		probe.destroy();
	}
}
