/**
 * The watch cache of one resource in one room, like kube-apiserver's cacher: a single store watch
 * on the resource's key prefix keeps every object decoded in memory plus a window of recent events,
 * and fans each event out to any number of API watches. Each stored value is parsed once, however
 * many watchers there are, and each watch line is encoded once per representation.
 *
 * What it serves (the callers decide when that is allowed):
 * - a snapshot of the objects under a key prefix at the cache's revision, in key order (lists
 *   with resourceVersion "0" or not-older-than, and the initial events of watches);
 * - the events after a revision still inside its window (`windowStart` < rev), then live ones.
 *   Older revisions are not in the window: callers go to the store (which answers 410 once
 *   compacted), so the cache never changes what a request sees.
 *
 * Freshness: `syncTo(rev)` resolves once the cache has seen revision `rev` (the store's progress
 * mark moves it when the resource itself had no writes), which gives consistent reads from the
 * cache (kube's ConsistentListFromCache).
 *
 * Objects handed out are shared: callers must treat them as read-only.
 *
 * @module
 */
import type { Backend, Watch, WatchMessage } from '../../src/lib/store/backend';
import { fromUtf8, prefixEnd, utf8 } from '../../src/lib/store/bytes';
import type { ObjectStorage, Stored } from './storage';
import { decode } from './storage';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One change of one key, decoded once. */
export interface CacheEvent {
	revision: number;
	key: string;
	type: 'PUT' | 'DELETE';
	/** The object after a PUT; for a DELETE its last state with the deletion's resourceVersion. */
	object: Obj;
	/** The object before the change, when it existed. */
	prev?: Obj;
	/** Encoded watch lines by representation (see `encodedLine`). */
	lines?: Map<string, string>;
}

/** What an API watch gives the cache. */
export interface CacheSubscriber {
	/** Events of one revision (already in the subscriber's key range). */
	events(events: CacheEvent[]): void;
	/** The cache stopped (store closed or watch lost): the API watch must end. */
	end(): void;
}

interface Subscription {
	from: string;
	to: string;
	/** Only events after this revision (a watch may start ahead of the cache). */
	after: number;
	sub: CacheSubscriber;
}

export const WATCH_CACHE_LIMITS = {
	/** Events kept for watches that resume from a recent resourceVersion (kube: 100 to 100k, adaptive). */
	windowEvents: 10_000,
	/** How long `syncTo` waits for the store's progress before giving up (the caller reads the store). */
	syncTimeoutMs: 5_000
};

export class WatchCache {
	/** The revision the cache reflects: every change up to it has been applied and fanned out. */
	revision = 0;
	/** Events after this revision are all in the window. */
	windowStart = Infinity;
	private readonly objects = new Map<string, Stored>();
	private sorted: string[] | undefined;
	private window: CacheEvent[] = [];
	private windowHead = 0;
	private readonly subs = new Set<Subscription>();
	private waiters: Array<{ revision: number; resolve: (ok: boolean) => void }> = [];
	private watch: Watch | undefined;
	private dead = false;
	/** The initial list is loaded and the store watch runs. */
	private started = false;
	readonly ready: Promise<void>;

	constructor(
		private readonly storage: ObjectStorage,
		readonly prefix: string,
		private readonly onDead: () => void
	) {
		this.ready = this.start();
	}

	get alive(): boolean {
		return !this.dead;
	}

	/** Started and not stopped: `get` answers from a state at least as new as every acknowledged write. */
	get serving(): boolean {
		return this.started && !this.dead;
	}

	private async start(): Promise<void> {
		const page = await this.storage.page(this.prefix, this.prefix, 0, 0);
		for (const s of page.items) this.objects.set(s.key, s);
		this.revision = page.revision;
		this.windowStart = page.revision;
		const key = utf8(this.prefix);
		this.watch = this.storage.backend.watch({ key, rangeEnd: prefixEnd(key), startRevision: page.revision + 1 }, this.onMessage);
		this.started = true;
	}

