/**
 * proto3 JSON as etcd 3.4's grpc-gateway speaks it (golang/protobuf jsonpb with OrigName):
 *
 * - out: original field names (`create_revision`, `TTL`), int64/uint64 as decimal strings, bytes
 *   as standard base64, enums by name, and defaults omitted (zero scalars, empty lists, unset
 *   messages); a message that is present is written even when empty (`"header":{}`), and a set
 *   oneof member even when zero;
 * - in: original or lowerCamel names, int64 as a JSON integer or a decimal string, bytes as
 *   padded standard base64, enums by name or number, null = unset, unknown fields ignored.
 *   Malformed input fails with Go's messages, which etcd passes through.
 *
 * Objects on the proto side are proto-loader's (see protos.ts).
 *
 * @module
 */
import type * as Protobuf from 'protobufjs';
import { GoJsonError, scanJsonValue } from './go-json-errors';

export class JsonMappingError extends Error {
	override name = 'JsonMappingError';
}

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const INT32 = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);

// — message → JSON —

export function toJson(type: Protobuf.Type, msg: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const field of type.fieldsArray) {
		const v = msg[field.name];
		if (v === undefined || v === null) continue;
		if (field.repeated) {
			const list = v as unknown[];
			if (list.length) out[field.name] = list.map((x) => valueToJson(field, x));
			continue;
		}
		const isMessage = field.resolvedType && 'fieldsArray' in field.resolvedType;
		if (!isMessage && !field.partOf && isDefault(field, v)) continue;
		out[field.name] = valueToJson(field, v);
	}
	return out;
}

function isDefault(field: Protobuf.Field, v: unknown): boolean {
	const enumType = enumOf(field);
	if (enumType) return v === 0 || v === enumType.valuesById[0];
	if (v instanceof Uint8Array) return v.length === 0;
	return v === false || v === '' || v === 0 || v === '0';
}

function enumOf(field: Protobuf.Field): Protobuf.Enum | undefined {
	const t = field.resolvedType;
	return t && 'valuesById' in t ? (t as Protobuf.Enum) : undefined;
}

function valueToJson(field: Protobuf.Field, v: unknown): unknown {
	const enumType = enumOf(field);
	if (enumType) return typeof v === 'number' ? (enumType.valuesById[v] ?? v) : v;
	if (field.resolvedType) return toJson(field.resolvedType as Protobuf.Type, v as Record<string, unknown>);
	if (INT64.has(field.type)) return String(v);
	if (field.type === 'bytes') return Buffer.from(v as Uint8Array).toString('base64');
	return v;
}

// — JSON → message —

