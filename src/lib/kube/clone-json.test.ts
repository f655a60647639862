import { describe, expect, it } from 'vitest';
import { cloneJson } from './clone-json';

describe('cloneJson', () => {
	it('copies deeply, keeping key order, undefined members and scalars', () => {
		const src: Record<string, unknown> & { a: unknown[]; m: object } = { b: 1, a: [{ x: 'y', n: null }, 2.5, true], u: undefined, m: {} };
		const copy = cloneJson(src);
		expect(copy).toStrictEqual(src);
		expect(Object.keys(copy)).toEqual(['b', 'a', 'u', 'm']);
		copy.a[0] = 'changed';
		(copy.m as Record<string, number>).k = 1;
		expect(src.a[0]).toEqual({ x: 'y', n: null });
		expect(src.m).toEqual({});
	});

	it('keeps a parsed __proto__ member an own property without touching the prototype', () => {
		const src = JSON.parse('{"__proto__":{"polluted":true},"a":1}');
		const copy = cloneJson(src);
		expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
		expect(Object.prototype.hasOwnProperty.call(copy, '__proto__')).toBe(true);
		expect((copy as Record<string, unknown>).polluted).toBeUndefined();
		expect(JSON.stringify(copy)).toBe(JSON.stringify(src));
	});
});
