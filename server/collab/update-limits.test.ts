import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { findEntry, textsOf, treeOf } from '../../src/lib/collab/files';
import { DEFAULT_LIMITS, type Limits } from '../config';
import { createEntry, deleteEntry, renameEntry } from './file-ops';
import { checkUpdate } from './update-limits';

const LIMITS: Limits = { ...DEFAULT_LIMITS, maxFileBytes: 1000, maxDocBytes: 3000, maxMessageBytes: 1024 * 1024 };

/** A server doc with files, and a client doc synced from it. */
function setup(files: Record<string, string> = { 'a.yaml': 'kind: A\n', 'dir/b.yaml': 'kind: B\n' }) {
	const server = new Y.Doc();
	for (const [path, content] of Object.entries(files)) createEntry(server, path, 'file', content, LIMITS);
	const client = new Y.Doc();
	Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
	return { server, client };
}

/** What the client would send for `edit`: the update(s) it produces. */
function updatesOf(client: Y.Doc, edit: () => void): Uint8Array[] {
	const out: Uint8Array[] = [];
	const fn = (u: Uint8Array) => out.push(u);
	client.on('update', fn);
	edit();
	client.off('update', fn);
	return out;
}

function one(client: Y.Doc, edit: () => void): Uint8Array {
	const us = updatesOf(client, edit);
	return Y.mergeUpdates(us);
}

const text = (doc: Y.Doc, path: string) => textsOf(doc).get(findEntry(doc, path)!)!;

describe('checkUpdate: server-owned roots', () => {
	const cases: Array<{ name: string; edit: (client: Y.Doc) => void; want: string | undefined }> = [
		{ name: 'an edit inside a file is allowed', edit: (c) => text(c, 'a.yaml').insert(0, '# x\n'), want: undefined },
		{ name: 'a delete inside a file is allowed', edit: (c) => text(c, 'a.yaml').delete(0, 4), want: undefined },
		{ name: 'a new tree entry is refused', edit: (c) => treeOf(c).set('evil', { path: 'evil.yaml', type: 'file' }), want: 'tree-is-server-owned' },
		{
			name: 'overwriting a tree entry (a rename by a client: parent known only through its origin) is refused',
			edit: (c) => treeOf(c).set(findEntry(c, 'a.yaml')!, { path: 'renamed.yaml', type: 'file' }),
			want: 'tree-is-server-owned'
		},
		{ name: 'a new text in texts is refused', edit: (c) => textsOf(c).set('evil', new Y.Text('x')), want: 'tree-is-server-owned' },
		{
			name: "replacing a file's Y.Text is refused",
			edit: (c) => textsOf(c).set(findEntry(c, 'a.yaml')!, new Y.Text('replaced')),
			want: 'tree-is-server-owned'
		},
		{
			name: 'a tree overwrite hidden behind a file edit in the same update is refused',
			edit: (c) =>
				c.transact(() => {
					text(c, 'a.yaml').insert(0, 'ok\n');
					treeOf(c).set(findEntry(c, 'dir/b.yaml')!, { path: 'moved.yaml', type: 'file' });
				}),
			want: 'tree-is-server-owned'
		},
		{ name: 'deleting a tree entry is refused', edit: (c) => treeOf(c).delete(findEntry(c, 'a.yaml')!), want: 'tree-is-server-owned' },
		{ name: "deleting a file's text is refused", edit: (c) => textsOf(c).delete(findEntry(c, 'a.yaml')!), want: 'tree-is-server-owned' }
	];
	it.each(cases)('$name', ({ edit, want }) => {
		const { server, client } = setup();
		const update = one(client, () => edit(client));
		expect(checkUpdate(server, update, LIMITS)?.code).toBe(want);
	});

	it('refuses a chain of overwrites of one key sent as one update (each only knows its origin)', () => {
		const { server, client } = setup();
		const id = findEntry(client, 'a.yaml')!;
		const update = one(client, () => {
			for (let i = 0; i < 100; i++) treeOf(client).set(id, { path: `p${i}.yaml`, type: 'file' });
		});
		expect(checkUpdate(server, update, LIMITS)?.code).toBe('tree-is-server-owned');
	});

	it("allows a client's full resync after the server renamed and deleted files (the server's own deletions)", () => {
		const { server, client } = setup({ 'a.yaml': 'a\n', 'b.yaml': 'b\n', 'c.yaml': 'c\n' });
		renameEntry(server, 'a.yaml', 'z.yaml');
		deleteEntry(server, 'b.yaml');
		Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
		text(client, 'c.yaml').insert(0, 'edited ');
		// Sync step 2 of the client: everything the server lacks, plus the client's whole delete set.
		const step2 = Y.encodeStateAsUpdate(client, Y.encodeStateVector(server));
		expect(checkUpdate(server, step2, LIMITS)).toBeUndefined();
	});
});

