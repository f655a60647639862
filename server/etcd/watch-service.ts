/**
 * etcdserverpb.Watch: one session per stream, with etcd 3.4's response protocol
 * (etcdserver/api/v3rpc/watch.go and mvcc/watcher.go):
 *
 * - create → `created` with the stream's revision in the header and the watch id (auto ids count
 *   from 0 per stream; a requested id in use, or key ≥ range_end, is answered created + canceled
 *   with id -1 and mvcc's reason);
 * - events already in history (start_revision ≤ current) arrive after `created` in one response
 *   per 1,000 revisions, headed by the current revision, as etcd's unsynced-watcher batches do;
 *   later events arrive one response per revision;
 * - a start revision below the compaction answers `canceled` with `compact_revision` and a header
 *   without revision;
 * - cancel → `canceled` (unknown ids get no answer); progress request → one response with watch
 *   id -1; progress_notify watchers get an empty response each interval without events.
 *
 * @module
 */
import { compareBytes } from '../../src/lib/store/bytes';
import type { Watch, WatchMessage } from '../../src/lib/store/backend';
import type { Event } from '../../src/lib/store/types';
import { StoreError } from '../../src/lib/store/errors';
import type { Caller } from './context';
import { bytesIn, eventOut, int64, num, type Int64, type PbEvent, type PbHeader } from './convert';
import type { ResponseSink, StreamSession } from './stream';
import { grpcCodeName } from './status';

export interface PbWatchCreateRequest {
	key: Buffer;
	range_end: Buffer;
	start_revision: Int64;
	progress_notify: boolean;
	filters: Array<string | number>;
	prev_kv: boolean;
	watch_id: Int64;
	fragment: boolean;
}

export interface PbWatchRequest {
	request_union?: 'create_request' | 'cancel_request' | 'progress_request';
	create_request?: PbWatchCreateRequest;
	cancel_request?: { watch_id: Int64 };
	progress_request?: object;
}

export interface PbWatchResponse {
	header: PbHeader;
	watch_id?: Int64;
	created?: boolean;
	canceled?: boolean;
	compact_revision?: Int64;
	cancel_reason?: string;
	events?: PbEvent[];
}

/** etcd's watchBatchMaxRevs: revisions per catch-up response. */
const BATCH_MAX_REVS = 1000;

interface Watcher {
	watch?: Watch;
	progressNotify: boolean;
	/** Events went out since the last progress tick (etcd then skips the notification). */
	busy: boolean;
}

export class WatchSession implements StreamSession<PbWatchRequest> {
	private readonly watchers = new Map<number, Watcher>();
	private nextId = 0;
	private queue: Promise<void> = Promise.resolve();
	private closed = false;
	private readonly release: () => void;
	private readonly ticker: ReturnType<typeof setInterval>;

	constructor(
		private readonly caller: Caller,
		private readonly sink: ResponseSink<PbWatchResponse>,
		progressNotifyMs: number
	) {
		this.release = caller.room.hold();
		this.ticker = setInterval(() => this.tick(), progressNotifyMs);
		this.ticker.unref();
	}

	receive(req: PbWatchRequest): void {
		this.queue = this.queue.then(() => this.handle(req)).catch((e) => this.abort(e));
	}

