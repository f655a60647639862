/**
 * A compact coding of the engine snapshot's records (the CVST format of wasm/store/snapshot.ts)
 * for the replica download: each value is sent as its difference from the key's previous version,
 * which the replica holds already (a pod's status update rewrites a few timestamps and a phase in
 * an object of a kilobyte or more). 100,000 revisions of the benchmark's cluster code to about a
 * tenth of their size, so the browser inflates and copies ~10 MB instead of ~100 MB.
 *
 * Coded engine: the CVST header (24 bytes, as is) · records, each
 *   u32 key length · u32 entries · key · per entry: the 32 bytes of main, create, lease, version,
 *   sub (as in CVST) · u32 value length · u8 mode · payload
 * Modes (against the previous non-empty value of the same key, `prev`):
 *   0 literal   the value
 *   1 splice    varint prefix · varint suffix · the middle (bytes shared with prev at both ends)
 *   2 patch     (same length as prev) varint n · n × (varint skip, varint length, bytes): prev
 *               with the runs overwritten, each starting `skip` bytes after the previous run's end
 * Decoding rebuilds the exact CVST bytes, so `WasmEngine.restore` takes them unchanged.
 *
 * @module
 */

const ENGINE_HEADER = 24;
const FIXED = 32;
const LITERAL = 0;
const SPLICE = 1;
const PATCH = 2;
/** Equal bytes that end a patch run (shorter gaps are sent as part of the run: a run costs ≥ 2 bytes). */
const GAP = 4;

/** A growable byte buffer. */
class Writer {
	buf: Uint8Array;
	at = 0;
	constructor(size: number) {
		this.buf = new Uint8Array(Math.max(1024, size));
	}
	ensure(n: number): void {
		if (this.at + n <= this.buf.length) return;
		const grown = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
		grown.set(this.buf.subarray(0, this.at));
		this.buf = grown;
	}
	bytes(b: Uint8Array): void {
		this.ensure(b.length);
		this.buf.set(b, this.at);
		this.at += b.length;
	}
	u8(v: number): void {
		this.ensure(1);
		this.buf[this.at++] = v;
	}
	u32(v: number): void {
		this.ensure(4);
		const b = this.buf;
		const i = this.at;
		b[i] = v;
		b[i + 1] = v >>> 8;
		b[i + 2] = v >>> 16;
		b[i + 3] = v >>> 24;
		this.at += 4;
	}
	varint(v: number): void {
		this.ensure(5);
		while (v >= 0x80) {
			this.buf[this.at++] = (v & 0x7f) | 0x80;
			v >>>= 7;
		}
		this.buf[this.at++] = v;
	}
	done(): Uint8Array {
		return this.buf.subarray(0, this.at);
	}
}

