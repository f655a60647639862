/**
 * gRPC's message framing over HTTP/2 (the "Length-Prefixed-Message" of the gRPC HTTP/2
 * protocol): a compressed flag byte, a 4-byte big-endian length, the message bytes. A DATA frame
 * may carry several messages or part of one; `MessageReader` reassembles them.
 *
 * Compressed messages (flag 1) are inflated with the call's `grpc-encoding` (gzip or deflate,
 * which grpc-js and grpc-go clients can send); other encodings get grpc-go's Unimplemented.
 *
 * @module
 */
import { gunzipSync, inflateSync } from 'node:zlib';
import { GrpcCode, StoreError } from '../../src/lib/store/errors';

export const PREFIX_BYTES = 5;

/** grpc-go's error for a message above the receive limit. */
export function messageTooLarge(size: number, max: number): StoreError {
	return new StoreError(GrpcCode.ResourceExhausted, `grpc: received message larger than max (${size} vs. ${max})`);
}

/** A framed, uncompressed message: prefix and `body` in one buffer (one DATA write). */
export function frame(body: Uint8Array): Buffer {
	const out = Buffer.allocUnsafe(PREFIX_BYTES + body.length);
	out[0] = 0;
	out.writeUInt32BE(body.length, 1);
	out.set(body, PREFIX_BYTES);
	return out;
}

/** Writes the prefix of a message encoded after PREFIX_BYTES free bytes, in place. */
export function sealFrame(buf: Buffer): Buffer {
	buf[0] = 0;
	buf.writeUInt32BE(buf.length - PREFIX_BYTES, 1);
	return buf;
}

/** Collects DATA chunks and yields whole messages, refusing any above `max` bytes from its prefix on. */
export class MessageReader {
	private chunks: Buffer[] = [];
	private buffered = 0;

	constructor(
		private readonly max: number,
		private readonly encoding: string | undefined
	) {}

	/** Adds a chunk; returns the messages it completes (usually exactly one, or none). */
	push(chunk: Buffer): Buffer[] {
		const out: Buffer[] = [];
		// The common case: one chunk holding exactly one whole message, nothing buffered.
		if (this.buffered === 0 && chunk.length >= PREFIX_BYTES && chunk.length === PREFIX_BYTES + this.lengthOf(chunk)) {
			out.push(this.body(chunk, PREFIX_BYTES, chunk.length));
			return out;
		}
		this.chunks.push(chunk);
		this.buffered += chunk.length;
		for (;;) {
			if (this.buffered < PREFIX_BYTES) return out;
			const head = this.peek(PREFIX_BYTES);
			const len = this.lengthOf(head);
			if (this.buffered < PREFIX_BYTES + len) return out;
			const whole = this.take(PREFIX_BYTES + len);
			out.push(this.body(whole, PREFIX_BYTES, whole.length));
		}
	}

	/** Whether a message was started but not finished (the client ended mid-message). */
	get partial(): boolean {
		return this.buffered > 0;
	}

	private lengthOf(head: Buffer): number {
		const len = head.readUInt32BE(1);
		if (len > this.max) throw messageTooLarge(len, this.max);
		return len;
	}

	private body(buf: Buffer, start: number, end: number): Buffer {
		const body = buf.subarray(start, end);
		if (buf[0] === 0) return body;
		const inflated = this.inflate(body);
		if (inflated.length > this.max) throw messageTooLarge(inflated.length, this.max);
		return inflated;
	}

	private inflate(body: Buffer): Buffer {
		const limit = { maxOutputLength: this.max + 1 };
		try {
			if (this.encoding === 'gzip') return gunzipSync(body, limit);
			if (this.encoding === 'deflate') return inflateSync(body, limit);
		} catch (e) {
			if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw messageTooLarge(this.max + 1, this.max);
			throw new StoreError(GrpcCode.Internal, `grpc: failed to decompress the received message: ${(e as Error).message}`);
		}
		throw new StoreError(GrpcCode.Unimplemented, `grpc: Decompressor is not installed for grpc-encoding "${this.encoding ?? ''}"`);
	}

	/** The first n buffered bytes (n ≤ buffered), without consuming them. */
	private peek(n: number): Buffer {
		if (this.chunks[0].length >= n) return this.chunks[0];
		this.chunks = [Buffer.concat(this.chunks)];
		return this.chunks[0];
	}

	/** Consumes and returns the first n buffered bytes (n ≤ buffered). */
	private take(n: number): Buffer {
		if (this.chunks[0].length < n) this.chunks = [Buffer.concat(this.chunks)];
		const first = this.chunks[0];
		const out = first.subarray(0, n);
		if (first.length === n) this.chunks.shift();
		else this.chunks[0] = first.subarray(n);
		this.buffered -= n;
		return out;
	}
}
