/**
 * Test kit for differential tests of `MvccEngine` implementations: fast-check generators of
 * random operations (small key alphabets with 0x00/0xff bytes so ranges overlap, revisions
 * relative to the engine's state so compaction boundaries are hit exactly), one function that
 * applies an operation to an engine, and a normalization that makes results comparable.
 *
 * @module
 */
import fc from 'fast-check';
import { prefixEnd } from './bytes';
import { StoreError } from './errors';
import type { Compare, CompareResult, CompareTarget, MvccEngine, RangeRequest, RequestOp, SortOrder, SortTarget, TxnRequest } from './types';

// — generated specs (revisions still relative) —

export type RevSpec = 'zero' | 'current' | 'future' | 'compact' | 'belowCompact' | 'aboveCompact' | 'negative' | { back: number };
type EndSpec = 'none' | 'empty' | 'zero' | 'prefix' | { to: Uint8Array };

interface SpanSpec {
	key: Uint8Array;
	end: EndSpec;
}

interface RangeSpec extends SpanSpec {
	rev: RevSpec;
	limit: number;
	sortOrder?: SortOrder;
	sortTarget?: SortTarget;
	keysOnly: boolean;
	countOnly: boolean;
	minMod: number;
	maxMod: number;
	minCreate: number;
	maxCreate: number;
}

interface PutSpec {
	key: Uint8Array;
	value: Uint8Array;
	lease: number;
	prevKv: boolean;
	ignoreValue: boolean;
	ignoreLease: boolean;
}

interface DelSpec extends SpanSpec {
	prevKv: boolean;
}

interface CompareSpec extends SpanSpec {
	target: CompareTarget;
	result: CompareResult;
	num: number;
	rev: RevSpec;
	value: Uint8Array;
}

export type OpSpec =
	| { op: 'range'; r: RangeSpec }
	| { op: 'put'; p: PutSpec; checkLeases: boolean }
	| { op: 'delete'; d: DelSpec }
	| { op: 'txn'; t: TxnSpec; checkLeases: boolean }
	| { op: 'compact'; rev: RevSpec }
	| { op: 'events'; s: SpanSpec; rev: RevSpec }
	| { op: 'keysOfLease'; lease: number }
	| { op: 'snapshot' };

interface TxnSpec {
	compare: CompareSpec[];
	success: TxnOpSpec[];
	failure: TxnOpSpec[];
}

type TxnOpSpec = { range: RangeSpec } | { put: PutSpec } | { del: DelSpec } | { txn: TxnSpec };

// — arbitraries —

const bytesOf = (a: readonly number[]) => Uint8Array.from(a);
// 84 keys, most of the weight on 20 of them: ranges and txns overlap often.
const keyByte = fc.constantFrom(0x00, 0x61, 0x62, 0xff);
const keyOf = (n: number) => fc.array(keyByte, { minLength: n, maxLength: n }).map(bytesOf);
const keyArb = fc.oneof({ weight: 3, arbitrary: keyOf(1) }, { weight: 4, arbitrary: keyOf(2) }, { weight: 1, arbitrary: keyOf(3) });
const maybeEmptyKey = fc.oneof({ weight: 150, arbitrary: keyArb }, { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) });
const valueArb = fc.oneof(
	{ weight: 8, arbitrary: fc.constantFrom([], [1], [1, 2], [2], [0xff]).map(bytesOf) },
	{ weight: 2, arbitrary: fc.uint8Array({ maxLength: 8 }) },
	{ weight: 1, arbitrary: fc.uint8Array({ minLength: 100, maxLength: 3000 }) }
);
const leaseArb = fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.constantFrom(1, 2) }, { weight: 1, arbitrary: fc.constant(3) });
const revArb: fc.Arbitrary<RevSpec> = fc.oneof(
	fc.constantFrom<RevSpec>('zero', 'current', 'future', 'compact', 'belowCompact', 'aboveCompact', 'negative'),
	fc.integer({ min: 1, max: 8 }).map((back) => ({ back }))
);
const endArb: fc.Arbitrary<EndSpec> = fc.oneof(
	{ weight: 2, arbitrary: fc.constant<EndSpec>('none') },
	{ weight: 3, arbitrary: fc.constantFrom<EndSpec>('zero', 'prefix') },
	{ weight: 1, arbitrary: fc.constant<EndSpec>('empty') },
	{ weight: 2, arbitrary: keyArb.map((to) => ({ to })) }
);
const spanArb = fc.record({ key: maybeEmptyKey, end: endArb });
// Reads mostly over spans (a prefix, everything from a key): single keys are rarely live.
const readEndArb: fc.Arbitrary<EndSpec> = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom<EndSpec>('zero', 'prefix') },
	{ weight: 2, arbitrary: keyArb.map((to) => ({ to })) },
	{ weight: 2, arbitrary: fc.constant<EndSpec>('none') },
	{ weight: 1, arbitrary: fc.constant<EndSpec>('empty') }
);
const readKey = fc.oneof({ weight: 2, arbitrary: keyOf(1) }, { weight: 1, arbitrary: maybeEmptyKey });
const filterArb = fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 12 }) });

