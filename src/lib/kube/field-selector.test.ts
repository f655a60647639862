import { describe, expect, it } from 'vitest';
import { checkFieldLabels, matchesFields, objectFields, parseFieldSelector, requiresExactMatch, supportedFieldLabels } from './field-selector';

describe('parseFieldSelector', () => {
	it.each<{ input: string; fields: Record<string, string>; want: boolean }>([
		{ input: 'metadata.name=web', fields: { 'metadata.name': 'web' }, want: true },
		{ input: 'metadata.name==web', fields: { 'metadata.name': 'web' }, want: true },
		{ input: 'status.phase!=Running', fields: { 'status.phase': 'Pending' }, want: true },
		{ input: 'status.phase!=Running,spec.nodeName=n1', fields: { 'status.phase': 'Pending', 'spec.nodeName': 'n2' }, want: false },
		{ input: 'metadata.name=a\\,b', fields: { 'metadata.name': 'a,b' }, want: true },
		{ input: '', fields: {}, want: true }
	])('$input', ({ input, fields, want }) => {
		expect(matchesFields(parseFieldSelector(input), fields)).toBe(want);
	});

	it.each([
		{ input: 'metadata.name', wantError: "invalid selector: 'metadata.name'; can't understand 'metadata.name'" },
		{ input: 'a=b=c', wantError: 'invalid field selector: unescaped character in value: 61' },
		{ input: 'a=b\\x', wantError: 'invalid field selector: invalid escape sequence: \\x' }
	])('rejects $input', ({ input, wantError }) => {
		expect(() => parseFieldSelector(input)).toThrow(wantError);
	});

	it('finds the exact name a selector requires', () => {
		expect(requiresExactMatch(parseFieldSelector('metadata.name=web'), 'metadata.name')).toBe('web');
		expect(requiresExactMatch(parseFieldSelector('metadata.name!=web'), 'metadata.name')).toBeUndefined();
	});
});

describe('field labels per kind', () => {
	it('refuses a label the kind does not support, with kube\'s message', () => {
		expect(() => checkFieldLabels(parseFieldSelector('spec.foo=bar'), supportedFieldLabels('v1', 'Pod'))).toThrow('field label not supported: spec.foo');
		expect(() => checkFieldLabels(parseFieldSelector('status.phase=Running'), supportedFieldLabels('v1', 'Pod'))).not.toThrow();
		expect(() => checkFieldLabels(parseFieldSelector('status.phase=Running'), supportedFieldLabels('v1', 'ConfigMap'))).toThrow();
	});

	it('reads pod and event fields', () => {
		const pod = { metadata: { name: 'p', namespace: 'd' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
		expect(objectFields('v1', 'Pod', pod)).toMatchObject({ 'metadata.name': 'p', 'metadata.namespace': 'd', 'spec.nodeName': 'n1', 'status.phase': 'Running' });
		const ev = { metadata: { name: 'e' }, involvedObject: { name: 'web', uid: 'u1' }, type: 'Normal' };
		expect(objectFields('v1', 'Event', ev)).toMatchObject({ 'involvedObject.name': 'web', 'involvedObject.uid': 'u1', type: 'Normal' });
	});
});
