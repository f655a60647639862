/**
 * A deep copy of a JSON value (plain objects, arrays, scalars; `undefined` members kept), several
 * times faster than `structuredClone`, which serializes and deserializes: the write path copies
 * objects a few times per request.
 *
 * @module
 */

export function cloneJson<T>(value: T): T {
	if (value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) {
		const out = new Array(value.length);
		for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i]);
		return out as T;
	}
	const out: Record<string, unknown> = {};
	for (const k in value) {
		const v = cloneJson((value as Record<string, unknown>)[k]);
		// A `__proto__` member (JSON.parse makes it an own property) must stay one.
		if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
		else out[k] = v;
	}
	return out as T;
}
