/**
 * Field errors as apimachinery words them (k8s.io/apimachinery/pkg/util/validation/field):
 * `spec.replicas: Invalid value: -1: must be greater than or equal to 0`. Each error knows its
 * type, path, bad value and detail, so the API server can both print it and list it as a
 * Status cause (`FieldValueInvalid`, field `spec.replicas`).
 *
 * @module
 */

/** apimachinery's error types: the printed word and the Status cause reason. */
export const FIELD_ERROR_TYPES = {
	NotFound: { text: 'Not found', cause: 'FieldValueNotFound' },
	Required: { text: 'Required value', cause: 'FieldValueRequired' },
	Duplicate: { text: 'Duplicate value', cause: 'FieldValueDuplicate' },
	Invalid: { text: 'Invalid value', cause: 'FieldValueInvalid' },
	NotSupported: { text: 'Unsupported value', cause: 'FieldValueNotSupported' },
	Forbidden: { text: 'Forbidden', cause: 'FieldValueForbidden' },
	TooLong: { text: 'Too long', cause: 'FieldValueTooLong' },
	TooMany: { text: 'Too many', cause: 'FieldValueTooMany' },
	Internal: { text: 'Internal error', cause: 'InternalError' }
} as const;

export type FieldErrorType = keyof typeof FIELD_ERROR_TYPES;

/** Marks a value as not worth printing (Go's `omitValue`). */
export const OMIT = Symbol('omit');

/**
 * A bad value already formatted the way Go's `%#v` would print it (`[]string{"a"}`,
 * `map[string]string{"app":"web"}`): used where the Go value is a struct or a collection.
 */
export class GoValue {
	constructor(readonly text: string) {}
}

export interface FieldError {
	type: FieldErrorType;
	/** Dotted path with indexes and keys: `spec.template.spec.containers[0].name`, `metadata.labels[app]`. */
	field: string;
	value?: unknown;
	detail?: string;
}

const fe = (type: FieldErrorType, field: string, value: unknown, detail?: string): FieldError => ({ type, field, value, detail });

export const invalid = (field: string, value: unknown, detail: string): FieldError => fe('Invalid', field, value, detail);
export const required = (field: string, detail = ''): FieldError => fe('Required', field, OMIT, detail);
export const forbidden = (field: string, detail: string): FieldError => fe('Forbidden', field, OMIT, detail);
export const duplicate = (field: string, value: unknown): FieldError => fe('Duplicate', field, value);
export const notFound = (field: string, value: unknown): FieldError => fe('NotFound', field, value);
export const tooLong = (field: string, max: number): FieldError => fe('TooLong', field, OMIT, `may not be more than ${max} bytes`);
export const tooMany = (field: string, actual: number, max: number): FieldError =>
	fe('TooMany', field, actual, `must have at most ${max} items`);

/** `Unsupported value: "X": supported values: "A", "B"`. */
export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
	return fe('NotSupported', field, value, supported.length ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` : '');
}

/** Go's `%q` of a string (JSON quoting is the same for the characters that matter here). */
export function goQuote(s: string): string {
	return JSON.stringify(s);
}

/** How Go prints a bad value inside a field error. */
export function formatBadValue(value: unknown): string {
	if (value === null || value === undefined) return 'null';
	if (value instanceof GoValue) return value.text;
	if (typeof value === 'string') return goQuote(value);
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
	if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return `[]string{${value.map((v) => goQuote(v)).join(', ')}}`;
	if (typeof value === 'object' && Object.values(value).every((v) => typeof v === 'string')) {
		const entries = Object.entries(value as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `map[string]string{${entries.map(([k, v]) => `${goQuote(k)}:${goQuote(v)}`).join(', ')}}`;
	}
	return JSON.stringify(value);
}

/** The message without the field: `Invalid value: -1: must be greater than or equal to 0`. */
export function errorBody(e: FieldError): string {
	const t = FIELD_ERROR_TYPES[e.type].text;
	let s: string;
	if (e.type === 'Required' || e.type === 'Forbidden' || e.type === 'TooLong' || e.type === 'Internal' || e.value === OMIT) s = t;
	else s = `${t}: ${formatBadValue(e.value)}`;
	if (e.detail) s += `: ${e.detail}`;
	return s;
}

/** `spec.replicas: Invalid value: -1: must be greater than or equal to 0`. */
export function formatFieldError(e: FieldError): string {
	return `${e.field}: ${errorBody(e)}`;
}

/**
 * apimachinery's aggregate of errors: one message alone, several as `[a, b]`, duplicates
 * dropped (as `utilerrors.NewAggregate` + `ToAggregate` do).
 */
export function aggregate(messages: string[]): string {
	const unique = [...new Set(messages)];
	return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

/** A path builder: `path('spec').child('containers').index(0).child('name')`. */
export class FieldPath {
	private constructor(private readonly s: string) {}
	static root(name: string): FieldPath {
		return new FieldPath(name);
	}
	child(name: string): FieldPath {
		return new FieldPath(this.s ? `${this.s}.${name}` : name);
	}
	index(i: number): FieldPath {
		return new FieldPath(`${this.s}[${i}]`);
	}
	key(k: string): FieldPath {
		return new FieldPath(`${this.s}[${k}]`);
	}
	toString(): string {
		return this.s;
	}
}

export const path = (name: string): FieldPath => FieldPath.root(name);