	private onMessage = (m: WatchMessage): void => {
		if (this.dead) return;
		if (m.type === 'events') this.apply(m.revision, m);
		else if (m.type === 'progress') this.advance(m.revision);
		// Compacted under us or store closed: the watchers must start over from the store.
		else this.stop();
	};

	private apply(revision: number, m: Extract<WatchMessage, { type: 'events' }>): void {
		const batch: CacheEvent[] = [];
		for (const e of m.events) {
			const key = fromUtf8(e.kv.key);
			const before = this.objects.get(key);
			if (e.type === 'PUT') {
				const s = decode(e.kv);
				if (!before) this.sorted = undefined;
				this.objects.set(key, s);
				batch.push({ revision: e.kv.modRevision, key, type: 'PUT', object: s.object, prev: before?.object });
			} else if (before) {
				this.objects.delete(key);
				this.sorted = undefined;
				const object = { ...before.object, metadata: { ...before.object.metadata, resourceVersion: String(e.kv.modRevision) } };
				batch.push({ revision: e.kv.modRevision, key, type: 'DELETE', object, prev: before.object });
			}
		}
		for (const ev of batch) this.remember(ev);
		this.revision = Math.max(this.revision, revision);
		if (batch.length) for (const s of this.subs) this.deliver(s, batch);
		forgetLines(batch);
		this.advance(revision);
	}

	private remember(ev: CacheEvent): void {
		this.window.push(ev);
		while (this.window.length - this.windowHead > WATCH_CACHE_LIMITS.windowEvents) {
			this.windowStart = this.window[this.windowHead].revision;
			this.window[this.windowHead++] = undefined as unknown as CacheEvent;
		}
		// Drop the evicted part at once rather than shifting on every event.
		if (this.windowHead > WATCH_CACHE_LIMITS.windowEvents) {
			this.window = this.window.slice(this.windowHead);
			this.windowHead = 0;
		}
	}

	private deliver(s: Subscription, batch: CacheEvent[]): void {
		const mine = batch.filter((e) => e.revision > s.after && e.key >= s.from && e.key < s.to);
		if (mine.length) s.sub.events(mine);
	}

	private advance(revision: number): void {
		if (revision > this.revision) this.revision = revision;
		if (!this.waiters.length) return;
		const still = [];
		for (const w of this.waiters) {
			if (w.revision <= this.revision) w.resolve(true);
			else still.push(w);
		}
		this.waiters = still;
	}

	/** Resolves true once the cache has seen `revision` (false on timeout or when it stops). */
	syncTo(revision: number): Promise<boolean> {
		if (this.dead) return Promise.resolve(false);
		if (revision <= this.revision) return Promise.resolve(true);
		return new Promise((resolve) => {
			const timer = setTimeout(() => done(false), WATCH_CACHE_LIMITS.syncTimeoutMs);
			timer.unref?.();
			const done = (ok: boolean) => {
				clearTimeout(timer);
				this.waiters = this.waiters.filter((w) => w.resolve !== done);
				resolve(ok);
			};
			this.waiters.push({ revision, resolve: done });
			this.watch?.requestProgress();
		});
	}

	/** Brings the cache up to the store's current revision; false when it could not. */
	async syncToLatest(): Promise<boolean> {
		return this.syncTo(await this.storage.revision());
	}

	/** The object at `key` at `this.revision`. */
	get(key: string): Stored | undefined {
		return this.objects.get(key);
	}

	/** Objects with keys in [from, to) in key order, at `this.revision`. */
	snapshot(from: string, to: string): Stored[] {
		const keys = (this.sorted ??= [...this.objects.keys()].sort());
		const out: Stored[] = [];
		for (let i = lowerBound(keys, from); i < keys.length && keys[i] < to; i++) out.push(this.objects.get(keys[i])!);
		return out;
	}

