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
	const correlator = new EventCorrelator(clock, rfc3339, eventName);
	const chains = new KeyedChains();
	const send = (event: CoreEvent, patch: CountPatch | undefined) =>
		chains.run(event.metadata.name!, () =>
			write(event, patch).catch((e: Error) => log(`${event.source.component}: event ${event.reason} on ${event.involvedObject.name} not recorded: ${e.message}`))
		);
	const series = opts.series ? seriesHold(clock, send) : undefined;
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
		if (result.skip) return;
		if (series && result.patch && series.repeat(result.event, result.patch)) return;
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
 * Series counted in memory (tools/events eventBroadcasterImpl): a repeat within a series is held
 * (its newest count); one ticker every finishTime, while any series is open, writes the held counts
 * of series idle that long (and closes them) and, every fifth tick (refreshTime), all of them. A
 * repeat after its series closed is written at once, as the broadcaster would write a new Event.
 */
function seriesHold(clock: Clock, send: (event: CoreEvent, patch: CountPatch) => void) {
	/** Open series: Event name → its last observation; `held`: the newest unwritten count of each. */
	const open = new Map<string, number>();
	const held = new Map<string, { event: CoreEvent; patch: CountPatch }>();
	let cancel: (() => void) | undefined;
	let ticks = 0;
	const tick = () => {
		cancel = undefined;
		const refresh = ++ticks % (EVENT_SERIES.refreshMs / EVENT_SERIES.finishMs) === 0;
		const now = clock.now();
		for (const [name, at] of open) {
			const ended = now - at >= EVENT_SERIES.finishMs;
			const h = held.get(name);
			if (h && (refresh || ended)) {
				held.delete(name);
				send(h.event, h.patch);
			}
			if (ended) open.delete(name);
		}
		if (open.size) cancel = clock.setTimer(EVENT_SERIES.finishMs, tick);
	};
	return {
		/** Notes a repeat; true when it is held (an open series), false when the caller writes it now. */
		repeat(event: CoreEvent, patch: CountPatch): boolean {
			const name = event.metadata.name!;
			const inSeries = open.has(name);
			open.set(name, clock.now());
			cancel ??= clock.setTimer(EVENT_SERIES.finishMs, tick);
			if (inSeries) held.set(name, { event, patch });
			return inSeries;
		},
		stop(): void {
			cancel?.();
			cancel = undefined;
			open.clear();
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
