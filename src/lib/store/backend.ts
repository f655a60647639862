/**
 * `Backend`: the store as everything above it sees it (API server, etcd gRPC, JSON gateway):
 * asynchronous, durable, with watches and leases. Implemented by the embedded store (WASM engine
 * + WAL + watch hub + lessor) and by a real etcd cluster through the `etcd3` client.
 *
 * @module
 */
import type {
	CompactionRequest,
	CompactionResponse,
	DeleteRangeRequest,
	DeleteRangeResponse,
	Event,
	PutRequest,
	PutResponse,
	RangeRequest,
	RangeResponse,
	TxnRequest,
	TxnResponse
} from './types';

export interface KV {
	range(req: RangeRequest): Promise<RangeResponse>;
	put(req: PutRequest): Promise<PutResponse>;
	deleteRange(req: DeleteRangeRequest): Promise<DeleteRangeResponse>;
	txn(req: TxnRequest): Promise<TxnResponse>;
	compact(req: CompactionRequest): Promise<CompactionResponse>;
}

export interface WatchRequest {
	key: Uint8Array;
	rangeEnd?: Uint8Array;
	/** 0 = from the next revision. */
	startRevision?: number;
	prevKv?: boolean;
	noPut?: boolean;
	noDelete?: boolean;
}

/** What a watcher receives: events of one or more revisions, a progress mark, or its end. */
export type WatchMessage =
	| { type: 'events'; revision: number; events: Event[] }
	| { type: 'progress'; revision: number }
	/** The start revision was compacted; the watch is cancelled. */
	| { type: 'compacted'; revision: number; compactRevision: number }
	/** The watch ended for another reason (store closed). */
	| { type: 'canceled'; revision: number; reason: string };

export interface Watch {
	/** Stops the watch; no message arrives after this returns. */
	cancel(): void;
	/** Asks for a `progress` message once the watcher has caught up. */
	requestProgress(): void;
}

export interface Watchable {
	watch(req: WatchRequest, onMessage: (m: WatchMessage) => void): Watch;
}

export interface LeaseInfo {
	id: number;
	/** Seconds left (−1 once expired or revoked). */
	ttl: number;
	grantedTtl: number;
	keys: Uint8Array[];
}

export interface Leases {
	/** Grants a lease; `id` 0 lets the store choose. TTLs below the minimum are raised to it. */
	leaseGrant(ttl: number, id?: number): Promise<{ id: number; ttl: number; revision: number }>;
	/** Revokes a lease, deleting its keys in one revision. */
	leaseRevoke(id: number): Promise<{ revision: number }>;
	/** Renews a lease to its full TTL; returns the TTL (0 when not found, like etcd). */
	leaseKeepAlive(id: number): Promise<{ id: number; ttl: number; revision: number }>;
	leaseTimeToLive(id: number, keys?: boolean): Promise<LeaseInfo & { revision: number }>;
	leaseLeases(): Promise<{ ids: number[]; revision: number }>;
}

export interface StoreStatus {
	revision: number;
	compactRevision: number;
	/** Bytes of data (what the quota counts). */
	dbSize: number;
	dbSizeInUse: number;
	quotaBytes: number;
	alarms: Array<'NOSPACE'>;
}

export interface Maintenance {
	status(): Promise<StoreStatus>;
	/** Reclaims space after compaction (etcd's defrag). */
	defragment(): Promise<void>;
	/** Clears the NOSPACE alarm (it comes back on the next write if space is still short). */
	disarm(): Promise<void>;
}

export interface Backend extends KV, Watchable, Leases, Maintenance {
	close(): Promise<void>;
}
