/**
 * Standard 5-field cron schedules, as the CronJob controller parses them (robfig/cron's
 * ParseStandard): minute hour day-of-month month day-of-week with `*`, `?`, lists, ranges, steps,
 * month and weekday names, `7` for Sunday, and the `@yearly`... `@hourly` descriptors. Times are
 * matched in an IANA time zone (the CronJob's `timeZone`, UTC by default).
 *
 * @module
 */

export interface Schedule {
	minute: Set<number>;
	hour: Set<number>;
	dom: Set<number>;
	month: Set<number>;
	dow: Set<number>;
	/** A `*` (or `?`) day field: days then match on the other field alone (robfig's star bit). */
	domStar: boolean;
	dowStar: boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const DESCRIPTORS: Record<string, string> = {
	'@yearly': '0 0 1 1 *',
	'@annually': '0 0 1 1 *',
	'@monthly': '0 0 1 * *',
	'@weekly': '0 0 * * 0',
	'@daily': '0 0 * * *',
	'@midnight': '0 0 * * *',
	'@hourly': '0 * * * *'
};

function value(s: string, names: string[] | undefined, base: number): number {
	const i = names?.indexOf(s.toLowerCase()) ?? -1;
	if (i >= 0) return i + base;
	if (!/^\d+$/.test(s)) throw new Error(`failed to parse int from ${s}: strconv.Atoi: parsing "${s}": invalid syntax`);
	return Number(s);
}

function field(expr: string, min: number, max: number, names?: string[], base = min): Set<number> {
	const out = new Set<number>();
	for (const part of expr.split(',')) {
		const [range, stepText] = part.split('/');
		const step = stepText === undefined ? 1 : value(stepText, undefined, 0);
		let lo: number;
		let hi: number;
		if (range === '*' || range === '?') [lo, hi] = [min, max];
		else {
			const [a, b] = range.split('-');
			lo = value(a, names, base);
			hi = b === undefined ? (stepText === undefined ? lo : max) : value(b, names, base);
		}
		if (lo < min) throw new Error(`beginning of range (${lo}) below minimum (${min}): ${part}`);
		if (hi > max) throw new Error(`end of range (${hi}) above maximum (${max}): ${part}`);
		if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
		if (step <= 0) throw new Error(`step of range should be a positive number: ${part}`);
		for (let v = lo; v <= hi; v += step) out.add(v);
	}
	return out;
}

/** Parses a schedule; throws with robfig's messages on a bad one. */
export function parseCron(spec: string): Schedule {
	const text = DESCRIPTORS[spec.trim()] ?? spec.trim();
	const f = text.split(/\s+/);
	if (f.length !== 5) throw new Error(`expected exactly 5 fields, found ${f.length}: ${spec}`);
	const dow = field(f[4], 0, 7, DAYS, 0);
	// 7 is Sunday, too.
	if (dow.delete(7)) dow.add(0);
	const star = (s: string) => s.startsWith('*') || s.startsWith('?');
	return { minute: field(f[0], 0, 59), hour: field(f[1], 0, 23), dom: field(f[2], 1, 31), month: field(f[3], 1, 12, MONTHS, 1), dow, domStar: star(f[2]), dowStar: star(f[4]) };
}

interface Wall {
	month: number;
	day: number;
	hour: number;
	minute: number;
	weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of `ms` in `timeZone`. */
function wall(ms: number, timeZone: string): Wall {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
		formatters.set(timeZone, f);
	}
	const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
	return { month: Number(p.month), day: Number(p.day), hour: Number(p.hour), minute: Number(p.minute), weekday: DAYS.indexOf(String(p.weekday).toLowerCase()) };
}

/** Whether `timeZone` is one this runtime knows (the API validates it the same way). */
export function validTimeZone(timeZone: string): boolean {
	try {
		wall(0, timeZone);
		return true;
	} catch {
		return false;
	}
}

function dayMatches(s: Schedule, w: Wall): boolean {
	const dom = s.dom.has(w.day);
	const dow = s.dow.has(w.weekday);
	return s.domStar || s.dowStar ? dom && dow : dom || dow;
}

const MINUTE = 60_000;

/** The first scheduled time strictly after `after` (ms), within five years; undefined if none. */
export function nextTime(s: Schedule, after: number, timeZone = 'UTC'): number | undefined {
	let t = Math.floor(after / MINUTE) * MINUTE + MINUTE;
	const limit = after + 5 * 366 * 24 * 60 * MINUTE;
	while (t <= limit) {
		const w = wall(t, timeZone);
		// Skip whole days and hours that cannot match (re-checked after each jump, so DST shifts are safe).
		if (!s.month.has(w.month) || !dayMatches(s, w)) t += (24 * 60 - w.hour * 60 - w.minute) * MINUTE;
		else if (!s.hour.has(w.hour)) t += (60 - w.minute) * MINUTE;
		else if (!s.minute.has(w.minute)) t += MINUTE;
		else return t;
	}
	return undefined;
}

/**
 * The latest scheduled time in (`after`, `now`] and how many were missed in between
 * (`mostRecentScheduleTime`); `count` stops at `cap`.
 */
export function mostRecent(s: Schedule, after: number, now: number, timeZone = 'UTC', cap = 101): { time?: number; count: number } {
	let last: number | undefined;
	let count = 0;
	for (let t = nextTime(s, after, timeZone); t !== undefined && t <= now && count < cap; t = nextTime(s, t, timeZone)) {
		last = t;
		count++;
	}
	return { time: last, count };
}
