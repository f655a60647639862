/**
 * The replica's live stream, as JSON lines (like a kube watch: one message per line, flushed as
 * revisions are released). Keys and values are base64, as etcd's JSON gateway sends bytes:
 *
 *   {"type":"revision","revision":42,"time":1764151323000,"events":[{"type":"PUT","key":"L3Jl…","value":"eyJ…","lease":0},{"type":"DELETE","key":"…"}]}
 *   {"type":"progress","revision":42,"time":1764151330000}     nothing new up to 42 (sent every few seconds)
 *   {"type":"compacted","revision":30}                          the store compacted: drop older revisions
 *   {"type":"error","code":410,"message":"…"}                    the stream cannot continue (reload the snapshot)
 *
 * @module
 */
import type { RevisionBatch, StreamEvent } from './replica';

export type StreamMessage =
	| ({ type: 'revision' } & RevisionBatch)
	| { type: 'progress'; revision: number; time?: number }
	| { type: 'compacted'; revision: number }
	| { type: 'error'; code: number; message: string };

type Wire = Record<string, unknown>;

const hasBuffer = typeof Buffer !== 'undefined';

export function toBase64(b: Uint8Array): string {
	if (hasBuffer) return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
	let s = '';
	for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
	return btoa(s);
}

export function fromBase64(s: string): Uint8Array {
	if (hasBuffer) return new Uint8Array(Buffer.from(s, 'base64'));
	const bin = atob(s);
	const out = new Uint8Array(bin.length);
	for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
	return out;
}

/** One message as its line (with the newline). */
export function encodeMessage(m: StreamMessage): string {
	if (m.type !== 'revision') return JSON.stringify(m) + '\n';
	const events = m.events.map((e) =>
		e.type === 'DELETE' ? { type: 'DELETE', key: toBase64(e.key) } : { type: 'PUT', key: toBase64(e.key), value: toBase64(e.value ?? new Uint8Array(0)), lease: e.lease ?? 0 }
	);
	return JSON.stringify({ type: 'revision', revision: m.revision, ...(m.time !== undefined ? { time: m.time } : {}), events }) + '\n';
}

/** A line back to a message; throws on anything malformed. */
export function decodeMessage(line: string): StreamMessage {
	const m = JSON.parse(line) as Wire;
	const num = (v: unknown, what: string) => {
		if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`time travel stream: ${what} is not a number`);
		return v;
	};
	switch (m.type) {
		case 'revision': {
			if (!Array.isArray(m.events)) throw new Error('time travel stream: events missing');
			const events: StreamEvent[] = (m.events as Wire[]).map((e) =>
				e.type === 'DELETE'
					? { type: 'DELETE', key: fromBase64(String(e.key)) }
					: { type: 'PUT', key: fromBase64(String(e.key)), value: fromBase64(String(e.value ?? '')), lease: num(e.lease ?? 0, 'lease') }
			);
			return { type: 'revision', revision: num(m.revision, 'revision'), ...(m.time !== undefined ? { time: num(m.time, 'time') } : {}), events };
		}
		case 'progress':
			return { type: 'progress', revision: num(m.revision, 'revision'), ...(m.time !== undefined ? { time: num(m.time, 'time') } : {}) };
		case 'compacted':
			return { type: 'compacted', revision: num(m.revision, 'revision') };
		case 'error':
			return { type: 'error', code: num(m.code, 'code'), message: String(m.message ?? '') };
	}
	throw new Error(`time travel stream: unknown message type ${String(m.type)}`);
}