	/** Whether every event after `revision` is still in the window. */
	covers(revision: number): boolean {
		return !this.dead && revision >= this.windowStart;
	}

	/**
	 * Subscribes to changes of keys in [from, to) after `revision` (which `covers` must accept):
	 * events from the window are delivered before this returns, live ones as they come.
	 */
	subscribe(from: string, to: string, revision: number, sub: CacheSubscriber): () => void {
		const s: Subscription = { from, to, after: revision, sub };
		const pending: CacheEvent[] = [];
		const replay = (events: CacheEvent[]) => (sub.events(events), forgetLines(events));
		for (let i = this.windowHead; i < this.window.length; i++) {
			const e = this.window[i];
			if (e.revision <= revision || e.key < from || e.key >= to) continue;
			if (pending.length && pending[0].revision !== e.revision) replay(pending.splice(0));
			pending.push(e);
		}
		if (pending.length) replay(pending);
		this.subs.add(s);
		return () => void this.subs.delete(s);
	}

	/** Stops the store watch and ends every subscriber. */
	stop(): void {
		if (this.dead) return;
		this.dead = true;
		this.watch?.cancel();
		for (const w of this.waiters) w.resolve(false);
		this.waiters = [];
		for (const s of [...this.subs]) s.sub.end();
		this.subs.clear();
		this.objects.clear();
		this.window = [];
		this.onDead();
	}
}

function lowerBound(keys: string[], key: string): number {
	let lo = 0;
	let hi = keys.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (keys[mid] < key) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** The end of the key range of a prefix, as a string (for comparisons with cached keys). */
export function prefixEndKey(prefix: string): string {
	// Keys end in an ASCII byte (`/registry/pods/`): its successor, without a UTF-8 round trip per call.
	const last = prefix.charCodeAt(prefix.length - 1);
	if (last < 0x7f) return prefix.slice(0, -1) + String.fromCharCode(last + 1);
	return fromUtf8(prefixEnd(utf8(prefix)));
}

/**
 * Lines are shared by the watchers an event is delivered to at once (all encode synchronously),
 * then dropped: kept for the whole window they held more than the objects (~0.1 MB per pod at
 * 1,000 pods); a watch resuming from the window encodes its lines again.
 */
function forgetLines(events: CacheEvent[]): void {
	for (const e of events) e.lines = undefined;
}

/** An event's watch line for one representation, encoded once and shared by every watcher. */
export function encodedLine(ev: CacheEvent, memoKey: string, encode: () => string): string {
	ev.lines ??= new Map();
	let line = ev.lines.get(memoKey);
	if (line === undefined) {
		line = encode();
		ev.lines.set(memoKey, line);
	}
	return line;
}

const caches = new WeakMap<Backend, Map<string, WatchCache>>();

/** The running cache of a resource prefix, if one is serving already (never starts one). */
export function servingWatchCache(storage: ObjectStorage, prefix: string): WatchCache | undefined {
	const cache = caches.get(storage.backend)?.get(prefix);
	return cache?.serving ? cache : undefined;
}

/**
 * The cache of a resource prefix (`/registry/pods/`) of a room's store, started on first use and
 * kept while the store lives; undefined when it could not start (the caller reads the store).
 */
export async function watchCacheFor(storage: ObjectStorage, prefix: string): Promise<WatchCache | undefined> {
	let byPrefix = caches.get(storage.backend);
	if (!byPrefix) caches.set(storage.backend, (byPrefix = new Map()));
	let cache = byPrefix.get(prefix);
	if (!cache || !cache.alive) {
		const map = byPrefix;
		const created: WatchCache = new WatchCache(storage, prefix, () => {
			if (map.get(prefix) === created) map.delete(prefix);
		});
		cache = created;
		map.set(prefix, cache);
	}
	try {
		await cache.ready;
	} catch {
		if (byPrefix.get(prefix) === cache) byPrefix.delete(prefix);
		return undefined;
	}
	return cache.alive ? cache : undefined;
}
