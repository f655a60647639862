/**
 * Iteration over the keys a request selects (etcd's [key, range_end)): one key when range_end
 * is empty, every key ≥ key when it is "\0", otherwise the half-open interval. One span is active
 * at a time; its bounds point into the input buffer, which stays put during a call.
 */
import { iterSeek, iterNext, treeFind } from './btree';
import { compareBytes } from './bytes';
import { keyLen, keyPtr } from './key-index';

const IT: usize = memory.data(8);
const ONE: u32 = 0;
const FROM: u32 = 1;
const RANGE: u32 = 2;

let kind: u32 = ONE;
let one: usize = 0;
let endP: usize = 0;
let endL: usize = 0;

export function spanStart(kp: usize, kl: usize, ep: usize, el: usize): void {
	if (el == 0) {
		kind = ONE;
		one = treeFind(kp, kl);
		return;
	}
	kind = el == 1 && load<u8>(ep) == 0 ? FROM : RANGE;
	endP = ep;
	endL = el;
	iterSeek(IT, kp, kl);
}

/** The next record in the span, or 0 when done. */
export function spanNext(): usize {
	if (kind == ONE) {
		const r = one;
		one = 0;
		return r;
	}
	const r = iterNext(IT);
	if (r == 0) return 0;
	if (kind == RANGE && compareBytes(keyPtr(r), keyLen(r), endP, endL) >= 0) {
		kind = ONE;
		one = 0;
		return 0;
	}
	return r;
}