const rarely = fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

const rangeArb: fc.Arbitrary<RangeSpec> = fc.record(
	{
		key: readKey,
		end: readEndArb,
		rev: revArb,
		limit: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: -1, max: 4 }) }),
		sortOrder: fc.constantFrom<SortOrder>('NONE', 'ASCEND', 'DESCEND'),
		sortTarget: fc.constantFrom<SortTarget>('KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'),
		keysOnly: fc.boolean(),
		countOnly: rarely,
		minMod: filterArb,
		maxMod: filterArb,
		minCreate: filterArb,
		maxCreate: filterArb
	},
	{ requiredKeys: ['key', 'end', 'rev', 'limit', 'keysOnly', 'countOnly', 'minMod', 'maxMod', 'minCreate', 'maxCreate'] }
);

const putArb: fc.Arbitrary<PutSpec> = fc
	.record({
		key: maybeEmptyKey,
		value: valueArb,
		lease: leaseArb,
		prevKv: fc.boolean(),
		ignoreValue: rarely,
		ignoreLease: rarely,
		valid: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })
	})
	// Mostly well-formed ignore_* puts; sometimes a value or lease that etcd refuses with them.
	.map(({ valid, ...p }) => ({
		...p,
		value: p.ignoreValue && valid ? new Uint8Array(0) : p.value,
		lease: p.ignoreLease && valid ? 0 : p.lease
	}));

// Deletes mostly of one key or a prefix: "\0" ones empty the store quickly.
const delEndArb: fc.Arbitrary<EndSpec> = fc.oneof(
	{ weight: 5, arbitrary: fc.constant<EndSpec>('none') },
	{ weight: 2, arbitrary: fc.constant<EndSpec>('prefix') },
	{ weight: 2, arbitrary: keyArb.map((to) => ({ to })) },
	{ weight: 1, arbitrary: fc.constantFrom<EndSpec>('zero', 'empty') }
);
const delArb: fc.Arbitrary<DelSpec> = fc.record({ key: maybeEmptyKey, end: delEndArb, prevKv: fc.boolean() });

const compareArb: fc.Arbitrary<CompareSpec> = fc.record({
	key: maybeEmptyKey,
	end: fc.oneof({ weight: 4, arbitrary: fc.constant<EndSpec>('none') }, { weight: 1, arbitrary: endArb }),
	target: fc.constantFrom<CompareTarget>('VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'),
	result: fc.constantFrom<CompareResult>('EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'),
	num: fc.integer({ min: 0, max: 3 }),
	rev: revArb,
	value: valueArb
});

const { txn: txnArb } = fc.letrec<{ op: TxnOpSpec; txn: TxnSpec }>((tie) => ({
	op: fc.oneof(
		{ maxDepth: 2, depthIdentifier: 'txn' },
		rangeArb.map((range) => ({ range })),
		putArb.map((put) => ({ put })),
		delArb.map((del) => ({ del })),
		tie('txn').map((txn) => ({ txn }))
	),
	txn: fc.record({
		compare: fc.array(compareArb, { maxLength: 3, depthIdentifier: 'txn' }),
		success: fc.array(tie('op'), { maxLength: 4, depthIdentifier: 'txn' }),
		failure: fc.array(tie('op'), { maxLength: 3, depthIdentifier: 'txn' })
	})
}));

export const opArb: fc.Arbitrary<OpSpec> = fc.oneof(
	{ weight: 10, arbitrary: putArb.map((p) => ({ op: 'put' as const, p, checkLeases: true })) },
	{ weight: 1, arbitrary: putArb.map((p) => ({ op: 'put' as const, p, checkLeases: false })) },
	{ weight: 3, arbitrary: delArb.map((d) => ({ op: 'delete' as const, d })) },
	{ weight: 6, arbitrary: rangeArb.map((r) => ({ op: 'range' as const, r })) },
	{ weight: 6, arbitrary: fc.record({ t: txnArb, checkLeases: fc.boolean() }).map((x) => ({ op: 'txn' as const, ...x })) },
	{ weight: 2, arbitrary: revArb.map((rev) => ({ op: 'compact' as const, rev })) },
	{ weight: 2, arbitrary: fc.record({ s: spanArb, rev: revArb }).map((x) => ({ op: 'events' as const, ...x })) },
	{ weight: 1, arbitrary: leaseArb.map((lease) => ({ op: 'keysOfLease' as const, lease })) },
	{ weight: 1, arbitrary: fc.constant({ op: 'snapshot' as const }) }
);

// — resolution against an engine's state —

interface State {
	revision: number;
	compactRevision: number;
}

