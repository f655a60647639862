/**
 * Snapshots read in chunks while writes go on: the chunks taken at revision R are exactly the
 * snapshot at R, whatever was written between two of them (new keys before and after the
 * cursor, new revisions of keys already read or not yet read, deletions, a rolled-back txn);
 * a compaction or a restore between two chunks ends the cursor.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWasm } from '../../../scripts/build-wasm';
import { concatBytes as join, utf8 } from './bytes';
import { SnapshotInvalidated } from './snapshot-chunks';
import { createWasmEngine } from './wasm-engine-node';
import type { WasmEngine } from './wasm-engine';

beforeAll(async () => {
	await buildWasm();
}, 180_000);

const ALL = new Uint8Array([0]);
const key = (i: number) => utf8(`/registry/pods/ns-${i % 7}/pod-${String(i).padStart(5, '0')}`);

function drain(it: Iterator<Uint8Array>, between: (i: number) => void = () => {}): Uint8Array[] {
	const chunks: Uint8Array[] = [];
	for (let c = it.next(); !c.done; c = it.next()) {
		chunks.push(c.value);
		between(chunks.length);
	}
	return chunks;
}

/** 600 keys, each with a few revisions, some deleted: about 60 KiB, so many chunks of 2 KiB. */
function filled(): WasmEngine {
	const e = createWasmEngine();
	for (let round = 0; round < 3; round++) {
		for (let i = 0; i < 600; i += 1 + round) e.put({ key: key(i), value: utf8(`v${round}-${i}-`.padEnd(30, 'x')) });
	}
	for (let i = 0; i < 600; i += 11) e.deleteRange({ key: key(i) });
	return e;
}

describe('WasmEngine.snapshotChunks', () => {
	it('yields the snapshot at its revision, whatever is written between chunks', () => {
		const e = filled();
		const expected = e.snapshot();
		const revision = e.revision;
		let n = 0;
		const chunks = drain(e.snapshotChunks(2048), (i) => {
			// Between chunks: new keys (sorting before, among and after what was read), new
			// revisions of old keys, deletions, and a txn that fails and rolls back.
			e.put({ key: utf8(`/a/${i}`), value: utf8('new, before everything') });
			e.put({ key: key(600 + i), value: utf8('new, after everything') });
			e.put({ key: utf8(`/registry/pods/ns-${i % 7}/pod-${String((i * 37) % 600).padStart(5, '0')}x`), value: utf8('new, among') });
			e.put({ key: key((i * 53) % 600), value: utf8(`rewritten ${i}`) });
			e.deleteRange({ key: key((i * 29) % 600) });
			expect(() =>
				e.txn({ compare: [], success: [{ requestPut: { key: key(i), value: utf8('rolled back') } }, { requestPut: { key: utf8(''), value: utf8('') } }], failure: [] })
			).toThrow();
			n = i;
		});
		expect(n).toBeGreaterThan(10);
		expect(chunks[0]).toHaveLength(24);
		expect(Buffer.from(join(chunks)).equals(Buffer.from(expected))).toBe(true);
		expect(e.revision).toBeGreaterThan(revision);

		// And they restore to the store as it was at that revision, without being joined.
		const copy = createWasmEngine();
		copy.restoreChunks(chunks);
		expect(copy.revision).toBe(revision);
		expect(copy.range({ key: utf8('/'), rangeEnd: ALL }).kvs).toEqual(e.range({ key: utf8('/'), rangeEnd: ALL, revision }).kvs);
	});

	it('refuses to go on after a compaction or a restore between two chunks', () => {
		const e = filled();
		const compacted = e.snapshotChunks(2048);
		compacted.next();
		compacted.next();
		e.compact(e.revision - 10);
		expect(() => compacted.next()).toThrow(SnapshotInvalidated);

		const restored = e.snapshotChunks(2048);
		restored.next();
		e.restore(e.snapshot());
		expect(() => restored.next()).toThrow(SnapshotInvalidated);

		// A cursor started after them is fine.
		expect(Buffer.from(join(drain(e.snapshotChunks(2048)))).equals(Buffer.from(e.snapshot()))).toBe(true);
	});
});
