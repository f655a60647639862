import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listEntries, normalizePath, PathError, treeOf } from './files';

describe('normalizePath', () => {
	const ok: Array<[string, string]> = [
		['a.yaml', 'a.yaml'],
		['/apps//web/deploy.yaml/', 'apps/web/deploy.yaml'],
		['  x/y  ', 'x/y']
	];
	for (const [input, want] of ok) it(`normalizes ${JSON.stringify(input)}`, () => expect(normalizePath(input)).toBe(want));
	const bad: Array<[string, RegExp]> = [
		['', /empty/],
		['a/../b', /invalid path segment "\.\."/],
		['.hidden', /invalid path segment/],
		['a b.yaml', /invalid path segment/],
		['x/'.repeat(9) + 'f', /levels deep/],
		['f'.repeat(256), /at most 255/]
	];
	for (const [input, want] of bad) it(`refuses ${JSON.stringify(input.slice(0, 20))}`, () => {
		expect(() => normalizePath(input)).toThrow(PathError);
		expect(() => normalizePath(input)).toThrow(want);
	});
});

describe('listEntries', () => {
	it('orders folders before files at each level, then by name', () => {
		const doc = new Y.Doc();
		const t = treeOf(doc);
		for (const [id, path, type] of [
			['1', 'z.yaml', 'file'],
			['2', 'app', 'dir'],
			['3', 'app/b.yaml', 'file'],
			['4', 'app/a.yaml', 'file'],
			['5', 'a.yaml', 'file'],
			['6', 'app/sub', 'dir']
		] as const)
			t.set(id, { path, type });
		expect(listEntries(doc).map((e) => e.path)).toEqual(['app', 'app/sub', 'app/a.yaml', 'app/b.yaml', 'a.yaml', 'z.yaml']);
	});
});
