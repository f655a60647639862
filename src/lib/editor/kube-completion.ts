/**
 * Schema-driven completion for manifests: the fields valid at the cursor (minus those already
 * written), enum values, booleans, and `apiVersion`/`kind` values of converge's built-in kinds.
 *
 * @module
 */
import { autocompletion, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { EditorState, type Extension } from '@codemirror/state';
import { BUILTIN_KINDS, apiVersionOf } from '../kube/kinds';
import {
	enumNotes,
	firstSentence,
	resolveAt,
	schemaFor,
	typeLabel,
	type SchemaNode
} from '../kube/schema';
import { completionTargetAt, type CompletionTarget } from '../kube/yaml-path';

/** What a document without a known kind can still start with. */
const BARE_ROOT: SchemaNode = {
	type: 'object',
	properties: {
		apiVersion: { type: 'string', description: 'The group/version of the object, e.g. apps/v1.' },
		kind: { type: 'string', description: 'The kind of the object, e.g. Deployment.' },
		metadata: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }
	}
};

function rootOf(t: CompletionTarget): SchemaNode {
	return (t.apiVersion && t.kind && schemaFor(t.apiVersion, t.kind)) || BARE_ROOT;
}

function isObjectLike(n: SchemaNode): boolean {
	return !!n.properties || !!n.additionalProperties || (n.type === 'object' && !n['x-kubernetes-preserve-unknown-fields']);
}

/** The text a chosen key inserts: `key: ` for scalars, a new indented line for collections. */
function keyApply(key: string, prop: SchemaNode, t: CompletionTarget): string {
	if (t.colonFollows) return key;
	const resolved = resolveAt(prop, []);
	const indent = ' '.repeat(t.column + 2);
	if (resolved?.type === 'array') return `${key}:\n${indent}- `;
	if (resolved && isObjectLike(resolved)) return `${key}:\n${indent}`;
	return `${key}: `;
}

function keyOptions(t: CompletionTarget): Completion[] {
	const node = resolveAt(rootOf(t), t.path);
	if (!node?.properties) return [];
	const required = new Set(node.required ?? []);
	const taken = new Set(t.siblings);
	const out: Completion[] = [];
	for (const [key, prop] of Object.entries(node.properties)) {
		if (taken.has(key)) continue;
		const description = prop.description ?? resolveAt(prop, [])?.description;
		out.push({
			label: key,
			type: 'property',
			detail: required.has(key) ? `${typeLabel(prop)} (required)` : typeLabel(prop),
			info: firstSentence(description) || undefined,
			apply: keyApply(key, prop, t),
			// Required fields first: they are what a learner is most likely missing.
			boost: required.has(key) ? 1 : 0
		});
	}
	return out;
}

function kindOptions(t: CompletionTarget): Completion[] {
	const byKind = new Map<string, string[]>();
	for (const info of BUILTIN_KINDS) {
		if (t.apiVersion && lookupServes(t.apiVersion) && apiVersionOf(info) !== t.apiVersion) continue;
		byKind.set(info.kind, [...(byKind.get(info.kind) ?? []), apiVersionOf(info)]);
	}
	return [...byKind].map(([kind, versions]) => ({ label: kind, type: 'class', detail: versions.join(', ') }));
}

function apiVersionOptions(t: CompletionTarget): Completion[] {
	const versions = new Map<string, string[]>();
	const kindKnown = !!t.kind && BUILTIN_KINDS.some((i) => i.kind === t.kind);
	for (const info of BUILTIN_KINDS) {
		if (kindKnown && info.kind !== t.kind) continue;
		const v = apiVersionOf(info);
		versions.set(v, [...(versions.get(v) ?? []), info.kind]);
	}
	return [...versions].map(([v, kinds]) => ({ label: v, type: 'namespace', detail: kinds.slice(0, 4).join(', ') + (kinds.length > 4 ? ', …' : '') }));
}

function lookupServes(apiVersion: string): boolean {
	return BUILTIN_KINDS.some((i) => apiVersionOf(i) === apiVersion);
}

function valueOptions(t: CompletionTarget): Completion[] {
	if (t.path.length === 1 && t.path[0] === 'kind') return kindOptions(t);
	if (t.path.length === 1 && t.path[0] === 'apiVersion') return apiVersionOptions(t);
	const node = resolveAt(rootOf(t), t.path);
	if (!node) return [];
	if (node.enum) {
		const notes = enumNotes(node.description);
		return node.enum.map((v) => ({ label: v, type: 'enum', detail: typeLabel(node), info: notes.get(v) }));
	}
	if (node.type === 'boolean') return ['true', 'false'].map((v) => ({ label: v, type: 'keyword' }));
	return [];
}

/**
 * The completion source: use it in `autocompletion({ override: [...] })` or as language data.
 * Key completion on an empty word waits for an explicit request (Ctrl-Space) so that typing
 * an indentation does not pop a list; value completion offers enums as soon as `key: ` is typed.
 */
export function kubeCompletionSource(context: CompletionContext): CompletionResult | null {
	const t = completionTargetAt(context.state.doc.toString(), context.pos);
	if (!t) return null;
	let options: Completion[];
	if (t.role === 'key' && t.afterDash && resolveAt(rootOf(t), t.path)?.properties === undefined) {
		// `- Read|` in a list of scalars: the "key" is really a list item value.
		options = valueOptions(t);
	} else if (t.role === 'key') {
		if (t.from === t.to && !context.explicit) return null;
		options = keyOptions(t);
	} else options = valueOptions(t);
	if (!options.length) return null;
	return { from: t.from, to: t.to, options, validFor: /^[\w.\-/]*$/ };
}

/**
 * Schema completion for Kubernetes manifests. Registered as language data, so it works next to
 * whatever `autocompletion()` configuration the editor has (as long as it sets no `override`).
 */
export function kubeCompletion(): Extension {
	return [autocompletion(), EditorState.languageData.of(() => [{ autocomplete: kubeCompletionSource }])];
}
