import { describe, expect, it } from 'vitest';
import { chunkRecordHead, decodeRecord, encodeRecord, type WalRecord } from './wal-codec';

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

	it('round-trips a snapshot as begin, raw chunks and end; a chunk is its head then the engine bytes', () => {
		const engine = new Uint8Array([0, 1, 2, 250, 255]);
		const cases: WalRecord[] = [
			{ seq: 9, t: 'snap-begin', leases: [{ id: 5, ttl: 60 }], leaseSeed: 3 },
			{ seq: 9, t: 'snap-chunk', data: engine },
			{ seq: 9, t: 'snap-end', chunks: 1 }
		];
		for (const r of cases) expect(decodeRecord(encodeRecord(r))).toEqual(r);
		const chunk = encodeRecord(cases[1]);
		expect(chunk[0]).toBe(3);
		expect([...chunk]).toEqual([...chunkRecordHead(9), ...engine]);
	});

	it('refuses a put whose key length runs past the record', () => {
		const enc = encodeRecord({ seq: 1, t: 'put', req: { key: bytes('/a'), value: bytes('v') } });
		expect(() => decodeRecord(enc.subarray(0, 23))).toThrow(/past the end/);
	});
});
