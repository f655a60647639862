import { describe, expect, it } from 'vitest';
import { KubeError } from './api-errors';
import { parseListOptions } from './list-options';

const labels = new Set(['metadata.name', 'metadata.namespace']);
const parse = (q: string, watch = false) => parseListOptions(new URLSearchParams(q), labels, watch);
const error = (q: string) => {
	try {
		parse(q);
	} catch (e) {
		return (e as KubeError).toStatus();
	}
	throw new Error('expected an error');
};

describe('parseListOptions', () => {
	it('reads selectors, limit, continue and watch options', () => {
		const o = parse('labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dx&limit=10&watch=1&allowWatchBookmarks=true&timeoutSeconds=5&resourceVersion=0');
		expect(o).toMatchObject({ limit: 10, watch: true, allowWatchBookmarks: true, timeoutSeconds: 5, resourceVersion: '0' });
		expect(o.labelSelector.requirements).toEqual([{ key: 'app', op: '=', values: ['web'] }]);
	});

	it.each([
		{ q: 'labelSelector=a%20b', code: 400, message: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt" },
		{ q: 'fieldSelector=spec.x%3D1', code: 400, message: 'field label not supported: spec.x' },
		{ q: 'resourceVersion=abc', code: 400, message: 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax' },
		{ q: 'resourceVersionMatch=Exact', code: 422, message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided' },
		{ q: 'resourceVersion=1&resourceVersionMatch=Soon', code: 422, message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Soon": supported values: "Exact", "NotOlderThan", ""' },
		{ q: 'sendInitialEvents=true', code: 422, message: 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list' },
		{ q: 'limit=ten', code: 400, message: 'limit: Invalid value: "ten": strconv.ParseInt: parsing "ten": invalid syntax' }
	])('$q → $code', ({ q, code, message }) => {
		expect(error(q)).toMatchObject({ code, message });
	});

	it('checks watch-only rules', () => {
		expect(() => parse('sendInitialEvents=true', true)).toThrow('sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
		expect(parse('sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=', true).sendInitialEvents).toBe(true);
	});
});
