/**
 * A room's store on a real etcd cluster, through the `etcd3` client: every key lives under the
 * room's prefix (`/converge/rooms/<id>/`), which this adapter adds to requests and strips from
 * responses, so everything above `Backend` sees the same keys as with the embedded store.
 *
 * What differs from the embedded store, by nature of sharing one cluster: revisions are the
 * cluster's (they advance with every room's writes), compaction and the space quota are
 * cluster-wide, and lease ids are the cluster's. One edge of key mapping: a "\0" range end
 * becomes the end of the room's prefix, a real interval, so in a txn a delete to "\0" and a put
 * of a key after it count as a duplicate key here, where bare etcd sees an empty interval.
 *
 * @module
 */
import type { Etcd3, IKeyValue, IRangeRequest, IRequestOp, IResponseOp, ITxnRequest, ICompare, IWatchResponse, IEvent } from 'etcd3';
import { Errors, StoreError } from '../../src/lib/store/errors';
import { prefixEnd } from '../../src/lib/store/bytes';
import type { Backend, LeaseInfo, StoreStatus, Watch, WatchMessage, WatchRequest } from '../../src/lib/store/backend';
import type {
	Compare,
	CompactionRequest,
	CompactionResponse,
	DeleteRangeRequest,
	DeleteRangeResponse,
	Event,
	KeyValue,
	PutRequest,
	PutResponse,
	RangeRequest,
	RangeResponse,
	RequestOp,
	ResponseOp,
	TxnRequest,
	TxnResponse
} from '../../src/lib/store/types';

const SORT_ORDER = { NONE: 0, ASCEND: 1, DESCEND: 2 } as const;
const SORT_TARGET = { KEY: 0, VERSION: 1, CREATE: 2, MOD: 3, VALUE: 4 } as const;
const CMP_RESULT = { EQUAL: 0, GREATER: 1, LESS: 2, NOT_EQUAL: 3 } as const;
const CMP_TARGET = { VERSION: 0, CREATE: 1, MOD: 2, VALUE: 3, LEASE: 4 } as const;

export class Etcd3Backend implements Backend {
	private readonly prefix: Buffer;
	private readonly end: Buffer;
	private watches = new Set<{ cancel(): void }>();

	constructor(
		private readonly client: Etcd3,
		roomId: string
	) {
		this.prefix = Buffer.from(`/converge/rooms/${roomId}/`);
		this.end = Buffer.from(prefixEnd(this.prefix));
	}

	// — key mapping —

	private key(k: Uint8Array): Buffer {
		if (k.length === 0) throw Errors.emptyKey();
		return Buffer.concat([this.prefix, k]);
	}

	/** "\0" (every key ≥ key) becomes the end of the room's prefix. */
	private rangeEnd(end: Uint8Array | undefined): Buffer | undefined {
		if (!end || end.length === 0) return undefined;
		if (end.length === 1 && end[0] === 0) return this.end;
		return Buffer.concat([this.prefix, end]);
	}

	private strip(k: Buffer): Uint8Array {
		return new Uint8Array(k.subarray(this.prefix.length));
	}

	private kv(kv: IKeyValue): KeyValue {
		return {
			key: this.strip(kv.key),
			createRevision: Number(kv.create_revision),
			modRevision: Number(kv.mod_revision),
			version: Number(kv.version),
			value: new Uint8Array(kv.value ?? Buffer.alloc(0)),
			lease: Number(kv.lease ?? 0)
		};
	}

	private rangeReq(r: RangeRequest): IRangeRequest {
		return {
			key: this.key(r.key),
			range_end: this.rangeEnd(r.rangeEnd),
			limit: r.limit ?? 0,
			revision: r.revision ?? 0,
			sort_order: SORT_ORDER[r.sortOrder ?? 'NONE'],
			sort_target: SORT_TARGET[r.sortTarget ?? 'KEY'],
			serializable: r.serializable ?? false,
			keys_only: r.keysOnly ?? false,
			count_only: r.countOnly ?? false,
			min_mod_revision: r.minModRevision ?? 0,
			max_mod_revision: r.maxModRevision ?? 0,
			min_create_revision: r.minCreateRevision ?? 0,
			max_create_revision: r.maxCreateRevision ?? 0
		};
	}

