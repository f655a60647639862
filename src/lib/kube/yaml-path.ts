/**
 * Where a cursor is inside a (multi-document) YAML manifest: which document, which field path,
 * key or value, and the document's apiVersion/kind. Built on the `yaml` package's AST and its
 * source ranges; pure (strings in, plain data out) so it is tested without an editor.
 *
 * @module
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Pair } from 'yaml';
import type { FieldPath } from './schema';

/** Same bound as the manifest parser: completion must not expand a "billion laughs" file. */
const MAX_ALIAS_COUNT = 100;

let memo: { text: string; docs: Document.Parsed[] } | undefined;

/**
 * The documents of a file (an empty list for an empty file). The last result is memoized: the
 * linter, hover and completion usually ask about the same text in a row.
 */
export function parseDocuments(text: string): Document.Parsed[] {
	if (memo?.text !== text) memo = { text, docs: Array.from(parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false })) };
	return memo.docs;
}

/** The index of the document holding `pos`: the last one starting at or before it. */
export function documentIndexAt(docs: readonly Document.Parsed[], pos: number): number {
	let index = 0;
	docs.forEach((d, i) => {
		if (d.range[0] <= pos) index = i;
	});
	return index;
}

/** A document's `apiVersion` and `kind`, when they are plain strings. */
export function headerOf(doc: Document.Parsed): { apiVersion?: string; kind?: string } {
	if (!isMap(doc.contents)) return {};
	const str = (k: string) => {
		const v = doc.get(k);
		return typeof v === 'string' && v ? v : undefined;
	};
	return { apiVersion: str('apiVersion'), kind: str('kind') };
}

/** The key of a mapping pair as a path step; undefined for complex keys. */
function keyOf(pair: Pair): string | undefined {
	return isScalar(pair.key) && pair.key.value !== null ? String(pair.key.value) : undefined;
}

const within = (n: Node | null | undefined, pos: number) => !!n?.range && pos >= n.range[0] && pos <= n.range[1];

/** What the cursor is on: a key or a scalar value, at a field path. */
export interface PathHit {
	path: FieldPath;
	part: 'key' | 'value';
	from: number;
	to: number;
}

function hitIn(node: Node | null | undefined, pos: number, path: FieldPath): PathHit | undefined {
	if (isMap(node)) {
		for (const pair of node.items) {
			const key = keyOf(pair);
			const k = pair.key as Node | null;
			const v = pair.value as Node | null;
			if (key === undefined) continue;
			if (within(k, pos)) return { path: [...path, key], part: 'key', from: k!.range![0], to: k!.range![1] };
			if (within(v, pos)) return hitIn(v, pos, [...path, key]);
		}
		return undefined;
	}
	if (isSeq(node)) {
		for (let i = 0; i < node.items.length; i++) {
			const item = node.items[i] as Node | null;
			if (within(item, pos)) return hitIn(item, pos, [...path, i]);
		}
		return undefined;
	}
	if ((isScalar(node) || isAlias(node)) && node.range) return { path, part: 'value', from: node.range[0], to: node.range[1] };
	return undefined;
}

/** The field path under `pos` in a document (the key or scalar value it touches). */
export function pathAt(doc: Document.Parsed, pos: number): PathHit | undefined {
	return hitIn(doc.contents, pos, []);
}

/** The pair (for a map step) and node at a path; stops at aliases, which point elsewhere. */
export function nodeAt(doc: Document.Parsed, path: FieldPath): { pair?: Pair; node?: Node } {
	let node = doc.contents as Node | null;
	let pair: Pair | undefined;
	for (const step of path) {
		if (typeof step === 'number' && isSeq(node)) {
			pair = undefined;
			node = (node.items[step] as Node | null) ?? null;
		} else if (typeof step === 'string' && isMap(node)) {
			pair = node.items.find((p) => keyOf(p) === step);
			node = (pair?.value as Node | null) ?? null;
		} else return {};
		if (!pair && !node) return {};
	}
	return { pair, node: node ?? undefined };
}

/** The plain JS value of a document, or undefined when it does not convert (alias bombs). */
export function toObject(doc: Document.Parsed): unknown {
	try {
		return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
	} catch {
		return undefined;
	}
}

/** What completion should offer at a cursor. */
export interface CompletionTarget {
	docIndex: number;
	/** `key`: a field name of the mapping at `path`; `value`: the value of the field at `path`. */
	role: 'key' | 'value';
	path: FieldPath;
	/** Keys already present in that mapping (role `key`). */
	siblings: string[];
	/** The word being typed, replaced by the chosen option. */
	from: number;
	to: number;
	/** Column of the word: where new child keys are indented from. */
	column: number;
	/** The word is the first thing after a list dash (`- na|`). */
	afterDash: boolean;
	/** A `:` already follows the key being typed (renaming a key, not adding one). */
	colonFollows: boolean;
	apiVersion?: string;
	kind?: string;
}

