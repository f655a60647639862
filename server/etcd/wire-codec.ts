/**
 * Hand-written protobuf codecs for the hot etcd messages (KV Range and Put requests and
 * responses, DeleteRange responses, Watch responses), used by the gRPC server in place of proto-loader's
 * reflection codecs, which spend more CPU than the store itself: decode + `toObject` with
 * defaults and int64 strings per request, `fromObject` + encode per response.
 *
 * Requests decode to the same shapes proto-loader gives (snake_case, every field with its
 * default, bytes as Buffer views) except that int64 fields arrive as numbers, which `num()`
 * reads alike. Unknown fields are skipped, repeated scalars keep the last value, as protobuf
 * requires. Responses are encoded like Go's gogoproto marshalers in etcd: fields in number
 * order, zero values omitted, so the bytes are etcd's own. Encoders can leave bytes free in front
 * of the message, where the gRPC server writes its frame prefix.
 *
 * @module
 */
import type { Int64, PbHeader, PbKeyValue, PbPutRequest, PbRangeRequest, PbRangeResponse } from './convert';
import type { PbWatchResponse } from './watch-service';

const EMPTY = Buffer.alloc(0);
const SORT_ORDERS = ['NONE', 'ASCEND', 'DESCEND'];
const SORT_TARGETS = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'];

// — decoding —

class Reader {
	pos = 0;
	constructor(readonly buf: Buffer) {}

	get done(): boolean {
		return this.pos >= this.buf.length;
	}

	/** A varint as an unsigned 32-bit value (tags, lengths; longer varints keep their low bits). */
	u32(): number {
		const b = this.buf;
		let v = 0;
		let shift = 0;
		for (;;) {
			if (this.pos >= b.length) throw new RangeError('index out of range');
			const c = b[this.pos++];
			if (shift < 32) v |= (c & 0x7f) << shift;
			if (c < 0x80) return v >>> 0;
			shift += 7;
			if (shift >= 70) throw new Error('invalid varint encoding');
		}
	}

	/** A varint as a signed int64, in a double (exact below 2^53, like Number() of the decimal string). */
	i64(): number {
		const b = this.buf;
		let lo = 0;
		let hi = 0;
		for (let i = 0; ; i++) {
			if (this.pos >= b.length) throw new RangeError('index out of range');
			const c = b[this.pos++];
			if (i < 4) lo |= (c & 0x7f) << (7 * i);
			else if (i === 4) {
				lo |= (c & 0x0f) << 28;
				hi |= (c & 0x7f) >> 4;
			} else hi |= (c & 0x7f) << (7 * i - 32);
			if (c < 0x80) break;
			if (i >= 9) throw new Error('invalid varint encoding');
		}
		return (hi | 0) * 4294967296 + (lo >>> 0);
	}

	bool(): boolean {
		return this.u32() !== 0;
	}

	bytes(): Buffer {
		const n = this.u32();
		const end = this.pos + n;
		if (end > this.buf.length) throw new RangeError('index out of range');
		const out = n === 0 ? EMPTY : this.buf.subarray(this.pos, end);
		this.pos = end;
		return out;
	}

	/** Skips a field of an unknown number. */
	skip(wireType: number): void {
		switch (wireType) {
			case 0:
				this.u32();
				return;
			case 1:
				this.pos += 8;
				break;
			case 2: {
				const n = this.u32();
				this.pos += n;
				break;
			}
			case 5:
				this.pos += 4;
				break;
			default:
				throw new Error(`invalid wire type ${wireType} at offset ${this.pos}`);
		}
		if (this.pos > this.buf.length) throw new RangeError('index out of range');
	}
}

