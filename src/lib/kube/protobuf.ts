/**
 * Decoding of `application/vnd.kubernetes.protobuf` request bodies into the JSON form of the
 * object: the `k8s\0` magic, the runtime.Unknown envelope (apiVersion, kind, raw), and the
 * object's messages per protobuf-types.ts. Go's protobuf encoder writes every non-pointer field,
 * zero or not; like Go's JSON encoder (`omitempty`), zero scalars of non-pointer fields are left
 * out, while messages are kept (Go prints struct fields even when empty).
 *
 * A field number the tables do not know, carrying data, is an error (never a silent loss).
 *
 * @module
 */
import { KIND_MESSAGES, MESSAGES, type FieldSpec } from './protobuf-types';

type Obj = Record<string, unknown>;

export class ProtobufError extends Error {
	override name = 'ProtobufError';
}

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

class Reader {
	pos = 0;
	constructor(
		private readonly buf: Uint8Array,
		private readonly end = buf.length
	) {}

	get done(): boolean {
		return this.pos >= this.end;
	}

	varint(): number {
		let result = 0;
		let mul = 1;
		for (let i = 0; i < 10; i++) {
			if (this.pos >= this.end) throw new ProtobufError('unexpected EOF');
			const b = this.buf[this.pos++];
			result += (b & 0x7f) * mul;
			if (b < 0x80) return result;
			mul *= 128;
		}
		throw new ProtobufError('proto: integer overflow');
	}

	bytes(): Uint8Array {
		const n = this.varint();
		if (this.pos + n > this.end) throw new ProtobufError('unexpected EOF');
		const out = this.buf.subarray(this.pos, this.pos + n);
		this.pos += n;
		return out;
	}

	skip(wire: number): boolean {
		if (wire === 0) return this.varint() !== 0;
		if (wire === 2) return this.bytes().length > 0;
		if (wire === 1) this.pos += 8;
		else if (wire === 5) this.pos += 4;
		else throw new ProtobufError(`proto: illegal wireType ${wire}`);
		return true;
	}
}

const text = new TextDecoder();

/** Two's complement for negative int32/int64 varints (ints here stay below 2^53). */
function signed(n: number, bits: 32 | 64): number {
	if (bits === 32) return n > 0x7fffffff ? (n % 2 ** 32) - 2 ** 32 : n;
	return n >= 2 ** 63 ? n - 2 ** 64 : n;
}

function base64(bytes: Uint8Array): string {
	let bin = '';
	for (const b of bytes) bin += String.fromCharCode(b);
	return btoa(bin);
}

function timeOf(bytes: Uint8Array): string | undefined {
	const m = decodeMessage(bytes, { 1: ['seconds', 'int64'], 2: ['nanos', 'int32'] });
	const seconds = (m.seconds as number | undefined) ?? 0;
	if (seconds === 0 && !m.nanos) return undefined;
	return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function intOrString(bytes: Uint8Array): number | string {
	const m = decodeMessage(bytes, { 1: ['type', 'int64'], 2: ['intVal', 'int32'], 3: ['strVal', 'string'] });
	return m.type === 1 ? ((m.strVal as string) ?? '') : ((m.intVal as number) ?? 0);
}

/** One value of `type` (wire payload already read). */
function value(type: string, wire: number, r: Reader): unknown {
	switch (type) {
		case 'string':
			return text.decode(r.bytes());
		case 'bytes':
			return base64(r.bytes());
		case 'bool':
			return r.varint() !== 0;
		case 'int32':
			return signed(r.varint(), 32);
		case 'int64':
			return signed(r.varint(), 64);
		case 'Time':
			return timeOf(r.bytes());
		case 'IntOrString':
			return intOrString(r.bytes());
		case 'Quantity':
			return (decodeMessage(r.bytes(), { 1: ['string', 'string'] }).string as string | undefined) ?? '0';
	}
	if (wire !== 2) throw new ProtobufError(`proto: wrong wireType ${wire} for field of type ${type}`);
	const spec = MESSAGES[type];
	if (!spec) throw new ProtobufError(`no protobuf description of ${type}`);
	return decodeMessage(r.bytes(), spec);
}

const isZero = (v: unknown) => v === '' || v === 0 || v === false || v === undefined;

function mapEntry(bytes: Uint8Array, valueType: string): [string, unknown] {
	const r = new Reader(bytes);
	let key = '';
	let val: unknown = valueType === 'string' || valueType === 'bytes' ? '' : undefined;
	while (!r.done) {
		const tag = r.varint();
		const field = Math.floor(tag / 8);
		if (field === 1) key = text.decode(r.bytes());
		else if (field === 2) val = value(valueType, tag & 7, r);
		else r.skip(tag & 7);
	}
	return [key, val];
}

function decodeMessage(bytes: Uint8Array, spec: Readonly<Record<number, FieldSpec>>): Obj {
	const out: Obj = {};
	const r = new Reader(bytes);
	while (!r.done) {
		const tag = r.varint();
		const field = Math.floor(tag / 8);
		const wire = tag & 7;
		const f = spec[field];
		if (!f) {
			if (r.skip(wire)) throw new ProtobufError(`unsupported protobuf field ${field}`);
			continue;
		}
		const [name, type, flags = ''] = f;
		if (type.startsWith('map:')) {
			const [k, v] = mapEntry(r.bytes(), type.slice(4));
			((out[name] ??= {}) as Obj)[k] = v;
			continue;
		}
		if (flags.includes('r')) {
			if (wire === 2 && ['int32', 'int64', 'bool'].includes(type)) {
				const packed = new Reader(r.bytes());
				while (!packed.done) ((out[name] ??= []) as unknown[]).push(value(type, 0, packed));
			} else ((out[name] ??= []) as unknown[]).push(value(type, wire, r));
			continue;
		}
		const v = value(type, wire, r);
		if (flags.includes('i')) Object.assign(out, v as Obj);
		else if (v === undefined || (isZero(v) && !flags.includes('p'))) delete out[name];
		else out[name] = v;
	}
	return out;
}

/** True when a body starts with the Kubernetes protobuf magic. */
export function isKubeProtobuf(body: Uint8Array): boolean {
	return body.length >= 4 && MAGIC.every((b, i) => body[i] === b);
}

/** Decodes a protobuf request body into `{apiVersion, kind, ...}`; throws ProtobufError. */
export function decodeKubeProtobuf(body: Uint8Array): Obj {
	if (!isKubeProtobuf(body)) throw new ProtobufError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
	const r = new Reader(body.subarray(4));
	let apiVersion = '';
	let kind = '';
	let raw: Uint8Array = new Uint8Array();
	while (!r.done) {
		const tag = r.varint();
		const field = Math.floor(tag / 8);
		if (field === 1) {
			const tm = decodeMessage(r.bytes(), { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] });
			apiVersion = (tm.apiVersion as string) ?? '';
			kind = (tm.kind as string) ?? '';
		} else if (field === 2) raw = r.bytes();
		else r.skip(tag & 7);
	}
	const message = KIND_MESSAGES[`${apiVersion}/${kind}`];
	if (!message) throw new ProtobufError(`no protobuf description of ${apiVersion}/${kind}`);
	return { apiVersion, kind, ...decodeMessage(raw, MESSAGES[message]) };
}