describe('checkUpdate: size limits', () => {
	it('allows an insert that brings a file exactly to the limit and refuses one more byte', () => {
		const { server, client } = setup({ 'a.yaml': 'x'.repeat(400) });
		const exact = one(client, () => text(client, 'a.yaml').insert(0, 'y'.repeat(600)));
		expect(checkUpdate(server, exact, LIMITS)).toBeUndefined();
		Y.applyUpdate(server, exact);
		const over = one(client, () => text(client, 'a.yaml').insert(0, 'z'));
		const refusal = checkUpdate(server, over, LIMITS);
		expect(refusal?.code).toBe('file-too-large');
		expect(refusal?.message).toMatch(/^a\.yaml would be 1001 bytes; a file may be at most .*\. Your last edit was not saved\.$/);
	});

	it('counts UTF-8 bytes, not characters', () => {
		const { server, client } = setup({ 'a.yaml': 'x'.repeat(998) });
		// "é" is one UTF-16 unit but two UTF-8 bytes: 998 + 2 = 1000 fits, "😀" (4 bytes) does not.
		const fits = one(client, () => text(client, 'a.yaml').insert(0, 'é'));
		expect(checkUpdate(server, fits, LIMITS)).toBeUndefined();
		const { server: s2, client: c2 } = setup({ 'a.yaml': 'x'.repeat(998) });
		expect(checkUpdate(s2, one(c2, () => text(c2, 'a.yaml').insert(0, '😀')), LIMITS)?.code).toBe('file-too-large');
	});

	it('allows deletes in a file that is already at the limit', () => {
		const { server, client } = setup({ 'a.yaml': 'x'.repeat(1000) });
		expect(checkUpdate(server, one(client, () => text(client, 'a.yaml').delete(0, 10)), LIMITS)).toBeUndefined();
	});

	it('refuses an edit that makes the room too large though the file fits, naming the total', () => {
		const { server, client } = setup({ 'a.yaml': 'a'.repeat(500), 'b.yaml': 'b'.repeat(900), 'c.yaml': 'c'.repeat(900), 'd.yaml': 'd'.repeat(400) });
		const exact = one(client, () => text(client, 'a.yaml').insert(0, 'e'.repeat(300))); // 3000 in all
		expect(checkUpdate(server, exact, LIMITS)).toBeUndefined();
		Y.applyUpdate(server, exact);
		const refusal = checkUpdate(server, one(client, () => text(client, 'a.yaml').insert(0, 'f')), LIMITS);
		expect(refusal?.code).toBe('document-too-large');
		expect(refusal?.message).toContain('3001 bytes');
	});

	it('leaves the server doc untouched when it refuses (the trial runs on a copy)', () => {
		const { server, client } = setup({ 'a.yaml': 'x'.repeat(990) });
		const before = Y.encodeStateAsUpdate(server);
		expect(checkUpdate(server, one(client, () => text(client, 'a.yaml').insert(0, 'y'.repeat(20))), LIMITS)?.code).toBe('file-too-large');
		expect(Y.encodeStateAsUpdate(server)).toEqual(before);
		expect(text(server, 'a.yaml').length).toBe(990);
	});

	it('refuses an update over the message limit without looking further', () => {
		const { server, client } = setup();
		const big = one(client, () => text(client, 'a.yaml').insert(0, 'q'.repeat(600)));
		expect(checkUpdate(server, big, { ...LIMITS, maxFileBytes: 1e6, maxDocBytes: 1e6, maxMessageBytes: 500 })?.code).toBe('message-too-large');
	});

	it('cannot be bypassed by sending dependent updates out of order (the later one is refused as incomplete)', () => {
		const { server, client } = setup({ 'a.yaml': '' });
		const [first, second] = updatesOf(client, () => {
			text(client, 'a.yaml').insert(0, 'a'.repeat(600));
			text(client, 'a.yaml').insert(600, 'b'.repeat(600)); // depends on the first insert
		});
		expect(checkUpdate(server, second, LIMITS)?.code).toBe('incomplete-update');
		for (const u of [second, first]) if (!checkUpdate(server, u, LIMITS)) Y.applyUpdate(server, u);
		expect(server.store.pendingStructs).toBeNull();
		expect(text(server, 'a.yaml').toString()).toBe('a'.repeat(600));
		// Once the first is in, the second is judged on its size like any other.
		expect(checkUpdate(server, second, LIMITS)?.code).toBe('file-too-large');
	});

	it('refuses a deletion of content the server does not have yet as incomplete', () => {
		const { server, client } = setup({ 'a.yaml': '' });
		const [insert, del] = updatesOf(client, () => {
			text(client, 'a.yaml').insert(0, 'abc');
			text(client, 'a.yaml').delete(0, 3);
		});
		expect(checkUpdate(server, del, LIMITS)?.code).toBe('incomplete-update');
		expect(checkUpdate(server, insert, LIMITS)).toBeUndefined();
	});

	it('counts content outside file texts: a client cannot grow the document through another root', () => {
		const { server, client } = setup();
		let refused: string | undefined;
		for (let i = 0; i < 10 && !refused; i++) {
			const u = one(client, () => client.getMap('junk').set(`k${i}`, 'j'.repeat(900)));
			refused = checkUpdate(server, u, LIMITS)?.code;
			if (!refused) Y.applyUpdate(server, u);
		}
		expect(refused).toBe('unsupported-content');
		expect(server.share.has('junk')).toBe(false);
	});

	it.each([
		{ name: 'an embed', edit: (t: Y.Text) => t.insertEmbed(0, { blob: 'e'.repeat(2000) }) },
		{ name: 'formatting attributes', edit: (t: Y.Text) => t.format(0, 3, { bold: 'x'.repeat(2000) }) },
		{ name: 'a nested type', edit: (t: Y.Text) => t.insertEmbed(0, new Y.Map()) }
	])('refuses $name in a file text (only plain text is counted and allowed)', ({ edit }) => {
		const { server, client } = setup({ 'a.yaml': 'abcdef' });
		expect(checkUpdate(server, one(client, () => edit(text(client, 'a.yaml'))), LIMITS)?.code).toBe('unsupported-content');
	});
});

describe('checkUpdate: locked files', () => {
	const lockedIn = (server: Y.Doc) => (t: Y.Text) => (t === text(server, 'dir/b.yaml') ? 'dir/b.yaml' : undefined);
	it('refuses inserts into and deletes from a locked file, naming it', () => {
		for (const edit of [(c: Y.Doc) => text(c, 'dir/b.yaml').insert(0, '# x\n'), (c: Y.Doc) => text(c, 'dir/b.yaml').delete(0, 2)]) {
			const { server, client } = setup();
			const u = one(client, () => edit(client));
			expect(checkUpdate(server, u, LIMITS, lockedIn(server))).toEqual({ code: 'file-locked', message: 'dir/b.yaml is locked: only the facilitator can change it. Your last edit was not saved.' });
			expect(checkUpdate(server, u, LIMITS)).toBeUndefined();
		}
	});
	it('accepts edits of other files', () => {
		const { server, client } = setup();
		expect(checkUpdate(server, one(client, () => text(client, 'a.yaml').insert(0, '# y\n')), LIMITS, lockedIn(server))).toBeUndefined();
	});
});
