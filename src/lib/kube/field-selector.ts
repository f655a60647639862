/**
 * Field selectors (`metadata.name=web,status.phase!=Running`): parsed like apimachinery's
 * fields.ParseSelector (escapes `\,` `\=` `\\`, its error messages), checked against the field
 * labels each kind supports (`field label not supported: spec.foo`), matched against an object.
 *
 * @module
 */

export interface FieldTerm {
	field: string;
	op: '=' | '!=';
	value: string;
}

export interface FieldSelector {
	terms: FieldTerm[];
}

const OPERATORS = ['!=', '==', '='] as const;

function splitTerms(s: string): string[] {
	if (!s) return [];
	const terms: string[] = [];
	let start = 0;
	let inSlash = false;
	for (let i = 0; i < s.length; i++) {
		const c = s[i];
		if (inSlash) inSlash = false;
		else if (c === '\\') inSlash = true;
		else if (c === ',') {
			terms.push(s.slice(start, i));
			start = i + 1;
		}
	}
	terms.push(s.slice(start));
	return terms;
}

function splitTerm(term: string): [string, string, string] | undefined {
	for (let i = 0; i < term.length; i++) {
		for (const op of OPERATORS) if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
	}
	return undefined;
}

function unescape(s: string): string {
	if (!/[\\,=]/.test(s)) return s;
	let out = '';
	let inSlash = false;
	for (const c of s) {
		if (inSlash) {
			if (c === '\\' || c === ',' || c === '=') out += c;
			else throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
			inSlash = false;
			continue;
		}
		if (c === '\\') inSlash = true;
		else if (c === ',' || c === '=') throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
		else out += c;
	}
	if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
	return out;
}

/** Parses a field selector; throws with kube's message. */
export function parseFieldSelector(s: string): FieldSelector {
	const parts = splitTerms(s).sort();
	const terms: FieldTerm[] = [];
	for (const part of parts) {
		if (!part) continue;
		const t = splitTerm(part);
		if (!t) throw new Error(`invalid selector: '${s}'; can't understand '${part}'`);
		const [field, op, rhs] = t;
		terms.push({ field, op: op === '!=' ? '!=' : '=', value: unescape(rhs) });
	}
	return { terms };
}

/** The value the selector requires for `field` with `=`, if any (`metadata.name=web` → `web`). */
export function requiresExactMatch(sel: FieldSelector, field: string): string | undefined {
	const t = sel.terms.find((x) => x.field === field);
	return t && t.op === '=' ? t.value : undefined;
}

/** Throws `field label not supported: X` for a field the kind cannot be selected on. */
export function checkFieldLabels(sel: FieldSelector, supported: ReadonlySet<string>): void {
	for (const t of sel.terms) if (!supported.has(t.field)) throw new Error(`field label not supported: ${t.field}`);
}

/** True when the object's selectable fields satisfy every term. */
export function matchesFields(sel: FieldSelector, fields: Record<string, string>): boolean {
	return sel.terms.every((t) => ((fields[t.field] ?? '') === t.value) === (t.op === '='));
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const at = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((cur, p) => (cur && typeof cur === 'object' ? (cur as Obj)[p] : undefined), o);

/** Per kind (`apiVersion/kind`): the extra selectable fields and how to read them. */
const KIND_FIELDS: Record<string, Record<string, (o: Obj) => string>> = {
	'v1/Pod': {
		'spec.nodeName': (o) => str(at(o, 'spec', 'nodeName')),
		'spec.restartPolicy': (o) => str(at(o, 'spec', 'restartPolicy')),
		'spec.schedulerName': (o) => str(at(o, 'spec', 'schedulerName')),
		'spec.serviceAccountName': (o) => str(at(o, 'spec', 'serviceAccountName')),
		'spec.hostNetwork': (o) => String(at(o, 'spec', 'hostNetwork') === true),
		'status.phase': (o) => str(at(o, 'status', 'phase')),
		'status.podIP': (o) => str(at(o, 'status', 'podIP')),
		'status.podIPs': (o) => str((at(o, 'status', 'podIPs') as Obj[] | undefined)?.[0]?.ip),
		'status.nominatedNodeName': (o) => str(at(o, 'status', 'nominatedNodeName'))
	},
	'v1/Event': {
		'involvedObject.kind': (o) => str(at(o, 'involvedObject', 'kind')),
		'involvedObject.namespace': (o) => str(at(o, 'involvedObject', 'namespace')),
		'involvedObject.name': (o) => str(at(o, 'involvedObject', 'name')),
		'involvedObject.uid': (o) => str(at(o, 'involvedObject', 'uid')),
		'involvedObject.apiVersion': (o) => str(at(o, 'involvedObject', 'apiVersion')),
		'involvedObject.resourceVersion': (o) => str(at(o, 'involvedObject', 'resourceVersion')),
		'involvedObject.fieldPath': (o) => str(at(o, 'involvedObject', 'fieldPath')),
		reason: (o) => str(o.reason),
		reportingComponent: (o) => str(o.reportingComponent),
		source: (o) => str(at(o, 'source', 'component')),
		type: (o) => str(o.type)
	},
	'v1/Namespace': { 'status.phase': (o) => str(at(o, 'status', 'phase')) },
	'v1/Node': { 'spec.unschedulable': (o) => String(at(o, 'spec', 'unschedulable') === true) },
	'v1/Secret': { type: (o) => str(o.type) },
	'apps/v1/ReplicaSet': { 'status.replicas': (o) => String(at(o, 'status', 'replicas') ?? 0) },
	'batch/v1/Job': { 'status.successful': (o) => String(at(o, 'status', 'succeeded') ?? 0) }
};

/** The field labels a kind supports (metadata.name and metadata.namespace for every kind). */
export function supportedFieldLabels(apiVersion: string, kind: string): ReadonlySet<string> {
	return new Set(['metadata.name', 'metadata.namespace', ...Object.keys(KIND_FIELDS[`${apiVersion}/${kind}`] ?? {})]);
}

/** The selectable fields of an object of `apiVersion/kind`. */
export function objectFields(apiVersion: string, kind: string, obj: Obj): Record<string, string> {
	const meta = (obj.metadata ?? {}) as Obj;
	const out: Record<string, string> = { 'metadata.name': str(meta.name), 'metadata.namespace': str(meta.namespace) };
	for (const [f, read] of Object.entries(KIND_FIELDS[`${apiVersion}/${kind}`] ?? {})) out[f] = read(obj);
	return out;
}