/** A plain scalar nobody types: stands in for the word at the cursor while re-parsing. */
const MARK = 'converge_cursor_mark_';
const WORD = /[\w.\-/]*/y;
// Field names start with a letter; `--` on its way to `---` is not a key.
const KEY_LINE = /^(\s*)((?:-\s+)*)((?:[A-Za-z][\w.\-/]*)?)$/;
const VALUE_LINE = /^\s*(?:-\s+)*[^\s#'"{}[\],][^:#]*:\s+([\w.\-/]*)$/;

interface Probe {
	text: string;
	at: number;
	from: number;
	to: number;
	role: 'key' | 'value';
	afterDash: boolean;
	colonFollows: boolean;
}

/**
 * Puts MARK in place of the word at the cursor (`MARK:` where a key is typed), so that the
 * parser sees a well-formed document even on a half-typed line, and the MARK's position in the
 * AST tells the path. Undefined in comments, flow collections, quoted values and `---` lines.
 */
function probeText(text: string, pos: number): Probe | undefined {
	const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
	const lineEnd = text.indexOf('\n', pos) < 0 ? text.length : text.indexOf('\n', pos);
	const before = text.slice(lineStart, pos);
	if (/^(---|\.\.\.)(\s|$)/.test(text.slice(lineStart, lineEnd))) return undefined;
	WORD.lastIndex = pos;
	const to = pos + (WORD.exec(text)?.[0].length ?? 0);
	const key = KEY_LINE.exec(before);
	if (key) {
		const from = pos - key[3].length;
		const colon = /^\s*:/.test(text.slice(to, lineEnd));
		const replaced = text.slice(0, from) + MARK + (colon ? '' : ':') + text.slice(to);
		return { text: replaced, at: from, from, to, role: 'key', afterDash: key[2].length > 0, colonFollows: colon };
	}
	const value = VALUE_LINE.exec(before);
	if (!value) return undefined;
	const from = pos - value[1].length;
	return { text: text.slice(0, from) + MARK + text.slice(to), at: from, from, to, role: 'value', afterDash: false, colonFollows: false };
}

/** Finds the MARK in a node tree: the path of the mapping holding it as a key, or of its value. */
function findMark(node: Node | null | undefined, path: FieldPath): { path: FieldPath; role: 'key' | 'value'; siblings: string[] } | undefined {
	if (isMap(node)) {
		const keys = node.items.map(keyOf);
		for (const pair of node.items) {
			const key = keyOf(pair);
			if (key === undefined) continue;
			if (key.startsWith(MARK)) return { path, role: 'key', siblings: keys.filter((k): k is string => !!k && !k.startsWith(MARK)) };
			const found = findMark(pair.value as Node | null, [...path, key]);
			if (found) return found;
		}
	} else if (isSeq(node)) {
		for (let i = 0; i < node.items.length; i++) {
			const found = findMark(node.items[i] as Node | null, [...path, i]);
			if (found) return found;
		}
	} else if (isScalar(node) && typeof node.value === 'string' && node.value.startsWith(MARK)) {
		return { path, role: 'value', siblings: [] };
	}
	return undefined;
}

/** What to complete at `pos` in a manifest file; undefined where nothing schema-driven applies. */
export function completionTargetAt(text: string, pos: number): CompletionTarget | undefined {
	const probe = probeText(text, pos);
	if (!probe) return undefined;
	const docs = Array.from(parseAllDocuments(probe.text, { prettyErrors: false, uniqueKeys: false }));
	const docIndex = documentIndexAt(docs, probe.at);
	const doc = docs[docIndex];
	const mark = doc && findMark(doc.contents, []);
	if (!mark) return undefined;
	const header = headerOf(doc);
	const clean = (v: string | undefined) => (v?.startsWith(MARK) ? undefined : v);
	const column = probe.from - (text.lastIndexOf('\n', probe.from - 1) + 1);
	return {
		docIndex,
		role: mark.role,
		path: mark.path,
		siblings: mark.siblings,
		from: probe.from,
		to: probe.to,
		column,
		afterDash: probe.afterDash,
		colonFollows: probe.colonFollows,
		apiVersion: clean(header.apiVersion),
		kind: clean(header.kind)
	};
}
