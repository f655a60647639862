/**
 * Decoding a request body into a built-in kind the way kube-apiserver's typed decoder does:
 * a value of the wrong JSON type fails with Go's message (`json: cannot unmarshal string into Go
 * struct field DeploymentSpec.spec.replicas of type int32`), invalid quantities and base64 fail
 * with theirs, unknown fields are dropped and reported (for fieldValidation Strict/Warn as
 * `unknown field "spec.foo"`), and nulls become "unset".
 *
 * @module
 */
import { childSchema, deref, formatPath, isIntOrString, KUBE_SCHEMA, preservesUnknownFields, schemaFor, type FieldPath, type SchemaNode } from './schema';

type Obj = Record<string, unknown>;

export class DecodeError extends Error {
	override name = 'DecodeError';
}

export interface Decoded {
	object: Obj;
	/** `unknown field "spec.foo"` messages, in document order. */
	unknownFields: string[];
}

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_SUFFIX = /^(|[numkMGTPE]|[KMGTPE]i|[eE][-+]?[0-9]+)$/;
export const QUANTITY_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** True when `s` parses as a resource.Quantity. */
export function isQuantity(s: string): boolean {
	const m = QUANTITY.exec(s.trim());
	return !!m && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(m[1]) && QUANTITY_SUFFIX.test(m[2]);
}

/** Go's package-qualified type of a schema node (`int32`, `v1.PodSpec`, `[]v1.Container`, `map[string]string`). */
export function goType(node: SchemaNode): string {
	const def = node.$ref ?? node.definition;
	if (def) {
		const parts = def.split('.');
		const short = parts[parts.length - 1];
		if (def.endsWith('intstr.IntOrString')) return 'intstr.IntOrString';
		if (def.endsWith('resource.Quantity')) return 'resource.Quantity';
		return `${parts[parts.length - 2]}.${short}`;
	}
	if (node.type === 'array') return `[]${node.items ? goType(node.items) : 'interface {}'}`;
	if (node.additionalProperties) return `map[string]${goType(node.additionalProperties)}`;
	if (node.type === 'integer') return node.format === 'int64' ? 'int64' : 'int32';
	if (node.type === 'number') return 'float64';
	if (node.type === 'boolean') return 'bool';
	if (node.type === 'string') return 'string';
	return 'interface {}';
}

