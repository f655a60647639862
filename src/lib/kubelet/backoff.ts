/**
 * client-go's `flowcontrol.Backoff` as the kubelet uses it for CrashLoopBackOff and image pulls:
 * per key, the delay starts at 10 s and doubles up to 5 min; an entry untouched for twice the
 * maximum (10 min) is forgotten, so a container that ran that long starts over at 10 s.
 *
 * @module
 */

export const BACKOFF = { initialMs: 10_000, maxMs: 300_000 };

interface Entry {
	backoff: number;
	lastUpdate: number;
}

export class Backoff {
	private entries = new Map<string, Entry>();

	constructor(
		private readonly initialMs = BACKOFF.initialMs,
		private readonly maxMs = BACKOFF.maxMs
	) {}

	/** The current delay of `key` (0 if none). */
	get(key: string): number {
		return this.entries.get(key)?.backoff ?? 0;
	}

	/** `Next`: starts or doubles the delay of `key`, as of `now`. */
	next(key: string, now: number): void {
		const e = this.entries.get(key);
		if (!e || this.expired(now, e)) this.entries.set(key, { backoff: this.initialMs, lastUpdate: now });
		else this.entries.set(key, { backoff: Math.min(e.backoff * 2, this.maxMs), lastUpdate: now });
	}

	/** `IsInBackOffSince`: whether `now` is still within the delay counted from `eventTime`. */
	isInBackOffSince(key: string, eventTime: number, now: number): boolean {
		const e = this.entries.get(key);
		if (!e || this.expired(eventTime, e)) return false;
		return now - eventTime < e.backoff;
	}

	/** When the delay counted from `eventTime` ends. */
	until(key: string, eventTime: number): number {
		return eventTime + this.get(key);
	}

	private expired(at: number, e: Entry): boolean {
		return at - e.lastUpdate > this.maxMs * 2;
	}
}

/** Go's `time.Duration.String()` of a millisecond count (`1.2s`, `523ms`, `1m2.5s`, `5m0s`). */
export function goDuration(ms: number): string {
	if (ms === 0) return '0s';
	if (ms < 1000) return `${ms}ms`;
	const trim = (s: number) => String(Number(s.toFixed(3)));
	const h = Math.floor(ms / 3_600_000);
	const m = Math.floor((ms % 3_600_000) / 60_000);
	const s = (ms % 60_000) / 1000;
	if (h) return `${h}h${m}m${trim(s)}s`;
	if (m) return `${m}m${trim(s)}s`;
	return `${trim(s)}s`;
}
