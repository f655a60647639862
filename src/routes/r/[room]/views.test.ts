import { describe, expect, test } from 'vitest';
import { hashWithView, viewFromHash } from './views';

describe('view in the hash', () => {
	test.each([
		{ hash: '#token=abc', want: 'editor' },
		{ hash: '#token=abc&view=cluster', want: 'cluster' },
		{ hash: '#view=events&token=abc', want: 'events' },
		{ hash: '#token=abc&view=nope', want: 'editor' },
		{ hash: '', want: 'editor' }
	])('$hash selects $want', ({ hash, want }) => expect(viewFromHash(hash)).toBe(want));

	test.each([
		{ hash: '#token=abc', view: 'cluster' as const, want: '#token=abc&view=cluster' },
		{ hash: '#token=abc&view=cluster', view: 'scheduler' as const, want: '#token=abc&view=scheduler' },
		{ hash: '#token=abc&view=cluster', view: 'editor' as const, want: '#token=abc' },
		{ hash: '', view: 'events' as const, want: '#view=events' }
	])('$hash + $view → $want', ({ hash, view, want }) => {
		expect(hashWithView(hash, view)).toBe(want);
		// The token stays readable by the page's own parser.
		expect(/(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(want)?.[1]).toBe(/(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(hash)?.[1]);
	});
});
