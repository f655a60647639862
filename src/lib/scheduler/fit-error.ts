/**
 * framework.FitError.Error(): `0/N nodes are available: <histogram>.` (or the PreFilter message)
 * followed by the PostFilter message. The histogram counts every reason of every failed node,
 * renders `"<count> <reason>"` and sorts those strings as plain strings.
 *
 * @module
 */
import type { Status } from './framework';

export interface Diagnosis {
	/** Node name → status for the nodes that failed (explicit). */
	nodeToStatus: Map<string, Status>;
	/** The status of nodes absent from the map (PreFilter rejection or node subset). */
	absentNodesStatus?: Status;
	/** Set when a PreFilter rejected the pod: its message replaces the histogram. */
	preFilterMsg?: string;
	postFilterMsg?: string;
}

/** validation.NoteLengthLimit: events and conditions carry at most this many characters. */
export const NOTE_LENGTH_LIMIT = 1024;

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
	let msg = `0/${numAllNodes} nodes are available:`;
	if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
	else {
		const counts = new Map<string, number>();
		for (const s of d.nodeToStatus.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
		const absent = numAllNodes - d.nodeToStatus.size;
		if (absent > 0 && d.absentNodesStatus) for (const r of d.absentNodesStatus.reasons) counts.set(r, (counts.get(r) ?? 0) + absent);
		const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
		if (parts.length) msg += ` ${parts.join(', ')}.`;
	}
	if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
	return msg;
}

/** truncateMessage: cut to the note limit with a ` ...` suffix. */
export function truncateMessage(msg: string): string {
	if (msg.length <= NOTE_LENGTH_LIMIT) return msg;
	return msg.slice(0, NOTE_LENGTH_LIMIT - 4) + ' ...';
}
