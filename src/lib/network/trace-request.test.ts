import { describe, expect, it } from 'vitest';
import { MAX_TARGET, parseTraceRequest } from './trace-request';

describe('trace request bodies', () => {
	it('accepts the three kinds of source, with defaults', () => {
		expect(parseTraceRequest({ from: { pod: 'shop/client' }, to: 'web:80' })).toEqual({ request: { from: { pod: 'shop/client' }, to: 'web:80', protocol: 'TCP' }, all: false, seed: 1 });
		expect(parseTraceRequest({ from: { node: 'worker-1' }, to: '10.96.0.1:443', protocol: 'UDP', seed: 9 })).toMatchObject({ request: { from: { node: 'worker-1' }, protocol: 'UDP' }, seed: 9 });
		expect(parseTraceRequest({ from: { ip: '203.0.113.9', node: 'worker-2' }, to: 'http://shop.example.com/cart', all: true })).toMatchObject({ request: { from: { ip: '203.0.113.9', node: 'worker-2' } }, all: true });
	});

	it('reports every field error in the API server\u2019s words', () => {
		expect(parseTraceRequest({})).toEqual({
			errors: ['from: Required value: one of {"pod": "namespace/name"}, {"node": "name"} or {"ip": "a.b.c.d"}', 'to: Required value: name:port, ip:port or http://host/path']
		});
		expect(parseTraceRequest({ from: { ip: '300.1.1.1' }, to: 'web:80', seed: -1, all: 'yes' })).toEqual({
			errors: ['from.ip: Invalid value: "300.1.1.1": must be an IPv4 address', 'seed: Invalid value: -1: must be an integer between 0 and 4294967295', 'all: Invalid value: "yes": must be true or false']
		});
		expect(parseTraceRequest({ from: { pod: 'client' }, to: 'a b' })).toEqual({
			errors: ['from.pod: Invalid value: "client": must be namespace/name', 'to: Invalid value: "a b": give name:port, ip:port or http://host/path']
		});
		expect(parseTraceRequest({ from: { pod: 'a/b', node: 'n' }, to: 'x'.repeat(MAX_TARGET + 1) })).toEqual({
			errors: ['from: Invalid value: "pod" cannot be combined with other fields', `to: Too long: may not be more than ${MAX_TARGET} bytes`]
		});
	});
});
