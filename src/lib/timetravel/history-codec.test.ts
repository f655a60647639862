import { describe, expect, it } from 'vitest';
import { utf8 } from '../store/bytes';
import { createWasmEngine } from '../store/wasm-engine-node';
import { decodeEngineHistory, encodeEngineHistory, engineRecords } from './history-codec';

/** An engine snapshot of a key rewritten in every way the codec distinguishes. */
function history(): Uint8Array {
	const e = createWasmEngine();
	const put = (k: string, v: string) => e.put({ key: utf8(k), value: utf8(v) });
	const pod = (phase: string, time: string, extra = '') => JSON.stringify({ kind: 'Pod', status: { phase, time }, extra });
	put('/registry/pods/default/a', pod('Pending', '2026-11-26T10:00:00Z')); // literal (first version)
	put('/registry/pods/default/a', pod('Running', '2026-11-26T10:00:05Z')); // patch (same length)
	put('/registry/pods/default/a', pod('Running', '2026-11-26T10:00:05Z', 'grown')); // splice (longer)
	put('/registry/pods/default/a', ''); // empty value: literal, and not the base of the next one
	put('/registry/pods/default/a', pod('Failed', '2026-11-26T10:01:00Z'));
	e.deleteRange({ key: utf8('/registry/pods/default/a') }); // tombstone
	put('/registry/pods/default/a', pod('Pending', '2026-11-26T10:02:00Z')); // recreated: against the last value
	put('/registry/configmaps/default/b', 'x'.repeat(5000));
	put('/registry/configmaps/default/b', 'x'.repeat(2000) + 'y' + 'x'.repeat(2999));
	e.compact(3);
	return e.snapshot();
}

describe('history codec', () => {
	it('decodes to the exact engine snapshot, in far fewer bytes', () => {
		const engine = history();
		const coded = encodeEngineHistory(engine);
		// The configmap's 5,000-byte second version costs a few bytes.
		expect(coded.length).toBeLessThan(engine.length - 4500);
		expect(Buffer.from(decodeEngineHistory(coded, engine.length)).equals(Buffer.from(engine))).toBe(true);
		// The decoded snapshot restores into an engine with the same history.
		const replica = createWasmEngine();
		replica.restore(decodeEngineHistory(coded, engine.length));
		expect(replica.revision).toBe(10);
		expect(replica.eventsSince(4, utf8('/registry/pods/default/a'), undefined).map((ev) => ev.type)).toEqual(['PUT', 'PUT', 'PUT', 'DELETE', 'PUT']);
	});

	it('refuses a damaged body rather than restoring garbage', () => {
		const engine = history();
		const coded = encodeEngineHistory(engine);
		expect(() => decodeEngineHistory(coded.subarray(0, coded.length - 3), engine.length)).toThrow(/bad snapshot history/);
		expect(() => decodeEngineHistory(coded, engine.length + 1)).toThrow(/bad snapshot history/);
		const badMode = coded.slice();
		// The first entry's mode byte: header, key length + count, key, 32 fixed bytes, value length.
		const keyLen = new DataView(coded.buffer, coded.byteOffset).getUint32(24, true);
		badMode[24 + 8 + keyLen + 36] = 9;
		expect(() => decodeEngineHistory(badMode, engine.length)).toThrow(/mode 9/);
	});

	it('restores chunk by chunk into the same engine state (a history of several chunks)', () => {
		const e = createWasmEngine();
		for (let v = 0; v < 8; v++)
			for (let k = 0; k < 400; k++) e.put({ key: utf8(`/registry/configmaps/ns/cm-${k}`), value: utf8(JSON.stringify({ v, k, pad: 'p'.repeat(1000 + (v % 3)) })) });
		const engine = e.snapshot();
		const records = engineRecords(encodeEngineHistory(engine), engine.length);
		let chunks = 0;
		const replica = createWasmEngine();
		replica.restoreRecords(records.revision, records.compactMain, (function* () {
			for (const c of records.chunks()) {
				chunks++;
				yield c;
			}
		})());
		expect(chunks).toBeGreaterThan(2);
		expect(Buffer.from(replica.snapshot()).equals(Buffer.from(engine))).toBe(true);
	});
});
