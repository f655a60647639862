/**
 * The store's contract: etcd v3's KV, Watch and Lease semantics (etcdserverpb/rpc.proto and
 * mvccpb/kv.proto), with keys and values as bytes and int64 fields as JS numbers (revisions, lease
 * ids and versions stay below 2^53; the gRPC layer converts to and from int64 strings).
 *
 * Layers, from the bottom (each implements the one above it, as etcd's `mvcc` package does):
 * - `MvccEngine`: the synchronous in-memory MVCC state machine (the WASM engine, or the pure model
 *   used as a test oracle). It has no clock, no disk and no leases' timers; one call = one revision
 *   at most.
 * - `Backend`: what everything above the store uses (API server, etcd gRPC, JSON gateway):
 *   durable, asynchronous, with watches and leases. Implemented by the embedded store (engine + WAL
 *   + watch hub + lessor) and by a real etcd through the `etcd3` client.
 *
 * @module
 */

export interface KeyValue {
	key: Uint8Array;
	createRevision: number;
	modRevision: number;
	version: number;
	value: Uint8Array;
	lease: number;
}

/** `clusterId`, `memberId` and `raftTerm` are added by the gRPC layer. */
export interface ResponseHeader {
	revision: number;
}

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest {
	key: Uint8Array;
	/** Empty/absent: the single key. `[0]` ("\0"): every key ≥ key. Otherwise [key, rangeEnd). */
	rangeEnd?: Uint8Array;
	/** 0 = no limit. */
	limit?: number;
	/** 0 = current revision. */
	revision?: number;
	sortOrder?: SortOrder;
	sortTarget?: SortTarget;
	serializable?: boolean;
	keysOnly?: boolean;
	countOnly?: boolean;
	minModRevision?: number;
	maxModRevision?: number;
	minCreateRevision?: number;
	maxCreateRevision?: number;
}

export interface RangeResponse {
	header: ResponseHeader;
	kvs: KeyValue[];
	more: boolean;
	count: number;
}

export interface PutRequest {
	key: Uint8Array;
	value: Uint8Array;
	lease?: number;
	prevKv?: boolean;
	ignoreValue?: boolean;
	ignoreLease?: boolean;
}

export interface PutResponse {
	header: ResponseHeader;
	prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
	key: Uint8Array;
	rangeEnd?: Uint8Array;
	prevKv?: boolean;
}

export interface DeleteRangeResponse {
	header: ResponseHeader;
	deleted: number;
	prevKvs: KeyValue[];
}

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

export interface Compare {
	result: CompareResult;
	target: CompareTarget;
	key: Uint8Array;
	rangeEnd?: Uint8Array;
	/** The operand for `target` (VERSION → version, CREATE → createRevision, ...). */
	version?: number;
	createRevision?: number;
	modRevision?: number;
	value?: Uint8Array;
	lease?: number;
}

export type RequestOp =
	| { requestRange: RangeRequest }
	| { requestPut: PutRequest }
	| { requestDeleteRange: DeleteRangeRequest }
	| { requestTxn: TxnRequest };

export type ResponseOp =
	| { responseRange: RangeResponse }
	| { responsePut: PutResponse }
	| { responseDeleteRange: DeleteRangeResponse }
	| { responseTxn: TxnResponse };

export interface TxnRequest {
	compare: Compare[];
	success: RequestOp[];
	failure: RequestOp[];
}

export interface TxnResponse {
	header: ResponseHeader;
	succeeded: boolean;
	responses: ResponseOp[];
}

export interface CompactionRequest {
	revision: number;
	physical?: boolean;
}

export interface CompactionResponse {
	header: ResponseHeader;
}

export interface Event {
	type: 'PUT' | 'DELETE';
	/** For DELETE: the key with modRevision = the deletion's revision, empty value, version 0. */
	kv: KeyValue;
	prevKv?: KeyValue;
}

/** The result of a write on the engine: the response plus the events it produced, in order. */
export interface WriteResult<R> {
	response: R;
	events: Event[];
}

export type LeaseCheck = (lease: number) => boolean;

/**
 * The synchronous MVCC state machine. Errors are thrown as `StoreError` with etcd's codes and
 * messages; a failing call changes nothing.
 */
export interface MvccEngine {
	/** The current revision (starts at 1, like etcd's first revision after bootstrap). */
	readonly revision: number;
	/** The last compaction revision (0 = never compacted). */
	readonly compactRevision: number;
	range(req: RangeRequest): RangeResponse;
	/** `leaseExists` (the lessor's) is asked for a non-zero lease; false → ErrLeaseNotFound. */
	put(req: PutRequest, leaseExists?: LeaseCheck): WriteResult<PutResponse>;
	deleteRange(req: DeleteRangeRequest): WriteResult<DeleteRangeResponse>;
	/** Leases are checked only in the branch that runs, as etcd's applier does. */
	txn(req: TxnRequest, leaseExists?: LeaseCheck): WriteResult<TxnResponse>;
	/** Drops revisions older than `revision` (keeps each key's latest state at or before it). */
	compact(revision: number): CompactionResponse;
	/** Events of revisions in [fromRevision, current] on [key, rangeEnd), for watch catch-up. */
	eventsSince(fromRevision: number, key: Uint8Array, rangeEnd: Uint8Array | undefined): Event[];
	/** Keys (latest revision) attached to a lease. */
	keysOfLease(lease: number): Uint8Array[];
	/** Bytes the engine's data occupies (for the space quota). */
	sizeBytes(): number;
	/** The whole state (all retained revisions), restorable with `restore`. */
	snapshot(): Uint8Array;
	restore(snapshot: Uint8Array): void;
	/**
	 * The state at the current revision in chunks, each read when asked for: writes may run
	 * between two `next()` calls and are not in it. A compaction or restore in between makes
	 * `next()` throw `SnapshotInvalidated` (snapshot-chunks.ts).
	 */
	snapshotChunks?(chunkBytes?: number): Iterator<Uint8Array>;
	/** Restores what `snapshotChunks` gave. */
	restoreChunks?(chunks: Iterable<Uint8Array>): void;
}
