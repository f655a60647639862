/**
 * Shared, reactive informers for the room's views: one `Informer` (list + watch, the same code
 * the controllers run) per resource per page. Components take one with `useResource(ref)`; the
 * informer starts on first use and stops `lingerMs` after its last user is gone, so switching
 * views shows the cache at once while idle watches do not pile up (a browser opens at most 6
 * HTTP/1.1 connections per origin, and each watch holds one). Svelte sees a `version` that
 * changes at most once per animation frame (and at most every `minIntervalMs`), however many
 * watch events arrive: 10,000 pods starting do not re-render the view 10,000 times.
 *
 * @module
 */
import { getContext, onDestroy, setContext } from 'svelte';
import { wallClock, type Clock } from '../clock/clock';
import { Informer } from '../controllers/informer';
import type { KubeObject, ResourceRef } from '../controllers/types';
import { FetchKubeClient } from './fetch-client';

/** Tunables (exported so tests can change them). */
export const LIVE = {
	/** Fewest milliseconds between two UI updates of one resource. */
	minIntervalMs: 100,
	/** How long an informer nobody uses keeps watching (a quick switch back finds it warm). */
	lingerMs: 20_000
};

const nextFrame: (fn: () => void) => void = (fn) =>
	typeof requestAnimationFrame === 'function' ? void requestAnimationFrame(() => fn()) : void setTimeout(fn, 16);

/** One resource's cache as reactive state. Cached objects are shared: never mutate them. */
export class LiveResource {
	/** Changes when the cache did (batched); read it (or `items`) in `$derived` to follow. */
	version = $state(0);
	/** The first list has arrived. */
	synced = $state(false);
	/** The last list/watch failure, cleared when data flows again. */
	error = $state<string | undefined>(undefined);
	private snapshot: KubeObject[] = [];
	private snapshotVersion = -1;
	private pending = false;
	private lastFlush = 0;

	constructor(readonly informer: Informer) {
		const changed = () => this.changed();
		informer.addEventHandler({ add: changed, update: changed, delete: changed });
		void informer.waitForSync().then(() => {
			this.synced = true;
			this.changed();
		});
	}

	/** Every object, as of the last UI update. */
	get items(): KubeObject[] {
		const v = this.version;
		if (v !== this.snapshotVersion) {
			this.snapshot = this.informer.store.list();
			this.snapshotVersion = v;
		}
		return this.snapshot;
	}

	/** One object by `namespace/name` (or `name`). */
	get(key: string): KubeObject | undefined {
		void this.version;
		return this.informer.store.get(key);
	}

	/** @internal Called by the hub's log hook. */
	failed(message: string): void {
		this.error = message;
	}

	private changed(): void {
		if (this.pending) return;
		this.pending = true;
		const wait = Math.max(0, LIVE.minIntervalMs - (Date.now() - this.lastFlush));
		const flush = () =>
			nextFrame(() => {
				this.pending = false;
				this.lastFlush = Date.now();
				this.error = undefined;
				this.version++;
			});
		if (wait > 0) setTimeout(flush, wait);
		else flush();
	}
}

export interface KubeLiveOptions {
	roomId: string;
	token: string;
	origin?: string;
	/** Timers of the informers' retries: the wall clock (the browser is outside the cluster). */
	clock?: Clock;
}

/** The room's kube API for the views: a client and the shared informers. */
export class KubeLive {
	/** Writes from the UI use field manager `converge-ui` unless a call says otherwise (`client.as(...)`). */
	readonly client: FetchKubeClient;
	private readonly resources = new Map<string, { live: LiveResource; users: number; idle?: () => void }>();
	private readonly clock: Clock;

	constructor(o: KubeLiveOptions) {
		this.client = new FetchKubeClient({ roomId: o.roomId, token: o.token, origin: o.origin, fieldManager: 'converge-ui' });
		this.clock = o.clock ?? wallClock;
	}

	/**
	 * Takes the shared live cache of `r` (started on first use); `release()` gives it back. Inside
	 * a component, `useResource(ref)` does both.
	 */
	acquire(r: ResourceRef): { live: LiveResource; release: () => void } {
		const key = `${r.group}/${r.version}/${r.resource}`;
		let entry = this.resources.get(key);
		if (!entry) {
			let hook: (m: string) => void = () => {};
			const informer = new Informer(this.client, r, this.clock, (m) => hook(m));
			const live = new LiveResource(informer);
			hook = (m) => live.failed(m);
			entry = { live, users: 0 };
			this.resources.set(key, entry);
			informer.start();
		}
		const e = entry;
		e.users++;
		e.idle?.();
		e.idle = undefined;
		let released = false;
		const release = () => {
			if (released) return;
			released = true;
			if (--e.users > 0) return;
			e.idle = this.clock.setTimer(LIVE.lingerMs, () => {
				if (e.users > 0 || this.resources.get(key) !== e) return;
				e.live.informer.stop();
				this.resources.delete(key);
			});
		};
		return { live: e.live, release };
	}

	destroy(): void {
		for (const e of this.resources.values()) {
			e.idle?.();
			e.live.informer.stop();
		}
		this.resources.clear();
	}
}

const CONTEXT = Symbol('converge.kube');

/** Makes `kube` what `useResource` finds in this component's children (the view host calls it). */
export function provideKube(kube: KubeLive): void {
	setContext(CONTEXT, kube);
}

/**
 * The live cache of `r` for this component, released when it is destroyed. Call it while the
 * component initialises (top level of its `<script>`), under a view host.
 */
/** The page's kube API (set by the view host), for one-shot reads that need no watch. */
export function useKube(): KubeLive {
	const kube = getContext<KubeLive | undefined>(CONTEXT);
	if (!kube) throw new Error('useKube() outside a room view (no provideKube)');
	return kube;
}

export function useResource(r: ResourceRef): LiveResource {
	const kube = getContext<KubeLive | undefined>(CONTEXT);
	if (!kube) throw new Error(`useResource(${r.resource}): no KubeLive in context (is the component inside the room page's view host?)`);
	const { live, release } = kube.acquire(r);
	onDestroy(release);
	return live;
}
