/**
 * Value matchers and field paths of lesson checks (pure).
 *
 * Paths are dotted (`status.readyReplicas`), with `[n]` for list items and `["a.b/c"]` for keys
 * that hold dots (`metadata.labels["app.kubernetes.io/name"]`). A bare name (`readyReplicas`)
 * is looked up in `status`, then `spec`, then the object itself.
 *
 * @module
 */
import type { KubeObject } from '../controllers/types';
import { quantityValue } from '../kube/quantity';
import type { Matcher, Predicate } from './types';

const OPERATORS = ['gte', 'lte', 'gt', 'lt', 'not', 'in', 'exists', 'contains', 'some', 'none'] as const;

/** The segments of a path; throws RangeError on a malformed one. */
export function parsePath(path: string): Array<string | number> {
	const out: Array<string | number> = [];
	const re = /([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]|\.(?=[^.])/gy;
	let m: RegExpExecArray | null;
	let pos = 0;
	while (pos < path.length && (m = re.exec(path))) {
		if (m[1] !== undefined) out.push(m[1]);
		else if (m[2] !== undefined) out.push(Number(m[2]));
		else if (m[3] !== undefined) out.push(m[3]);
		pos = re.lastIndex;
	}
	if (pos !== path.length || !out.length) throw new RangeError(`invalid field path "${path}"`);
	return out;
}

function walk(obj: unknown, segs: Array<string | number>): unknown {
	let cur = obj;
	for (const s of segs) {
		if (cur === null || typeof cur !== 'object') return undefined;
		cur = (cur as Record<string | number, unknown>)[s];
	}
	return cur;
}

/** The value at `path` (bare names: status, then spec, then top level) and the path it was found at. */
export function getPath(obj: unknown, path: string): { value: unknown; at: string } {
	const segs = parsePath(path);
	if (segs.length === 1 && typeof segs[0] === 'string' && !['metadata', 'spec', 'status', 'kind', 'apiVersion'].includes(segs[0])) {
		for (const root of ['status', 'spec']) {
			const v = walk(obj, [root, ...segs]);
			if (v !== undefined) return { value: v, at: `${root}.${path}` };
		}
	}
	return { value: walk(obj, segs), at: path };
}

const isOperator = (m: unknown): m is Record<string, unknown> =>
	m !== null && typeof m === 'object' && !Array.isArray(m) && Object.keys(m).length === 1 && (OPERATORS as readonly string[]).includes(Object.keys(m)[0]);

/** Numbers, and Kubernetes quantities (`"500m"` = 0.5, `"2Gi"`), so `{lte: 4}` works on cpu requests. */
const num = (v: unknown): number | undefined => {
	const n = quantityValue(v);
	return Number.isFinite(n) ? n : undefined;
};

function equal(want: unknown, got: unknown): boolean {
	if (want === null || typeof want !== 'object') {
		if (got === undefined || got === null) return want === null;
		if (typeof got === 'object') return false;
		return String(want) === String(got);
	}
	if (Array.isArray(want)) return Array.isArray(got) && want.length === got.length && want.every((w, i) => matches(w, got[i]));
	// A plain map: every key it names matches (other keys of the value are ignored).
	return got !== null && typeof got === 'object' && Object.entries(want as Record<string, unknown>).every(([k, w]) => matches(w, (got as Record<string, unknown>)[k]));
}

/** Does `value` satisfy `m`? */
export function matches(m: Matcher, value: unknown): boolean {
	if (!isOperator(m)) return equal(m, value);
	const [op, arg] = Object.entries(m)[0];
	const n = num(value);
	const a = num(arg);
	switch (op) {
		case 'gte':
			return n !== undefined && a !== undefined && n >= a;
		case 'lte':
			return n !== undefined && a !== undefined && n <= a;
		case 'gt':
			return n !== undefined && a !== undefined && n > a;
		case 'lt':
			return n !== undefined && a !== undefined && n < a;
		case 'not':
			return !matches(arg, value);
		case 'in':
			return Array.isArray(arg) && arg.some((x) => matches(x, value));
		case 'exists':
			return (value !== undefined && value !== null) === (arg !== false);
		case 'contains':
			if (typeof value === 'string') return value.includes(String(arg));
			return Array.isArray(value) && value.some((x) => matches(arg, x));
		case 'some':
			return Array.isArray(value) && value.some((x) => equal(arg, x));
		case 'none':
			return !Array.isArray(value) || !value.some((x) => equal(arg, x));
	}
	return false;
}

function fmt(v: unknown): string {
	if (v === undefined) return 'nothing';
	if (typeof v === 'string') return v === '' ? '""' : v;
	if (v !== null && typeof v === 'object' && !Array.isArray(v)) return Object.entries(v).map(([k, x]) => `${k}=${describeMatcher(x)}`).join(', ');
	return JSON.stringify(v);
}

/** The matcher in words: `5`, `≥ 3`, `one of a, b`, `an item with type=Ready, status=True`. */
export function describeMatcher(m: Matcher): string {
	if (!isOperator(m)) return fmt(m);
	const [op, arg] = Object.entries(m)[0];
	switch (op) {
		case 'gte':
			return `≥ ${fmt(arg)}`;
		case 'lte':
			return `≤ ${fmt(arg)}`;
		case 'gt':
			return `> ${fmt(arg)}`;
		case 'lt':
			return `< ${fmt(arg)}`;
		case 'not':
			return `not ${describeMatcher(arg)}`;
		case 'in':
			return `one of ${(arg as unknown[]).map(fmt).join(', ')}`;
		case 'exists':
			return arg === false ? 'absent' : 'set';
		case 'contains':
			return `containing ${fmt(arg)}`;
		case 'some':
			return `an item with ${fmt(arg)}`;
		case 'none':
			return `no item with ${fmt(arg)}`;
	}
	return fmt(m);
}

/** What was found, briefly (lists of conditions or taints by their key fields). */
export function describeValue(v: unknown): string {
	if (Array.isArray(v)) {
		if (!v.length) return 'an empty list';
		const short = v.slice(0, 5).map((x) => (x && typeof x === 'object' ? Object.entries(x).filter(([k]) => ['type', 'status', 'reason', 'key', 'effect', 'node', 'plugin', 'manager'].includes(k)).map(([k, y]) => `${k}=${fmt(y)}`).join(' ') || JSON.stringify(x) : fmt(x)));
		return `[${short.join('; ')}${v.length > 5 ? '; …' : ''}]`;
	}
	const s = fmt(v);
	return s.length > 120 ? s.slice(0, 117) + '…' : s;
}

/** `kubectl` matches kubectl's own managers (`kubectl`, `kubectl-create`, `kubectl-client-side-apply`, …); a trailing `*` is a prefix. */
export function managerMatches(pattern: string, manager: string): boolean {
	if (pattern.endsWith('*')) return manager.startsWith(pattern.slice(0, -1));
	if (pattern === 'kubectl') return manager === 'kubectl' || manager.startsWith('kubectl-');
	return manager === pattern;
}

/** Shorthand keys of a predicate, expanded to a path and a matcher. */
function expand(key: string, m: Matcher): { path: string; matcher: Matcher; label: string } | undefined {
	switch (key) {
		case 'condition':
			return { path: 'status.conditions', matcher: { some: m }, label: 'condition' };
		case 'taint':
			return { path: 'spec.taints', matcher: { some: m }, label: 'taint' };
		case 'noTaint':
			return { path: 'spec.taints', matcher: { none: typeof m === 'string' ? { key: m } : m }, label: 'taint' };
		case 'ready':
			return { path: 'status.conditions', matcher: m === false ? { none: { type: 'Ready', status: 'True' } } : { some: { type: 'Ready', status: 'True' } }, label: 'Ready condition' };
	}
	return undefined;
}

/** Checks `obj` against every entry of `pred`; the first failure in words. */
export function checkPredicate(pred: Predicate, obj: KubeObject): { ok: true } | { ok: false; message: string } {
	for (const [key, m] of Object.entries(pred)) {
		if (key === 'managedBy') {
			const managers = ((obj.metadata as { managedFields?: unknown }).managedFields as Array<{ manager?: string }> | undefined)?.map((f) => f.manager ?? '') ?? [];
			if (!managers.some((x) => managerMatches(String(m), x)))
				return { ok: false, message: `expected a field manager ${describeMatcher(m)}${m === 'kubectl' ? ' (a kubectl command)' : ''}, found ${managers.length ? managers.join(', ') : 'none'}` };
			continue;
		}
		const ex = expand(key, m);
		const { value, at } = getPath(obj, ex?.path ?? key);
		const matcher = ex?.matcher ?? m;
		if (matches(matcher, value)) continue;
		const want = ex ? describeMatcher(matcher).replace(/^(an|no) item/, (_, w: string) => `${w === 'an' ? 'a' : 'no'} ${ex.label}`) : `${at} ${!isOperator(m) ? '= ' : 'some' in m || 'none' in m ? 'to have ' : ''}${describeMatcher(m)}`;
		return { ok: false, message: `expected ${want}, found ${describeValue(value)}` };
	}
	return { ok: true };
}
