/**
 * Watch streams (`?watch=1`): a chunked JSON stream of `{"type": ..., "object": ...}` lines fed by
 * the store's watch. ADDED/MODIFIED/DELETED per change (an object entering or leaving the
 * selectors is ADDED or DELETED, as in kube), initial ADDED events for resourceVersion "" or "0"
 * (and sendInitialEvents), BOOKMARKs when allowed (from the store's progress marks), an ERROR
 * event with a 410 Expired Status for a compacted resourceVersion, and an end after
 * timeoutSeconds. Objects are sent as the client asked: whole, as one-row Tables, or metadata.
 *
 * Watches are served from the resource's watch cache (watch-cache.ts) when it can: initial events
 * from its snapshot once it has caught up with the store, and resumes from a resourceVersion still
 * in its window; each event's line is encoded once for all watchers. Older (but not compacted)
 * resourceVersions are watched on the store directly, so every request sees the same events.
 *
 * @module
 */
import { expired, tooManyRequests } from '../../src/lib/kube/api-errors';
import { parseResourceVersion, type ListOptions } from '../../src/lib/kube/list-options';
import { requiresExactMatch } from '../../src/lib/kube/field-selector';
import { buildTable } from '../../src/lib/kube/tables';
import { apiVersionOf } from '../../src/lib/kube/kinds';
import { prefixEnd, utf8 } from '../../src/lib/store/bytes';
import type { Event } from '../../src/lib/store/types';
import type { Watch, WatchMessage } from '../../src/lib/store/backend';
import { collectionKey } from '../../src/lib/kube/storage-keys';
import { keyOf, prefixOf, served, type Call } from './context';
import { matcher, listObjects } from './read';
import { decode } from './storage';
import { APISERVER_LIMITS } from './limits';
import { encodedLine, prefixEndKey, watchCacheFor, type CacheEvent, type WatchCache } from './watch-cache';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

const watchCounts = new WeakMap<object, number>();

/**
 * Where a watch starts: initial objects at a revision, or a resourceVersion (maybe compacted);
 * `cache` when the watch cache serves it (events that reach the cache before the subscription
 * are replayed from its window, so the gap between the two loses nothing).
 */
interface Start {
	revision: number;
	initial: Obj[];
	compactedAt?: number;
	cache?: WatchCache;
}

/** The key range a watch covers: one object (metadata.name=x, watched on its own key, like kube) or a collection. */
function rangeOf(call: Call, opts: ListOptions): { from: string; to: string; single: boolean } {
	const t = call.target;
	const name = requiresExactMatch(opts.fieldSelector, 'metadata.name');
	if (name !== undefined && (!t.stored.namespaced || t.namespace)) {
		const key = keyOf(t, name);
		return { from: key, to: key + '\0', single: true };
	}
	const prefix = prefixOf(t);
	return { from: prefix, to: prefixEndKey(prefix), single: false };
}

async function startOf(call: Call, opts: ListOptions, range: { from: string; to: string }): Promise<Start> {
	const rv = opts.resourceVersion;
	const cache = await watchCacheFor(call.ctx.storage, collectionKey(call.target.stored.storagePrefix));
	if (rv === undefined || rv === '' || rv === '0' || opts.sendInitialEvents === true) {
		// "0" is any recent state; otherwise the cache must have caught up with the store first.
		if (cache && (rv === '0' || (await cache.syncToLatest())) && cache.alive) {
			const match = matcher(call.target, opts);
			const initial = cache.snapshot(range.from, range.to).filter((s) => match(s.object)).map((s) => s.object);
			return { revision: cache.revision, initial, cache };
		}
		const list = await listObjects(call, { ...opts, limit: 0, continue: undefined, resourceVersion: undefined, resourceVersionMatch: undefined });
		return { revision: list.revision, initial: list.items.map((s) => s.object) };
	}
	const revision = parseResourceVersion(rv);
	const status = await call.ctx.storage.backend.status();
	if (revision < status.compactRevision) return { revision, initial: [], compactedAt: status.compactRevision };
	return { revision, initial: [], cache: cache?.covers(revision) ? cache : undefined };
}

