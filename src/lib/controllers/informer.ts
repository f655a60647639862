/**
 * An informer (client-go's reflector + indexer + handlers): lists a resource, watches from the
 * list's resourceVersion, keeps the cache, and tells handlers what changed. A watch that ends is
 * resumed from the last resourceVersion seen; 410 Gone (the store compacted past it) relists and
 * diffs the new list against the cache, so handlers still see every add, update and delete.
 *
 * @module
 */
import type { Clock } from '../clock/clock';
import { Indexer } from './indexer';
import { isGone, keyOf, type KubeClient, type KubeObject, type ResourceRef, type WatchEvent } from './types';

export interface EventHandlers {
	add?(obj: KubeObject): void;
	update?(oldObj: KubeObject, newObj: KubeObject): void;
	delete?(obj: KubeObject): void;
}

/** Tunables (exported so tests can override them). */
export const INFORMER = {
	/** Wait before retrying a failed list or watch (ms on the clock), doubled up to `maxRetryMs`. */
	retryMs: 800,
	maxRetryMs: 30_000
};

export class Informer {
	readonly store = new Indexer();
	private handlers: EventHandlers[] = [];
	private resourceVersion = '';
	private synced = false;
	private stopped = false;
	private current: { stop(): void } | undefined;
	private cancelRetry: (() => void) | undefined;
	private failures = 0;
	private syncWaiters: Array<() => void> = [];

	constructor(
		private readonly client: KubeClient,
		readonly resource: ResourceRef,
		private readonly clock: Clock,
		private readonly log: (msg: string) => void = () => {},
		/**
		 * What the cache and handlers keep of each object (client-go's SetTransform): a client that
		 * reads only part of an object (the garbage collector: metadata) need not hold all of it.
		 */
		private readonly transform: (obj: KubeObject) => KubeObject = (o) => o
	) {}

	addEventHandler(h: EventHandlers): void {
		this.handlers.push(h);
		// Late handlers get the cache as adds, like client-go's AddEventHandler.
		if (this.synced) for (const o of this.store.list()) h.add?.(o);
	}

	hasSynced(): boolean {
		return this.synced;
	}

	/** Resolves after the first list has filled the cache. */
	waitForSync(): Promise<void> {
		return this.synced ? Promise.resolve() : new Promise((r) => this.syncWaiters.push(r));
	}

	/** The last resourceVersion the cache reflects. */
	lastSyncResourceVersion(): string {
		return this.resourceVersion;
	}

	start(): void {
		void this.relist();
	}

	stop(): void {
		this.stopped = true;
		this.current?.stop();
		this.cancelRetry?.();
		for (const w of this.syncWaiters.splice(0)) w();
	}

	private async relist(): Promise<void> {
		if (this.stopped) return;
		let list: { items: KubeObject[]; resourceVersion: string };
		try {
			list = await this.client.list(this.resource);
		} catch (e) {
			return this.retry(`list ${this.resource.resource}`, e, () => this.relist());
		}
		if (this.stopped) return;
		this.replace(list.items);
		this.resourceVersion = list.resourceVersion;
		this.failures = 0;
		if (!this.synced) {
			this.synced = true;
			for (const w of this.syncWaiters.splice(0)) w();
		}
		this.watch();
	}

	/** Diffs a fresh list against the cache: adds, updates (changed resourceVersion), deletes. */
	private replace(items: KubeObject[]): void {
		const seen = new Set<string>();
		for (const obj of items) {
			seen.add(keyOf(obj));
			this.apply('ADDED', obj);
		}
		for (const key of this.store.keys()) if (!seen.has(key)) this.apply('DELETED', this.store.get(key)!);
	}

	private watch(): void {
		if (this.stopped) return;
		let gone = false;
		this.current = this.client.watch(
			this.resource,
			{ resourceVersion: this.resourceVersion },
			(e) => {
				if (e.type === 'ERROR') {
					if ((e.object as { code?: number }).code === 410) gone = true;
					return;
				}
				if (e.object.metadata?.resourceVersion) this.resourceVersion = e.object.metadata.resourceVersion;
				if (e.type !== 'BOOKMARK') this.apply(e.type, e.object);
				this.failures = 0;
			},
			(err) => {
				this.current = undefined;
				if (this.stopped) return;
				if (gone || isGone(err)) return void this.relist();
				if (err) return this.retry(`watch ${this.resource.resource}`, err, () => this.watch());
				this.watch();
			}
		);
	}

	private retry(what: string, e: unknown, fn: () => void): void {
		if (this.stopped) return;
		const wait = Math.min(INFORMER.retryMs * 2 ** this.failures++, INFORMER.maxRetryMs);
		this.log(`informer: ${what} failed (${(e as Error).message}); retrying in ${wait} ms`);
		this.cancelRetry = this.clock.setTimer(wait, fn);
	}

	private apply(type: WatchEvent['type'], full: KubeObject): void {
		const obj = this.transform(full);
		if (type === 'DELETED') {
			const old = this.store.delete(keyOf(obj));
			if (old) for (const h of this.handlers) h.delete?.(obj);
			return;
		}
		const old = this.store.set(obj);
		if (!old) for (const h of this.handlers) h.add?.(obj);
		else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) for (const h of this.handlers) h.update?.(old, obj);
	}
}