	/**
	 * The operand is a proto oneof: set only the member the target names. Setting them all sends
	 * them all, and etcd keeps the last one on the wire (lease), comparing against 0 otherwise.
	 */
	private compare(c: Compare): ICompare {
		const operand =
			c.target === 'VERSION'
				? { version: c.version ?? 0 }
				: c.target === 'CREATE'
					? { create_revision: c.createRevision ?? 0 }
					: c.target === 'MOD'
						? { mod_revision: c.modRevision ?? 0 }
						: c.target === 'VALUE'
							? { value: Buffer.from(c.value ?? new Uint8Array(0)) }
							: { lease: c.lease ?? 0 };
		return { result: CMP_RESULT[c.result], target: CMP_TARGET[c.target], key: this.key(c.key), range_end: this.rangeEnd(c.rangeEnd), ...operand } as ICompare;
	}

	private op(op: RequestOp): IRequestOp {
		if ('requestRange' in op) return { request_range: this.rangeReq(op.requestRange) };
		if ('requestPut' in op) {
			const p = op.requestPut;
			return {
				request_put: { key: this.key(p.key), value: Buffer.from(p.value), lease: p.lease ?? 0, prev_kv: p.prevKv ?? false, ignore_value: p.ignoreValue ?? false, ignore_lease: p.ignoreLease ?? false }
			};
		}
		if ('requestDeleteRange' in op) {
			const d = op.requestDeleteRange;
			return { request_delete_range: { key: this.key(d.key), range_end: this.rangeEnd(d.rangeEnd), prev_kv: d.prevKv ?? false } };
		}
		return { request_txn: this.txnReq(op.requestTxn) };
	}

	private txnReq(t: TxnRequest): ITxnRequest {
		return { compare: t.compare.map((c) => this.compare(c)), success: t.success.map((o) => this.op(o)), failure: t.failure.map((o) => this.op(o)) };
	}

	private rangeRes(r: { header: { revision: string }; kvs: IKeyValue[]; more: boolean; count: string }): RangeResponse {
		return { header: { revision: Number(r.header.revision) }, kvs: (r.kvs ?? []).map((kv) => this.kv(kv)), more: !!r.more, count: Number(r.count) };
	}

	private opRes(r: IResponseOp): ResponseOp {
		const any = r as unknown as Record<string, any>;
		if (any.response_range) return { responseRange: this.rangeRes(any.response_range) };
		if (any.response_put) {
			const p = any.response_put;
			return { responsePut: { header: { revision: Number(p.header?.revision ?? 0) }, ...(p.prev_kv ? { prevKv: this.kv(p.prev_kv) } : {}) } };
		}
		if (any.response_delete_range) {
			const d = any.response_delete_range;
			return { responseDeleteRange: { header: { revision: Number(d.header?.revision ?? 0) }, deleted: Number(d.deleted), prevKvs: (d.prev_kvs ?? []).map((kv: IKeyValue) => this.kv(kv)) } };
		}
		const t = any.response_txn;
		return { responseTxn: { header: { revision: Number(t.header?.revision ?? 0) }, succeeded: !!t.succeeded, responses: (t.responses ?? []).map((x: IResponseOp) => this.opRes(x)) } };
	}

	// — KV —

	async range(req: RangeRequest): Promise<RangeResponse> {
		return this.rangeRes((await call(() => this.client.kv.range(this.rangeReq(req)))) as never);
	}

