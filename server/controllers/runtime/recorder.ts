/**
 * Events a controller records about the objects it acts on, written through the API as core/v1
 * Events the way client-go's legacy recorder writes them (`<object>.<hex nanoseconds>`, source
 * and reportingComponent = the controller, first/last timestamps on the room clock). Recording
 * never fails a reconcile: a refused Event is only logged.
 *
 * @module
 */
import type { Clock } from '../../../src/lib/clock/clock';
import { RESOURCES, type KubeClient, type KubeObject, type ResourceRef } from '../../../src/lib/controllers/types';

export interface EventRecorder {
	/** Records an event about `obj` (a `r` object; list items carry no kind of their own). */
	event(r: ResourceRef, obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export function eventRecorder(client: KubeClient, clock: Clock, component: string, log: (m: string) => void = () => {}): EventRecorder {
	let lastNanos = 0n;
	return {
		event(r, obj, type, reason, message) {
			// Unique, increasing names even for events recorded in the same simulated millisecond.
			let nanos = BigInt(clock.now()) * 1_000_000n;
			if (nanos <= lastNanos) nanos = lastNanos + 1n;
			lastNanos = nanos;
			const now = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
			const m = obj.metadata;
			const namespace = m.namespace || 'default';
			const ev: KubeObject = {
				apiVersion: 'v1',
				kind: 'Event',
				metadata: { name: `${m.name}.${nanos.toString(16)}`, namespace },
				involvedObject: { kind: r.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, resourceVersion: m.resourceVersion },
				reason,
				message,
				source: { component },
				firstTimestamp: now,
				lastTimestamp: now,
				count: 1,
				type,
				eventTime: null,
				reportingComponent: component,
				reportingInstance: ''
			};
			client.create(RESOURCES.events, ev).catch((e: Error) => log(`${component}: event ${reason} on ${m.name} not recorded: ${e.message}`));
		}
	};
}
