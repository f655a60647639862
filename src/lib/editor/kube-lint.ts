/**
 * Schema lint for manifests: each document of a built-in kind is validated with
 * `validateObject` (the API server's checks) and its errors are placed on the YAML that caused
 * them. Documents with YAML syntax errors are skipped: their values cannot be trusted, and the
 * syntax error is what the learner should fix first (the manifest parser reports it).
 *
 * @module
 */
import { linter, type Diagnostic } from '@codemirror/lint';
import type { Extension } from '@codemirror/state';
import type { Document, Node } from 'yaml';
import { isMap, isSeq } from 'yaml';
import { validateObject, type FieldPath, type SchemaError } from '../kube/schema';
import { headerOf, nodeAt, parseDocuments, toObject } from './yaml-path';

/** The `source` of every diagnostic this linter produces. */
export const KUBE_LINT_SOURCE = 'kube-schema';

const rangeOf = (n: Node | null | undefined): [number, number] | undefined => (n?.range ? [n.range[0], n.range[1]] : undefined);

/** The first key of a collection: where a "missing field" inside it is shown. */
function firstKeyRange(n: Node | undefined): [number, number] | undefined {
	if (isMap(n) && n.items.length) return rangeOf(n.items[0].key as Node);
	if (isSeq(n) && n.items.length) return rangeOf(n.items[0] as Node);
	return rangeOf(n);
}

/**
 * Where to show an error: the value for type and enum errors, the key for unknown fields, and
 * the parent field's key for a missing required field (the field itself is not in the text).
 */
function anchor(doc: Document.Parsed, e: SchemaError): [number, number] | undefined {
	if (e.reason === 'required') {
		const parent: FieldPath = e.path.slice(0, -1);
		const at = nodeAt(doc, parent);
		if (parent.length === 0) return firstKeyRange(doc.contents ?? undefined);
		if (typeof parent[parent.length - 1] === 'number') return firstKeyRange(at.node);
		return rangeOf(at.pair?.key as Node) ?? rangeOf(at.node);
	}
	const at = nodeAt(doc, e.path);
	if (e.reason === 'unknown') return rangeOf(at.pair?.key as Node) ?? rangeOf(at.node);
	return rangeOf(at.node) ?? rangeOf(at.pair?.key as Node);
}

function documentDiagnostics(doc: Document.Parsed): Diagnostic[] {
	if (doc.errors.length || !doc.contents) return [];
	const { apiVersion, kind } = headerOf(doc);
	if (!apiVersion || !kind) return [];
	const obj = toObject(doc);
	if (obj === undefined) return [];
	const out: Diagnostic[] = [];
	for (const e of validateObject(obj, apiVersion, kind)) {
		const r = anchor(doc, e) ?? [doc.range[0], doc.range[0]];
		out.push({
			from: r[0],
			to: r[1],
			// Unknown fields are dropped by a non-strict apply, so they warn; the rest are rejected.
			severity: e.reason === 'unknown' ? 'warning' : 'error',
			source: KUBE_LINT_SOURCE,
			message: e.message
		});
	}
	return out;
}

/** Schema diagnostics of a whole (multi-document) manifest file. */
export function kubeDiagnostics(text: string): Diagnostic[] {
	return parseDocuments(text).flatMap(documentDiagnostics);
}

/** Lints the editor's manifest against the built-in kinds' schemas. `delay` is in ms (default 500). */
export function kubeLint(config: { delay?: number } = {}): Extension {
	return linter((view) => kubeDiagnostics(view.state.doc.toString()), { delay: config.delay ?? 500 });
}
