import { describe, expect, it } from 'vitest';
import { applyJsonPatch, asJsonPatch, createMergePatch, deepEqual, JsonPatchError, mergePatch } from './json-patch';

describe('mergePatch (RFC 7386)', () => {
	it.each([
		{ name: 'merges objects', doc: { a: 1, b: { c: 2 } }, patch: { b: { d: 3 } }, want: { a: 1, b: { c: 2, d: 3 } } },
		{ name: 'null removes', doc: { a: 1, b: 2 }, patch: { a: null }, want: { b: 2 } },
		{ name: 'arrays replace', doc: { a: [1, 2] }, patch: { a: [3] }, want: { a: [3] } },
		{ name: 'non-object patch replaces', doc: { a: 1 }, patch: 'x', want: 'x' }
	])('$name', ({ doc, patch, want }) => {
		expect(mergePatch(doc, patch)).toEqual(want);
	});

	it('createMergePatch is its inverse', () => {
		const from = { a: 1, b: { c: 2, d: 3 }, e: [1] };
		const to = { a: 1, b: { c: 5 }, e: [2], f: true };
		expect(mergePatch(from, createMergePatch(from, to))).toEqual(to);
	});
});

describe('applyJsonPatch (RFC 6902)', () => {
	const doc = { spec: { replicas: 1, list: ['a', 'b'] }, 'x/y': 1 };
	it.each([
		{ name: 'replace', ops: [{ op: 'replace', path: '/spec/replicas', value: 3 }], want: { spec: { replicas: 3, list: ['a', 'b'] }, 'x/y': 1 } },
		{ name: 'add to end', ops: [{ op: 'add', path: '/spec/list/-', value: 'c' }], want: { spec: { replicas: 1, list: ['a', 'b', 'c'] }, 'x/y': 1 } },
		{ name: 'insert', ops: [{ op: 'add', path: '/spec/list/0', value: 'z' }], want: { spec: { replicas: 1, list: ['z', 'a', 'b'] }, 'x/y': 1 } },
		{ name: 'remove escaped', ops: [{ op: 'remove', path: '/x~1y' }], want: { spec: { replicas: 1, list: ['a', 'b'] } } },
		{ name: 'move', ops: [{ op: 'move', from: '/spec/replicas', path: '/r' }], want: { spec: { list: ['a', 'b'] }, 'x/y': 1, r: 1 } },
		{ name: 'copy', ops: [{ op: 'copy', from: '/spec/list/1', path: '/spec/list/0' }], want: { spec: { replicas: 1, list: ['b', 'a', 'b'] }, 'x/y': 1 } },
		{ name: 'test passes', ops: [{ op: 'test', path: '/spec/replicas', value: 1 }], want: doc }
	])('$name', ({ ops, want }) => {
		expect(applyJsonPatch(doc, ops)).toEqual(want);
		expect(doc.spec.replicas).toBe(1);
	});

	it.each([
		{ name: 'replace of a missing key', ops: [{ op: 'replace', path: '/spec/nope', value: 1 }] },
		{ name: 'remove of a missing key', ops: [{ op: 'remove', path: '/nope' }] },
		{ name: 'add below a missing parent', ops: [{ op: 'add', path: '/a/b/c', value: 1 }] },
		{ name: 'failed test', ops: [{ op: 'test', path: '/spec/replicas', value: 2 }] },
		{ name: 'unknown op', ops: [{ op: 'frob', path: '/spec' }] },
		{ name: 'index out of range', ops: [{ op: 'replace', path: '/spec/list/7', value: 1 }] }
	])('fails: $name', ({ ops }) => {
		expect(() => applyJsonPatch(doc, ops)).toThrow(JsonPatchError);
	});

	it('refuses documents that are not a patch with Go\'s message', () => {
		expect(() => asJsonPatch({ op: 'add' })).toThrow('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
	});

	it('deepEqual compares structure', () => {
		expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
		expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
	});
});
