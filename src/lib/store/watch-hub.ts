/**
 * Watchers over the engine, like etcd's watchable store: a new watcher first catches up from its
 * start revision (the engine still holds every revision since the last compaction), then receives
 * each committed revision's events as they are released. One message per revision, never split.
 *
 * Delivery is synchronous and in revision order; the caller (the store) releases a revision only
 * once it is durable, so a watcher never sees a write that a crash could lose.
 *
 * @module
 */
import { inSpan, spanOf, type KeySpan } from './bytes';
import type { WatchMessage, WatchRequest } from './backend';
import type { Event, MvccEngine } from './types';

interface Watcher {
	span: KeySpan;
	req: WatchRequest;
	sink: (m: WatchMessage) => void;
	/** The revision up to which the watcher has been sent events. */
	sentUpTo: number;
	progressWanted: boolean;
}

export class WatchHub {
	private watchers = new Set<Watcher>();

	constructor(private readonly engine: Pick<MvccEngine, 'eventsSince' | 'compactRevision'>) {}

	get size(): number {
		return this.watchers.size;
	}

	/**
	 * Adds a watcher; `released` is the newest revision whose events have been released (durable).
	 * Catch-up events up to it are sent before this returns.
	 */
	add(req: WatchRequest, released: number, sink: (m: WatchMessage) => void): { cancel(): void; requestProgress(): void } {
		const w: Watcher = { span: spanOf(req.key, req.rangeEnd), req, sink, sentUpTo: released, progressWanted: false };
		const start = req.startRevision ?? 0;
		if (start > 0 && start <= released) {
			if (start < this.engine.compactRevision) {
				sink({ type: 'compacted', revision: released, compactRevision: this.engine.compactRevision });
				return { cancel() {}, requestProgress() {} };
			}
			const events = this.engine.eventsSince(start, req.key, req.rangeEnd).filter((e) => e.kv.modRevision <= released);
			for (const [revision, evs] of groupByRevision(events)) this.deliver(w, revision, evs);
		}
		w.sentUpTo = Math.max(released, start - 1);
		this.watchers.add(w);
		return {
			cancel: () => void this.watchers.delete(w),
			requestProgress: () => {
				if (!this.watchers.has(w)) return;
				sink({ type: 'progress', revision: Math.max(w.sentUpTo, released) });
			}
		};
	}

	/** Releases the events of one committed revision to every watcher that wants them. */
	release(revision: number, events: Event[]): void {
		for (const w of this.watchers) {
			if (revision <= w.sentUpTo) continue;
			this.deliver(w, revision, events);
			w.sentUpTo = revision;
		}
	}

	/** Sends a progress mark at `revision` to every watcher (etcd's progress notify). */
	progressAll(revision: number): void {
		for (const w of this.watchers) w.sink({ type: 'progress', revision: Math.max(revision, w.sentUpTo) });
	}

	/** Ends every watch (store closing). */
	cancelAll(revision: number, reason: string): void {
		for (const w of this.watchers) w.sink({ type: 'canceled', revision, reason });
		this.watchers.clear();
	}

	private deliver(w: Watcher, revision: number, events: Event[]): void {
		const mine: Event[] = [];
		for (const e of events) {
			if (!inSpan(w.span, e.kv.key)) continue;
			if (e.type === 'PUT' && w.req.noPut) continue;
			if (e.type === 'DELETE' && w.req.noDelete) continue;
			mine.push(w.req.prevKv || !e.prevKv ? e : { type: e.type, kv: e.kv });
		}
		if (mine.length) w.sink({ type: 'events', revision, events: mine });
	}
}

function groupByRevision(events: Event[]): Map<number, Event[]> {
	const out = new Map<number, Event[]>();
	for (const e of events) {
		const list = out.get(e.kv.modRevision);
		if (list) list.push(e);
		else out.set(e.kv.modRevision, [e]);
	}
	return out;
}
