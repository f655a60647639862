/**
 * Label selectors: the string syntax kubectl sends (`app=web,tier in (a,b),!canary`) parsed like
 * apimachinery's labels.Parse, with its error messages; matching; and the structured
 * `metav1.LabelSelector` of workloads (matchLabels + matchExpressions) turned into the same form.
 *
 * @module
 */
import { invalid, notSupported, formatFieldError, aggregate, GoValue, type FieldError } from './field-errors';
import { labelValueErrors, qualifiedNameErrors } from './qualified-names';

export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
	key: string;
	op: LabelOperator;
	values: string[];
}

/** Requirements sorted by key; empty matches everything. `nothing` matches no object. */
export interface LabelSelector {
	requirements: Requirement[];
	nothing?: boolean;
}

export const EVERYTHING: LabelSelector = { requirements: [] };

type Tok = 'err' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

const KEYWORDS: Record<string, Tok> = { ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(' };
const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);
const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

function lex(s: string): Array<{ tok: Tok; lit: string }> {
	const out: Array<{ tok: Tok; lit: string }> = [];
	let pos = 0;
	for (;;) {
		while (pos < s.length && WHITESPACE.has(s[pos])) pos++;
		if (pos >= s.length) {
			out.push({ tok: 'eos', lit: '' });
			return out;
		}
		if (SPECIAL.has(s[pos])) {
			let buf = '';
			let last: { tok: Tok; lit: string } | undefined;
			while (pos < s.length && SPECIAL.has(s[pos])) {
				buf += s[pos];
				const t = KEYWORDS[buf];
				if (t) {
					last = { tok: t, lit: buf };
					pos++;
				} else if (last) break;
				else pos++;
			}
			out.push(last ?? { tok: 'err', lit: `error expected: keyword found '${buf}'` });
			continue;
		}
		let buf = '';
		while (pos < s.length && !SPECIAL.has(s[pos]) && !WHITESPACE.has(s[pos])) buf += s[pos++];
		out.push({ tok: KEYWORDS[buf] ?? 'id', lit: buf });
	}
}

class Parser {
	private i = 0;
	constructor(private readonly items: Array<{ tok: Tok; lit: string }>) {}

	private look(values: boolean): { tok: Tok; lit: string } {
		const it = this.items[this.i];
		return values && (it.tok === 'in' || it.tok === 'notin') ? { tok: 'id', lit: it.lit } : it;
	}
	private take(values: boolean): { tok: Tok; lit: string } {
		const it = this.look(values);
		this.i++;
		return it;
	}

	parse(): Requirement[] {
		const reqs: Requirement[] = [];
		for (;;) {
			const { tok, lit } = this.look(true);
			if (tok === 'eos') return reqs;
			if (tok !== 'id' && tok !== '!') throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
			try {
				reqs.push(this.requirement());
			} catch (e) {
				throw new Error(`unable to parse requirement: ${(e as Error).message}`);
			}
			const t = this.take(true);
			if (t.tok === 'eos') return reqs;
			if (t.tok !== ',') throw new Error(`found '${t.lit}', expected: ',' or 'end of string'`);
			const t2 = this.look(true);
			if (t2.tok !== 'id' && t2.tok !== '!') throw new Error(`found '${t2.lit}', expected: identifier after ','`);
		}
	}

	private requirement(): Requirement {
		let op: LabelOperator | undefined;
		let t = this.take(true);
		if (t.tok === '!') {
			op = '!';
			t = this.take(true);
		}
		if (t.tok !== 'id') throw new Error(`found '${t.lit}', expected: identifier`);
		const key = t.lit;
		const keyErrs = qualifiedNameErrors(key);
		if (keyErrs.length) throw new Error(formatFieldError(invalid('<nil>', key, keyErrs.join('; '))));
		const next = this.look(true).tok;
		if (next === 'eos' || next === ',') return newRequirement(key, op ?? 'exists', []);
		if (op === '!') return newRequirement(key, '!', []);
		const o = this.take(false);
		const opOf: Partial<Record<Tok, LabelOperator>> = { in: 'in', '=': '=', '==': '==', '>': 'gt', '<': 'lt', notin: 'notin', '!=': '!=' };
		const binary = opOf[o.tok];
		if (!binary) throw new Error(`found '${o.lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
		const values = binary === 'in' || binary === 'notin' ? this.setValues() : this.exactValue();
		return newRequirement(key, binary, [...new Set(values)].sort());
	}

	private setValues(): string[] {
		const t = this.take(true);
		if (t.tok !== '(') throw new Error(`found '${t.lit}' expected: '('`);
		const { tok, lit } = this.look(true);
		if (tok === ')') {
			this.take(true);
			return [''];
		}
		if (tok !== 'id' && tok !== ',') throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
		const s = this.identifiers();
		if (this.take(true).tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
		return s;
	}

	private identifiers(): string[] {
		const s = new Set<string>();
		for (;;) {
			const t = this.take(true);
			if (t.tok === 'id') {
				s.add(t.lit);
				const t2 = this.look(true);
				if (t2.tok === ',') continue;
				if (t2.tok === ')') return [...s];
				throw new Error(`found '${t2.lit}', expected: ',' or ')'`);
			}
			if (t.tok === ',') {
				if (s.size === 0) s.add('');
				const t2 = this.look(true).tok;
				if (t2 === ')') {
					s.add('');
					return [...s];
				}
				if (t2 === ',') s.add('');
				continue;
			}
			throw new Error(`found '${t.lit}', expected: ',', or identifier`);
		}
	}

	private exactValue(): string[] {
		const t = this.look(true).tok;
		if (t === 'eos' || t === ',') return [''];
		const v = this.take(true);
		if (v.tok === 'id') return [v.lit];
		throw new Error(`found '${v.lit}', expected: identifier`);
	}
}

/** NewRequirement's checks (values count, integer values for gt/lt, label values). */
function newRequirement(key: string, op: LabelOperator, values: string[]): Requirement {
	const errs: FieldError[] = [];
	const vp = 'values';
	const goList = new GoValue(`[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`);
	if ((op === 'in' || op === 'notin') && values.length === 0) errs.push(invalid(vp, goList, "for 'in', 'notin' operators, values set can't be empty"));
	if ((op === '=' || op === '==' || op === '!=') && values.length !== 1) errs.push(invalid(vp, goList, 'exact-match compatibility requires one single value'));
	if (op === 'gt' || op === 'lt') {
		if (values.length !== 1) errs.push(invalid(vp, goList, "for 'Gt', 'Lt' operators, exactly one value is required"));
		values.forEach((v, i) => {
			if (!/^[+-]?\d+$/.test(v)) errs.push(invalid(`${vp}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
		});
	}
	values.forEach((v, i) => {
		const ve = labelValueErrors(v);
		if (ve.length) errs.push(invalid(`${vp}[${i}][${key}]`, v, ve.join('; ')));
	});
	if (errs.length) throw new Error(aggregate(errs.map(formatFieldError)));
	return { key, op, values };
}

/** Parses a selector string; throws with kube's message (`unable to parse requirement: ...`). */
export function parseLabelSelector(s: string): LabelSelector {
	const reqs = new Parser(lex(s)).parse();
	reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	return { requirements: reqs };
}

function matchRequirement(r: Requirement, labels: Record<string, string>): boolean {
	const has = Object.prototype.hasOwnProperty.call(labels, r.key);
	const v = has ? labels[r.key] : undefined;
	switch (r.op) {
		case '=':
		case '==':
		case 'in':
			return has && r.values.includes(v!);
		case '!=':
		case 'notin':
			return !has || !r.values.includes(v!);
		case 'exists':
			return has;
		case '!':
			return !has;
		case 'gt':
		case 'lt': {
			if (!has || !/^[+-]?\d+$/.test(v!)) return false;
			const a = Number(v);
			const b = Number(r.values[0]);
			return r.op === 'gt' ? a > b : a < b;
		}
	}
}

/** True when `labels` satisfy every requirement. */
export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
	if (sel.nothing) return false;
	const l = labels ?? {};
	return sel.requirements.every((r) => matchRequirement(r, l));
}

