import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, type WalRecord } from './wal-codec';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('WAL records', () => {
	it('round-trips puts in binary, every flag and lease', () => {
		const cases: WalRecord[] = [
			{ seq: 1, t: 'put', req: { key: bytes('/a'), value: bytes('v'.repeat(300)) } },
			{ seq: 2 ** 40, t: 'put', req: { key: bytes('/b'), value: new Uint8Array(0), lease: 7587862039442735, prevKv: true, ignoreValue: true, ignoreLease: true } },
			{ seq: 3, t: 'put', req: { key: bytes('/c'), value: bytes('x'), lease: 0 } }
		];
		for (const r of cases) {
			const enc = encodeRecord(r);
			expect(enc[0]).toBe(2);
			expect(decodeRecord(enc)).toEqual(r);
		}
	});

	it('still reads puts journaled as JSON, and other ops stay JSON', () => {
		const old = bytes(JSON.stringify({ seq: 4, t: 'put', req: { key: { $b: 'L2E=' }, value: { $b: 'dg==' }, lease: 0, prevKv: false } }));
		expect(decodeRecord(old)).toEqual({ seq: 4, t: 'put', req: { key: bytes('/a'), value: bytes('v'), lease: 0, prevKv: false } });
		const del: WalRecord = { seq: 5, t: 'del', req: { key: bytes('/a'), rangeEnd: bytes('/b'), prevKv: true } };
		expect(String.fromCharCode(encodeRecord(del)[0])).toBe('{');
		expect(decodeRecord(encodeRecord(del))).toEqual(del);
	});

	it('refuses a put whose key length runs past the record', () => {
		const enc = encodeRecord({ seq: 1, t: 'put', req: { key: bytes('/a'), value: bytes('v') } });
		expect(() => decodeRecord(enc.subarray(0, 23))).toThrow(/past the end/);
	});
});
