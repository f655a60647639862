import { describe, expect, it } from 'vitest';
import { compactionTarget, DEFAULT_RETENTION, effectiveRetention, parseRetention } from './retention';
import { RevisionTimes } from './times';

/** One revision per room second from t = 0. */
const times = (n: number) => new RevisionTimes(Array.from({ length: n }, (_, i) => [i + 1, i * 1000] as [number, number]));

describe('retention is the compaction policy', () => {
	it('never compacts a revision inside the window, by count or by room time', () => {
		const t = times(5000);
		for (const s of [
			{ revisions: 1000, seconds: 86_400 },
			{ revisions: 100_000, seconds: 600 },
			{ revisions: 300, seconds: 120 }
		]) {
			const now = 4999_000;
			const target = compactionTarget(s, { revision: 5000, compactRevision: 0, now }, (ms) => t.revisionAt(ms, 5000));
			expect(target).toBeDefined();
			// The window is the shorter of the last `revisions` revisions and the last `seconds`: the
			// compaction revision (still readable) is its first revision, nothing inside is dropped.
			const byCount = 5000 - s.revisions;
			const byTime = t.revisionAt(now - s.seconds * 1000, 5000) ?? 0;
			expect(target).toBe(Math.max(byCount, byTime));
		}
	});

	it('waits for a slack before compacting again, and keeps everything while the window is not full', () => {
		const t = times(2000);
		const at = (revision: number, compactRevision: number) => compactionTarget(DEFAULT_RETENTION, { revision, compactRevision, now: revision * 1000 }, (ms) => t.revisionAt(ms, revision));
		expect(at(2000, 0)).toBeUndefined();
		const s = { revisions: 1000, seconds: 86_400 };
		expect(compactionTarget(s, { revision: 2000, compactRevision: 995, now: 0 }, () => undefined)).toBeUndefined();
		expect(compactionTarget(s, { revision: 2020, compactRevision: 995, now: 0 }, () => undefined)).toBe(1020);
	});

	it('parses the room setting within its bounds', () => {
		expect(parseRetention({ revisions: 500 })).toEqual({ revisions: 500 });
		expect(parseRetention({ revisions: 5 })).toMatch(/revisions must be an integer from 100/);
		expect(parseRetention({ seconds: 30 })).toMatch(/seconds must be an integer from 60/);
		expect(parseRetention({ keep: 1 })).toMatch(/unknown field "keep"/);
		expect(effectiveRetention({ seconds: 3600 })).toEqual({ revisions: 100_000, seconds: 3600 });
	});
});