export function decodeRangeRequest(buf: Buffer): PbRangeRequest {
	const m: PbRangeRequest = {
		key: EMPTY,
		range_end: EMPTY,
		limit: 0,
		revision: 0,
		sort_order: 'NONE',
		sort_target: 'KEY',
		serializable: false,
		keys_only: false,
		count_only: false,
		min_mod_revision: 0,
		max_mod_revision: 0,
		min_create_revision: 0,
		max_create_revision: 0
	};
	const r = new Reader(buf);
	while (!r.done) {
		const tag = r.u32();
		switch (tag) {
			case (1 << 3) | 2:
				m.key = r.bytes();
				break;
			case (2 << 3) | 2:
				m.range_end = r.bytes();
				break;
			case 3 << 3:
				m.limit = r.i64();
				break;
			case 4 << 3:
				m.revision = r.i64();
				break;
			case 5 << 3:
				m.sort_order = enumName(SORT_ORDERS, r.u32());
				break;
			case 6 << 3:
				m.sort_target = enumName(SORT_TARGETS, r.u32());
				break;
			case 7 << 3:
				m.serializable = r.bool();
				break;
			case 8 << 3:
				m.keys_only = r.bool();
				break;
			case 9 << 3:
				m.count_only = r.bool();
				break;
			case 10 << 3:
				m.min_mod_revision = r.i64();
				break;
			case 11 << 3:
				m.max_mod_revision = r.i64();
				break;
			case 12 << 3:
				m.min_create_revision = r.i64();
				break;
			case 13 << 3:
				m.max_create_revision = r.i64();
				break;
			default:
				r.skip(tag & 7);
		}
	}
	return m;
}

export function decodePutRequest(buf: Buffer): PbPutRequest {
	const m: PbPutRequest = { key: EMPTY, value: EMPTY, lease: 0, prev_kv: false, ignore_value: false, ignore_lease: false };
	const r = new Reader(buf);
	while (!r.done) {
		const tag = r.u32();
		switch (tag) {
			case (1 << 3) | 2:
				m.key = r.bytes();
				break;
			case (2 << 3) | 2:
				m.value = r.bytes();
				break;
			case 3 << 3:
				m.lease = r.i64();
				break;
			case 4 << 3:
				m.prev_kv = r.bool();
				break;
			case 5 << 3:
				m.ignore_value = r.bool();
				break;
			case 6 << 3:
				m.ignore_lease = r.bool();
				break;
			default:
				r.skip(tag & 7);
		}
	}
	return m;
}

/** Enum values by name, as proto-loader's `enums: String` gives them (unknown values stay numbers). */
function enumName(names: readonly string[], v: number): string | number {
	return names[v] ?? v;
}

// — encoding: sizes first, then one buffer written in place —

/** int64 → varint bytes, for values that are not small non-negative numbers (ids as decimal strings, -1). */
const bigVarints = new Map<Int64, Buffer>();

function bigVarint(v: Int64): Buffer {
	let out = bigVarints.get(v);
	if (out === undefined) {
		let n = BigInt.asUintN(64, BigInt(v));
		const bytes: number[] = [];
		while (n >= 0x80n) {
			bytes.push(Number(n & 0x7fn) | 0x80);
			n >>= 7n;
		}
		bytes.push(Number(n));
		out = Buffer.from(bytes);
		if (bigVarints.size >= 10_000) bigVarints.clear();
		bigVarints.set(v, out);
	}
	return out;
}

/** A non-negative safe integer, or undefined when the value needs bigVarint. */
function small(v: Int64 | undefined): number | undefined {
	if (typeof v === 'number') return v >= 0 && Number.isSafeInteger(v) ? v : undefined;
	if (v === undefined || v === '0' || v === '') return 0;
	return undefined;
}

function varintSize(n: number): number {
	if (n < 0x80) return 1;
	if (n < 0x4000) return 2;
	if (n < 0x200000) return 3;
	if (n < 0x10000000) return 4;
	let s = 4;
	n = Math.floor(n / 0x10000000);
	while (n > 0) {
		s++;
		n = Math.floor(n / 0x80);
	}
	return s;
}

/** Size of an int64 field (tag of one byte), 0 when it is zero (omitted). */
function int64FieldSize(v: Int64 | undefined): number {
	const n = small(v);
	if (n === 0) return 0;
	return 1 + (n === undefined ? bigVarint(v!).length : varintSize(n));
}

