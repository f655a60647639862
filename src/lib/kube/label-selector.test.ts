import { describe, expect, it } from 'vitest';
import { formatLabels, formatLabelSelectorObject, formatSelector, matchesLabels, parseLabelSelector, selectorFromObject } from './label-selector';

describe('parseLabelSelector', () => {
	const cases: Array<{ name: string; input: string; labels: Record<string, string>; wantMatch: boolean; wantString: string }> = [
		{ name: 'equality', input: 'app=web', labels: { app: 'web' }, wantMatch: true, wantString: 'app=web' },
		{ name: 'double equals', input: 'app==web', labels: { app: 'web' }, wantMatch: true, wantString: 'app==web' },
		{ name: 'inequality with missing key', input: 'app!=web', labels: {}, wantMatch: true, wantString: 'app!=web' },
		{ name: 'set in', input: 'tier in (a, b)', labels: { tier: 'b' }, wantMatch: true, wantString: 'tier in (a,b)' },
		{ name: 'set notin', input: 'tier notin (a)', labels: { tier: 'a' }, wantMatch: false, wantString: 'tier notin (a)' },
		{ name: 'exists', input: 'canary', labels: { canary: '' }, wantMatch: true, wantString: 'canary' },
		{ name: 'does not exist', input: '!canary', labels: { canary: 'x' }, wantMatch: false, wantString: '!canary' },
		{ name: 'several, sorted by key', input: 'z=1,a=2', labels: { a: '2', z: '1' }, wantMatch: true, wantString: 'a=2,z=1' },
		{ name: 'greater than', input: 'n>3', labels: { n: '4' }, wantMatch: true, wantString: 'n>3' },
		{ name: 'empty value', input: 'a=', labels: { a: '' }, wantMatch: true, wantString: 'a=' },
		{ name: 'in as a value', input: 'x in (in)', labels: { x: 'in' }, wantMatch: true, wantString: 'x in (in)' }
	];
	it.each(cases)('$name', ({ input, labels, wantMatch, wantString }) => {
		const sel = parseLabelSelector(input);
		expect(matchesLabels(sel, labels)).toBe(wantMatch);
		expect(formatSelector(sel)).toBe(wantString);
	});

	const errors: Array<{ input: string; wantError: string }> = [
		{ input: 'bad key', wantError: "unable to parse requirement: found 'key', expected: in, notin, =, ==, !=, gt, lt" },
		{ input: 'a=b,', wantError: "found '', expected: identifier after ','" },
		{ input: 'x in a', wantError: "unable to parse requirement: found 'a' expected: '('" },
		{ input: '=a', wantError: "found '=', expected: !, identifier, or 'end of string'" },
		{ input: 'a=(b', wantError: "unable to parse requirement: found '(', expected: identifier" },
		{
			input: 'a=b c',
			wantError: "found 'c', expected: ',' or 'end of string'"
		},
		{
			input: 'a=b$',
			wantError:
				"unable to parse requirement: values[0][a]: Invalid value: \"b$\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
		},
		{
			input: '-a',
			wantError:
				"unable to parse requirement: <nil>: Invalid value: \"-a\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
		}
	];
	it.each(errors)('rejects $input', ({ input, wantError }) => {
		expect(() => parseLabelSelector(input)).toThrow(wantError);
	});
});

describe('structured selectors', () => {
	it.each([
		{ name: 'matchLabels', sel: { matchLabels: { app: 'web' } }, want: 'app=web' },
		{ name: 'expressions', sel: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }, { key: 'x', operator: 'DoesNotExist' }] }, want: 'tier in (a,b),!x' },
		{ name: 'empty', sel: {}, want: '<none>' },
		{ name: 'missing', sel: undefined, want: '<none>' },
		{ name: 'bad operator', sel: { matchExpressions: [{ key: 'a', operator: 'Near' }] }, want: '<error>' }
	])('formats $name', ({ sel, want }) => {
		expect(formatLabelSelectorObject(sel)).toBe(want);
	});

	it('a missing selector matches nothing, an empty one everything', () => {
		expect(matchesLabels(selectorFromObject(undefined), { a: 'b' })).toBe(false);
		expect(matchesLabels(selectorFromObject({}), { a: 'b' })).toBe(true);
	});

	it('formats label maps sorted', () => {
		expect(formatLabels({ b: '2', a: '1' })).toBe('a=1,b=2');
		expect(formatLabels({})).toBe('<none>');
	});
});
