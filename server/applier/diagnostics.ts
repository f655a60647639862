/**
 * Apply errors placed in the files: the API's field paths (`spec.replicas`,
 * `spec.template.spec.containers[0].image`, a conflict's `.spec.containers[name="web"].image`)
 * mapped to the YAML node that declares them, so every editor shows the API's message at the
 * right line. Pure (text in, diagnostics out).
 *
 * @module
 */
import { isMap, isScalar, isSeq, LineCounter, type Node } from 'yaml';
import type { AnalysisEvent, Diagnostic } from '../../src/lib/collab/protocol';
import type { ParsedObject } from '../../src/lib/kube/manifest';
import type { ApiErrorCause } from '../../src/lib/controllers/types';
import type { FieldPath } from '../../src/lib/kube/schema';
import { nodeAt, parseDocuments } from '../../src/lib/kube/yaml-path';

/** A failed apply of one declared object. */
export interface ApplyFailure {
	path: string;
	doc: number;
	code: number;
	reason: string;
	message: string;
	causes: ApiErrorCause[];
}

type Step = string | number | { key: string; value: string };

/** Parses an API field path into steps; `[name="web"]` is a list item chosen by a key field. */
export function parseFieldPath(field: string): Step[] {
	const steps: Step[] = [];
	const re = /\.?([^.[\]]+)|\[(\d+)\]|\[([^=\]]+)=("(?:[^"\\]|\\.)*"|[^\]]*)\]/gy;
	let m: RegExpExecArray | null;
	while (re.lastIndex < field.length && (m = re.exec(field))) {
		if (m[1] !== undefined) steps.push(m[1]);
		else if (m[2] !== undefined) steps.push(Number(m[2]));
		else {
			let value = m[4];
			try {
				if (value.startsWith('"')) value = JSON.parse(value) as string;
			} catch {
				/* keep it raw */
			}
			steps.push({ key: m[3], value });
		}
	}
	return steps;
}

/** Resolves keyed list steps against the YAML, stopping where the path leaves the document. */
function nodePath(root: Node | null, steps: Step[]): FieldPath {
	const out: FieldPath = [];
	let node: Node | null = root;
	for (const s of steps) {
		let next: Node | null | undefined;
		let step: string | number;
		if (typeof s === 'string') {
			if (!isMap(node)) break;
			next = node.items.find((p) => isScalar(p.key) && String(p.key.value) === s)?.value as Node | null | undefined;
			step = s;
		} else {
			if (!isSeq(node)) break;
			const items = node.items as Node[];
			const i = typeof s === 'number' ? s : items.findIndex((item) => isMap(item) && String(item.get(s.key)) === s.value);
			next = i >= 0 ? items[i] : undefined;
			step = i;
		}
		if (next === undefined) break;
		out.push(step);
		node = next;
	}
	return out;
}

/** Where in a document the field sits: its value, else its key, else the nearest declared parent. */
function rangeOf(text: string, docIndex: number, field: string | undefined): [number, number] {
	const docs = parseDocuments(text);
	const doc = docs[docIndex];
	if (!doc) return [0, 0];
	const start = doc.contents?.range?.[0] ?? doc.range[0];
	if (!field) return [start, start];
	const steps = parseFieldPath(field);
	const path = nodePath(doc.contents as Node | null, steps);
	for (let n = path.length; n > 0; n--) {
		const at = nodeAt(doc, path.slice(0, n));
		const key = at.pair?.key as Node | undefined;
		// The field itself: its value. A missing field: the key of the nearest declared parent.
		const node = n === steps.length ? ((at.node?.range ? at.node : undefined) ?? key) : (key ?? at.node);
		if (node?.range) return [node.range[0], node.range[1]];
	}
	return [start, start];
}

/** The field a 404 names: a missing namespace is the object's `metadata.namespace`. */
function fieldOf(f: ApplyFailure, cause?: ApiErrorCause): string | undefined {
	if (cause?.field) return cause.field;
	if (f.code === 404 && /namespaces? "[^"]*" not found/.test(f.message)) return 'metadata.namespace';
	return undefined;
}

/** The message of one cause, with the object named like the API's own message does. */
function messageOf(f: ApplyFailure, cause?: ApiErrorCause): string {
	if (!cause || f.causes.length <= 1 || !cause.field) return f.message;
	const head = / is invalid: /.exec(f.message);
	const prefix = head ? f.message.slice(0, head.index + head[0].length) : '';
	return `${prefix}${cause.field}: ${cause.message ?? ''}`;
}

/** Diagnostics of failed applies, per file (`texts`: the files' current text). */
export function applyDiagnostics(failures: Iterable<ApplyFailure>, texts: Map<string, string>): Record<string, Diagnostic[]> {
	const out: Record<string, Diagnostic[]> = {};
	for (const f of failures) {
		const text = texts.get(f.path);
		if (text === undefined) continue;
		const lines = new LineCounter();
		lines.addNewLine(0);
		for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
		const causes: Array<ApiErrorCause | undefined> = f.causes.length ? f.causes : [undefined];
		for (const cause of causes) {
			const [from, to] = rangeOf(text, f.doc, fieldOf(f, cause));
			const { line, col } = lines.linePos(from);
			(out[f.path] ??= []).push({ path: f.path, from, to, line, col, severity: 'error', source: 'apply', message: messageOf(f, cause) });
		}
	}
	return out;
}

/** The notice on a file with errors: nothing from it is applied until they are fixed. */
export function heldDiagnostic(path: string): Diagnostic {
	return {
		path,
		from: 0,
		to: 0,
		line: 1,
		col: 1,
		severity: 'warning',
		source: 'apply',
		message: 'not applied: this file has errors, so the cluster keeps its last applied state of it until they are fixed'
	};
}

/** The analyzer's message on the second declaration of an object (src/lib/kube/analyze.ts). */
const DECLARED_TWICE = /^(.*) is already declared in (.+):(\d+)$/;

/**
 * The other half of "declared twice": the analyzer marks the second declaration (whose file is
 * then held back); this marks the first, which is the one applied, pointing at the second.
 */
export function duplicateDiagnostics(analysis: AnalysisEvent, objects: readonly ParsedObject[], texts: Map<string, string>): Record<string, Diagnostic[]> {
	const out: Record<string, Diagnostic[]> = {};
	for (const list of Object.values(analysis.diagnostics))
		for (const d of list) {
			const m = d.source === 'shape' ? DECLARED_TWICE.exec(d.message) : null;
			if (!m) continue;
			const first = objects.find((o) => o.path === m[2] && o.line === Number(m[3]));
			const text = first && texts.get(first.path);
			if (!first || text === undefined) continue;
			const col = first.start - (text.lastIndexOf('\n', first.start - 1) + 1) + 1;
			(out[first.path] ??= []).push({
				path: first.path,
				from: first.start,
				to: first.start,
				line: first.line,
				col,
				severity: 'error',
				source: 'apply',
				message: `${m[1]} is also declared in ${d.path}:${d.line}; only this declaration is applied`
			});
		}
	return out;
}
