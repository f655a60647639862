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
import type { Document } from 'yaml';
import { schemaDiagnostics } from '../kube/schema-diagnostics';
import { headerOf, nodeAt, parseDocuments, toObject } from '../kube/yaml-path';

/** The `source` of every diagnostic this linter produces. */
export const KUBE_LINT_SOURCE = 'kube-schema';

function documentDiagnostics(doc: Document.Parsed): Diagnostic[] {
	if (doc.errors.length || !doc.contents) return [];
	const { apiVersion, kind } = headerOf(doc);
	if (!apiVersion || !kind) return [];
	const obj = toObject(doc);
	if (obj === undefined) return [];
	return schemaDiagnostics(doc, obj, apiVersion, kind).map((d) => ({ ...d, source: KUBE_LINT_SOURCE }));
}

/** Schema diagnostics of a whole (multi-document) manifest file. */
export function kubeDiagnostics(text: string): Diagnostic[] {
	return parseDocuments(text).flatMap(documentDiagnostics);
}

/** Lints the editor's manifest against the built-in kinds' schemas. `delay` is in ms (default 500). */
export function kubeLint(config: { delay?: number } = {}): Extension {
	return linter((view) => kubeDiagnostics(view.state.doc.toString()), { delay: config.delay ?? 500 });
}