/** The canonical string form (`app=web,tier in (a,b)`). */
export function formatSelector(sel: LabelSelector): string {
	return sel.requirements
		.map((r) => {
			const vals = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
			switch (r.op) {
				case 'exists':
					return r.key;
				case '!':
					return `!${r.key}`;
				case 'in':
				case 'notin':
					return `${r.key} ${r.op} (${vals})`;
				case 'gt':
					return `${r.key}>${vals}`;
				case 'lt':
					return `${r.key}<${vals}`;
				default:
					return `${r.key}${r.op}${vals}`;
			}
		})
		.join(',');
}

/** `metav1.LabelSelector` as stored in objects. */
export interface LabelSelectorObject {
	matchLabels?: Record<string, string>;
	matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/**
 * metav1.LabelSelectorAsSelector: undefined/null selects nothing, `{}` everything. Throws on an
 * invalid operator or values (as kube's conversion does).
 */
export function selectorFromObject(obj: LabelSelectorObject | null | undefined): LabelSelector {
	if (!obj) return { requirements: [], nothing: true };
	const reqs: Requirement[] = [];
	for (const [k, v] of Object.entries(obj.matchLabels ?? {})) reqs.push(newRequirement(k, '=', [v]));
	for (const e of obj.matchExpressions ?? []) {
		const ops: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };
		const op = ops[e.operator];
		if (!op) throw new Error(formatFieldError(notSupported('operator', e.operator, Object.keys(ops))));
		reqs.push(newRequirement(e.key, op, op === 'exists' || op === '!' ? (e.values ?? []) : [...(e.values ?? [])]));
	}
	reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	return { requirements: reqs };
}

/** metav1.FormatLabelSelector: `app=web`, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelectorObject(obj: LabelSelectorObject | null | undefined): string {
	try {
		return formatSelector(selectorFromObject(obj)) || '<none>';
	} catch {
		return '<error>';
	}
}

/** labels.FormatLabels: `a=1,b=2` sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
	const keys = Object.keys(labels ?? {}).sort();
	return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}
