import { appendFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { COMPACT_AFTER_RECORDS, DocPersistence } from './doc-persistence';

let dir: string;
let path: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'doc-persistence-'));
	path = join(dir, 'doc.log');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const silent = () => {};
const seedHello = (doc: Y.Doc) => doc.getText('t').insert(0, 'hello');

async function reload(): Promise<{ text: string; records: number; p: DocPersistence }> {
	const p = await DocPersistence.open(path, silent, seedHello);
	return { text: p.doc.getText('t').toString(), records: p.records, p };
}

describe('DocPersistence', () => {
	it('seeds a new document once and never again, even after its content is deleted', async () => {
		const first = await DocPersistence.open(path, silent, seedHello);
		expect(first.doc.getText('t').toString()).toBe('hello');
		first.doc.getText('t').delete(0, 5);
		await first.flush();
		await first.close();
		const again = await reload();
		expect(again.text).toBe('');
		await again.p.close();
	});

	it('makes every update durable by flush() and replays them on open', async () => {
		const p = await DocPersistence.open(path, silent, seedHello);
		const t = p.doc.getText('t');
		for (let i = 0; i < 50; i++) t.insert(t.length, ` ${i}`);
		await p.flush();
		// A crash now: no close(), the file is read as it is.
		const copy = await reload();
		expect(copy.text).toBe(t.toString());
		await copy.p.close();
		await p.close();
	});

	it('compacts a long log into one state record without losing or duplicating anything', async () => {
		const p = await DocPersistence.open(path, silent, seedHello);
		const t = p.doc.getText('t');
		for (let i = 0; i < COMPACT_AFTER_RECORDS + 50; i++) t.insert(t.length, String(i % 10));
		await p.flush();
		// Compaction runs in the background, serialized with appends; a flush after it sees its result.
		t.insert(0, '>');
		await p.flush();
		expect(p.records).toBeLessThan(COMPACT_AFTER_RECORDS);
		const want = t.toString();
		await p.close();
		const copy = await reload();
		expect(copy.text).toBe(want);
		expect(copy.records).toBeLessThan(COMPACT_AFTER_RECORDS);
		await copy.p.close();
	});

	it('loads what precedes a torn tail and keeps appending after it', async () => {
		const p = await DocPersistence.open(path, silent, seedHello);
		p.doc.getText('t').insert(5, ' world');
		await p.close();
		const size = (await stat(path)).size;
		await appendFile(path, Buffer.from([200, 0, 0, 0, 1, 2, 3])); // a record cut short by a crash
		const messages: string[] = [];
		const q = await DocPersistence.open(path, (m) => messages.push(m), seedHello);
		expect(q.doc.getText('t').toString()).toBe('hello world');
		expect(messages.join('\n')).toMatch(/cut 7 bytes/);
		expect((await stat(path)).size).toBe(size);
		q.doc.getText('t').insert(0, '> ');
		await q.close();
		const copy = await reload();
		expect(copy.text).toBe('> hello world');
		await copy.p.close();
	});
});