	async put(req: PutRequest): Promise<PutResponse> {
		const op = this.op({ requestPut: req }).request_put!;
		const r = await call(() => this.client.kv.put(op));
		return { header: { revision: Number(r.header.revision) }, ...(r.prev_kv ? { prevKv: this.kv(r.prev_kv) } : {}) };
	}

	async deleteRange(req: DeleteRangeRequest): Promise<DeleteRangeResponse> {
		const op = this.op({ requestDeleteRange: req }).request_delete_range!;
		const r = await call(() => this.client.kv.deleteRange(op));
		return { header: { revision: Number(r.header.revision) }, deleted: Number(r.deleted), prevKvs: (r.prev_kvs ?? []).map((kv) => this.kv(kv)) };
	}

	async txn(req: TxnRequest): Promise<TxnResponse> {
		const r = await call(() => this.client.kv.txn(this.txnReq(req)));
		return { header: { revision: Number(r.header.revision) }, succeeded: r.succeeded, responses: (r.responses ?? []).map((x) => this.opRes(x)) };
	}

	async compact(req: CompactionRequest): Promise<CompactionResponse> {
		const r = await call(() => this.client.kv.compact({ revision: req.revision, physical: req.physical ?? false }));
		return { header: { revision: Number(r.header.revision) } };
	}

	// — Watch —

	watch(req: WatchRequest, onMessage: (m: WatchMessage) => void): Watch {
		let stream: Awaited<ReturnType<Etcd3['watchClient']['watch']>> | undefined;
		let cancelled = false;
		let watchId: string | undefined;
		const handle = {
			cancel: () => {
				cancelled = true;
				this.watches.delete(handle);
				stream?.cancel();
			},
			requestProgress: () => stream?.write({ progress_request: {} } as never)
		};
		this.watches.add(handle);
		void this.client.watchClient.watch().then((s) => {
			stream = s;
			if (cancelled) return s.cancel();
			s.on('data', (res: IWatchResponse) => {
				if (cancelled) return;
				const revision = Number(res.header.revision);
				if (res.created) watchId = res.watch_id;
				if (Number(res.compact_revision) > 0) return onMessage({ type: 'compacted', revision, compactRevision: Number(res.compact_revision) });
				if (res.canceled) return onMessage({ type: 'canceled', revision, reason: res.cancel_reason || 'canceled' });
				if (res.events?.length) return this.emitEvents(res.events, onMessage);
				if (!res.created && watchId !== undefined) onMessage({ type: 'progress', revision });
			});
			s.on('error', () => {
				if (!cancelled) onMessage({ type: 'canceled', revision: 0, reason: 'watch stream failed' });
			});
			s.write({
				create_request: {
					key: this.key(req.key),
					range_end: this.rangeEnd(req.rangeEnd),
					start_revision: req.startRevision ?? 0,
					prev_kv: req.prevKv ?? false,
					filters: [...(req.noPut ? [0] : []), ...(req.noDelete ? [1] : [])]
				}
			} as never);
		});
		return handle;
	}

	/** One message per revision, as the embedded store sends them. */
	private emitEvents(events: IEvent[], onMessage: (m: WatchMessage) => void): void {
		let batch: Event[] = [];
		let rev = 0;
		const flush = () => batch.length && onMessage({ type: 'events', revision: rev, events: batch });
		for (const e of events) {
			const ev: Event = { type: String(e.type).toUpperCase() === 'DELETE' ? 'DELETE' : 'PUT', kv: this.kv(e.kv) };
			if (e.prev_kv) ev.prevKv = this.kv(e.prev_kv);
			if (ev.kv.modRevision !== rev) {
				flush();
				batch = [];
				rev = ev.kv.modRevision;
			}
			batch.push(ev);
		}
		flush();
	}

	// — Leases —

