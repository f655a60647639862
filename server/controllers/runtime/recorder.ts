/**
 * Events a controller records about the objects it acts on, written through the API as core/v1
 * Events the way client-go's legacy recorder writes them (`<object>.<hex nanoseconds>`, source
 * and reportingComponent = the controller, first/last timestamps on the room clock), through
 * client-go's EventCorrelator: repeats become count bumps, similar ones are combined and a
 * spamming source is throttled. Writes of one Event (its create, then the patches counting its
 * repeats) go one at a time, in order, so a repeat always finds the event it counts; different
 * Events are written concurrently (the broadcaster's single goroutine would make 10,000 pods'
 * `Scheduled` events 10,000 round trips in a row, holding the room clock all along). The
 * correlator still sees every event in recording order, so names, counts and aggregation are
 * the same. Recording never fails a reconcile: a refused Event is only logged.
 *
 * kube-scheduler records through events.k8s.io's broadcaster instead (client-go tools/events,
 * `series`): a repeat starts a series with one write (count 2), further repeats are counted in
 * memory and written when the series is refreshed (every 30 minutes) or ends (6 minutes without
 * a repeat). A pod retried every 10 seconds for want of nodes costs two Event writes, not one per
 * attempt. The Event keeps its core/v1 shape (source, count) so `kubectl describe` reads the same.
 *
 * @module
 */
import type { Clock } from '../../../src/lib/clock/clock';
import { rfc3339 } from '../../../src/lib/kube/duration';
import { EventCorrelator, eventKey, type CoreEvent } from '../../../src/lib/controllers/event-correlator';
import { fnv1a32 } from '../../../src/lib/clock/rng';
import { KeyedChains } from '../../../src/lib/controllers/keyed-chains';
import { isNotFound, RESOURCES, type KubeClient, type KubeObject, type ResourceRef } from '../../../src/lib/controllers/types';