	/** etcd keeps a watch stream open after the client's last request. */
	finish(): void {}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		clearInterval(this.ticker);
		for (const w of this.watchers.values()) w.watch?.cancel();
		this.watchers.clear();
		this.release();
	}

	private abort(e: unknown): void {
		if (this.closed) return;
		this.sink.fail(e);
		this.close();
	}

	private async handle(req: PbWatchRequest): Promise<void> {
		if (this.closed) return;
		if (req.request_union === 'create_request' && req.create_request) return this.create(req.create_request);
		if (req.request_union === 'cancel_request' && req.cancel_request) return this.cancel(num(req.cancel_request.watch_id));
		if (req.request_union === 'progress_request') {
			const rev = await this.caller.revision();
			if (!this.closed) this.sink.send({ header: this.caller.header(rev), watch_id: '-1' });
		}
	}

	private async create(c: PbWatchCreateRequest): Promise<void> {
		// An empty key is "\0", the smallest key; range_end "\0" (all keys ≥ key) passes as is.
		const key = c.key.length ? bytesIn(c.key) : new Uint8Array([0]);
		const rangeEnd = c.range_end.length ? bytesIn(c.range_end) : undefined;
		const wsrev = await this.caller.revision();
		if (this.closed) return;
		const header = this.caller.header(wsrev);
		const fromKey = rangeEnd?.length === 1 && rangeEnd[0] === 0;
		let id = num(c.watch_id);
		let refusal: string | undefined;
		if (rangeEnd && !fromKey && compareBytes(key, rangeEnd) >= 0) refusal = 'mvcc: watcher range is empty';
		else if (id !== 0 && this.watchers.has(id)) refusal = 'mvcc: duplicate watch ID provided on the WatchStream';
		if (refusal) return this.sink.send({ header, watch_id: '-1', created: true, canceled: true, cancel_reason: refusal });
		if (id === 0) {
			while (this.watchers.has(this.nextId)) this.nextId++;
			id = this.nextId++;
		}
		const filters = c.filters.map(String);
		const w: Watcher = { progressNotify: c.progress_notify, busy: false };
		this.watchers.set(id, w);
		const early: WatchMessage[] = [];
		let live = false;
		w.watch = this.caller.store.watch(
			{
				key,
				rangeEnd,
				startRevision: num(c.start_revision) || wsrev + 1,
				prevKv: c.prev_kv,
				noPut: filters.includes('NOPUT') || filters.includes('0'),
				noDelete: filters.includes('NODELETE') || filters.includes('1')
			},
			(m) => (live ? this.deliver(id, m) : early.push(m))
		);
		this.sink.send({ header, watch_id: int64(id), created: true });
		this.catchUp(id, wsrev, early);
		live = true;
	}

	/** What the store sent while the watch was being created: history, merged like etcd's batches. */
	private catchUp(id: number, wsrev: number, early: WatchMessage[]): void {
		let batch: Event[] = [];
		let revs = 0;
		let last = 0;
		const flush = () => {
			if (batch.length) this.sendEvents(id, Math.max(wsrev, last), batch);
			batch = [];
			revs = 0;
		};
		for (const m of early) {
			if (m.type !== 'events') {
				flush();
				this.deliver(id, m);
				continue;
			}
			if (revs === BATCH_MAX_REVS) flush();
			batch.push(...m.events);
			revs++;
			last = m.revision;
		}
		flush();
	}

	private deliver(id: number, m: WatchMessage): void {
		const w = this.watchers.get(id);
		if (this.closed || !w) return;
		const h = this.caller.header(m.revision);
		switch (m.type) {
			case 'events':
				return this.sendEvents(id, m.revision, m.events);
			case 'progress':
				return this.sink.send({ header: h, watch_id: int64(id) });
			case 'compacted':
				// etcd heads this response with revision 0 and keeps the id taken until canceled.
				w.watch?.cancel();
				w.watch = undefined;
				return this.sink.send({ header: { ...h, revision: '0' }, watch_id: int64(id), canceled: true, compact_revision: int64(m.compactRevision) });
			case 'canceled':
				this.watchers.delete(id);
				return this.sink.send({ header: h, watch_id: int64(id), canceled: true, cancel_reason: m.reason });
		}
	}

	private sendEvents(id: number, revision: number, events: Event[]): void {
		const w = this.watchers.get(id);
		if (w) w.busy = true;
		this.sink.send({ header: this.caller.header(revision), watch_id: int64(id), events: events.map(eventOut) });
	}

	private async cancel(id: number): Promise<void> {
		const w = this.watchers.get(id);
		if (!w) return;
		w.watch?.cancel();
		this.watchers.delete(id);
		const rev = await this.caller.revision();
		if (!this.closed) this.sink.send({ header: this.caller.header(rev), watch_id: int64(id), canceled: true });
	}

	private tick(): void {
		for (const w of this.watchers.values()) {
			if (w.progressNotify && !w.busy) w.watch?.requestProgress();
			w.busy = false;
		}
	}
}

/**
 * The session of a stream whose token was refused: etcd 3.4 answers the first create request
 * with created + canceled, watch id -1 and the gRPC error as the reason, then reads no more.
 */
export function refusedWatchSession(error: unknown, sink: ResponseSink<PbWatchResponse>): StreamSession<PbWatchRequest> {
	let answered = false;
	return {
		receive(req) {
			if (answered || req.request_union !== 'create_request') return;
			answered = true;
			const code = error instanceof StoreError ? error.code : 2;
			const message = error instanceof Error ? error.message : String(error);
			sink.send({ header: {}, watch_id: '-1', created: true, canceled: true, cancel_reason: `rpc error: code = ${grpcCodeName(code)} desc = ${message}` });
		},
		finish() {},
		close() {}
	};
}