/** One open watch response. */
class WatchStream {
	private closed = false;
	private unsent = '';
	private headersSent = false;
	private readonly match: (o: Obj) => boolean;
	private readonly release: () => void;
	private cancels: Array<() => void> = [];
	private cancelTimeout = () => {};
	private cancelBookmark = () => {};

	constructor(
		private readonly call: Call,
		private readonly opts: ListOptions
	) {
		this.match = matcher(call.target, opts);
		const room = call.ctx.room;
		watchCounts.set(room, (watchCounts.get(room) ?? 0) + 1);
		// The room's own control plane does not keep it loaded (its watches would, forever).
		this.release = call.ctx.internal ? () => {} : room.hold();
		call.res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
		call.res.flushHeaders();
		call.req.on('close', this.finish);
		call.res.on('close', this.finish);
	}

	/** The event object in the representation the client asked for. */
	private render(stored: Obj): unknown {
		const { target: t, wanted, ctx, query } = this.call;
		const obj = served(t, stored);
		if (wanted.as === 'partial') return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
		if (wanted.as !== 'table') return obj;
		const include = query.get('includeObject');
		const table = buildTable(t.resource, [obj], { resourceVersion: obj.metadata?.resourceVersion }, {
			include: include === 'None' || include === 'Object' ? include : 'Metadata',
			now: ctx.clock.now(),
			noHeaders: this.headersSent,
			printable: t.resource.storedAs ? () => stored : undefined
		});
		this.headersSent = true;
		return table;
	}

	send(type: EventType, object: unknown): void {
		this.write(JSON.stringify({ type, object }) + '\n');
	}

	/**
	 * Lines go out once the current batch of work is done (process.nextTick runs after the
	 * promise jobs queued now): the revisions one group commit releases, fanned out to many
	 * watchers, cost each of them one socket write rather than one per revision.
	 */
	private write(lines: string): void {
		if (this.closed) return;
		if (!this.unsent) process.nextTick(this.flush);
		this.unsent += lines;
	}

	private flush = (): void => {
		const out = this.unsent;
		this.unsent = '';
		if (this.closed || !out) return;
		const res = this.call.res;
		res.write(out);
		if (res.writableLength > APISERVER_LIMITS.maxWatchBufferBytes) this.finish();
	};

	sendObject(type: EventType, stored: Obj): void {
		this.send(type, this.render(stored));
	}

	bookmark(revision: number, initialEnd = false): void {
		const metadata: Obj = { resourceVersion: String(revision) };
		if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
		const r = this.call.target.resource;
		this.send('BOOKMARK', { kind: r.kind, apiVersion: apiVersionOf(r), metadata });
	}

	/** A store event as kube's watch event (selector transitions become ADDED/DELETED). */
	onEvent(e: Event): void {
		if (e.type === 'DELETE') {
			if (!e.prevKv) return;
			const prev = decode(e.prevKv).object;
			prev.metadata.resourceVersion = String(e.kv.modRevision);
			if (this.match(prev)) this.sendObject('DELETED', prev);
			return;
		}
		const now = decode(e.kv).object;
		const isMatch = this.match(now);
		const wasMatch = e.prevKv ? this.match(decode(e.prevKv).object) : false;
		if (isMatch) this.sendObject(wasMatch ? 'MODIFIED' : 'ADDED', now);
		else if (wasMatch) this.sendObject('DELETED', now);
	}

	/** Watch-cache events (one revision): JSON lines shared with every other watcher, written at once. */
	onCacheEvents = (events: CacheEvent[]): void => {
		if (this.closed) return;
		let out = '';
		const emit = (type: EventType, e: CacheEvent) => {
			if (this.call.wanted.as !== 'object') return this.sendObject(type, e.object);
			const t = this.call.target;
			out += encodedLine(e, `${type} ${t.resource.group}/${t.resource.resource}`, () => JSON.stringify({ type, object: served(t, e.object) }) + '\n');
		};
		for (const e of events) {
			if (e.type === 'DELETE') {
				if (e.prev && this.match(e.prev)) emit('DELETED', e);
				continue;
			}
			const isMatch = this.match(e.object);
			const wasMatch = e.prev ? this.match(e.prev) : false;
			if (isMatch) emit(wasMatch ? 'MODIFIED' : 'ADDED', e);
			else if (wasMatch) emit('DELETED', e);
		}
		if (out) this.write(out);
	};

