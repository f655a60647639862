/**
 * etcd protobuf messages (as proto-loader gives and takes them: snake_case fields, int64 as
 * decimal strings, bytes as Buffer, enums as names) ↔ the store's types (camelCase, numbers,
 * Uint8Array).
 *
 * Request bytes are copied out of the gRPC buffers: a store keeps keys and values, and a view
 * would pin the whole incoming message in memory.
 *
 * @module
 */
import type {
	Compare,
	CompareResult,
	CompareTarget,
	DeleteRangeRequest,
	Event,
	KeyValue,
	PutRequest,
	RangeRequest,
	RangeResponse,
	RequestOp,
	ResponseOp,
	SortOrder,
	SortTarget,
	TxnRequest,
	TxnResponse
} from '../../src/lib/store/types';

/** int64 on the wire: decoded as a string (longs: String), encoded from a number. */
export type Int64 = string | number;

export interface PbHeader {
	cluster_id?: Int64;
	member_id?: Int64;
	revision?: Int64;
	raft_term?: Int64;
}

/** Outgoing key-values keep the store's Uint8Array views: the codecs copy them into the message once. */
export interface PbKeyValue {
	key: Uint8Array;
	create_revision: Int64;
	mod_revision: Int64;
	version: Int64;
	value: Uint8Array;
	lease: Int64;
}

export interface PbRangeRequest {
	key: Buffer;
	range_end: Buffer;
	limit: Int64;
	revision: Int64;
	sort_order: string | number;
	sort_target: string | number;
	serializable: boolean;
	keys_only: boolean;
	count_only: boolean;
	min_mod_revision: Int64;
	max_mod_revision: Int64;
	min_create_revision: Int64;
	max_create_revision: Int64;
}

export interface PbPutRequest {
	key: Buffer;
	value: Buffer;
	lease: Int64;
	prev_kv: boolean;
	ignore_value: boolean;
	ignore_lease: boolean;
}

export interface PbDeleteRangeRequest {
	key: Buffer;
	range_end: Buffer;
	prev_kv: boolean;
}

export interface PbCompare {
	result: string | number;
	target: string | number;
	key: Buffer;
	range_end: Buffer;
	target_union?: 'version' | 'create_revision' | 'mod_revision' | 'value' | 'lease';
	version?: Int64;
	create_revision?: Int64;
	mod_revision?: Int64;
	value?: Buffer;
	lease?: Int64;
}

export interface PbRequestOp {
	request?: 'request_range' | 'request_put' | 'request_delete_range' | 'request_txn';
	request_range?: PbRangeRequest;
	request_put?: PbPutRequest;
	request_delete_range?: PbDeleteRangeRequest;
	request_txn?: PbTxnRequest;
}

export interface PbTxnRequest {
	compare: PbCompare[];
	success: PbRequestOp[];
	failure: PbRequestOp[];
}

export interface PbEvent {
	type: 'PUT' | 'DELETE';
	kv: PbKeyValue;
	prev_kv?: PbKeyValue;
}

export interface PbRangeResponse {
	header: PbHeader;
	kvs: PbKeyValue[];
	more: boolean;
	count: Int64;
}

export interface PbResponseOp {
	response_range?: PbRangeResponse;
	response_put?: { header: PbHeader; prev_kv?: PbKeyValue };
	response_delete_range?: { header: PbHeader; deleted: Int64; prev_kvs: PbKeyValue[] };
	response_txn?: PbTxnResponse;
}

export interface PbTxnResponse {
	header: PbHeader;
	succeeded: boolean;
	responses: PbResponseOp[];
}

// — numbers and bytes —

/** A wire int64 as a JS number (revisions, ids and TTLs converge hands out stay below 2^53). */
export function num(v: Int64 | number | undefined): number {
	return v === undefined ? 0 : Number(v);
}

/** Numbers go out as they are: a decimal string would be parsed back by protobufjs on every field. */
export function int64(n: number): Int64 {
	return n;
}

/** A private copy of request bytes. */
export function bytesIn(b: Buffer | Uint8Array | undefined): Uint8Array {
	return b ? new Uint8Array(b) : new Uint8Array(0);
}

/** Store bytes for the wire, without copying. */
export function bytesOut(b: Uint8Array): Buffer {
	return Buffer.from(b.buffer, b.byteOffset, b.length);
}

/** An empty range_end means "the key alone" on the wire; the store wants it absent. */
function rangeEndIn(b: Buffer | undefined): Uint8Array | undefined {
	return b && b.length > 0 ? bytesIn(b) : undefined;
}

function enumIn<T extends string>(v: string | number, names: readonly T[]): T | undefined {
	if (typeof v === 'number') return names[v];
	return (names as readonly string[]).includes(v) ? (v as T) : undefined;
}

const SORT_ORDERS: readonly SortOrder[] = ['NONE', 'ASCEND', 'DESCEND'];
const SORT_TARGETS: readonly SortTarget[] = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'];
const COMPARE_RESULTS: readonly CompareResult[] = ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'];
const COMPARE_TARGETS: readonly CompareTarget[] = ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'];

// — requests: wire → store —

