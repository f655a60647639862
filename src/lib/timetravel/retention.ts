/**
 * How much of a room's history its store keeps: at most `revisions` revisions and/or `seconds`
 * of room time, whichever is shorter. This is the room's compaction policy: past the window the
 * keeper (server/timetravel/recorder.ts) compacts (etcd's Compact), so the store, the replica's
 * memory and the snapshot stay bounded; inside it nothing is compacted (the store's own
 * time-based compaction, `STORE_COMPACTION_MS`, is off unless an operator sets it).
 *
 * @module
 */

export interface RetentionSettings {
	/** Keep at most this many revisions (compaction revision ≥ revision - revisions). */
	revisions?: number;
	/** Keep at most this much room time, in seconds. */
	seconds?: number;
}

export const RETENTION_LIMITS = {
	minRevisions: 100,
	maxRevisions: 1_000_000,
	minSeconds: 60,
	maxSeconds: 7 * 86_400
};

/** The default: kube-apiserver-like, 100,000 revisions at most (the replica benchmark's size). */
export const DEFAULT_RETENTION: Required<RetentionSettings> = { revisions: 100_000, seconds: 86_400 };

/** Validates a retention body; returns the settings or a message naming the bad field. */
export function parseRetention(b: Record<string, unknown>): RetentionSettings | string {
	const out: RetentionSettings = {};
	const { minRevisions, maxRevisions, minSeconds, maxSeconds } = RETENTION_LIMITS;
	for (const [field, min, max] of [
		['revisions', minRevisions, maxRevisions],
		['seconds', minSeconds, maxSeconds]
	] as const) {
		const v = b[field];
		if (v === undefined || v === null) continue;
		if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return `${field} must be an integer from ${min} to ${max}`;
		out[field] = v;
	}
	for (const k of Object.keys(b)) if (k !== 'revisions' && k !== 'seconds') return `unknown field "${k}" (revisions, seconds)`;
	return out;
}

/** The settings in force (defaults filled in). */
export function effectiveRetention(s: RetentionSettings | undefined): Required<RetentionSettings> {
	return { revisions: s?.revisions ?? DEFAULT_RETENTION.revisions, seconds: s?.seconds ?? DEFAULT_RETENTION.seconds };
}

/**
 * The revision to compact to, or undefined when nothing is due. `revisionAt(ms)` maps room time
 * to the last revision at or before it. Compaction waits for a slack of 1% (at least 10
 * revisions) so a busy room does not compact on every tick.
 */
export function compactionTarget(
	s: Required<RetentionSettings>,
	state: { revision: number; compactRevision: number; now: number },
	revisionAt: (ms: number) => number | undefined
): number | undefined {
	let target = state.revision - s.revisions;
	const byTime = revisionAt(state.now - s.seconds * 1000);
	if (byTime !== undefined) target = Math.max(target, byTime);
	target = Math.min(target, state.revision);
	const slack = Math.max(10, Math.floor(s.revisions / 100));
	return target > state.compactRevision + slack ? target : undefined;
}
