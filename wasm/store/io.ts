/**
 * The two buffers shared with the host. Requests: the host writes key/value bytes into the
 * input buffer (`inReserve` makes room) and passes lengths and scalars as arguments. Results:
 * each call packs its whole answer into the output buffer, and the host copies it out once
 * (one boundary crossing per call, never one per key-value).
 */
import { alloc, free, roundUp } from './arena';

const SMALL: usize = 64 * 1024;
const LARGE: usize = 1 << 20;

let inP: usize = 0;
let inC: usize = 0;
let outP: usize = 0;
let outC: usize = 0;
let outN: usize = 0;

export function ioInit(): void {
	inC = roundUp(SMALL);
	inP = alloc(inC);
	outC = roundUp(SMALL);
	outP = alloc(outC);
	outN = 0;
}

/** Makes the input buffer hold at least n bytes and returns it (its old content is lost). */
export function inReserve(n: usize): usize {
	if (n > inC) {
		free(inP, inC);
		inC = roundUp(n);
		inP = alloc(inC);
	}
	return inP;
}

export function inPtr(): usize {
	return inP;
}

export function outPtr(): usize {
	return outP;
}

export function outLen(): usize {
	return outN;
}

export function outReset(): void {
	outN = 0;
}

/** Makes room for `extra` more bytes and returns where they go (the caller then advances). */
export function outClaim(extra: usize): usize {
	outEnsure(extra);
	const at = outP + outN;
	outN += extra;
	return at;
}

function outEnsure(extra: usize): void {
	const need = outN + extra;
	if (need <= outC) return;
	const cap = roundUp(max(need, outC * 2));
	const p = alloc(cap);
	memory.copy(p, outP, outN);
	free(outP, outC);
	outP = p;
	outC = cap;
}

export function outU32(v: u32): void {
	outEnsure(4);
	store<u32>(outP + outN, v);
	outN += 4;
}

export function outF64(v: f64): void {
	outEnsure(8);
	store<f64>(outP + outN, v);
	outN += 8;
}

export function outBytes(p: usize, n: usize): void {
	outEnsure(n);
	memory.copy(outP + outN, p, n);
	outN += n;
}

/** Position for a value patched later (a count written before the items). */
export function outMark(): usize {
	outU32(0);
	return outN - 4;
}

export function outPatch(mark: usize, v: u32): void {
	store<u32>(outP + mark, v);
}

/** After a large request or result: gives the big buffers back, keeps small ones. */
export function trimBuffers(): void {
	if (inC > LARGE) {
		free(inP, inC);
		inC = roundUp(SMALL);
		inP = alloc(inC);
	}
	if (outC > LARGE) {
		free(outP, outC);
		outC = roundUp(SMALL);
		outP = alloc(outC);
		outN = 0;
	}
}
