/**
 * Structural validation of an object against the schema of its kind: types, enums, required
 * fields and unknown fields, nothing semantic. Messages are kube-apiserver's:
 *
 * - type:     `spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`
 *   (the OpenAPI schema validator's wording; like it, the "value" is the JSON type that was found)
 * - enum:     `spec.type: Unsupported value: "Cluster": supported values: "ClusterIP", "ExternalName", …`
 * - required: `spec.selector: Required value`
 * - unknown:  `unknown field "spec.template.spec.containers[0].foo"` (strict decoding, as
 *   `kubectl apply --validate=strict` reports it)
 *
 * Paths are written as those messages write them: `.` between fields and map keys, `[i]` for
 * list items.
 *
 * @module
 */
import { requiredValue } from '../names';
import { KUBE_SCHEMA, childSchema, deref, isIntOrString, preservesUnknownFields, schemaFor } from './schema';
import type { FieldPath, KubeSchema, SchemaNode } from './types';

/** Why a field failed: the apimachinery field error type, or a strict-decoding unknown field. */
export type SchemaErrorReason = 'invalid' | 'unsupported' | 'required' | 'unknown';

/** One problem found by {@link validateObject}. */
export interface SchemaError {
	/** Where: for `required`, the missing field; for `unknown`, the unexpected one. */
	path: FieldPath;
	reason: SchemaErrorReason;
	message: string;
}

/** Bounds the walk: a hostile document cannot make validation recurse without end. */
export const VALIDATE_LIMITS = { maxDepth: 64, maxErrors: 200 } as const;

/** `spec.template.spec.containers[0].image`. */
export function formatPath(path: FieldPath): string {
	let out = '';
	for (const step of path) out += typeof step === 'number' ? `[${step}]` : out ? `.${step}` : step;
	return out;
}

/** The JSON type of a value as the OpenAPI validator names it (`integer` for whole numbers). */
export function jsonType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
	return typeof value === 'object' ? 'object' : typeof value;
}

/** Formats a value like Go's field errors: strings quoted, other scalars bare. */
function goValue(value: unknown): string {
	return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The types a node accepts, as the validator lists them (`integer,string`), or undefined for any. */
function expectedTypes(node: SchemaNode): string[] | undefined {
	if (isIntOrString(node)) return node.format === 'quantity' ? ['integer', 'number', 'string'] : ['integer', 'string'];
	return node.type ? [node.type] : undefined;
}

function typeMatches(expected: string[], actual: string): boolean {
	return expected.includes(actual) || (actual === 'integer' && expected.includes('number'));
}

class Walker {
	readonly errors: SchemaError[] = [];
	constructor(private readonly schema: KubeSchema) {}

	private push(path: FieldPath, reason: SchemaErrorReason, message: string): void {
		if (this.errors.length < VALIDATE_LIMITS.maxErrors) this.errors.push({ path: [...path], reason, message });
	}

	/** Validates `value` at `path` against the resolved `node`. */
	value(value: unknown, node: SchemaNode, path: FieldPath): void {
		// null is "unset" to the API server's decoder for every built-in field; checked as absent.
		if (value === null || value === undefined || path.length > VALIDATE_LIMITS.maxDepth) return;
		const actual = jsonType(value);
		const expected = expectedTypes(node);
		const typeOk = !expected || typeMatches(expected, actual);
		// The path is only written into messages: formatted when there is one.
		const p = typeOk && !node.enum ? '' : formatPath(path);
		if (!typeOk) {
			const want = node.format === 'quantity' ? 'integer,string' : expected!.join(',');
			this.push(path, 'invalid', `${p}: Invalid value: "${actual}": ${p} in body must be of type ${want}: "${actual}"`);
		}
		// The real validator reports an enum miss even next to a type error; so do we.
		if (node.enum && !node.enum.includes(value as string)) {
			const supported = node.enum.map((v) => JSON.stringify(v)).join(', ');
			this.push(path, 'unsupported', `${p}: Unsupported value: ${goValue(value)}: supported values: ${supported}`);
		}
		if (!typeOk) return;
		if (Array.isArray(value)) this.list(value, node, path);
		else if (actual === 'object') this.object(value as Record<string, unknown>, node, path);
	}

	// `path` is one stack for the whole walk (push copies it): no array per visited value.
	private list(items: unknown[], node: SchemaNode, path: FieldPath): void {
		if (!node.items) return;
		const item = deref(node.items, this.schema);
		for (let i = 0; i < items.length; i++) {
			path.push(i);
			this.value(items[i], item, path);
			path.pop();
		}
	}

	private object(obj: Record<string, unknown>, node: SchemaNode, path: FieldPath): void {
		if (preservesUnknownFields(node)) return;
		for (const key of Object.keys(obj)) {
			const child = childSchema(node, key, this.schema);
			path.push(key);
			if (child) this.value(obj[key], child, path);
			else this.push(path, 'unknown', `unknown field "${formatPath(path)}"`);
			path.pop();
		}
		for (const key of node.required ?? []) {
			if (obj[key] === undefined || obj[key] === null) this.push([...path, key], 'required', requiredValue(formatPath([...path, key])));
		}
	}
}

/**
 * Validates a parsed object against the schema of its built-in kind. Returns the problems in
 * document order (within an object: its fields in order, then its missing required fields);
 * empty when valid, and for kinds converge does not serve (CRD kinds: no schema here yet).
 * At most {@link VALIDATE_LIMITS}.maxErrors are returned.
 */
export function validateObject(
	obj: unknown,
	apiVersion: string,
	kind: string,
	schema: KubeSchema = KUBE_SCHEMA
): SchemaError[] {
	const root = schemaFor(apiVersion, kind, schema);
	if (!root) return [];
	const w = new Walker(schema);
	w.value(obj, root, []);
	return w.errors;
}
