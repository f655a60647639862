/**
 * Rows of the Events view, as `kubectl get events` prints them (LAST SEEN, TYPE, REASON, OBJECT,
 * MESSAGE, COUNT, FIRST SEEN; the printer in $lib/kube/table-rows), on the room's simulated
 * clock, newest first.
 *
 * @module
 */
import type { KubeObject } from '$lib/controllers/types';
import { ROWS } from '$lib/kube/table-rows';

export interface EventRow {
	key: string;
	/** When it was last seen (ms), for ordering. */
	at: number;
	lastSeen: string;
	type: string;
	reason: string;
	/** `pod/web-1`, as kubectl prints involvedObject. */
	object: string;
	namespace: string;
	message: string;
	count: number;
	firstSeen: string;
	source: string;
}

export interface EventFilter {
	type?: 'Normal' | 'Warning' | '';
	/** Substring of OBJECT (`pod/web`, `node/`). */
	object?: string;
	/** Substring of REASON or MESSAGE. */
	text?: string;
}

const parse = (t: unknown): number => (typeof t === 'string' && t ? Date.parse(t) : NaN);

/** The time an event was last seen: series, lastTimestamp, eventTime, then creation. */
export function lastSeenAt(e: KubeObject): number {
	for (const t of [e.series?.lastObservedTime, e.lastTimestamp, e.eventTime, e.firstTimestamp, e.metadata.creationTimestamp]) {
		const v = parse(t);
		if (!Number.isNaN(v)) return v;
	}
	return 0;
}

export function eventRow(e: KubeObject, now: number): EventRow {
	const c = ROWS['v1/Event'](e, now).cells as [string, string, string, string, string, string, string, string, number, string];
	return {
		key: `${e.metadata.namespace}/${e.metadata.name}`,
		at: lastSeenAt(e),
		lastSeen: c[0],
		type: c[1],
		reason: c[2],
		object: c[3],
		namespace: e.metadata.namespace ?? '',
		source: c[5],
		message: c[6],
		firstSeen: c[7],
		count: c[8]
	};
}

/** Filtered rows, newest first (ties by name, so the order is stable). */
export function eventRows(events: readonly KubeObject[], now: number, f: EventFilter = {}): EventRow[] {
	const obj = f.object?.trim().toLowerCase() ?? '';
	const text = f.text?.trim().toLowerCase() ?? '';
	const out: EventRow[] = [];
	for (const e of events) {
		if (f.type && e.type !== f.type) continue;
		const r = eventRow(e, now);
		if (obj && !r.object.toLowerCase().includes(obj)) continue;
		if (text && !r.reason.toLowerCase().includes(text) && !r.message.toLowerCase().includes(text)) continue;
		out.push(r);
	}
	return out.sort((a, b) => b.at - a.at || (a.key < b.key ? -1 : 1));
}

/** The events about one object (by uid, or by kind/namespace/name for events written before it had one). */
export function eventsFor(events: readonly KubeObject[], obj: KubeObject, kind: string): KubeObject[] {
	const { uid, name, namespace } = obj.metadata;
	return events.filter((e) => {
		const io = e.involvedObject ?? e.regarding ?? {};
		if (uid && io.uid) return io.uid === uid;
		return io.kind === kind && io.name === name && (io.namespace ?? '') === (namespace ?? '');
	});
}
