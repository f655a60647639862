/**
 * Who last edited each declared object's source, per object (not per file): every Yjs
 * transaction that arrives from a person's connection is attributed to the name their awareness
 * publishes, and the ranges it changed in a file are kept as Yjs relative positions (they follow
 * later edits). When the analysis next parses the file, each range is resolved to the objects
 * whose documents it touches. So in a file of 25 objects, an edit of one names its author on that
 * one only; a paste over several names the author on each.
 *
 * @module
 */
import * as Y from 'yjs';
import { pathOfText } from '../../src/lib/collab/files';
import { objectKey } from '../../src/lib/kube/analyze';
import type { ParsedObject } from '../../src/lib/kube/manifest';

interface Edit {
	name: string;
	from: Y.RelativePosition;
	to: Y.RelativePosition;
}

/** Edits kept per file between two analyses (the analysis runs within ~200 ms of an edit). */
const MAX_PENDING = 1000;

/**
 * Whether the edit of [from, to) (a point where text was deleted when from = to) touches the
 * object's content; a `---` inserted before it is not an edit of it.
 */
function touches(o: ParsedObject, from: number, to: number): boolean {
	return from === to ? o.start <= from && from <= o.to : o.start < to && from < o.to;
}

/** A position at one character (by its Yjs id); assoc -1: just after it. */
const position = (client: number, clock: number, assoc: number): Y.RelativePosition => Y.createRelativePositionFromJSON({ item: { client, clock }, assoc });

export class SourceAttribution {
	private readonly pending = new Map<Y.Text, Edit[]>();
	/** objectKey → display name of its last editor. */
	private readonly editors = new Map<string, string>();

	constructor(
		private readonly doc: Y.Doc,
		/** The person behind a transaction origin (a room connection), or undefined (the server, the API). */
		private readonly nameOf: (origin: unknown) => string | undefined
	) {
		doc.on('afterTransaction', this.onTransaction);
	}

	/** The last editor of an object's source, if known. */
	get(key: string): string | undefined {
		return this.editors.get(key);
	}

	/** Sets an editor known from elsewhere (a revision's author after a restart) unless one is known. */
	seed(key: string, name: string): void {
		if (!this.editors.has(key)) this.editors.set(key, name);
	}

	/**
	 * Runs before Yjs merges and garbage-collects the transaction's items. Reads only what the
	 * transaction made (its new structs and its delete set), never the whole text, so a keystroke
	 * costs the same in a short file as in a long one.
	 */
	private onTransaction = (tr: Y.Transaction): void => {
		const name = this.nameOf(tr.origin);
		if (!name) return;
		const texts = new Set<unknown>();
		for (const type of tr.changed.keys()) if (type instanceof Y.Text) texts.add(type);
		if (!texts.size) return;
		const record = (text: Y.Text, from: Y.RelativePosition, to: Y.RelativePosition) => {
			const list = this.pending.get(text) ?? [];
			list.push({ name, from, to });
			if (list.length > MAX_PENDING) list.splice(0, list.length - MAX_PENDING);
			this.pending.set(text, list);
		};
		// Inserted: the items of the clocks this transaction added (from its first to its last character).
		for (const [client, after] of tr.afterState) {
			const before = tr.beforeState.get(client) ?? 0;
			if (after <= before) continue;
			const structs = tr.doc.store.clients.get(client) ?? [];
			for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
				const item = structs[i];
				if (!(item instanceof Y.Item) || item.deleted || !texts.has(item.parent)) continue;
				const { clock } = item.id;
				record(item.parent as Y.Text, position(client, clock, 0), position(client, clock + item.length - 1, -1));
			}
		}
		// Deleted: where the text was (a deleted item resolves to the place it held).
		Y.iterateDeletedStructs(tr, tr.deleteSet, (item) => {
			if (!(item instanceof Y.Item) || !texts.has(item.parent)) return;
			const at = position(item.id.client, item.id.clock, 0);
			record(item.parent as Y.Text, at, at);
		});
	};

	/**
	 * Attributes the pending edits to the objects of the analysis just made (`objects`: parsed
	 * from the current text, so positions resolve against the same text).
	 */
	fold(objects: readonly ParsedObject[]): void {
		if (!this.pending.size) return;
		const byPath = new Map<string, ParsedObject[]>();
		for (const o of objects) byPath.set(o.path, [...(byPath.get(o.path) ?? []), o]);
		for (const [text, edits] of this.pending) {
			const path = pathOfText(this.doc, text);
			const inFile = path === undefined ? undefined : byPath.get(path);
			if (!inFile) continue;
			for (const e of edits) {
				const from = Y.createAbsolutePositionFromRelativePosition(e.from, this.doc);
				const to = Y.createAbsolutePositionFromRelativePosition(e.to, this.doc);
				if (!from || !to || from.type !== text) continue;
				for (const o of inFile) if (touches(o, from.index, to.index)) this.editors.set(objectKey(o), e.name);
			}
		}
		this.pending.clear();
		// Forget objects no longer declared (renamed, deleted).
		if (this.editors.size > objects.length) {
			const declared = new Set(objects.map((o) => objectKey(o)));
			for (const k of this.editors.keys()) if (!declared.has(k)) this.editors.delete(k);
		}
	}

	stop(): void {
		this.doc.off('afterTransaction', this.onTransaction);
	}
}