	onMessage = (m: WatchMessage, start: number): void => {
		if (this.closed) return;
		if (m.type === 'events') for (const e of m.events) this.onEvent(e);
		else if (m.type === 'progress') {
			if (this.opts.allowWatchBookmarks) this.bookmark(m.revision);
		} else if (m.type === 'compacted') {
			this.send('ERROR', expired(`too old resource version: ${start} (${m.compactRevision})`).toStatus());
			this.finish();
		} else this.finish();
	};

	/** Ends the stream after `timeoutSeconds` (kube: a random 30-60 min without), bookmarks on a timer. */
	schedule(w: Pick<Watch, 'requestProgress'>): void {
		const { clock } = this.call.ctx;
		const t = this.opts.timeoutSeconds;
		const timeoutMs = t !== undefined && t > 0 ? t * 1000 : APISERVER_LIMITS.minWatchTimeoutMs * (1 + Math.random());
		this.cancelTimeout = clock.setTimer(timeoutMs, this.finish);
		if (!this.opts.allowWatchBookmarks) return;
		const tick = () => {
			if (this.closed) return;
			w.requestProgress();
			this.cancelBookmark = clock.setTimer(APISERVER_LIMITS.bookmarkIntervalMs, tick);
		};
		this.cancelBookmark = clock.setTimer(APISERVER_LIMITS.bookmarkIntervalMs, tick);
	}

	onClose(fn: () => void): void {
		if (this.closed) fn();
		else this.cancels.push(fn);
	}

	finish = (): void => {
		if (this.closed) return;
		// What was written before the end (a timeout, an ERROR event) still goes out.
		if (this.unsent && !this.call.res.destroyed) this.call.res.write(this.unsent);
		this.unsent = '';
		this.closed = true;
		for (const cancel of this.cancels) cancel();
		this.cancelTimeout();
		this.cancelBookmark();
		const room = this.call.ctx.room;
		watchCounts.set(room, Math.max(0, (watchCounts.get(room) ?? 1) - 1));
		this.release();
		this.call.res.end();
	};
}

export async function handleWatch(call: Call, opts: ListOptions): Promise<void> {
	const { ctx } = call;
	if ((watchCounts.get(ctx.room) ?? 0) >= APISERVER_LIMITS.maxWatchesPerRoom)
		throw tooManyRequests(`too many watches in this room (${APISERVER_LIMITS.maxWatchesPerRoom}); close some and retry`);
	const range = rangeOf(call, opts);
	const start = await startOf(call, opts, range);
	const stream = new WatchStream(call, opts);
	if (start.compactedAt !== undefined) {
		stream.send('ERROR', expired(`too old resource version: ${start.revision} (${start.compactedAt})`).toStatus());
		stream.finish();
		return;
	}
	for (const o of start.initial) stream.sendObject('ADDED', o);
	if (opts.sendInitialEvents && opts.allowWatchBookmarks) stream.bookmark(start.revision, true);
	const cache = start.cache;
	if (cache?.covers(start.revision)) {
		const unsubscribe = cache.subscribe(range.from, range.to, start.revision, { events: stream.onCacheEvents, end: stream.finish });
		stream.onClose(unsubscribe);
		// A bookmark once the cache has caught up with the store: every event up to it was sent.
		stream.schedule({ requestProgress: () => void cache.syncToLatest().then((ok) => ok && stream.bookmark(Math.max(cache.revision, start.revision))) });
		return;
	}
	const key = utf8(range.single ? range.from : prefixOf(call.target));
	const w = ctx.storage.backend.watch({ key, rangeEnd: range.single ? undefined : prefixEnd(key), startRevision: start.revision + 1, prevKv: true }, (m) =>
		stream.onMessage(m, start.revision)
	);
	stream.onClose(() => w.cancel());
	stream.schedule(w);
}