function jsonValueKind(v: unknown): string {
	if (Array.isArray(v)) return 'array';
	if (typeof v === 'boolean') return 'bool';
	if (typeof v === 'number') return 'number';
	return typeof v === 'object' ? 'object' : 'string';
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Go's base64.StdEncoding error for an invalid string (the offset of the first bad byte). */
function base64Error(s: string): string | undefined {
	if (BASE64.test(s)) return undefined;
	const bad = /[^A-Za-z0-9+/=]/.exec(s);
	const pad = s.indexOf('=');
	let at = bad ? bad.index : s.length - (s.length % 4 || 4);
	if (pad >= 0 && pad < at && pad < s.length - 2) at = pad;
	return `illegal base64 data at input byte ${Math.max(0, at)}`;
}

class Decoder {
	readonly unknown: string[] = [];
	/** The innermost struct definition and the JSON path of struct fields (Go's error context). */
	private structName = '';
	/** A stack (pushed and popped around each struct field: decoding runs on every write). */
	private readonly fieldPath: string[] = [];

	constructor(private readonly binaryMaps: Set<string>) {}

	private typeError(value: unknown, node: SchemaNode): never {
		const v = typeof value === 'number' && node.type === 'integer' ? `number ${value}` : jsonValueKind(value);
		const where = this.fieldPath.length ? `Go struct field ${this.structName}.${this.fieldPath.join('.')}` : `Go value`;
		throw new DecodeError(`json: cannot unmarshal ${v} into ${where} of type ${goType(node)}`);
	}

	/** `path` is a stack the walk pushes to and pops from: copied by whoever keeps it. */
	value(value: unknown, raw: SchemaNode, path: FieldPath): unknown {
		if (value === null || value === undefined) return undefined;
		const node = deref(raw, KUBE_SCHEMA);
		if (node.format === 'quantity') {
			if ((typeof value !== 'string' && typeof value !== 'number') || !isQuantity(String(value))) throw new DecodeError(QUANTITY_ERROR);
			return value;
		}
		if (isIntOrString(node)) {
			if (typeof value === 'string') return value;
			if (typeof value !== 'number' || !Number.isInteger(value)) this.typeError(value, { type: 'integer', format: 'int32' });
			return value;
		}
		if (preservesUnknownFields(node) || !node.type) return value;
		switch (node.type) {
			case 'string':
				if (typeof value !== 'string') this.typeError(value, node);
				return value;
			case 'boolean':
				if (typeof value !== 'boolean') this.typeError(value, node);
				return value;
			case 'integer': {
				if (typeof value !== 'number') this.typeError(value, node);
				const bits = node.format === 'int64' ? 2 ** 63 : 2 ** 31;
				if (!Number.isInteger(value) || value < -bits || value >= bits) this.typeError(value, node);
				return value;
			}
			case 'number':
				if (typeof value !== 'number') this.typeError(value, node);
				return value;
			case 'array':
				if (!Array.isArray(value)) this.typeError(value, node);
				return node.items ? this.list(value, node.items, path) : value;
			case 'object':
				if (typeof value !== 'object' || Array.isArray(value)) this.typeError(value, node);
				return this.object(value as Obj, node, path);
		}
		return value;
	}

	/** Items decoded in order; null (and unset) items are dropped. */
	private list(items: unknown[], node: SchemaNode, path: FieldPath): unknown[] {
		const out: unknown[] = [];
		for (let i = 0; i < items.length; i++) {
			path.push(i);
			const d = this.value(items[i], node, path);
			path.pop();
			if (d !== undefined && d !== null) out.push(d);
		}
		return out;
	}

	private object(obj: Obj, node: SchemaNode, path: FieldPath): Obj {
		const out: Obj = {};
		const binary = this.binaryMaps.size > 0 && this.binaryMaps.has(formatPath(path));
		if (node.additionalProperties && !node.properties) {
			for (const k of Object.keys(obj)) {
				const v = obj[k];
				if (binary && typeof v === 'string') {
					const err = base64Error(v);
					if (err) throw new DecodeError(err);
				}
				path.push(k);
				const d = this.value(v, node.additionalProperties, path);
				path.pop();
				if (d !== undefined) out[k] = d;
			}
			return out;
		}
		const struct = this.structName;
		if (node.definition) this.structName = node.definition.slice(node.definition.lastIndexOf('.') + 1);
		for (const k of Object.keys(obj)) {
			const child = childSchema(node, k, KUBE_SCHEMA);
			if (!child) {
				this.unknown.push(`unknown field "${formatPath([...path, k])}"`);
				continue;
			}
			this.fieldPath.push(k);
			path.push(k);
			const d = this.value(obj[k], child, path);
			path.pop();
			this.fieldPath.pop();
			if (d !== undefined) out[k] = d;
		}
		this.structName = struct;
		return out;
	}
}

/**
 * Decodes `body` as an object of a built-in kind. Throws DecodeError with Go's message for type
 * errors; unknown fields are dropped and listed. Kinds without a schema are returned as they are.
 */
export function decodeObject(body: unknown, apiVersion: string, kind: string): Decoded {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		throw new DecodeError(
			`json: cannot unmarshal ${jsonValueKind(body)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`
		);
	}
	const root = schemaFor(apiVersion, kind);
	if (!root) return { object: body as Obj, unknownFields: [] };
	const binary = new Set(kind === 'Secret' ? ['data'] : kind === 'ConfigMap' ? ['binaryData'] : []);
	const d = new Decoder(binary);
	const object = d.value(body, root, []) as Obj;
	return { object, unknownFields: d.unknown };
}
