/**
 * JSON merge patch (RFC 7386) and JSON patch (RFC 6902) over plain JSON values, as kube-apiserver
 * applies them (evanphx/json-patch): `add` needs an existing parent, `replace`/`remove` an
 * existing target, `-` appends to an array, `test` compares deeply.
 *
 * @module
 */

import { cloneJson } from './clone-json';

type Json = unknown;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386: objects merge recursively, `null` removes, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
	if (!isObject(patch)) return patch;
	const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
	for (const [k, v] of Object.entries(patch)) {
		if (v === null) delete out[k];
		else out[k] = mergePatch(out[k], v);
	}
	return out;
}

/** RFC 7386's inverse: the merge patch that turns `from` into `to` (null for removed keys). */
export function createMergePatch(from: Json, to: Json): Json {
	if (!isObject(from) || !isObject(to)) return to;
	const out: Record<string, unknown> = {};
	for (const k of Object.keys(from)) if (!(k in to)) out[k] = null;
	for (const [k, v] of Object.entries(to)) {
		if (!(k in from)) out[k] = v;
		else if (!deepEqual(from[k], v)) out[k] = isObject(from[k]) && isObject(v) ? createMergePatch(from[k], v) : v;
	}
	return out;
}

/** Structural equality of JSON values. */
export function deepEqual(a: Json, b: Json): boolean {
	if (a === b) return true;
	if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	if (Array.isArray(a)) {
		const bb = b as unknown[];
		return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
	}
	const ka = Object.keys(a as object);
	const kb = Object.keys(b as object);
	if (ka.length !== kb.length) return false;
	return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export interface JsonPatchOp {
	op: string;
	path: string;
	from?: string;
	value?: unknown;
}

/** The error a JSON patch fails with (kube answers them all with one generic 422). */
export class JsonPatchError extends Error {
	override name = 'JsonPatchError';
}

/** Checks a decoded body is a JSON patch document; throws with Go's decode message otherwise. */
export function asJsonPatch(doc: unknown): JsonPatchOp[] {
	if (!Array.isArray(doc)) throw new Error(`json: cannot unmarshal ${jsonKind(doc)} into Go value of type jsonpatch.Patch`);
	for (const op of doc) if (!isObject(op)) throw new Error(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
	return doc as JsonPatchOp[];
}

function jsonKind(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'array';
	if (typeof v === 'boolean') return 'bool';
	return typeof v === 'object' ? 'object' : typeof v;
}

function parsePointer(p: unknown): string[] {
	if (typeof p !== 'string') throw new JsonPatchError('missing path');
	if (p === '') return [];
	if (!p.startsWith('/')) throw new JsonPatchError(`invalid path: ${p}`);
	return p
		.slice(1)
		.split('/')
		.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(arr: unknown[], tok: string, forAdd: boolean): number {
	if (tok === '-' && forAdd) return arr.length;
	if (!/^(0|[1-9]\d*)$/.test(tok)) throw new JsonPatchError(`invalid array index: ${tok}`);
	const i = Number(tok);
	if (i > arr.length || (!forAdd && i === arr.length)) throw new JsonPatchError(`index out of bounds: ${i}`);
	return i;
}

function parentOf(doc: unknown, tokens: string[]): unknown {
	let cur = doc;
	for (const t of tokens.slice(0, -1)) {
		if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)];
		else if (isObject(cur) && t in cur) cur = cur[t];
		else throw new JsonPatchError(`doc is missing path: /${tokens.join('/')}`);
	}
	return cur;
}

function get(doc: unknown, tokens: string[]): unknown {
	if (!tokens.length) return doc;
	const parent = parentOf(doc, tokens);
	const last = tokens[tokens.length - 1];
	if (Array.isArray(parent)) return parent[arrayIndex(parent, last, false)];
	if (isObject(parent) && last in parent) return parent[last];
	throw new JsonPatchError(`doc is missing key: /${tokens.join('/')}`);
}

function add(doc: unknown, tokens: string[], value: unknown): unknown {
	if (!tokens.length) return value;
	const parent = parentOf(doc, tokens);
	const last = tokens[tokens.length - 1];
	if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value);
	else if (isObject(parent)) parent[last] = value;
	else throw new JsonPatchError(`doc is missing path: /${tokens.join('/')}`);
	return doc;
}

function remove(doc: unknown, tokens: string[]): unknown {
	if (!tokens.length) throw new JsonPatchError('unable to remove the whole document');
	const parent = parentOf(doc, tokens);
	const last = tokens[tokens.length - 1];
	if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false), 1);
	else if (isObject(parent) && last in parent) delete parent[last];
	else throw new JsonPatchError(`Unable to remove nonexistent key: ${last}: missing value`);
	return doc;
}

/** Applies an RFC 6902 patch to a copy of `doc`; throws JsonPatchError on the first failing op. */
export function applyJsonPatch(doc: unknown, ops: JsonPatchOp[]): unknown {
	let out = cloneJson(doc);
	for (const op of ops) {
		const tokens = parsePointer(op.path);
		switch (op.op) {
			case 'add':
				if (!('value' in op)) throw new JsonPatchError('add operation missing value');
				out = add(out, tokens, cloneJson(op.value));
				break;
			case 'remove':
				out = remove(out, tokens);
				break;
			case 'replace':
				if (!('value' in op)) throw new JsonPatchError('replace operation missing value');
				if (!tokens.length) {
					out = cloneJson(op.value);
					break;
				}
				get(out, tokens);
				out = add(remove(out, tokens), tokens, cloneJson(op.value));
				break;
			case 'move': {
				const from = parsePointer(op.from);
				const v = get(out, from);
				out = add(remove(out, from), tokens, v);
				break;
			}
			case 'copy':
				out = add(out, tokens, cloneJson(get(out, parsePointer(op.from))));
				break;
			case 'test':
				if (!deepEqual(get(out, tokens), op.value)) throw new JsonPatchError(`testing value ${op.path} failed`);
				break;
			default:
				throw new JsonPatchError(`Unexpected kind: ${String(op.op)}`);
		}
	}
	return out;
}
