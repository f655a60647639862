/**
 * The Kubernetes schema of the built-in kinds and the walks over it: which schema an object
 * follows, and which sub-schema sits at a path inside it. Pure; shared by the editor (completion,
 * hover, lint) and the API server (validation), so both read one source of truth.
 *
 * @module
 */
import generated from './openapi.json';
import type { FieldPath, KubeSchema, SchemaNode } from './types';

/** The generated schema (see scripts/gen-kube-schema.ts for its source and version). */
export const KUBE_SCHEMA: KubeSchema = generated as KubeSchema;

/** A free-form node: anything goes below it (RawExtension, JSON, unknown definitions). */
const ANY: SchemaNode = { 'x-kubernetes-preserve-unknown-fields': true };

/** Resolved nodes per schema and referring node: a walk resolves the same nodes again and again. */
const RESOLVED = new WeakMap<KubeSchema, WeakMap<SchemaNode, SchemaNode>>();

/**
 * Follows `$ref`, keeping the referring property's description: it says what the field is for,
 * where the definition only says what the type is. Unknown references resolve to a free-form
 * node rather than throwing, so a stale schema degrades to "no help" instead of an error.
 * Memoised by node (schema nodes are never changed once loaded): the result is shared, read only.
 */
export function deref(node: SchemaNode, schema: KubeSchema = KUBE_SCHEMA): SchemaNode {
	if (!node.$ref) return node;
	let cache = RESOLVED.get(schema);
	if (!cache) RESOLVED.set(schema, (cache = new WeakMap()));
	const known = cache.get(node);
	if (known) return known;
	let out: SchemaNode = node;
	for (let hops = 0; out.$ref && hops < 8; hops++) {
		const def = schema.definitions[out.$ref] ?? ANY;
		const { $ref: _ref, ...rest } = out;
		out = { ...def, ...rest, description: rest.description ?? def.description, definition: out.$ref };
	}
	cache.set(node, out);
	return out;
}

/** The definition name of a built-in kind (`io.k8s.api.apps.v1.Deployment`), if any. */
export function definitionFor(apiVersion: string, kind: string, schema: KubeSchema = KUBE_SCHEMA): string | undefined {
	return schema.kinds[`${apiVersion}/${kind}`];
}

const ROOTS = new WeakMap<KubeSchema, Map<string, SchemaNode | undefined>>();

/** The resolved root schema of a built-in kind; undefined for kinds converge does not serve. */
export function schemaFor(apiVersion: string, kind: string, schema: KubeSchema = KUBE_SCHEMA): SchemaNode | undefined {
	let roots = ROOTS.get(schema);
	if (!roots) ROOTS.set(schema, (roots = new Map()));
	const key = `${apiVersion}/${kind}`;
	if (roots.has(key)) return roots.get(key);
	const name = definitionFor(apiVersion, kind, schema);
	const root = name ? deref({ $ref: name }, schema) : undefined;
	roots.set(key, root);
	return root;
}

/** True when the node accepts an integer or a string (`x-kubernetes-int-or-string`). */
export function isIntOrString(node: SchemaNode): boolean {
	return node['x-kubernetes-int-or-string'] === true;
}

/** True when any field is allowed below the node (unknown fields are not errors there). */
export function preservesUnknownFields(node: SchemaNode): boolean {
	return node['x-kubernetes-preserve-unknown-fields'] === true && !node.properties && !node.additionalProperties;
}

/** The resolved schema of one step below `node`: a property, a map value or a list item. */
export function childSchema(node: SchemaNode, step: string | number, schema: KubeSchema = KUBE_SCHEMA): SchemaNode | undefined {
	const n = deref(node, schema);
	if (typeof step === 'number') return n.type === 'array' && n.items ? deref(n.items, schema) : preservesUnknownFields(n) ? ANY : undefined;
	const prop = n.properties?.[step];
	if (prop) return deref(prop, schema);
	if (n.additionalProperties) return deref(n.additionalProperties, schema);
	return preservesUnknownFields(n) ? ANY : undefined;
}

/**
 * The resolved sub-schema at `path` below `node` (`['spec', 'template', 'spec', 'containers', 0]`
 * → Container), following `$ref`s, list items and map values. Undefined when the path leaves
 * the schema (an unknown field, a list index into an object).
 */
export function resolveAt(node: SchemaNode, path: FieldPath, schema: KubeSchema = KUBE_SCHEMA): SchemaNode | undefined {
	let cur: SchemaNode | undefined = deref(node, schema);
	for (const step of path) {
		if (!cur) return undefined;
		cur = childSchema(cur, step, schema);
	}
	return cur;
}

/** The short name of a definition (`io.k8s.api.core.v1.Container` → `Container`). */
function shortName(ref: string): string {
	return ref.slice(ref.lastIndexOf('.') + 1);
}

/**
 * The type of a node as `kubectl explain` prints it: `string`, `integer`, `boolean`,
 * `Container`, `[]Container`, `map[string]string`, `IntOrString`, `Quantity`, `Object`.
 */
export function typeLabel(node: SchemaNode): string {
	const ref = node.$ref ?? node.definition;
	if (ref) return shortName(ref);
	if (node.type === 'array') return `[]${node.items ? typeLabel(node.items) : 'Object'}`;
	if (node.additionalProperties) return `map[string]${typeLabel(node.additionalProperties)}`;
	if (node.format === 'quantity') return 'Quantity';
	if (isIntOrString(node)) return 'IntOrString';
	if (node.type === 'string' && node.format === 'date-time') return 'Time';
	if (node.type === 'object' || !node.type) return 'Object';
	return node.type;
}

/** The first sentence of a description, for one-line completion details. */
export function firstSentence(description: string | undefined): string {
	if (!description) return '';
	const para = description.split('\n')[0];
	const m = /^.*?[.!?](?=\s|$)/.exec(para);
	return (m ? m[0] : para).trim();
}

/**
 * The per-value notes of an enum, parsed from the "Possible enum values" list that Kubernetes
 * appends to descriptions (`` - `"Always"` means that kubelet always attempts… ``).
 */
export function enumNotes(description: string | undefined): Map<string, string> {
	const out = new Map<string, string>();
	if (!description) return out;
	for (const m of description.matchAll(/^ - `"([^"]*)"` (.*)$/gm)) out.set(m[1], m[2].trim());
	return out;
}

/** The description without the "Possible enum values" list (shown separately). */
export function descriptionBody(description: string | undefined): string {
	return (description ?? '').replace(/\n\nPossible enum values:\n[\s\S]*$/, '').trim();
}
