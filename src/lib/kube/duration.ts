/**
 * apimachinery's duration.HumanDuration: the AGE column of `kubectl get` (`45s`, `3m20s`, `5h`,
 * `2d3h`, `3y12d`), and the RFC 3339 timestamps objects carry.
 *
 * @module
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** A succinct, 2-3 significant figure representation of `ms`, exactly as kubectl prints ages. */
export function humanDuration(ms: number): string {
	const seconds = Math.trunc(ms / SECOND);
	if (seconds < -1) return '<invalid>';
	if (seconds < 0) return '0s';
	if (seconds < 60 * 2) return `${seconds}s`;
	const minutes = Math.trunc(ms / MINUTE);
	if (minutes < 10) {
		const s = Math.trunc(ms / SECOND) % 60;
		return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
	}
	if (minutes < 60 * 3) return `${minutes}m`;
	const hours = Math.trunc(ms / HOUR);
	if (hours < 8) {
		const m = minutes % 60;
		return m === 0 ? `${hours}h` : `${hours}h${m}m`;
	}
	if (hours < 48) return `${hours}h`;
	if (hours < 24 * 8) {
		const h = hours % 24;
		return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
	}
	if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
	if (hours < 24 * 365 * 8) {
		const dy = Math.trunc(hours / 24) % 365;
		const y = Math.trunc(hours / 24 / 365);
		return dy === 0 ? `${y}y` : `${y}y${dy}d`;
	}
	return `${Math.trunc(hours / 24 / 365)}y`;
}

/** `translateTimestampSince`: the age of an RFC 3339 timestamp at `now`, `<unknown>` when unset. */
export function since(timestamp: unknown, now: number): string {
	if (typeof timestamp !== 'string' || !timestamp) return '<unknown>';
	const t = Date.parse(timestamp);
	if (Number.isNaN(t) || t <= Date.parse('0001-01-02T00:00:00Z')) return '<unknown>';
	return humanDuration(now - t);
}

/** metav1.Time's wire form: RFC 3339 in UTC with second precision (`2026-11-25T10:00:00Z`). */
export function rfc3339(ms: number): string {
	const sec = Math.floor(ms / 1000);
	// Every write stamps a time or two, mostly within the same second.
	if (sec !== lastSecond) {
		lastSecond = sec;
		lastStamp = new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
	}
	return lastStamp;
}
let lastSecond = NaN;
let lastStamp = '';

/** metav1.MicroTime's wire form (`2026-11-25T10:00:00.123456Z`). */
export function rfc3339Micro(ms: number): string {
	return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
