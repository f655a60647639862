/**
 * kube-apiserver decodes every write into Go types, so a `resource.Quantity` field is stored and
 * served in its canonical form (`cpu: 0.5` → `"500m"`). We store JSON as given; the write path
 * rewrites the Quantity fields of built-in kinds here, found through the OpenAPI schema.
 *
 * @module
 */
import { canonicalQuantity } from './quantity';
import { childSchema, deref, schemaFor, type SchemaNode } from './schema';

/** Per resolved node: whether a Quantity can occur at or below it (most of an object cannot). */
const REACHES = new WeakMap<SchemaNode, boolean>();

function reachesQuantity(node: SchemaNode, seen = new Set<SchemaNode>()): boolean {
	const known = REACHES.get(node);
	if (known !== undefined) return known;
	if (node.format === 'quantity') return REACHES.set(node, true), true;
	// Recursive definitions (JSONSchemaProps) have no Quantity; a cycle answers false while open.
	if (seen.has(node)) return false;
	seen.add(node);
	const children = [...Object.values(node.properties ?? {}), node.additionalProperties, node.items].filter((c): c is SchemaNode => !!c);
	const r = children.some((c) => reachesQuantity(deref(c), seen));
	REACHES.set(node, r);
	return r;
}

function walk(value: unknown, node: SchemaNode): unknown {
	if (node.format === 'quantity') return typeof value === 'string' || typeof value === 'number' ? (canonicalQuantity(value) ?? value) : value;
	if (!reachesQuantity(node) || value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) {
		const item = childSchema(node, 0);
		if (item) for (let i = 0; i < value.length; i++) value[i] = walk(value[i], item);
		return value;
	}
	const obj = value as Record<string, unknown>;
	for (const k of Object.keys(obj)) {
		const child = childSchema(node, k);
		if (child) obj[k] = walk(obj[k], child);
	}
	return value;
}

/** Rewrites the Quantity fields of `obj` (a built-in kind) to canonical form in place; returns it. */
export function canonicalizeQuantities<T extends { apiVersion?: string; kind?: string }>(obj: T): T {
	const root = obj.apiVersion && obj.kind ? schemaFor(obj.apiVersion, obj.kind) : undefined;
	if (root) walk(obj, root);
	return obj;
}
