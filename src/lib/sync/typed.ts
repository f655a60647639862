/**
 * A position in a kind's structure for the comparisons: the server-side-apply FieldType (list
 * types and keys, atomic maps) together with the OpenAPI node (which knows Quantities).
 *
 * @module
 */
import { itemPE } from '../kube/apply';
import { pathString, type Path, type PathElement } from '../kube/field-set';
import { FieldType } from '../kube/field-types';
import { childSchema, schemaFor, type SchemaNode } from '../kube/schema';

export interface Pos {
	type: FieldType;
	schema?: SchemaNode;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;
export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export function rootPos(apiVersion: unknown, kind: unknown): Pos {
	const av = String(apiVersion ?? '');
	const k = String(kind ?? '');
	return { type: FieldType.forKind(av, k), schema: schemaFor(av, k) };
}

export const fieldPos = (p: Pos, name: string): Pos => ({ type: p.type.field(name), schema: p.schema && childSchema(p.schema, name) });
export const itemPos = (p: Pos): Pos => ({ type: p.type.item(), schema: p.schema && childSchema(p.schema, 0) });
export const isQuantity = (p: Pos): boolean => p.schema?.format === 'quantity';

/** The element of a list item (its merge key, its value, or its index), or undefined for an item that has no key. */
export function safeItemPE(p: Pos, item: unknown, index: number, path: Path): PathElement | undefined {
	try {
		return itemPE(p.type, item, index, path);
	} catch {
		return undefined;
	}
}

/** Human path like `spec.template.spec.containers[name="web"].image` (kube's, without the leading dot). */
export const humanPath = (path: Path): string => pathString(path).replace(/^\./, '');
