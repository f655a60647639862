/**
 * client-go's EventCorrelator (tools/record/events_cache.go): what every Kubernetes component does
 * to an Event before writing it, so a flapping pod does not write a thousand objects.
 * - **Dedup**: an Event identical to one seen before (same source, object, type, reason, message)
 *   becomes a patch of that one's `count`, `lastTimestamp` and `message` (`x5 over 3m` in
 *   `kubectl describe`).
 * - **Aggregation**: the 10th distinct message with the same source, object, type and reason in
 *   10 minutes becomes one Event "(combined from similar events): <message>", counted from then on.
 * - **Spam filter**: per source and object a token bucket of 25 events refilled at one per 5
 *   minutes; events beyond it are dropped.
 * All time is the room clock's. The caches are LRUs of 4096 entries, like client-go's.
 *
 * @module
 */
import type { Clock } from '../clock/clock';
import type { KubeObject } from './types';

export const CORRELATOR = {
	cacheSize: 4096,
	aggregateMaxEvents: 10,
	aggregateIntervalMs: 600_000,
	spamBurst: 25,
	spamQps: 1 / 300
};

/** The core/v1 Event fields the correlator reads and writes. */
export interface CoreEvent extends KubeObject {
	involvedObject: { kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string; fieldPath?: string; resourceVersion?: string };
	reason: string;
	message: string;
	type: string;
	source: { component?: string; host?: string };
	count: number;
	firstTimestamp: string;
	lastTimestamp: string;
	reportingComponent?: string;
	reportingInstance?: string;
}

export interface CorrelateResult {
	event: CoreEvent;
	/** Set when the event updates an existing one: the strategic-merge patch to send instead of a create. */
	patch?: { count: number; lastTimestamp: string; message: string };
	/** Dropped by the spam filter. */
	skip: boolean;
}

/** A least-recently-used map (golang/groupcache/lru's semantics: get refreshes, add evicts the oldest). */
class Lru<V> {
	private map = new Map<string, V>();
	constructor(private readonly size: number) {}
	get(k: string): V | undefined {
		const v = this.map.get(k);
		if (v !== undefined) {
			this.map.delete(k);
			this.map.set(k, v);
		}
		return v;
	}
	add(k: string, v: V): void {
		this.map.delete(k);
		this.map.set(k, v);
		if (this.map.size > this.size) this.map.delete(this.map.keys().next().value!);
	}
	delete(k: string): void {
		this.map.delete(k);
	}
}

const objectParts = (e: CoreEvent) => [e.source.component, e.source.host, e.involvedObject.kind, e.involvedObject.namespace, e.involvedObject.name];

/** getEventKey: source, object (with fieldPath), type, reason and message. */
export function eventKey(e: CoreEvent): string {
	const o = e.involvedObject;
	return [...objectParts(e), o.fieldPath, o.uid, o.apiVersion, e.type, e.reason, e.message].map((s) => s ?? '').join('');
}

/** getSpamKey: source and object. */
function spamKey(e: CoreEvent): string {
	const o = e.involvedObject;
	return [...objectParts(e), o.uid, o.apiVersion].map((s) => s ?? '').join('');
}

/** EventAggregatorByReasonFunc: everything but the message, which is the local key. */
function aggregateKey(e: CoreEvent): string {
	const o = e.involvedObject;
	return [...objectParts(e), o.uid, o.apiVersion, e.type, e.reason, e.reportingComponent, e.reportingInstance].map((s) => s ?? '').join('');
}

interface Observation {
	count: number;
	firstTimestamp: string;
	name: string;
	resourceVersion?: string;
}

export class EventCorrelator {
	private aggregates: Lru<{ messages: Set<string>; last: number }>;
	private observations: Lru<Observation>;
	private buckets: Lru<{ tokens: number; at: number }>;

