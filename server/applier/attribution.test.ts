import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { textsOf, treeOf } from '../../src/lib/collab/files';
import { parseManifestFile } from '../../src/lib/kube/manifest';
import { SourceAttribution } from './attribution';

const cm = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {v: "${value}"}\n`;
const PATH = 'app/cms.yaml';

/** A room document with one file of three ConfigMaps; `as(name)` is a transaction origin naming a person. */
function room() {
	const doc = new Y.Doc();
	const text = new Y.Text();
	doc.transact(() => {
		treeOf(doc).set('f1', { path: PATH, type: 'file' });
		textsOf(doc).set('f1', text);
		text.insert(0, [cm('one', '1'), cm('two', '1'), cm('three', '1')].join('---\n'));
	}, 'server');
	const people = new Map<unknown, string>();
	const as = (name: string) => {
		const origin = { name };
		people.set(origin, name);
		return origin;
	};
	const attribution = new SourceAttribution(doc, (o) => people.get(o));
	const replace = (origin: unknown, from: string, to: string) =>
		doc.transact(() => {
			const at = text.toString().indexOf(from);
			text.delete(at, from.length);
			text.insert(at, to);
		}, origin);
	const fold = () => attribution.fold(parseManifestFile(PATH, text.toString()).objects);
	const editor = (name: string) => attribution.get(`/ConfigMap/default/${name}`);
	return { doc, text, as, replace, fold, editor, attribution };
}

describe('source attribution', () => {
	it('names the person whose edit touched each object, not the file', () => {
		const r = room();
		r.replace(r.as('Ada'), 'name: two}\ndata: {v: "1"', 'name: two}\ndata: {v: "2"');
		r.fold();
		expect([r.editor('one'), r.editor('two'), r.editor('three')]).toEqual([undefined, 'Ada', undefined]);
		r.replace(r.as('Bob'), 'name: three}\ndata: {v: "1"', 'name: three}\ndata: {v: "3"');
		r.replace(r.as('Cy'), 'name: two}\ndata: {v: "2"', 'name: two}\ndata: {v: "4"');
		r.fold();
		expect([r.editor('one'), r.editor('two'), r.editor('three')]).toEqual([undefined, 'Cy', 'Bob']);
	});

	it('ignores edits without a person (the server, the files API)', () => {
		const r = room();
		r.replace('server', 'v: "1"', 'v: "9"');
		r.fold();
		expect(r.editor('one')).toBeUndefined();
	});

	it('keeps an edit on its object while later edits move the text, until the analysis resolves it', () => {
		const r = room();
		r.replace(r.as('Ada'), 'name: three}\ndata: {v: "1"', 'name: three}\ndata: {v: "7"');
		// Bob prepends a whole document: Ada's edit is now 60-odd characters further down.
		r.doc.transact(() => r.text.insert(0, cm('zero', '0') + '---\n'), r.as('Bob'));
		r.fold();
		expect([r.editor('zero'), r.editor('one'), r.editor('three')]).toEqual(['Bob', undefined, 'Ada']);
	});

	it('attributes a paste over several documents to each of them, and forgets objects no longer declared', () => {
		const r = room();
		r.doc.transact(() => {
			r.text.delete(0, r.text.length);
			r.text.insert(0, [cm('one', '5'), cm('renamed', '5')].join('---\n'));
		}, r.as('Dee'));
		r.fold();
		expect([r.editor('one'), r.editor('renamed'), r.editor('two')]).toEqual(['Dee', 'Dee', undefined]);
		r.attribution.stop();
		r.replace(r.as('Eve'), 'v: "5"', 'v: "6"');
		r.fold();
		expect(r.editor('one')).toBe('Dee');
	});
});
