/**
 * The body of `POST /api/rooms/<id>/trace`, validated and bounded before anything is traced.
 * Field errors are worded like the API server's (`field: Required value: …`,
 * `field: Invalid value: "x": …`, `field: Unsupported value: …`), so the handler can answer a
 * Kubernetes-style 422 Status.
 *
 *   { "from": { "pod": "ns/name" } | { "node": "name" } | { "ip": "a.b.c.d", "node"?: "name" },
 *     "to": "name:port" | "ip:port" | "http://host/path",
 *     "protocol"?: "TCP" | "UDP" | "SCTP",
 *     "seed"?: 0…4294967295   (one path, drawn from a generator with this seed; default 1)
 *     "all"?: true            (every branch with its probability, at most MAX_BRANCHES) }
 *
 * @module
 */
import { parseTarget, type TraceRequest } from './trace';
import type { Protocol } from './types';

/** Longest accepted `to` (a DNS name is at most 253 characters, plus a port or a URL path). */
export const MAX_TARGET = 1024;
/** Paths returned with `all` (kube-proxy's statistic rules branch once per endpoint). */
export const MAX_BRANCHES = 64;
export const DEFAULT_SEED = 1;

export interface ParsedTrace {
	request: TraceRequest;
	all: boolean;
	seed: number;
}

const PROTOCOLS: Protocol[] = ['TCP', 'UDP', 'SCTP'];
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

const quote = (v: unknown) => (typeof v === 'string' ? `"${v.length > 64 ? v.slice(0, 64) + '…' : v}"` : JSON.stringify(v)?.slice(0, 64));

/** Validates a decoded JSON body; `errors` is non-empty when it cannot be traced. */
export function parseTraceRequest(body: Record<string, unknown>): ParsedTrace | { errors: string[] } {
	const errors: string[] = [];
	for (const k of Object.keys(body)) if (!['from', 'to', 'protocol', 'seed', 'all'].includes(k)) errors.push(`${k}: Unsupported value: unknown field (supported: from, to, protocol, seed, all)`);
	const from = parseFrom(body.from, errors);
	const to = body.to;
	if (to === undefined || to === '') errors.push('to: Required value: name:port, ip:port or http://host/path');
	else if (typeof to !== 'string') errors.push(`to: Invalid value: ${quote(to)}: must be a string`);
	else if (to.length > MAX_TARGET) errors.push(`to: Too long: may not be more than ${MAX_TARGET} bytes`);
	else if (!parseTarget(to)) errors.push(`to: Invalid value: ${quote(to)}: give name:port, ip:port or http://host/path`);
	const protocol = body.protocol ?? 'TCP';
	if (!PROTOCOLS.includes(protocol as Protocol)) errors.push(`protocol: Unsupported value: ${quote(protocol)}: supported values: "SCTP", "TCP", "UDP"`);
	const seed = body.seed ?? DEFAULT_SEED;
	if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) errors.push(`seed: Invalid value: ${quote(seed)}: must be an integer between 0 and 4294967295`);
	const all = body.all ?? false;
	if (typeof all !== 'boolean') errors.push(`all: Invalid value: ${quote(all)}: must be true or false`);
	if (errors.length || !from) return { errors };
	return { request: { from, to: (to as string).trim(), protocol: protocol as Protocol }, all: all as boolean, seed: seed as number };
}

function parseFrom(v: unknown, errors: string[]): TraceRequest['from'] | undefined {
	if (v === undefined || v === null) return void errors.push('from: Required value: one of {"pod": "namespace/name"}, {"node": "name"} or {"ip": "a.b.c.d"}');
	if (typeof v !== 'object' || Array.isArray(v)) return void errors.push(`from: Invalid value: ${quote(v)}: must be an object`);
	const f = v as Record<string, unknown>;
	const keys = Object.keys(f);
	const str = (k: string, pattern: RegExp, want: string): string | undefined => {
		const x = f[k];
		if (typeof x !== 'string' || x.length > 253 || !pattern.test(x)) return void errors.push(`from.${k}: Invalid value: ${quote(x)}: ${want}`);
		return x;
	};
	if ('pod' in f) {
		if (keys.length > 1) return void errors.push('from: Invalid value: "pod" cannot be combined with other fields');
		const pod = str('pod', /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be namespace/name');
		return pod === undefined ? undefined : { pod };
	}
	if ('ip' in f) {
		if (keys.some((k) => k !== 'ip' && k !== 'node')) return void errors.push(`from: Invalid value: only "ip" and "node" may be given together`);
		const ip = str('ip', IPV4, 'must be an IPv4 address');
		const node = f.node === undefined ? undefined : str('node', NAME, 'must be a node name');
		if (ip === undefined || (f.node !== undefined && node === undefined)) return undefined;
		return node ? { ip, node } : { ip };
	}
	if ('node' in f) {
		if (keys.length > 1) return void errors.push(`from: Invalid value: unknown fields with "node"`);
		const node = str('node', NAME, 'must be a node name');
		return node === undefined ? undefined : { node };
	}
	errors.push('from: Required value: one of {"pod": "namespace/name"}, {"node": "name"} or {"ip": "a.b.c.d"}');
	return undefined;
}
