/**
 * Validation of a custom object against its CRD version's structural schema, with the messages
 * kube-openapi's validator produces and apiextensions turns into field errors:
 *
 *   spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"
 *   spec.cronSpec: Required value
 *   spec.size: Unsupported value: "XL": supported values: "S", "M"
 *   spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10
 *   spec.name: Too long: may not be longer than 5
 *   spec.items: Too many: 4: must have at most 3 items
 *
 * Types, required, enum, bounds, lengths, patterns, item and property counts, nullable,
 * x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields and embedded resources
 * (which must carry apiVersion and kind). CEL rules (x-kubernetes-validations) are not evaluated.
 *
 * @module
 */
import { invalid, notSupported, required, tooMany, type FieldError } from '../field-errors';
import type { JSONSchemaProps } from './types';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** kube-openapi's name of a JSON value's type. */
export function jsonTypeName(v: unknown): string {
	if (v === null || v === undefined) return 'null';
	if (Array.isArray(v)) return 'array';
	if (typeof v === 'object') return 'object';
	if (typeof v === 'boolean') return 'boolean';
	if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
	return 'string';
}

function typeMatches(type: string, v: unknown): boolean {
	const t = jsonTypeName(v);
	if (type === 'number') return t === 'number' || t === 'integer';
	return t === type;
}

/** Go's `%v` of a number bound (1e+06 for large floats is not needed here). */
const num = (n: number) => String(n);

const tooLongMax = (field: string, max: number): FieldError => ({ type: 'TooLong', field, value: '', detail: `may not be longer than ${max}` });

class Walker {
	readonly errs: FieldError[] = [];

	private fail(path: string, value: unknown, message: string): void {
		this.errs.push(invalid(path, value, path ? `${path} in body ${message}` : `in body ${message}`));
	}

	walk(s: JSONSchemaProps, v: unknown, path: string, root = false): void {
		if (v === null || v === undefined) {
			if (s.nullable || !s.type) return;
			this.fail(path, 'null', `must be of type ${s.type}: "null"`);
			return;
		}
		if (s['x-kubernetes-int-or-string']) {
			const t = jsonTypeName(v);
			if (t !== 'integer' && t !== 'string') return this.fail(path, t, `must be of type integer,string: "${t}"`);
		} else if (s.type && !typeMatches(s.type, v)) {
			const t = jsonTypeName(v);
			return this.fail(path, t, `must be of type ${s.type}: "${t}"`);
		}
		if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
			const values = s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
			this.errs.push(notSupported(path, v, values));
		}
		if (typeof v === 'string') this.string(s, v, path);
		else if (typeof v === 'number') this.number(s, v, path);
		else if (Array.isArray(v)) this.array(s, v, path);
		else if (isObject(v)) this.object(s, v, path, root);
		for (const sub of s.allOf ?? []) this.walk(sub, v, path, root);
	}

	private string(s: JSONSchemaProps, v: string, path: string): void {
		const len = [...v].length;
		if (s.maxLength !== undefined && len > s.maxLength) this.errs.push(tooLongMax(path, s.maxLength));
		if (s.minLength !== undefined && len < s.minLength) this.fail(path, v, `should be at least ${s.minLength} chars long`);
		if (s.pattern !== undefined) {
			let re: RegExp | undefined;
			try {
				re = new RegExp(s.pattern, 'u');
			} catch {
				re = undefined;
			}
			if (re && !re.test(v)) this.fail(path, v, `should match '${s.pattern}'`);
		}
	}

	private number(s: JSONSchemaProps, v: number, path: string): void {
		if (s.maximum !== undefined) {
			if (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)
				this.fail(path, v, s.exclusiveMaximum ? `should be less than ${num(s.maximum)}` : `should be less than or equal to ${num(s.maximum)}`);
		}
		if (s.minimum !== undefined) {
			if (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)
				this.fail(path, v, s.exclusiveMinimum ? `should be greater than ${num(s.minimum)}` : `should be greater than or equal to ${num(s.minimum)}`);
		}
		if (s.multipleOf !== undefined && s.multipleOf !== 0 && !Number.isInteger(v / s.multipleOf)) this.fail(path, v, `should be a multiple of ${num(s.multipleOf)}`);
	}

	private array(s: JSONSchemaProps, v: unknown[], path: string): void {
		if (s.maxItems !== undefined && v.length > s.maxItems) this.errs.push(tooMany(path, v.length, s.maxItems));
		if (s.minItems !== undefined && v.length < s.minItems) this.fail(path, v.length, `should have at least ${s.minItems} items`);
		if (s.items) v.forEach((item, i) => this.walk(s.items!, item, `${path}[${i}]`));
	}

	private object(s: JSONSchemaProps, v: Obj, path: string, root: boolean): void {
		const child = (k: string) => (path ? `${path}.${k}` : k);
		const n = Object.keys(v).length;
		if (s.maxProperties !== undefined && n > s.maxProperties) this.errs.push(tooMany(path, n, s.maxProperties));
		if (s.minProperties !== undefined && n < s.minProperties) this.fail(path, n, `should have at least ${s.minProperties} properties`);
		for (const r of s.required ?? []) if (v[r] === undefined) this.errs.push(required(child(r)));
		if (s['x-kubernetes-embedded-resource']) {
			for (const f of ['apiVersion', 'kind']) if (typeof v[f] !== 'string' || !v[f]) this.errs.push(required(child(f), 'must not be empty'));
		}
		for (const [k, value] of Object.entries(v)) {
			if (value === undefined) continue;
			// The root's apiVersion, kind and metadata are the API server's (ObjectMeta validation).
			if (root && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
			const prop = s.properties?.[k];
			if (prop) this.walk(prop, value, child(k));
			else if (isObject(s.additionalProperties)) this.walk(s.additionalProperties, value, child(k));
		}
	}
}

/** The field errors of `obj` against a structural schema (empty when valid). */
export function validateCustomObject(schema: JSONSchemaProps | undefined, obj: Obj): FieldError[] {
	if (!schema) return [];
	const w = new Walker();
	w.walk(schema, obj, '', true);
	return w.errs;
}

/** The errors of a schema node's `default` against the node itself, reported below `path` (`....default`). */
export function validateDefault(schema: JSONSchemaProps, path: string): FieldError[] {
	if (schema.default === undefined) return [];
	const w = new Walker();
	w.walk(schema, schema.default, '');
	return w.errs.map((e) => ({ ...e, field: e.field ? `${path}.default.${e.field}` : `${path}.default` }));
}
