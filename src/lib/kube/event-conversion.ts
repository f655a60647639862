/**
 * events.k8s.io/v1 Events are core/v1 Events in storage (kube stores both under
 * /registry/events/). These convert between the two shapes like kube's conversion functions:
 * regarding ↔ involvedObject, note ↔ message, reportingController ↔ reportingComponent,
 * deprecated* ↔ source/firstTimestamp/lastTimestamp/count.
 *
 * @module
 */

type Obj = Record<string, unknown>;

const PAIRS: Array<[string, string]> = [
	['regarding', 'involvedObject'],
	['note', 'message'],
	['reportingController', 'reportingComponent'],
	['deprecatedSource', 'source'],
	['deprecatedFirstTimestamp', 'firstTimestamp'],
	['deprecatedLastTimestamp', 'lastTimestamp'],
	['deprecatedCount', 'count']
];
const SAME = ['metadata', 'eventTime', 'series', 'reportingInstance', 'action', 'reason', 'related', 'type'];

/** A core/v1 Event as an events.k8s.io/v1 Event. */
export function coreToEventsV1(e: Obj): Obj {
	const out: Obj = { kind: 'Event', apiVersion: 'events.k8s.io/v1' };
	for (const k of SAME) if (e[k] !== undefined) out[k] = e[k];
	for (const [v1, core] of PAIRS) if (e[core] !== undefined) out[v1] = e[core];
	return out;
}

/** An events.k8s.io/v1 Event as the core/v1 Event it is stored as. */
export function eventsV1ToCore(e: Obj): Obj {
	const out: Obj = { kind: 'Event', apiVersion: 'v1' };
	for (const k of SAME) if (e[k] !== undefined) out[k] = e[k];
	for (const [v1, core] of PAIRS) if (e[v1] !== undefined) out[core] = e[v1];
	return out;
}
