import { describe, expect, it } from 'vitest';
import { mostRecent, nextTime, parseCron } from './cron';

const at = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('cron schedules', () => {
	it('parses lists, ranges, steps, names and descriptors', () => {
		const s = parseCron('*/15 9-17 * jan,JUL mon-fri');
		expect([...s.minute]).toEqual([0, 15, 30, 45]);
		expect([...s.hour]).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
		expect([...s.month]).toEqual([1, 7]);
		expect([...s.dow]).toEqual([1, 2, 3, 4, 5]);
		expect(parseCron('@hourly')).toEqual(parseCron('0 * * * *'));
		expect([...parseCron('0 0 * * 7').dow]).toEqual([0]);
	});

	it('rejects bad schedules with robfig messages', () => {
		expect(() => parseCron('* * * *')).toThrow('expected exactly 5 fields, found 4: * * * *');
		expect(() => parseCron('60 * * * *')).toThrow('end of range (60) above maximum (59): 60');
		expect(() => parseCron('x * * * *')).toThrow('failed to parse int from x');
	});

	it('finds the next time, strictly after', () => {
		const s = parseCron('*/5 * * * *');
		expect(iso(nextTime(s, at('2026-01-01T12:00:00Z')))).toBe('2026-01-01T12:05:00.000Z');
		expect(iso(nextTime(s, at('2026-01-01T12:03:30Z')))).toBe('2026-01-01T12:05:00.000Z');
		expect(iso(nextTime(parseCron('30 2 * * *'), at('2026-01-01T12:00:00Z')))).toBe('2026-01-02T02:30:00.000Z');
		// 2026-01-01 is a Thursday: the next Monday 09:00.
		expect(iso(nextTime(parseCron('0 9 * * 1'), at('2026-01-01T12:00:00Z')))).toBe('2026-01-05T09:00:00.000Z');
		// Day-of-month OR day-of-week when both are restricted.
		expect(iso(nextTime(parseCron('0 0 13 * 5'), at('2026-01-01T12:00:00Z')))).toBe('2026-01-02T00:00:00.000Z');
	});

	it('matches in the time zone', () => {
		expect(iso(nextTime(parseCron('0 9 * * *'), at('2026-01-01T00:00:00Z'), 'Europe/Berlin'))).toBe('2026-01-01T08:00:00.000Z');
		expect(iso(nextTime(parseCron('0 9 * * *'), at('2026-07-01T00:00:00Z'), 'Europe/Berlin'))).toBe('2026-07-01T07:00:00.000Z');
	});

	it('counts missed times and returns the latest', () => {
		const r = mostRecent(parseCron('* * * * *'), at('2026-01-01T12:00:00Z'), at('2026-01-01T12:03:10Z'));
		expect([iso(r.time), r.count]).toEqual(['2026-01-01T12:03:00.000Z', 3]);
		expect(mostRecent(parseCron('0 0 1 1 *'), at('2026-01-01T12:00:00Z'), at('2026-01-01T13:00:00Z'))).toEqual({ time: undefined, count: 0 });
	});
});