export function resolveRev(s: RevSpec, st: State): number {
	if (typeof s === 'object') return Math.max(1, st.revision - s.back);
	switch (s) {
		case 'zero':
			return 0;
		case 'current':
			return st.revision;
		case 'future':
			return st.revision + 1;
		case 'compact':
			return st.compactRevision;
		case 'belowCompact':
			return st.compactRevision - 1;
		case 'aboveCompact':
			return st.compactRevision + 1;
		case 'negative':
			return -1;
	}
}

function endOf(s: SpanSpec): Uint8Array | undefined {
	if (s.end === 'none') return undefined;
	if (s.end === 'empty') return new Uint8Array(0);
	if (s.end === 'zero') return new Uint8Array([0]);
	if (s.end === 'prefix') return prefixEnd(s.key);
	return s.end.to;
}

function rangeReq(r: RangeSpec, st: State): RangeRequest {
	const req: RangeRequest = { key: r.key, rangeEnd: endOf(r), revision: resolveRev(r.rev, st), limit: r.limit, keysOnly: r.keysOnly, countOnly: r.countOnly };
	if (r.sortOrder) req.sortOrder = r.sortOrder;
	if (r.sortTarget) req.sortTarget = r.sortTarget;
	for (const [k, v] of [
		['minModRevision', r.minMod],
		['maxModRevision', r.maxMod],
		['minCreateRevision', r.minCreate],
		['maxCreateRevision', r.maxCreate]
	] as const) {
		if (v !== 0) req[k] = v;
	}
	return req;
}

function compareReq(c: CompareSpec, st: State): Compare {
	const base = { key: c.key, rangeEnd: endOf(c), target: c.target, result: c.result };
	switch (c.target) {
		case 'VALUE':
			return { ...base, value: c.value };
		case 'VERSION':
			return { ...base, version: c.num };
		case 'LEASE':
			return { ...base, lease: c.num };
		case 'CREATE':
			return { ...base, createRevision: resolveRev(c.rev, st) };
		case 'MOD':
			return { ...base, modRevision: resolveRev(c.rev, st) };
	}
}

export function txnReq(t: TxnSpec, st: State): TxnRequest {
	const op = (o: TxnOpSpec): RequestOp => {
		if ('range' in o) return { requestRange: rangeReq(o.range, st) };
		if ('put' in o) return { requestPut: o.put };
		if ('del' in o) return { requestDeleteRange: { key: o.del.key, rangeEnd: endOf(o.del), prevKv: o.del.prevKv } };
		return { requestTxn: txnReq(o.txn, st) };
	};
	return { compare: t.compare.map((c) => compareReq(c, st)), success: t.success.map(op), failure: t.failure.map(op) };
}

/** Lease 3 was never granted (or has expired). */
export const leaseExists = (lease: number) => lease !== 3;

/**
 * Applies one operation. `st` is the state revisions are resolved against (the oracle's, so
 * both engines get the same request); the result is normalized, errors included.
 */
export function applyOp(e: MvccEngine, o: OpSpec, st: State): unknown {
	try {
		switch (o.op) {
			case 'range':
				return normalize(e.range(rangeReq(o.r, st)));
			case 'put':
				return normalize(e.put(o.p, o.checkLeases ? leaseExists : undefined));
			case 'delete':
				return normalize(e.deleteRange({ key: o.d.key, rangeEnd: endOf(o.d), prevKv: o.d.prevKv }));
			case 'txn':
				return normalize(e.txn(txnReq(o.t, st), o.checkLeases ? leaseExists : undefined));
			case 'compact':
				return normalize(e.compact(resolveRev(o.rev, st)));
			case 'events':
				return normalize(e.eventsSince(resolveRev(o.rev, st), o.s.key, endOf(o.s)));
			case 'keysOfLease':
				return normalize(e.keysOfLease(o.lease));
			case 'snapshot':
				e.restore(e.snapshot());
				return 'restored';
		}
	} catch (err) {
		if (err instanceof StoreError) return { error: err.code, message: err.message };
		return { unexpected: String(err) };
	}
}

/** Bytes as hex, undefined fields dropped: deep-equal then means equal responses. */
export function normalize(v: unknown): unknown {
	if (v instanceof Uint8Array) return Buffer.from(v).toString('hex') || '(empty)';
	if (Array.isArray(v)) return v.map(normalize);
	if (v && typeof v === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = normalize(x);
		return out;
	}
	return v;
}

/** A readable one-line description of an op, for failure reports. */
export function describeOp(o: OpSpec): string {
	return JSON.stringify(normalize(o));
}

/** A run: some plain puts to populate the store, then mixed operations (about 55 in all). */
export const runArb: fc.Arbitrary<OpSpec[]> = fc
	.tuple(
		fc.array(
			fc.record({ key: keyArb, value: valueArb, lease: leaseArb }).map((p) => ({ op: 'put' as const, p: { ...p, prevKv: false, ignoreValue: false, ignoreLease: false }, checkLeases: false })),
			{ minLength: 3, maxLength: 25, size: 'max' }
		),
		fc.array(opArb, { minLength: 1, maxLength: 80, size: 'max' })
	)
	.map(([fill, ops]) => [...fill, ...ops]);
