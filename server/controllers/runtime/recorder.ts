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

/** Correlates and writes events of one component, in order. */
export function eventSink(client: KubeClient, clock: Clock, log: (m: string) => void): (draft: EventDraft) => void {
	const eventName = eventNamer(clock);
	const correlator = new EventCorrelator(clock, rfc3339, eventName);
	const chains = new KeyedChains();
	return ({ namespace, ...draft }) => {
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
		chains.run(result.event.metadata.name!, () =>
			write(result.event, result.patch).catch((e: Error) => log(`${draft.source.component}: event ${draft.reason} on ${draft.involvedObject.name} not recorded: ${e.message}`))
		);
	};

	async function write(event: CoreEvent, patch: { count: number; lastTimestamp: string; message: string } | undefined): Promise<void> {
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

export function eventRecorder(client: KubeClient, clock: Clock, component: string, log: (m: string) => void = () => {}): EventRecorder {
	const sink = eventSink(client, clock, log);
	return {
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
