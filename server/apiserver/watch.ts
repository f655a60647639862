/**
 * Watch streams (`?watch=1`): a chunked JSON stream of `{"type": ..., "object": ...}` lines fed by
 * the store's watch. ADDED/MODIFIED/DELETED per change (an object entering or leaving the
 * selectors is ADDED or DELETED, as in kube), initial ADDED events for resourceVersion "" or "0"
 * (and sendInitialEvents), BOOKMARKs when allowed (from the store's progress marks), an ERROR
 * event with a 410 Expired Status for a compacted resourceVersion, and an end after
 * timeoutSeconds. Objects are sent as the client asked: whole, as one-row Tables, or metadata.
 *
 * @module
 */
import { tooManyRequests, expired } from '../../src/lib/kube/api-errors';
import { parseResourceVersion, type ListOptions } from '../../src/lib/kube/list-options';
import { requiresExactMatch } from '../../src/lib/kube/field-selector';
import { buildTable } from '../../src/lib/kube/tables';
import { apiVersionOf } from '../../src/lib/kube/kinds';
import { prefixEnd, utf8 } from '../../src/lib/store/bytes';
import type { Event } from '../../src/lib/store/types';
import type { WatchMessage } from '../../src/lib/store/backend';
import { keyOf, prefixOf, served, type Call } from './context';
import { matcher, listObjects } from './read';
import { decode } from './storage';
import { APISERVER_LIMITS } from './limits';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

const watchCounts = new WeakMap<object, number>();

export async function handleWatch(call: Call, opts: ListOptions): Promise<void> {
	const { ctx, target: t, req, res, wanted, query } = call;
	const open = watchCounts.get(ctx.room) ?? 0;
	if (open >= APISERVER_LIMITS.maxWatchesPerRoom)
		throw tooManyRequests(`too many watches in this room (${APISERVER_LIMITS.maxWatchesPerRoom}); close some and retry`);
	const match = matcher(t, opts);
	const rv = opts.resourceVersion;
	const initial = rv === undefined || rv === '' || rv === '0' || opts.sendInitialEvents === true;
	let start: number;
	let initialItems: Obj[] = [];
	let tooOld: { requested: number; compact: number } | undefined;
	if (initial) {
		const list = await listObjects(call, { ...opts, limit: 0, continue: undefined, resourceVersion: undefined, resourceVersionMatch: undefined });
		start = list.revision;
		initialItems = list.items.map((s) => s.object);
	} else {
		start = parseResourceVersion(rv!);
		const status = await ctx.storage.backend.status();
		if (start < status.compactRevision) tooOld = { requested: start, compact: status.compactRevision };
	}

	watchCounts.set(ctx.room, open + 1);
	const release = ctx.room.hold();
	res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
	res.flushHeaders();
	const include = query.get('includeObject');
	let headersSent = false;
	const render = (obj: Obj, stored: Obj): unknown => {
		if (wanted.as === 'table') {
			const table = buildTable(t.resource, [obj], { resourceVersion: obj.metadata?.resourceVersion }, {
				include: include === 'None' || include === 'Object' ? include : 'Metadata',
				now: ctx.clock.now(),
				noHeaders: headersSent,
				printable: t.resource.storedAs ? () => stored : undefined
			});
			headersSent = true;
			return table;
		}
		if (wanted.as === 'partial') return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
		return obj;
	};
	let closed = false;
	const send = (type: EventType, object: unknown) => {
		if (closed) return;
		res.write(JSON.stringify({ type, object }) + '\n');
		if (res.writableLength > APISERVER_LIMITS.maxWatchBufferBytes) finish();
	};
	const bookmark = (revision: number, initialEnd = false) => {
		const metadata: Obj = { resourceVersion: String(revision) };
		if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
		send('BOOKMARK', { kind: t.resource.kind, apiVersion: apiVersionOf(t.resource), metadata });
	};

	let stopWatch = () => {};
	let cancelTimeout = () => {};
	let cancelBookmark = () => {};
	const finish = () => {
		if (closed) return;
		closed = true;
		stopWatch();
		cancelTimeout();
		cancelBookmark();
		watchCounts.set(ctx.room, Math.max(0, (watchCounts.get(ctx.room) ?? 1) - 1));
		release();
		res.end();
	};
	req.on('close', finish);
	res.on('close', finish);

	if (tooOld) {
		const err = expired(`too old resource version: ${tooOld.requested} (${tooOld.compact})`);
		send('ERROR', err.toStatus());
		finish();
		return;
	}
	for (const o of initialItems) send('ADDED', render(served(t, o), o));
	if (opts.sendInitialEvents && opts.allowWatchBookmarks) bookmark(start, true);

	const onEvent = (e: Event) => {
		if (e.type === 'DELETE') {
			if (!e.prevKv) return;
			const prev = decode(e.prevKv).object;
			prev.metadata.resourceVersion = String(e.kv.modRevision);
			if (match(prev)) send('DELETED', render(served(t, prev), prev));
			return;
		}
		const now = decode(e.kv).object;
		const before = e.prevKv ? decode(e.prevKv).object : undefined;
		const isMatch = match(now);
		const wasMatch = before ? match(before) : false;
		if (isMatch && !wasMatch) send('ADDED', render(served(t, now), now));
		else if (isMatch) send('MODIFIED', render(served(t, now), now));
		else if (wasMatch) send('DELETED', render(served(t, now), now));
	};
	const onMessage = (m: WatchMessage) => {
		if (closed) return;
		if (m.type === 'events') for (const e of m.events) onEvent(e);
		else if (m.type === 'progress') {
			if (opts.allowWatchBookmarks) bookmark(m.revision);
		} else if (m.type === 'compacted') {
			send('ERROR', expired(`too old resource version: ${start} (${m.compactRevision})`).toStatus());
			finish();
		} else finish();
	};
	const name = requiresExactMatch(opts.fieldSelector, 'metadata.name');
	const single = name !== undefined && (!t.stored.namespaced || t.namespace) ? keyOf(t, name) : undefined;
	const key = utf8(single ?? prefixOf(t));
	const w = ctx.storage.backend.watch({ key, rangeEnd: single ? undefined : prefixEnd(key), startRevision: start + 1, prevKv: true }, onMessage);
	stopWatch = () => w.cancel();
	if (closed) w.cancel();

	const timeoutMs =
		opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0
			? opts.timeoutSeconds * 1000
			: APISERVER_LIMITS.minWatchTimeoutMs * (1 + Math.random());
	cancelTimeout = ctx.clock.setTimer(timeoutMs, finish);
	if (opts.allowWatchBookmarks) {
		const tick = () => {
			if (closed) return;
			w.requestProgress();
			cancelBookmark = ctx.clock.setTimer(APISERVER_LIMITS.bookmarkIntervalMs, tick);
		};
		cancelBookmark = ctx.clock.setTimer(APISERVER_LIMITS.bookmarkIntervalMs, tick);
	}
}
