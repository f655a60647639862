import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/lib/store/errors';
import { frame, MessageReader } from './grpc-framing';

const msg = (n: number, fill = n) => Buffer.alloc(n, fill);

describe('gRPC message framing', () => {
	it('frames a message behind a 5-byte prefix: flag 0, big-endian length', () => {
		expect([...frame(Buffer.from([7, 8, 9]))]).toEqual([0, 0, 0, 0, 3, 7, 8, 9]);
		expect([...frame(Buffer.alloc(0))]).toEqual([0, 0, 0, 0, 0]);
	});

	it('reads one whole message from one chunk, and an empty message', () => {
		const r = new MessageReader(100, undefined);
		expect(r.push(frame(msg(10)))).toEqual([msg(10)]);
		expect(r.push(frame(Buffer.alloc(0)))).toEqual([Buffer.alloc(0)]);
		expect(r.partial).toBe(false);
	});

	it('reassembles messages split across chunks at any byte, and several in one chunk', () => {
		const wire = Buffer.concat([frame(msg(3, 1)), frame(msg(0)), frame(msg(40, 2))]);
		for (let cut = 1; cut < wire.length; cut++) {
			const r = new MessageReader(100, undefined);
			const got = [...r.push(wire.subarray(0, cut)), ...r.push(wire.subarray(cut))];
			expect(got).toEqual([msg(3, 1), msg(0), msg(40, 2)]);
			expect(r.partial).toBe(false);
		}
		const r = new MessageReader(100, undefined);
		expect(r.push(wire.subarray(0, 9))).toEqual([msg(3, 1)]);
		expect(r.partial).toBe(true);
	});

	it('refuses a message above the limit from its prefix, with grpc-go error', () => {
		const r = new MessageReader(10, undefined);
		const err = (() => {
			try {
				r.push(frame(msg(11)).subarray(0, 5));
			} catch (e) {
				return e as StoreError;
			}
		})();
		expect(err).toBeInstanceOf(StoreError);
		expect(err?.code).toBe(8);
		expect(err?.message).toBe('grpc: received message larger than max (11 vs. 10)');
	});

	it('inflates gzip messages, and refuses compression it does not know', () => {
		const body = gzipSync(msg(50));
		const wire = frame(body);
		wire[0] = 1;
		expect(new MessageReader(100, 'gzip').push(wire)).toEqual([msg(50)]);
		expect(() => new MessageReader(100, 'snappy').push(wire)).toThrow('grpc: Decompressor is not installed for grpc-encoding "snappy"');
		expect(() => new MessageReader(20, 'gzip').push(wire)).toThrow('grpc: received message larger than max');
	});
});