function u32At(b: Uint8Array, i: number): number {
	return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/** `value` against `prev` (same length): the runs of differing bytes. */
function writePatch(w: Writer, prev: Uint8Array, value: Uint8Array): void {
	const n = value.length;
	const runs: number[] = [];
	let i = 0;
	while (i < n) {
		while (i < n && prev[i] === value[i]) i++;
		if (i >= n) break;
		const start = i;
		let end = i + 1;
		// Extend the run until GAP equal bytes in a row.
		for (let j = end, same = 0; j < n; j++) {
			if (prev[j] === value[j]) {
				if (++same >= GAP) break;
			} else {
				same = 0;
				end = j + 1;
			}
		}
		runs.push(start, end);
		i = end;
	}
	w.varint(runs.length / 2);
	let last = 0;
	for (let r = 0; r < runs.length; r += 2) {
		w.varint(runs[r] - last);
		w.varint(runs[r + 1] - runs[r]);
		w.bytes(value.subarray(runs[r], runs[r + 1]));
		last = runs[r + 1];
	}
}

function writeSplice(w: Writer, prev: Uint8Array, value: Uint8Array): void {
	const max = Math.min(prev.length, value.length);
	let a = 0;
	while (a < max && prev[a] === value[a]) a++;
	let b = 0;
	while (b < max - a && prev[prev.length - 1 - b] === value[value.length - 1 - b]) b++;
	w.varint(a);
	w.varint(b);
	w.bytes(value.subarray(a, value.length - b));
}

/** Codes an engine snapshot (CVST) for the replica. */
export function encodeEngineHistory(engine: Uint8Array): Uint8Array {
	const dv = new DataView(engine.buffer, engine.byteOffset, engine.byteLength);
	const w = new Writer(engine.length >>> 3);
	w.bytes(engine.subarray(0, ENGINE_HEADER));
	let at = ENGINE_HEADER;
	while (at + 12 <= engine.length) {
		const end = at + 4 + dv.getUint32(at, true);
		const kl = dv.getUint32(at + 4, true);
		const count = dv.getUint32(at + 8, true);
		w.u32(kl);
		w.u32(count);
		w.bytes(engine.subarray(at + 12, at + 12 + kl));
		let p = at + 12 + kl;
		let prev: Uint8Array | undefined;
		for (let i = 0; i < count && p + FIXED + 4 <= end; i++) {
			const vl = dv.getUint32(p + FIXED, true);
			const value = engine.subarray(p + FIXED + 4, p + FIXED + 4 + vl);
			w.bytes(engine.subarray(p, p + FIXED));
			w.u32(vl);
			if (!prev || vl === 0) {
				w.u8(LITERAL);
				w.bytes(value);
			} else if (prev.length === vl) {
				w.u8(PATCH);
				writePatch(w, prev, value);
			} else {
				w.u8(SPLICE);
				writeSplice(w, prev, value);
			}
			if (vl > 0) prev = value;
			p += FIXED + 4 + vl;
		}
		at = end;
	}
	return w.done();
}

/** What a coded history restores: the engine snapshot's header and its records, in chunks. */
export interface EngineRecords {
	revision: number;
	/** etcd's compactMainRev (-1 = never compacted). */
	compactMain: number;
	/**
	 * The records, in chunks of about `CHUNK` bytes holding whole records, decoded as they are
	 * asked for into one reused buffer: a chunk is valid until the next one is asked for. Throws
	 * on a damaged body (possibly after some chunks).
	 */
	chunks(): Generator<Uint8Array>;
}

/** Chunk size: what the engine's restore takes at once (wasm-snapshot.ts). */
const CHUNK = 1 << 20;
const ENGINE_MAGIC = 0x54535643; // "CVST"

/** The records a coded history stands for; `size` is the engine snapshot's size, checked at the end. */
export function engineRecords(coded: Uint8Array, size: number): EngineRecords {
	const bad = (why: string) => new Error(`time travel: bad snapshot history (${why})`);
	if (coded.length < ENGINE_HEADER || size < ENGINE_HEADER) throw bad('too short');
	const head = new DataView(coded.buffer, coded.byteOffset, ENGINE_HEADER);
	if (head.getUint32(0, true) !== ENGINE_MAGIC) throw bad('not an engine snapshot');
	return { revision: head.getFloat64(8, true), compactMain: head.getFloat64(16, true), chunks: () => decodeChunks(coded, size, bad) };
}

function* decodeChunks(coded: Uint8Array, size: number, bad: (why: string) => Error): Generator<Uint8Array> {
	let out = new Uint8Array(CHUNK + (CHUNK >>> 2));
	let i = ENGINE_HEADER;
	let o = 0;
	let total = ENGINE_HEADER;
	const room = (n: number) => {
		if (o + n <= out.length) return;
		if (total + o + n > size) throw bad('too long');
		const grown = new Uint8Array(Math.max(out.length * 2, o + n));
		grown.set(out.subarray(0, o));
		out = grown;
	};
	const varint = (): number => {
		let v = 0;
		for (let shift = 0; ; shift += 7) {
			if (i >= coded.length) throw bad('truncated');
			const b = coded[i++];
			v += (b & 0x7f) * 2 ** shift;
			if (b < 0x80) return v;
		}
	};
	const copyIn = (len: number, to: number) => {
		if (i + len > coded.length) throw bad('truncated');
		out.set(coded.subarray(i, i + len), to);
		i += len;
	};
	const u32 = (at: number) => (out[at] | (out[at + 1] << 8) | (out[at + 2] << 16) | (out[at + 3] << 24)) >>> 0;
	const setU32 = (at: number, v: number) => {
		out[at] = v;
		out[at + 1] = v >>> 8;
		out[at + 2] = v >>> 16;
		out[at + 3] = v >>> 24;
	};
	while (i < coded.length) {
		if (i + 8 > coded.length) throw bad('truncated');
		const kl = u32At(coded, i);
		const count = u32At(coded, i + 4);
		i += 8;
		const record = o;
		room(12 + kl);
		setU32(o + 4, kl);
		setU32(o + 8, count);
		o += 12;
		copyIn(kl, o);
		o += kl;
		let prev = -1;
		let prevLen = 0;
		for (let e = 0; e < count; e++) {
			room(FIXED + 4);
			copyIn(FIXED + 4, o);
			const vl = u32(o + FIXED);
			o += FIXED + 4;
			room(vl);
			if (i >= coded.length) throw bad('truncated');
			const mode = coded[i++];
			if (mode > PATCH) throw bad(`mode ${mode}`);
			if (mode === LITERAL) copyIn(vl, o);
			else if (prev < 0) throw bad('a difference without a previous version');
			else if (mode === PATCH) {
				if (prevLen !== vl) throw bad('patch length');
				out.copyWithin(o, prev, prev + vl);
				let pos = 0;
				for (let n = varint(); n > 0; n--) {
					pos += varint();
					const len = varint();
					if (pos + len > vl) throw bad('patch');
					copyIn(len, o + pos);
					pos += len;
				}
			} else {
				const a = varint();
				const b = varint();
				if (a + b > vl || a > prevLen || b > prevLen) throw bad('splice');
				out.copyWithin(o, prev, prev + a);
				copyIn(vl - a - b, o + a);
				out.copyWithin(o + vl - b, prev + prevLen - b, prev + prevLen);
			}
			if (vl > 0) {
				prev = o;
				prevLen = vl;
			}
			o += vl;
		}
		setU32(record, o - record - 4);
		if (o >= CHUNK) {
			total += o;
			yield out.subarray(0, o);
			o = 0;
		}
	}
	total += o;
	if (total !== size) throw bad('size');
	if (o > 0) yield out.subarray(0, o);
}

/** The exact engine snapshot (CVST, `size` bytes) a coded history stands for. */
export function decodeEngineHistory(coded: Uint8Array, size: number): Uint8Array {
	const records = engineRecords(coded, size);
	const out = new Uint8Array(size);
	out.set(coded.subarray(0, ENGINE_HEADER));
	let at = ENGINE_HEADER;
	for (const chunk of records.chunks()) {
		out.set(chunk, at);
		at += chunk.length;
	}
	return out;
}
