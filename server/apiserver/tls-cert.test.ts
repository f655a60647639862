import { describe, expect, it } from 'vitest';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { certificateNames, selfSignedCertificate } from './tls-cert';

describe('selfSignedCertificate', () => {
	it('makes a CA-flagged server certificate for the given names, signed by its own key', () => {
		const now = Date.parse('2026-11-25T00:00:00Z');
		const c = selfSignedCertificate('converge', ['localhost', '127.0.0.1', '::1', 'kube.example.com'], 10, now);
		const cert = new X509Certificate(c.certPem);
		expect(cert.subject).toBe('CN=converge');
		expect(cert.issuer).toBe('CN=converge');
		expect(cert.ca).toBe(true);
		expect(cert.verify(cert.publicKey)).toBe(true);
		expect(cert.checkPrivateKey(createPrivateKey(c.keyPem))).toBe(true);
		expect(cert.checkHost('kube.example.com')).toBe('kube.example.com');
		expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
		expect(Date.parse(cert.validTo)).toBeGreaterThan(now + 9 * 365 * 86_400_000);
		expect(certificateNames(c.certPem)).toEqual(['localhost', '127.0.0.1', '0:0:0:0:0:0:0:1', 'kube.example.com']);
	});
});
