/**
 * Room time of revisions. The store keeps no time per revision (etcd does not either), so the
 * server records the room clock as it sees revisions released (recorder.ts) and, for revisions it
 * did not see, infers it from the values written: the newest RFC 3339 timestamp in a value (a
 * write's managedFields time, a heartbeat, an event's lastTimestamp: all stamped by the room
 * clock). Times never go backwards: a revision is at least as late as the one before.
 *
 * Only change points are kept ("from revision r on, the time is t"), so a burst of writes in the
 * same millisecond costs one entry.
 *
 * @module
 */

export class RevisionTimes {
	private revs: number[] = [];
	private times: number[] = [];

	constructor(points: Array<[number, number]> = []) {
		for (const [r, t] of points) this.add(r, t);
	}

	get size(): number {
		return this.revs.length;
	}

	/** Records that revision `rev` happened at `ms` (ignored unless later than what is known). */
	add(rev: number, ms: number): void {
		if (!Number.isFinite(ms)) return;
		const n = this.revs.length;
		if (n && rev <= this.revs[n - 1]) {
			// Same or earlier revision: only a later time for the last one counts.
			if (rev === this.revs[n - 1] && ms > this.times[n - 1]) this.times[n - 1] = ms;
			return;
		}
		if (n && ms <= this.times[n - 1]) return;
		this.revs.push(rev);
		this.times.push(ms);
	}

	/** The room time of `rev` (undefined before the first known point). */
	timeAt(rev: number): number | undefined {
		const i = this.indexAtOrBefore(rev);
		return i < 0 ? undefined : this.times[i];
	}

	/** The last revision whose time is ≤ `ms`, given the newest revision `latest` (undefined if none). */
	revisionAt(ms: number, latest: number): number | undefined {
		const found = lastAtOrBefore(this.times, ms);
		if (found < 0) return undefined;
		return found + 1 < this.revs.length ? this.revs[found + 1] - 1 : latest;
	}

	/** Forgets points before `rev`, keeping the one in force at `rev`. */
	trimBefore(rev: number): void {
		const i = this.indexAtOrBefore(rev);
		if (i <= 0) return;
		this.revs.splice(0, i);
		this.times.splice(0, i);
	}

	points(): Array<[number, number]> {
		return this.revs.map((r, i) => [r, this.times[i]]);
	}

	private indexAtOrBefore(rev: number): number {
		return lastAtOrBefore(this.revs, rev);
	}
}

/** The index of the last value ≤ `v` in an ascending array (-1 if none). */
function lastAtOrBefore(sorted: number[], v: number): number {
	let lo = 0;
	let hi = sorted.length - 1;
	let found = -1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (sorted[mid] <= v) {
			found = mid;
			lo = mid + 1;
		} else hi = mid - 1;
	}
	return found;
}

// "2026-11-26T10:02:03Z" or with fractional seconds (MicroTime), quoted as JSON writes them.
const STAMP = /"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z)"/g;

/** The newest timestamp in a stored value (JSON text), or undefined. */
export function newestTimestamp(text: string): number | undefined {
	let best: number | undefined;
	for (const m of text.matchAll(STAMP)) {
		const t = Date.parse(m[1]);
		if (Number.isFinite(t) && (best === undefined || t > best)) best = t;
	}
	return best;
}

/**
 * `HH:MM` or `HH:MM:SS` (room time, UTC like the clock display) on the day of `refMs`, in ms;
 * undefined when the text is not a time of day.
 */
export function timeOfDay(refMs: number, text: string): number | undefined {
	const m = /^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/.exec(text);
	if (!m) return undefined;
	const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
	if (h > 23 || min > 59 || s > 59) return undefined;
	const d = new Date(refMs);
	return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), h, min, s);
}
