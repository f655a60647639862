/**
 * Schema errors of one parsed YAML document placed on the text that caused them: the value for
 * type and enum errors, the key for unknown fields, the parent field's key for a missing required
 * field (the field itself is not in the text). Shared by the server's analysis and the editor.
 *
 * @module
 */
import { isMap, isSeq, type Document, type Node } from 'yaml';
import { validateObject, type FieldPath, type SchemaError } from './schema';
import { nodeAt } from './yaml-path';

export interface PlacedSchemaError {
	from: number;
	to: number;
	/** Unknown fields are dropped by a non-strict apply, so they warn; the rest are rejected. */
	severity: 'error' | 'warning';
	message: string;
}

const rangeOf = (n: Node | null | undefined): [number, number] | undefined => (n?.range ? [n.range[0], n.range[1]] : undefined);

/** The first key of a collection: where a "missing field" inside it is shown. */
function firstKeyRange(n: Node | undefined): [number, number] | undefined {
	if (isMap(n) && n.items.length) return rangeOf(n.items[0].key as Node);
	if (isSeq(n) && n.items.length) return rangeOf(n.items[0] as Node);
	return rangeOf(n);
}

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

/** Validates `object` (the document's value) as `apiVersion`/`kind` and places each error. */
export function schemaDiagnostics(doc: Document.Parsed, object: unknown, apiVersion: string, kind: string): PlacedSchemaError[] {
	return validateObject(object, apiVersion, kind).map((e) => {
		const r = anchor(doc, e) ?? [doc.range[0], doc.range[0]];
		return { from: r[0], to: r[1], severity: e.reason === 'unknown' ? 'warning' : 'error', message: e.message };
	});
}
