import { describe, expect, it } from 'vitest';
import { base32, iptablesChains, iptablesEndpointChain, nftChains, nftEndpointChain, portProtoHash } from './names';

describe('chain names (facts from kube-proxy proxier_test.go)', () => {
	it('base32 is RFC 4648 StdEncoding with padding', () => {
		const enc = (s: string) => base32(new TextEncoder().encode(s));
		expect([enc(''), enc('f'), enc('fo'), enc('foo'), enc('foob'), enc('fooba'), enc('foobar')]).toEqual(['', 'MY======', 'MZXQ====', 'MZXW6===', 'MZXW6YQ=', 'MZXW6YTB', 'MZXW6YTBOI======']);
	});

	it('service chains hash servicePortName + protocol like portProtoHash', () => {
		expect(iptablesChains('ns1/svc1:p80', 'TCP')).toEqual({ svc: 'KUBE-SVC-XPGD46QRK7WJZT7O', svl: 'KUBE-SVL-XPGD46QRK7WJZT7O', ext: 'KUBE-EXT-XPGD46QRK7WJZT7O', fw: 'KUBE-FW-XPGD46QRK7WJZT7O' });
		expect(portProtoHash('ns2/svc2:p80', 'tcp')).toBe('GNZBNJ2PO5MGZ6GT');
		expect(portProtoHash('ns5/svc5:p80', 'tcp')).toBe('NUKIZ6OKUXPJNT4C');
		expect(portProtoHash('default/kubernetes:https', 'tcp')).toBe('NPX46M4PTMTKRN6Y');
	});

	it('endpoint chains also hash the endpoint', () => {
		expect(iptablesEndpointChain('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
		expect(iptablesEndpointChain('ns4/svc4:p80', 'tcp', '10.180.0.5:80')).toBe('KUBE-SEP-C6EBXVWJJZMIWKLZ');
	});

	it('nftables names are an 8-character hash of the readable name', () => {
		expect(nftChains('ns1', 'svc1', 'TCP', 'p80').svc).toBe('service-ULMVA6XW-ns1/svc1/tcp/p80');
		expect(nftEndpointChain('ns1', 'svc1', 'tcp', 'p80', '10.180.0.1', 80)).toBe('endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80');
	});
});
