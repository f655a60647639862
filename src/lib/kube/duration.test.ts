import { describe, expect, it } from 'vitest';
import { humanDuration, rfc3339, since } from './duration';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration (apimachinery duration.HumanDuration)', () => {
	it.each([
		{ ms: -3 * s, want: '<invalid>' },
		{ ms: -1 * s, want: '0s' },
		{ ms: 0, want: '0s' },
		{ ms: 119 * s, want: '119s' },
		{ ms: 2 * m, want: '2m' },
		{ ms: 3 * m + 20 * s, want: '3m20s' },
		{ ms: 10 * m, want: '10m' },
		{ ms: 179 * m, want: '179m' },
		{ ms: 3 * h, want: '3h' },
		{ ms: 5 * h + 30 * m, want: '5h30m' },
		{ ms: 8 * h + 30 * m, want: '8h' },
		{ ms: 47 * h, want: '47h' },
		{ ms: 2 * d + 3 * h, want: '2d3h' },
		{ ms: 7 * d, want: '7d' },
		{ ms: 400 * d, want: '400d' },
		{ ms: 3 * 365 * d + 12 * d, want: '3y12d' },
		{ ms: 9 * 365 * d, want: '9y' }
	])('$ms ms → $want', ({ ms, want }) => {
		expect(humanDuration(ms)).toBe(want);
	});

	it('ages timestamps, <unknown> when unset', () => {
		const now = Date.parse('2026-11-25T12:00:00Z');
		expect(since('2026-11-25T11:55:00Z', now)).toBe('5m');
		expect(since(undefined, now)).toBe('<unknown>');
		expect(rfc3339(now + 999)).toBe('2026-11-25T12:00:00Z');
	});
});