function bytesFieldSize(b: Uint8Array | undefined): number {
	return b && b.length ? 1 + varintSize(b.length) + b.length : 0;
}

function messageFieldSize(tagBytes: number, size: number): number {
	return tagBytes + varintSize(size) + size;
}

class Writer {
	readonly buf: Buffer;
	pos: number;

	/** A message of `size` bytes after `reserve` bytes left free (for the gRPC frame prefix: one buffer, no copy). */
	constructor(size: number, reserve: number) {
		this.buf = Buffer.allocUnsafe(reserve + size);
		this.pos = reserve;
	}

	varint(n: number): void {
		const b = this.buf;
		while (n >= 0x80) {
			b[this.pos++] = (n & 0x7f) | 0x80;
			n = n > 0xffffffff ? Math.floor(n / 128) : n >>> 7;
		}
		b[this.pos++] = n;
	}

	tag(field: number, wireType: number): void {
		this.varint((field << 3) | wireType);
	}

	int64(field: number, v: Int64 | undefined): void {
		const n = small(v);
		if (n === 0) return;
		this.tag(field, 0);
		if (n !== undefined) this.varint(n);
		else {
			const bytes = bigVarint(v!);
			bytes.copy(this.buf, this.pos);
			this.pos += bytes.length;
		}
	}

	bool(field: number, v: boolean | undefined): void {
		if (!v) return;
		this.tag(field, 0);
		this.buf[this.pos++] = 1;
	}

	bytes(field: number, b: Uint8Array | undefined): void {
		if (!b || !b.length) return;
		this.tag(field, 2);
		this.varint(b.length);
		this.buf.set(b, this.pos);
		this.pos += b.length;
	}

	string(field: number, s: string | undefined): void {
		if (!s) return;
		const n = Buffer.byteLength(s);
		this.tag(field, 2);
		this.varint(n);
		this.pos += this.buf.write(s, this.pos);
	}

	/** Starts an embedded message of `size` bytes (the caller writes its fields next). */
	message(field: number, size: number): void {
		this.tag(field, 2);
		this.varint(size);
	}
}

function headerSize(h: PbHeader): number {
	return int64FieldSize(h.cluster_id) + int64FieldSize(h.member_id) + int64FieldSize(h.revision) + int64FieldSize(h.raft_term);
}

function writeHeader(w: Writer, h: PbHeader): void {
	// etcd always sends the header message, even when all its fields are zero.
	w.message(1, headerSize(h));
	w.int64(1, h.cluster_id);
	w.int64(2, h.member_id);
	w.int64(3, h.revision);
	w.int64(4, h.raft_term);
}

function kvSize(kv: PbKeyValue): number {
	return (
		bytesFieldSize(kv.key) +
		int64FieldSize(kv.create_revision) +
		int64FieldSize(kv.mod_revision) +
		int64FieldSize(kv.version) +
		bytesFieldSize(kv.value) +
		int64FieldSize(kv.lease)
	);
}

function writeKv(w: Writer, field: number, kv: PbKeyValue, size: number): void {
	w.message(field, size);
	w.bytes(1, kv.key);
	w.int64(2, kv.create_revision);
	w.int64(3, kv.mod_revision);
	w.int64(4, kv.version);
	w.bytes(5, kv.value);
	w.int64(6, kv.lease);
}

/** Sizes of a list of key-values, kept for the writing pass. */
function kvSizes(kvs: PbKeyValue[] | undefined): { sizes: number[]; total: number } {
	const sizes: number[] = new Array(kvs?.length ?? 0);
	let total = 0;
	for (let i = 0; i < sizes.length; i++) {
		const s = (sizes[i] = kvSize(kvs![i]));
		total += messageFieldSize(1, s);
	}
	return { sizes, total };
}

