/**
 * The packed key-value record every result uses (little-endian):
 *   f64 create revision · f64 mod revision · f64 version · f64 lease · u32 key length ·
 *   u32 value length · key bytes · value bytes
 * Numbers cross as f64 (exact below 2^53): an i64 would reach JS as a BigInt, 2× slower.
 */
import { outBytes, outClaim, outF64, outU32 } from './io';
import { E_CREATE, E_LEASE, E_VER, E_VLEN, E_VPTR, keyLen, keyPtr, mainOf } from './key-index';

export function emitKv(r: usize, e: usize, withValue: bool): void {
	const kl = keyLen(r);
	const vl = withValue ? <usize>load<u32>(e + E_VLEN) : 0;
	// One capacity check per key-value: ranges emit thousands.
	const at = outClaim(40 + kl + vl);
	store<f64>(at, <f64>load<i64>(e + E_CREATE));
	store<f64>(at + 8, <f64>mainOf(e));
	store<f64>(at + 16, <f64>load<u32>(e + E_VER));
	store<f64>(at + 24, <f64>load<i64>(e + E_LEASE));
	store<u32>(at + 32, <u32>kl);
	store<u32>(at + 36, <u32>vl);
	memory.copy(at + 40, keyPtr(r), kl);
	if (vl != 0) memory.copy(at + 40 + kl, <usize>load<u32>(e + E_VPTR), vl);
}

/** A deleted key as etcd's DELETE events show it: only the key and the deletion's revision. */
export function emitTombstone(r: usize, main: i64): void {
	outF64(0);
	outF64(<f64>main);
	outF64(0);
	outF64(0);
	const kl = keyLen(r);
	outU32(<u32>kl);
	outU32(0);
	outBytes(keyPtr(r), kl);
}
