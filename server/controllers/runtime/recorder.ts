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
import { EventCorrelator, type CoreEvent } from '../../../src/lib/controllers/event-correlator';
import { KeyedChains } from '../../../src/lib/controllers/keyed-chains';
import { isNotFound, RESOURCES, type KubeClient, type KubeObject, type ResourceRef } from '../../../src/lib/controllers/types';

export interface EventRecorder {
	/** Records an event about `obj` (a `r` object; list items carry no kind of their own). */
	event(r: ResourceRef, obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** What a recorder fills in; the sink adds name, timestamps and count. */
export type EventDraft = Pick<CoreEvent, 'involvedObject' | 'reason' | 'message' | 'type' | 'source' | 'reportingComponent' | 'reportingInstance'> & { namespace: string };

const lastNanos = new WeakMap<Clock, { nanos: bigint }>();

/** Correlates and writes events of one component, in order. */
export function eventSink(client: KubeClient, clock: Clock, log: (m: string) => void): (draft: EventDraft) => void {
	// Unique, increasing names even for events recorded in the same simulated millisecond by
	// different components of the room (they share its clock).
	let last = lastNanos.get(clock);
	if (!last) lastNanos.set(clock, (last = { nanos: 0n }));
	const stamp = last;
	const eventName = (objectName: string) => {
		let nanos = BigInt(clock.now()) * 1_000_000n;
		if (nanos <= stamp.nanos) nanos = stamp.nanos + 1n;
		stamp.nanos = nanos;
		return `${objectName}.${nanos.toString(16)}`;
	};
	const correlator = new EventCorrelator(clock, rfc3339, eventName);
	const chains = new KeyedChains();
	return ({ namespace, ...draft }) => {
		const now = rfc3339(clock.now());
		const event: CoreEvent = {
			apiVersion: 'v1',
			kind: 'Event',
			metadata: { name: eventName(draft.involvedObject.name ?? ''), namespace },
			...draft,
			firstTimestamp: now,
			lastTimestamp: now,
			count: 1,
			eventTime: null
		};
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
