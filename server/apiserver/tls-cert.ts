/**
 * A self-signed certificate for the kube API's TLS port, built with node:crypto alone: an ECDSA
 * P-256 key and an X.509 v3 certificate (DER written by hand) valid for the given DNS names and
 * IPs. kubectl sends bearer tokens only over TLS (client-go drops user credentials for http://
 * servers), so the API that kubeconfigs point at must speak HTTPS; the certificate goes into the
 * kubeconfig as `certificate-authority-data`.
 *
 * @module
 */
import { generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

function len(n: number): Buffer {
	if (n < 0x80) return Buffer.from([n]);
	const bytes: number[] = [];
	for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
	return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, content: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), len(content.length), content]);
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const explicit = (n: number, content: Buffer) => tlv(0xa0 + n, content);
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));

function integer(b: Buffer): Buffer {
	return tlv(0x02, b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

function oid(s: string): Buffer {
	const [a, b, ...rest] = s.split('.').map(Number);
	const out = [40 * a + b];
	for (const n of rest) {
		const enc: number[] = [n & 0x7f];
		for (let v = n >> 7; v > 0; v >>= 7) enc.unshift((v & 0x7f) | 0x80);
		out.push(...enc);
	}
	return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
	const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
	return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

function ipBytes(ip: string): Buffer {
	if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
	const [head, tail = ''] = ip.split('::');
	const h = head ? head.split(':') : [];
	const t = tail ? tail.split(':') : [];
	const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
	return Buffer.concat(groups.map((g) => Buffer.from([parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff])));
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

export interface SelfSigned {
	keyPem: string;
	certPem: string;
}

/** A new key and self-signed certificate for `names` (DNS names and IP addresses), valid `years`. */
export function selfSignedCertificate(commonName: string, names: string[], years = 10, now = Date.now()): SelfSigned {
	const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
	const name = seq(set(seq(oid('2.5.4.3'), utf8(commonName))));
	const serial = randomBytes(16);
	// Positive and minimally encoded: DER (and Go's crypto/x509, kubectl's) refuses a leading zero byte.
	serial[0] = (serial[0] & 0x7f) | 0x40;
	const sans = names.map((n) => (isIP(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n, 'ascii'))));
	const extensions = seq(
		seq(oid('2.5.29.19'), bool(true), octets(seq(bool(true)))),
		seq(oid('2.5.29.15'), bool(true), octets(bits(Buffer.from([0x84]), 2))),
		seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1')))),
		seq(oid('2.5.29.17'), octets(seq(...sans)))
	);
	const tbs = seq(
		explicit(0, integer(Buffer.from([2]))),
		integer(serial),
		ECDSA_SHA256,
		name,
		seq(time(new Date(now - 60_000)), time(new Date(now + years * 365 * 86_400_000))),
		name,
		publicKey.export({ type: 'spki', format: 'der' }),
		explicit(3, extensions)
	);
	const signature = sign('sha256', tbs, privateKey as KeyObject);
	const der = seq(tbs, ECDSA_SHA256, bits(signature));
	const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
	new X509Certificate(certPem); // throws if the encoding is wrong
	return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, certPem };
}

/** The DNS names and IPs a PEM certificate is valid for. */
export function certificateNames(certPem: string): string[] {
	const san = new X509Certificate(certPem).subjectAltName ?? '';
	return san
		.split(', ')
		.map((s) => s.replace(/^(DNS|IP Address):/, ''))
		.filter(Boolean);
}