	/**
	 * etcd picks 63-bit lease ids, which JS numbers cannot hold exactly; we choose a 52-bit id
	 * ourselves instead (retrying the rare collision), as any client may.
	 */
	async leaseGrant(ttl: number, id = 0): Promise<{ id: number; ttl: number; revision: number }> {
		for (let attempt = 0; ; attempt++) {
			const chosen = id || Math.floor(Math.random() * 2 ** 52) + 1;
			try {
				const r = await call(() => this.client.leaseClient.leaseGrant({ TTL: ttl, ID: chosen }));
				if (r.error) throw new StoreError(9, r.error);
				return { id: chosen, ttl: Number(r.TTL), revision: Number(r.header.revision) };
			} catch (e) {
				if (id || attempt > 3 || (e as Error).message !== Errors.leaseExist().message) throw e;
			}
		}
	}

	async leaseRevoke(id: number): Promise<{ revision: number }> {
		const r = await call(() => this.client.leaseClient.leaseRevoke({ ID: id }));
		return { revision: Number(r.header.revision) };
	}

	async leaseKeepAlive(id: number): Promise<{ id: number; ttl: number; revision: number }> {
		const stream = await this.client.leaseClient.leaseKeepAlive();
		return new Promise((resolve, reject) => {
			stream.on('data', (r) => {
				stream.end();
				resolve({ id: Number(r.ID), ttl: Number(r.TTL), revision: Number(r.header.revision) });
			});
			stream.on('error', (e) => reject(toStoreError(e)));
			stream.write({ ID: id });
		});
	}

	async leaseTimeToLive(id: number, keys = false): Promise<LeaseInfo & { revision: number }> {
		const r = await call(() => this.client.leaseClient.leaseTimeToLive({ ID: id, keys }));
		return {
			id: Number(r.ID),
			ttl: Number(r.TTL),
			grantedTtl: Number(r.grantedTTL),
			keys: (r.keys ?? []).filter((k) => k.subarray(0, this.prefix.length).equals(this.prefix)).map((k) => this.strip(k)),
			revision: Number(r.header.revision)
		};
	}

	async leaseLeases(): Promise<{ ids: number[]; revision: number }> {
		const r = await call(() => this.client.leaseClient.leaseLeases({}));
		return { ids: (r.leases ?? []).map((l) => Number(l.ID)), revision: Number(r.header.revision) };
	}

	// — Maintenance —

	async status(): Promise<StoreStatus> {
		const s = await call(() => this.client.maintenance.status());
		const alarms = await call(() => this.client.maintenance.alarm({ action: 0, memberID: 0, alarm: 0 } as never));
		return {
			revision: Number(s.header.revision),
			compactRevision: 0,
			dbSize: Number(s.dbSize),
			dbSizeInUse: Number((s as { dbSizeInUse?: string }).dbSizeInUse ?? s.dbSize),
			quotaBytes: 0,
			alarms: (alarms.alarms ?? []).some((a) => String(a.alarm).toUpperCase() === 'NOSPACE' || Number(a.alarm) === 1) ? ['NOSPACE'] : []
		};
	}

	async defragment(): Promise<void> {
		await call(() => this.client.maintenance.defragment());
	}

	async disarm(): Promise<void> {
		await call(() => this.client.maintenance.alarm({ action: 2, memberID: 0, alarm: 1 } as never));
	}

	async close(): Promise<void> {
		for (const w of [...this.watches]) w.cancel();
	}
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (e) {
		throw toStoreError(e);
	}
}

const KNOWN = Object.values(Errors).map((make) => make());

/**
 * etcd3 rewraps gRPC errors in its own classes and messages (a lease error becomes
 * "Lease <grpc message> is expired or revoked"); recover etcd's own message and code.
 */
function toStoreError(e: unknown): StoreError {
	const err = e as { code?: number; message?: string };
	const text = err.message ?? String(e);
	const m = /(etcdserver: .*?)(?: is expired or revoked)?$/m.exec(text);
	const message = m ? m[1] : text;
	const known = KNOWN.find((k) => k.message === message);
	return new StoreError(known?.code ?? (typeof err.code === 'number' ? err.code : 2), message);
}