export function encodeRangeResponse(m: PbRangeResponse, reserve = 0): Buffer {
	const hs = headerSize(m.header);
	const kvs = kvSizes(m.kvs);
	const w = new Writer(messageFieldSize(1, hs) + kvs.total + (m.more ? 2 : 0) + int64FieldSize(m.count), reserve);
	writeHeader(w, m.header);
	for (let i = 0; i < kvs.sizes.length; i++) writeKv(w, 2, m.kvs[i], kvs.sizes[i]);
	w.bool(3, m.more);
	w.int64(4, m.count);
	return w.buf;
}

export function encodePutResponse(m: { header: PbHeader; prev_kv?: PbKeyValue }, reserve = 0): Buffer {
	const hs = headerSize(m.header);
	const ps = m.prev_kv ? kvSize(m.prev_kv) : -1;
	const w = new Writer(messageFieldSize(1, hs) + (ps >= 0 ? messageFieldSize(1, ps) : 0), reserve);
	writeHeader(w, m.header);
	if (m.prev_kv) writeKv(w, 2, m.prev_kv, ps);
	return w.buf;
}

export function encodeDeleteRangeResponse(m: { header: PbHeader; deleted: Int64; prev_kvs: PbKeyValue[] }, reserve = 0): Buffer {
	const hs = headerSize(m.header);
	const kvs = kvSizes(m.prev_kvs);
	const w = new Writer(messageFieldSize(1, hs) + int64FieldSize(m.deleted) + kvs.total, reserve);
	writeHeader(w, m.header);
	w.int64(2, m.deleted);
	for (let i = 0; i < kvs.sizes.length; i++) writeKv(w, 3, m.prev_kvs[i], kvs.sizes[i]);
	return w.buf;
}

const EVENT_TYPES: Record<string, number> = { PUT: 0, DELETE: 1 };

function eventType(t: string | number): number {
	return typeof t === 'number' ? t : (EVENT_TYPES[t] ?? 0);
}

/** A WatchResponse; `fragment` is never set by converge (it sends whole responses) but is encoded if given. */
export function encodeWatchResponse(m: PbWatchResponse & { fragment?: boolean }, reserve = 0): Buffer {
	const hs = headerSize(m.header);
	const events = m.events ?? [];
	// Per event: its size, and the sizes of its kv and prev_kv.
	const sizes: number[] = new Array(events.length * 3);
	let eventsTotal = 0;
	for (let i = 0; i < events.length; i++) {
		const e = events[i];
		const ks = kvSize(e.kv);
		const ps = e.prev_kv ? kvSize(e.prev_kv) : -1;
		const es = (eventType(e.type) ? 2 : 0) + messageFieldSize(1, ks) + (ps >= 0 ? messageFieldSize(1, ps) : 0);
		sizes[3 * i] = es;
		sizes[3 * i + 1] = ks;
		sizes[3 * i + 2] = ps;
		eventsTotal += messageFieldSize(1, es);
	}
	const reasonBytes = m.cancel_reason ? Buffer.byteLength(m.cancel_reason) : 0;
	const size =
		messageFieldSize(1, hs) +
		int64FieldSize(m.watch_id) +
		(m.created ? 2 : 0) +
		(m.canceled ? 2 : 0) +
		int64FieldSize(m.compact_revision) +
		(reasonBytes ? 1 + varintSize(reasonBytes) + reasonBytes : 0) +
		(m.fragment ? 2 : 0) +
		eventsTotal;
	const w = new Writer(size, reserve);
	writeHeader(w, m.header);
	w.int64(2, m.watch_id);
	w.bool(3, m.created);
	w.bool(4, m.canceled);
	w.int64(5, m.compact_revision);
	w.string(6, m.cancel_reason);
	w.bool(7, m.fragment);
	for (let i = 0; i < events.length; i++) {
		const e = events[i];
		w.message(11, sizes[3 * i]);
		const type = eventType(e.type);
		if (type) {
			w.tag(1, 0);
			w.varint(type);
		}
		writeKv(w, 2, e.kv, sizes[3 * i + 1]);
		if (e.prev_kv) writeKv(w, 3, e.prev_kv, sizes[3 * i + 2]);
	}
	return w.buf;
}
