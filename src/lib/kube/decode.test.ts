import { describe, expect, it } from 'vitest';
import { decodeObject, isQuantity, QUANTITY_ERROR } from './decode';
import { goJsonSyntaxError, jsonDepth, summarizeBody } from './json-syntax';

describe('decodeObject', () => {
	it('drops unknown fields and reports them with their paths', () => {
		const r = decodeObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', foo: 1 }, spec: { containers: [{ name: 'a', bar: true }] } }, 'v1', 'Pod');
		expect(r.object).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }] } });
		expect(r.unknownFields).toEqual(['unknown field "metadata.foo"', 'unknown field "spec.containers[0].bar"']);
	});

	it('turns nulls into unset fields', () => {
		expect(decodeObject({ metadata: { labels: null, name: 'x' } }, 'v1', 'ConfigMap').object).toEqual({ metadata: { name: 'x' } });
	});

	it.each([
		{ name: 'string for an int32', body: { spec: { replicas: 'two' } }, kind: ['apps/v1', 'Deployment'], want: 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32' },
		{ name: 'float for an int32', body: { spec: { replicas: 1.5 } }, kind: ['apps/v1', 'Deployment'], want: 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32' },
		{ name: 'number for a string', body: { spec: { containers: [{ name: 'a', image: 5 }] } }, kind: ['v1', 'Pod'], want: 'json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string' },
		{ name: 'object for a list', body: { spec: { containers: {} } }, kind: ['v1', 'Pod'], want: 'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container' },
		{ name: 'bool for a map', body: { data: true }, kind: ['v1', 'ConfigMap'], want: 'json: cannot unmarshal bool into Go struct field ConfigMap.data of type map[string]string' },
		{ name: 'bad quantity', body: { spec: { containers: [{ name: 'a', resources: { limits: { cpu: 'lots' } } }] } }, kind: ['v1', 'Pod'], want: QUANTITY_ERROR },
		{ name: 'bad base64', body: { data: { a: 'not base64!' } }, kind: ['v1', 'Secret'], want: 'illegal base64 data at input byte 3' },
		{ name: 'array body', body: [1], kind: ['v1', 'Pod'], want: 'json: cannot unmarshal array into Go value of type struct' }
	])('refuses $name', ({ body, kind, want }) => {
		expect(() => decodeObject(body, kind[0], kind[1])).toThrow(want);
	});

	it.each([
		{ q: '100m', want: true },
		{ q: '1.5Gi', want: true },
		{ q: '1e3', want: true },
		{ q: '-1', want: true },
		{ q: '1Gb', want: false },
		{ q: 'abc', want: false }
	])('quantity $q valid: $want', ({ q, want }) => {
		expect(isQuantity(q)).toBe(want);
	});
});

describe('Go JSON syntax errors', () => {
	it.each([
		{ text: '{"a":}', want: "invalid character '}' looking for beginning of value" },
		{ text: '{a:1}', want: "invalid character 'a' looking for beginning of object key string" },
		{ text: '{"a" 1}', want: "invalid character '1' after object key" },
		{ text: '{"a":1 "b":2}', want: `invalid character '"' after object key:value pair` },
		{ text: '[1 2]', want: "invalid character '2' after array element" },
		{ text: '{"a":1', want: 'unexpected end of JSON input' },
		{ text: '', want: 'unexpected end of JSON input' },
		{ text: 'tru', want: 'unexpected end of JSON input' },
		{ text: 'nul!', want: "invalid character '!' in literal null (expecting 'l')" },
		{ text: '{"a":1}x', want: "invalid character 'x' after top-level value" },
		{ text: '{"a":"\\q"}', want: "invalid character 'q' in string escape code" },
		{ text: '{"a":1}', want: undefined }
	])('$text', ({ text, want }) => {
		expect(goJsonSyntaxError(text)).toBe(want);
	});

	it('measures nesting without recursion and summarizes bodies like kube', () => {
		expect(jsonDepth('[[["]]]]"]]]')).toBe(3);
		expect(jsonDepth('['.repeat(100000))).toBe(100000);
		expect(summarizeBody('{"apiVersion":"v1","kind":"Pod","metadata":{}}')).toBe('{"apiVersion":"v1","kind":"Pod ...');
		expect(summarizeBody('abc')).toBe('616263');
		expect(summarizeBody('')).toBe('<empty>');
	});
});
