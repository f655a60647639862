import { describe, expect, it } from 'vitest';
import { newestTimestamp, RevisionTimes, timeOfDay } from './times';

describe('RevisionTimes', () => {
	const t = new RevisionTimes([
		[5, 1000],
		[8, 1000], // same time: not a change point
		[10, 4000],
		[9, 9000], // an earlier revision: ignored
		[12, 3000] // time going backwards: ignored
	]);

	it('keeps only change points, in revision order, never going back in time', () => {
		expect(t.points()).toEqual([
			[5, 1000],
			[10, 4000]
		]);
	});

	it('maps revisions to times and times to the last revision at or before them', () => {
		expect(t.timeAt(4)).toBeUndefined();
		expect(t.timeAt(9)).toBe(1000);
		expect(t.timeAt(50)).toBe(4000);
		expect(t.revisionAt(999, 20)).toBeUndefined();
		expect(t.revisionAt(1000, 20)).toBe(9);
		expect(t.revisionAt(3999, 20)).toBe(9);
		expect(t.revisionAt(4000, 20)).toBe(20);
	});

	it('trims before a compaction but keeps the point in force', () => {
		const u = new RevisionTimes([
			[1, 10],
			[3, 20],
			[6, 30]
		]);
		u.trimBefore(4);
		expect(u.points()).toEqual([
			[3, 20],
			[6, 30]
		]);
		expect(u.timeAt(4)).toBe(20);
	});
});

describe('newestTimestamp', () => {
	it('finds the latest RFC 3339 time in a stored object', () => {
		const obj = {
			metadata: { creationTimestamp: '2026-11-26T10:00:00Z', managedFields: [{ time: '2026-11-26T10:02:03Z' }] },
			spec: { renewTime: '2026-11-26T10:02:03.500000Z' }
		};
		expect(newestTimestamp(JSON.stringify(obj))).toBe(Date.parse('2026-11-26T10:02:03.500Z'));
		expect(newestTimestamp('{"a":"not a time"}')).toBeUndefined();
	});
});

describe('timeOfDay', () => {
	const ref = Date.parse('2026-11-26T10:04:00Z');
	it('reads HH:MM and HH:MM:SS on the reference day (UTC, like the clock display)', () => {
		expect(timeOfDay(ref, '10:02')).toBe(Date.parse('2026-11-26T10:02:00Z'));
		expect(timeOfDay(ref, ' 9:05:30 ')).toBe(Date.parse('2026-11-26T09:05:30Z'));
		expect(timeOfDay(ref, '24:00')).toBeUndefined();
		expect(timeOfDay(ref, 'soon')).toBeUndefined();
	});
});
