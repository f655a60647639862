/**
 * Byte comparison in etcd's key order (unsigned bytes, then length). Compares 8 bytes at a time:
 * loaded little-endian, byte-swapped, they compare as big-endian u64s, which is byte order.
 */
export function compareBytes(a: usize, aLen: usize, b: usize, bLen: usize): i32 {
	const n = min(aLen, bLen);
	let i: usize = 0;
	while (i + 8 <= n) {
		const x = load<u64>(a + i);
		const y = load<u64>(b + i);
		if (x != y) return bswap<u64>(x) < bswap<u64>(y) ? -1 : 1;
		i += 8;
	}
	while (i < n) {
		const x = load<u8>(a + i);
		const y = load<u8>(b + i);
		if (x != y) return x < y ? -1 : 1;
		i++;
	}
	return aLen < bLen ? -1 : aLen > bLen ? 1 : 0;
}
