/**
 * Chain names exactly as kube-proxy derives them: base32 (Go's `base32.StdEncoding`) of a
 * sha256, truncated — 16 characters in iptables mode (pkg/proxy/iptables `portProtoHash`,
 * `servicePortEndpointChainName`), 8 in nftables mode (pkg/proxy/nftables `hashAndTruncate`).
 * Synchronous and browser-safe (@noble/hashes), since the browser renders tables too.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { ChainNames } from './types';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const utf8 = new TextEncoder();

/** RFC 4648 base32 with padding, like Go's `base32.StdEncoding.EncodeToString`. */
export function base32(bytes: Uint8Array): string {
	let out = '';
	let bits = 0;
	let value = 0;
	for (const b of bytes) {
		value = (value << 8) | b;
		bits += 8;
		while (bits >= 5) {
			out += ALPHABET[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
		value &= (1 << bits) - 1;
	}
	if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
	while (out.length % 8) out += '=';
	return out;
}

/** The first `n` base32 characters of sha256(text). Only a prefix is ever used, so encode just enough bytes. */
export function hashPrefix(text: string, n: number): string {
	const digest = sha256(utf8.encode(text));
	return base32(digest.subarray(0, Math.ceil((n * 5) / 8) + 1)).slice(0, n);
}

/** `portProtoHash(servicePortName, protocol)`: protocol lower-case, no separator. */
export const portProtoHash = (svcPortName: string, protocol: string): string => hashPrefix(svcPortName + protocol.toLowerCase(), 16);

/** iptables chains of a service port (KUBE-SVC/SVL/EXT/FW share the hash). */
export function iptablesChains(svcPortName: string, protocol: string): ChainNames {
	const h = portProtoHash(svcPortName, protocol);
	return { svc: `KUBE-SVC-${h}`, svl: `KUBE-SVL-${h}`, ext: `KUBE-EXT-${h}`, fw: `KUBE-FW-${h}` };
}

/** `KUBE-SEP-<hash of servicePortName + protocol + endpoint>`. */
export const iptablesEndpointChain = (svcPortName: string, protocol: string, endpoint: string): string =>
	`KUBE-SEP-${hashPrefix(svcPortName + protocol.toLowerCase() + endpoint, 16)}`;

/** knftables' `NameLengthMax` (256) less the 16 kube-proxy keeps for its prefixes (`chainNameBaseLengthMax`). */
const NFT_BASE_MAX = 256 - 16;

/** `hashAndTruncate`: `<8-char hash of name>-<name>`, truncated with "..." past 240 characters. */
export function nftHashAndTruncate(name: string): string {
	const full = `${hashPrefix(name, 8)}-${name}`;
	return full.length > NFT_BASE_MAX ? full.slice(0, NFT_BASE_MAX - 3) + '...' : full;
}

/** `ns/svc/proto/portName`, the readable part of nftables service chain names. */
export const nftServiceBase = (namespace: string, service: string, protocol: string, portName: string): string =>
	nftHashAndTruncate(`${namespace}/${service}/${protocol.toLowerCase()}/${portName}`);

export function nftChains(namespace: string, service: string, protocol: string, portName: string): ChainNames {
	const base = nftServiceBase(namespace, service, protocol, portName);
	return { svc: `service-${base}`, svl: `local-${base}`, ext: `external-${base}`, fw: `firewall-${base}` };
}

/** `endpoint-<hash>-ns/svc/proto/port__ip/port` (IPv6 colons become dots). */
export function nftEndpointChain(namespace: string, service: string, protocol: string, portName: string, ip: string, port: number): string {
	const name = `${namespace}/${service}/${protocol.toLowerCase()}/${portName}__${ip.replaceAll(':', '.')}/${port}`;
	return `endpoint-${nftHashAndTruncate(name)}`;
}
