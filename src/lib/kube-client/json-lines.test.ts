import { describe, expect, test } from 'vitest';
import { JsonLineSplitter } from './json-lines';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('JsonLineSplitter', () => {
	test.each([
		{ name: 'one line per chunk', chunks: ['{"a":1}\n', '{"b":2}\n'], want: ['{"a":1}', '{"b":2}'], wantEnd: [] },
		{ name: 'a line cut in three', chunks: ['{"typ', 'e":"ADD', 'ED"}\n'], want: ['{"type":"ADDED"}'], wantEnd: [] },
		{ name: 'two lines in one chunk, the third unfinished', chunks: ['{"a":1}\n{"b":2}\n{"c"', ':3}'], want: ['{"a":1}', '{"b":2}'], wantEnd: ['{"c":3}'] },
		{ name: 'blank lines and CRLF are skipped', chunks: ['\n{"a":1}\r\n\n'], want: ['{"a":1}'], wantEnd: [] }
	])('$name', ({ chunks, want, wantEnd }) => {
		const s = new JsonLineSplitter();
		const got = chunks.flatMap((c) => s.push(bytes(c)));
		expect(got).toEqual(want);
		expect(s.end()).toEqual(wantEnd);
	});

	test('a multi-byte character split across chunks is kept whole', () => {
		const line = bytes('{"message":"café ✓"}\n');
		const cut = line.indexOf(0xe2) + 1; // inside the 3-byte ✓
		const s = new JsonLineSplitter();
		expect(s.push(line.slice(0, cut))).toEqual([]);
		const got = s.push(line.slice(cut));
		expect(got).toEqual(['{"message":"café ✓"}']);
		expect(JSON.parse(got[0]).message).toBe('café ✓');
	});
});