/** A JSON request as a proto-loader object (only the fields given; the codec fills defaults). */
export function fromJson(type: Protobuf.Type, json: unknown): Record<string, unknown> {
	if (json === null || typeof json !== 'object' || Array.isArray(json))
		throw new JsonMappingError(`json: cannot unmarshal ${jsonKind(json)} into Go value of type map[string]json.RawMessage`);
	const out: Record<string, unknown> = {};
	for (const [name, v] of Object.entries(json as Record<string, unknown>)) {
		const field = type.fields[name] ?? type.fieldsArray.find((f) => lowerCamel(f.name) === name);
		if (!field || v === null) continue;
		if (field.repeated) {
			if (!Array.isArray(v)) throw new JsonMappingError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type []json.RawMessage`);
			out[field.name] = v.map((x) => valueFromJson(field, x));
		} else out[field.name] = valueFromJson(field, v);
	}
	return out;
}

function lowerCamel(name: string): string {
	return name.replace(/_([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

function jsonKind(v: unknown): string {
	if (Array.isArray(v)) return 'array';
	if (v === null) return 'null';
	return typeof v === 'object' ? 'object' : typeof v;
}

function mismatch(v: unknown, goType: string): JsonMappingError {
	return new JsonMappingError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type ${goType}`);
}

function valueFromJson(field: Protobuf.Field, v: unknown): unknown {
	const enumType = enumOf(field);
	if (enumType) return enumFromJson(enumType, v);
	if (field.resolvedType) return fromJson(field.resolvedType as Protobuf.Type, v);
	if (INT64.has(field.type) || INT32.has(field.type)) return integerFromJson(field.type, v);
	switch (field.type) {
		case 'bytes':
			if (typeof v !== 'string') throw mismatch(v, '[]uint8');
			return base64Decode(v);
		case 'bool':
			if (typeof v !== 'boolean') throw mismatch(v, 'bool');
			return v;
		case 'string':
			if (typeof v !== 'string') throw mismatch(v, 'string');
			return v;
		default:
			return v;
	}
}

function enumFromJson(e: Protobuf.Enum, v: unknown): string | number {
	if (typeof v === 'number' && Number.isInteger(v)) return e.valuesById[v] ?? v;
	if (typeof v === 'string' && v in e.values) return v;
	// Go names nested types Outer_Inner: etcdserverpb.RangeRequest_SortOrder.
	const [pkg, ...path] = e.fullName.replace(/^\./, '').split('.');
	const goName = `${pkg}.${path.join('_')}`;
	throw new JsonMappingError(`unknown value ${JSON.stringify(v)} for enum ${goName}`);
}

function integerFromJson(type: string, v: unknown): string | number {
	const goType = type === 'uint64' || type === 'fixed64' ? 'uint64' : INT64.has(type) ? 'int64' : 'int32';
	if (typeof v === 'string') {
		// jsonpb accepts a quoted integer for 64-bit fields.
		if (/^-?\d+$/.test(v)) return INT64.has(type) ? v : Number(v);
		throw new JsonMappingError(`invalid character '${v[0] ?? '"'}' looking for beginning of value`);
	}
	if (typeof v !== 'number') throw mismatch(v, goType);
	if (!Number.isInteger(v)) throw new JsonMappingError(`json: cannot unmarshal number ${v} into Go value of type ${goType}`);
	return INT64.has(type) ? BigInt(v).toString() : v;
}

const B64 = /[A-Za-z0-9+/]/;

/** Standard padded base64, strict like Go's StdEncoding (errors name the offending offset). */
export function base64Decode(s: string): Buffer {
	const clean = s.replace(/[\r\n]/g, '');
	for (let q = 0; q < clean.length; q += 4) {
		for (let j = 0; j < 4; j++) {
			const i = q + j;
			if (i >= clean.length) throw new JsonMappingError(`illegal base64 data at input byte ${q}`);
			const ch = clean[i];
			if (ch === '=') {
				if (j < 2) throw new JsonMappingError(`illegal base64 data at input byte ${i}`);
				if (j === 2 && clean[i + 1] !== '=') throw new JsonMappingError(`illegal base64 data at input byte ${i + 1 >= clean.length ? clean.length : i + 1}`);
				const end = j === 2 ? i + 2 : i + 1;
				if (end < clean.length) throw new JsonMappingError(`illegal base64 data at input byte ${end}`);
				return Buffer.from(clean, 'base64');
			}
			if (!B64.test(ch)) throw new JsonMappingError(`illegal base64 data at input byte ${i}`);
		}
	}
	return Buffer.from(clean, 'base64');
}

/**
 * The request in a unary call's body, read like grpc-gateway's json.Decoder: the first JSON
 * value (an empty body is an empty request), anything after it ignored.
 */
export function firstJsonValue(text: string): unknown {
	const start = text.search(/\S/);
	if (start < 0) return {};
	return parseValue(text, start);
}

function parseValue(text: string, start: number): unknown {
	try {
		return JSON.parse(text.slice(start, scanJsonValue(text, start)));
	} catch (e) {
		throw new JsonMappingError((e as Error).message);
	}
}

/**
 * Splits a streaming request body into JSON values as they complete (grpc-gateway decodes a
 * stream of requests from one body). Incomplete input waits for more; malformed input throws.
 */
export class JsonValueSplitter {
	private buf = '';

	/** `maxPending`: characters an incomplete value may take before the body is refused. */
	constructor(private readonly maxPending: number) {}

	push(chunk: string): unknown[] {
		this.buf += chunk;
		if (this.buf.length > this.maxPending) throw new JsonMappingError(`request body exceeds ${this.maxPending} bytes`);
		const out: unknown[] = [];
		for (;;) {
			const start = this.buf.search(/\S/);
			if (start < 0) {
				this.buf = '';
				return out;
			}
			let end: number;
			try {
				end = scanJsonValue(this.buf, start);
			} catch (e) {
				if (e instanceof GoJsonError && e.eof) {
					this.buf = this.buf.slice(start);
					return out;
				}
				throw new JsonMappingError((e as Error).message);
			}
			out.push(JSON.parse(this.buf.slice(start, end)));
			this.buf = this.buf.slice(end);
		}
	}

	/** The body ended: a value cut short is Go's "unexpected EOF". */
	end(): void {
		if (this.buf.trim()) throw new JsonMappingError('unexpected EOF');
	}
}
