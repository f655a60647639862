import { expect, it } from 'vitest';
import { formatBytes } from './format-bytes';

it.each([
	[1000, '1000 bytes'],
	[1024, '1 KiB'],
	[1536, '1.5 KiB'],
	[1024 * 1024, '1 MiB'],
	[8 * 1024 * 1024, '8 MiB'],
	[1.5 * 1024 * 1024, '1.5 MiB']
])('formats %d as %s', (n, want) => expect(formatBytes(n)).toBe(want));