export interface EventRecorder {
	/** Records an event about `obj` (a `r` object; list items carry no kind of their own). */
	event(r: ResourceRef, obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** What a recorder fills in; the sink adds name, timestamps and count. */
export type EventDraft = Pick<CoreEvent, 'involvedObject' | 'reason' | 'message' | 'type' | 'source' | 'reportingComponent' | 'reportingInstance'> & { namespace: string };

/** Event names given out in a room's current millisecond, and how many each object got, shared by its components. */
const namesThisMs = new WeakMap<Clock, { ms: number; names: Set<string>; perObject: Map<string, number> }>();

/**
 * `<object>.<hex nanoseconds>` like client-go's recorder, on the room clock. The clock has
 * millisecond steps; below the millisecond a name says the event's rank among the object's events
 * of that instant (so listing an object's events by name, as kubectl does, keeps the order they
 * were recorded in) and a part derived from what it is (`identity`: source, object, reason,
 * message), not the order the room's components recorded their events in: a replay names them
 * the same. A name already given in the instant (one in a thousand) takes the next free one.
 */
export function eventNamer(clock: Clock): (objectName: string, identity: string) => string {
	let used = namesThisMs.get(clock);
	if (!used) namesThisMs.set(clock, (used = { ms: NaN, names: new Set(), perObject: new Map() }));
	const thisMs = used;
	return (objectName, identity) => {
		const ms = clock.now();
		if (thisMs.ms !== ms) {
			thisMs.ms = ms;
			thisMs.names.clear();
			thisMs.perObject.clear();
		}
		const rank = thisMs.perObject.get(objectName) ?? 0;
		thisMs.perObject.set(objectName, rank + 1);
		let nanos = BigInt(ms) * 1_000_000n + BigInt(Math.min(rank, 999) * 1000 + (fnv1a32(identity) % 1000));
		let name = `${objectName}.${nanos.toString(16)}`;
		while (thisMs.names.has(name)) name = `${objectName}.${(++nanos).toString(16)}`;
		thisMs.names.add(name);
		return name;
	};
}

/** tools/events' refreshTime and finishTime (room clock). */
export const EVENT_SERIES = { refreshMs: 30 * 60_000, finishMs: 6 * 60_000 };

export interface EventSinkOptions {
	/** Repeats after the second are written only when the series is refreshed or ends (events.k8s.io's broadcaster). */
	series?: boolean;
}

type CountPatch = NonNullable<ReturnType<EventCorrelator['correlate']>['patch']>;

/** A sink: takes drafts; `stop` drops what a series still holds (like the broadcaster's Shutdown). */
export type EventSink = ((draft: EventDraft) => void) & { stop(): void };

/** Correlates and writes events of one component, in order. */
export function eventSink(client: KubeClient, clock: Clock, log: (m: string) => void, opts: EventSinkOptions = {}): EventSink {
	const eventName = eventNamer(clock);
	const correlator = new EventCorrelator(clock, rfc3339, eventName, opts.series ? Infinity : undefined);
	const chains = new KeyedChains();
	const send = (event: CoreEvent, patch: CountPatch | undefined) =>
		chains.run(event.metadata.name!, () =>
			write(event, patch).catch((e: Error) => log(`${event.source.component}: event ${event.reason} on ${event.involvedObject.name} not recorded: ${e.message}`))
		);
	const series = opts.series ? seriesHold(clock, send, (e) => correlator.forget(e)) : undefined;
	const sink = ({ namespace, ...draft }: EventDraft) => {
		const now = rfc3339(clock.now());
		const event: CoreEvent = {
			apiVersion: 'v1',
			kind: 'Event',
			metadata: { namespace },
			...draft,
			firstTimestamp: now,
			lastTimestamp: now,
			count: 1,
			eventTime: null
		};
		event.metadata.name = eventName(draft.involvedObject.name ?? '', eventKey(event));
		const result = correlator.correlate(event);
		// events.k8s.io's broadcaster has no spam filter: a series counts every occurrence.
		if (result.skip && !series) return;
		if (series?.observe(result.event, result.patch)) return;
		send(result.event, result.patch);
	};
	return Object.assign(sink, { stop: () => series?.stop() });

	async function write(event: CoreEvent, patch: CountPatch | undefined): Promise<void> {
		let stored: KubeObject | undefined;
		if (patch) {
			try {
				stored = await client.patch(RESOURCES.events, event.metadata.namespace, event.metadata.name!, 'strategic', patch);
			} catch (e) {
				// The event may have been deleted (TTL, namespace gone): record it anew.
				if (!isNotFound(e)) throw e;
			}
		}
		stored ??= await client.create(RESOURCES.events, { ...event, metadata: { ...event.metadata, resourceVersion: undefined } });
		correlator.updateState(stored as CoreEvent);
	}
}

/**
 * Series counted in memory (tools/events eventBroadcasterImpl): every Event stays correlated (its
 * eventCache, unbounded, unlike core/v1's 4096-entry LRU: thousands of pods retrying must not make
 * a new Event per retry) until it was not seen for finishTime. A repeat within a series is held
 * (its newest count); one ticker every finishTime, while anything is cached, writes the held counts
 * of series idle that long, closes them and forgets them, and every fifth tick (refreshTime)
 * writes all held counts. The first repeat starts the series and is written at once.
 */
function seriesHold(clock: Clock, send: (event: CoreEvent, patch: CountPatch) => void, forget: (event: CoreEvent) => void) {
	/** Event name → its last observation and whether a series is open. */
	const seen = new Map<string, { at: number; event: CoreEvent; series: boolean }>();
	/** The newest unwritten count of each open series. */
	const held = new Map<string, { event: CoreEvent; patch: CountPatch }>();
	let cancel: (() => void) | undefined;
	let ticks = 0;
	const tick = () => {
		cancel = undefined;
		const refresh = ++ticks % (EVENT_SERIES.refreshMs / EVENT_SERIES.finishMs) === 0;
		const now = clock.now();
		for (const [name, s] of seen) {
			const ended = now - s.at >= EVENT_SERIES.finishMs;
			const h = held.get(name);
			const written = h && (refresh || ended) ? (held.delete(name), send(h.event, h.patch)) : undefined;
			if (ended) {
				seen.delete(name);
				// After the final write, whose answer the correlator records: the next occurrence is a new Event.
				void Promise.resolve(written).finally(() => forget(s.event));
			}
		}
		if (seen.size) cancel = clock.setTimer(EVENT_SERIES.finishMs, tick);
	};
	return {
		/** Notes an event (`patch`: a repeat); true when it is held (an open series), false when the caller writes it now. */
		observe(event: CoreEvent, patch: CountPatch | undefined): boolean {
			const name = event.metadata.name!;
			const inSeries = patch !== undefined && seen.get(name)?.series === true;
			seen.set(name, { at: clock.now(), event, series: patch !== undefined });
			cancel ??= clock.setTimer(EVENT_SERIES.finishMs, tick);
			if (inSeries) held.set(name, { event, patch: patch! });
			return inSeries;
		},
		stop(): void {
			cancel?.();
			cancel = undefined;
			seen.clear();
			held.clear();
		}
	};
}

export function eventRecorder(client: KubeClient, clock: Clock, component: string, log: (m: string) => void = () => {}, opts: EventSinkOptions = {}): EventRecorder & { stop(): void } {
	const sink = eventSink(client, clock, log, opts);
	return {
		stop: sink.stop,
		event(r, obj, type, reason, message) {
			const m = obj.metadata;
			sink({
				namespace: m.namespace || 'default',
				involvedObject: { kind: r.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, resourceVersion: m.resourceVersion },
				reason,
				message,
				type,
				source: { component },
				reportingComponent: component,
				reportingInstance: ''
			});
		}
	};
}
