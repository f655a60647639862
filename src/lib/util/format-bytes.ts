/**
 * Byte counts for people: `512 bytes`, `64 KiB`, `1 MiB`, `1.5 MiB`.
 *
 * @module
 */
export function formatBytes(n: number): string {
	const units: Array<[number, string]> = [
		[1024 * 1024 * 1024, 'GiB'],
		[1024 * 1024, 'MiB'],
		[1024, 'KiB']
	];
	for (const [size, unit] of units) {
		if (n >= size) {
			const v = n / size;
			return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
		}
	}
	return `${n} bytes`;
}