export function rangeIn(r: PbRangeRequest): RangeRequest {
	return {
		key: bytesIn(r.key),
		rangeEnd: rangeEndIn(r.range_end),
		limit: num(r.limit),
		revision: num(r.revision),
		// An unknown enum value sorts like etcd's switch default: not at all.
		sortOrder: enumIn(r.sort_order, SORT_ORDERS) ?? 'NONE',
		sortTarget: enumIn(r.sort_target, SORT_TARGETS) ?? 'KEY',
		serializable: r.serializable,
		keysOnly: r.keys_only,
		countOnly: r.count_only,
		minModRevision: num(r.min_mod_revision),
		maxModRevision: num(r.max_mod_revision),
		minCreateRevision: num(r.min_create_revision),
		maxCreateRevision: num(r.max_create_revision)
	};
}

export function putIn(r: PbPutRequest): PutRequest {
	return {
		key: bytesIn(r.key),
		value: bytesIn(r.value),
		lease: num(r.lease),
		prevKv: r.prev_kv,
		ignoreValue: r.ignore_value,
		ignoreLease: r.ignore_lease
	};
}

export function deleteIn(r: PbDeleteRangeRequest): DeleteRangeRequest {
	return { key: bytesIn(r.key), rangeEnd: rangeEndIn(r.range_end), prevKv: r.prev_kv };
}

function compareIn(c: PbCompare): Compare {
	const target = enumIn(c.target, COMPARE_TARGETS) ?? 'VERSION';
	const out: Compare = { result: enumIn(c.result, COMPARE_RESULTS) ?? 'EQUAL', target, key: bytesIn(c.key), rangeEnd: rangeEndIn(c.range_end) };
	// etcd reads the operand from the union member matching the target; any other member counts as zero.
	const u = c.target_union;
	if (target === 'VERSION') out.version = u === 'version' ? num(c.version) : 0;
	else if (target === 'CREATE') out.createRevision = u === 'create_revision' ? num(c.create_revision) : 0;
	else if (target === 'MOD') out.modRevision = u === 'mod_revision' ? num(c.mod_revision) : 0;
	else if (target === 'LEASE') out.lease = u === 'lease' ? num(c.lease) : 0;
	else out.value = u === 'value' ? bytesIn(c.value) : new Uint8Array(0);
	return out;
}

function opIn(op: PbRequestOp): RequestOp {
	if (op.request_put) return { requestPut: putIn(op.request_put) };
	if (op.request_delete_range) return { requestDeleteRange: deleteIn(op.request_delete_range) };
	if (op.request_txn) return { requestTxn: txnIn(op.request_txn) };
	// An empty RequestOp is a range over the empty key, which the store refuses like etcd does.
	return { requestRange: rangeIn(op.request_range ?? ({ key: Buffer.alloc(0) } as PbRangeRequest)) };
}

export function txnIn(t: PbTxnRequest): TxnRequest {
	return { compare: t.compare.map(compareIn), success: t.success.map(opIn), failure: t.failure.map(opIn) };
}

/** Whether a txn (either branch, nested ones included) could write. */
export function txnWrites(t: PbTxnRequest): boolean {
	return [...t.success, ...t.failure].some((op) => !!op.request_put || !!op.request_delete_range || (!!op.request_txn && txnWrites(op.request_txn)));
}

// — responses: store → wire —

export function kvOut(kv: KeyValue): PbKeyValue {
	return {
		key: kv.key,
		create_revision: int64(kv.createRevision),
		mod_revision: int64(kv.modRevision),
		version: int64(kv.version),
		value: kv.value,
		lease: int64(kv.lease)
	};
}

export function eventOut(e: Event): PbEvent {
	const out: PbEvent = { type: e.type, kv: kvOut(e.kv) };
	if (e.prevKv) out.prev_kv = kvOut(e.prevKv);
	return out;
}

export function rangeOut(res: RangeResponse, header: PbHeader): PbRangeResponse {
	return { header, kvs: res.kvs.map(kvOut), more: res.more, count: int64(res.count) };
}

/** The header of a response inside a txn: etcd sets the revision only (0 = none, for nested txns). */
function subHeader(revision: number): PbHeader {
	return revision ? { revision: int64(revision) } : {};
}

/** A txn response; headers inside it carry only a revision (none for nested txns), like etcd's. */
export function txnOut(res: TxnResponse, header: PbHeader): PbTxnResponse {
	return { header, succeeded: res.succeeded, responses: res.responses.map(opOut) };
}

function opOut(op: ResponseOp): PbResponseOp {
	if ('responseRange' in op) return { response_range: rangeOut(op.responseRange, subHeader(op.responseRange.header.revision)) };
	if ('responsePut' in op) {
		const r = op.responsePut;
		const out: PbResponseOp['response_put'] = { header: subHeader(r.header.revision) };
		if (r.prevKv) out.prev_kv = kvOut(r.prevKv);
		return { response_put: out };
	}
	if ('responseDeleteRange' in op) {
		const r = op.responseDeleteRange;
		return { response_delete_range: { header: subHeader(r.header.revision), deleted: int64(r.deleted), prev_kvs: r.prevKvs.map(kvOut) } };
	}
	const t = op.responseTxn;
	return { response_txn: { header: subHeader(t.header.revision), succeeded: t.succeeded, responses: t.responses.map(opOut) } };
}