	constructor(
		private readonly clock: Clock,
		private readonly rfc3339: (ms: number) => string,
		/** Name for a new aggregate event (`<object>.<hex nanos>`, unique per recorder); `identity` says what it is about. */
		private readonly eventName: (objectName: string, identity: string) => string,
		/** Observations kept; events.k8s.io's broadcaster keeps every one until `forget` (its series ended). */
		observationsKept = CORRELATOR.cacheSize
	) {
		this.aggregates = new Lru(CORRELATOR.cacheSize);
		this.observations = new Lru(observationsKept);
		this.buckets = new Lru(CORRELATOR.cacheSize);
	}

	/** Drops what was observed of `e` (events.k8s.io's finishSeries): its next occurrence is a new Event. */
	forget(e: CoreEvent): void {
		this.observations.delete(eventKey(e));
	}

	correlate(input: CoreEvent): CorrelateResult {
		const { event: aggregated, key } = this.aggregate(input);
		const { event, patch } = this.observe(aggregated, key);
		return { event, patch, skip: !this.tryAccept(spamKey(event)) };
	}

	/** Records what the server answered (its name and resourceVersion), as `UpdateState` does. */
	updateState(stored: CoreEvent): void {
		const key = eventKey(stored);
		// Repeats seen while this write was in flight (or held by a series) keep their count.
		const seen = this.observations.get(key);
		const count = seen && seen.name === stored.metadata.name ? Math.max(seen.count, stored.count) : stored.count;
		this.observations.add(key, { count, firstTimestamp: stored.firstTimestamp, name: stored.metadata.name!, resourceVersion: stored.metadata.resourceVersion });
	}

	private aggregate(e: CoreEvent): { event: CoreEvent; key: string } {
		const now = this.clock.now();
		const akey = aggregateKey(e);
		let record = this.aggregates.get(akey);
		if (!record || now - record.last > CORRELATOR.aggregateIntervalMs) record = { messages: new Set(), last: now };
		record.messages.add(e.message);
		record.last = now;
		this.aggregates.add(akey, record);
		if (record.messages.size < CORRELATOR.aggregateMaxEvents) return { event: e, key: eventKey(e) };
		// Keep the set at its bound (PopAny).
		record.messages.delete(record.messages.values().next().value!);
		const ts = this.rfc3339(now);
		const message = `(combined from similar events): ${e.message}`;
		return {
			key: akey,
			event: {
				apiVersion: 'v1',
				kind: 'Event',
				metadata: { name: this.eventName(e.involvedObject.name ?? '', eventKey({ ...e, message })), namespace: e.metadata.namespace },
				involvedObject: e.involvedObject,
				reason: e.reason,
				message,
				type: e.type,
				source: e.source,
				count: 1,
				firstTimestamp: ts,
				lastTimestamp: ts,
				eventTime: null,
				reportingComponent: e.reportingComponent,
				reportingInstance: e.reportingInstance
			}
		};
	}

	private observe(e: CoreEvent, key: string): { event: CoreEvent; patch?: CorrelateResult['patch'] } {
		const last = this.observations.get(key);
		if (!last) {
			this.observations.add(key, { count: e.count, firstTimestamp: e.firstTimestamp, name: e.metadata.name!, resourceVersion: e.metadata.resourceVersion });
			return { event: e };
		}
		const event: CoreEvent = {
			...e,
			metadata: { ...e.metadata, name: last.name, resourceVersion: last.resourceVersion },
			firstTimestamp: last.firstTimestamp,
			count: last.count + 1
		};
		this.observations.add(key, { count: event.count, firstTimestamp: event.firstTimestamp, name: last.name, resourceVersion: last.resourceVersion });
		return { event, patch: { count: event.count, lastTimestamp: event.lastTimestamp, message: event.message } };
	}

	/** flowcontrol's token bucket: starts full at `burst`, refills at `qps`. */
	private tryAccept(key: string): boolean {
		const now = this.clock.now();
		const b = this.buckets.get(key) ?? { tokens: CORRELATOR.spamBurst, at: now };
		b.tokens = Math.min(CORRELATOR.spamBurst, b.tokens + ((now - b.at) / 1000) * CORRELATOR.spamQps);
		b.at = now;
		const ok = b.tokens >= 1;
		if (ok) b.tokens -= 1;
		this.buckets.add(key, b);
		return ok;
	}
}
