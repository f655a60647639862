/**
 * Small HTTP helpers: JSON replies, Kubernetes-style Status errors, bounded body reading.
 *
 * Errors use the Kubernetes `Status` shape everywhere converge answers HTTP, so a script sees one
 * format whether it talks to the rooms API or to a room's kube API.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type StatusReason =
	| 'BadRequest'
	| 'Unauthorized'
	| 'Forbidden'
	| 'NotFound'
	| 'MethodNotAllowed'
	| 'AlreadyExists'
	| 'Conflict'
	| 'Invalid'
	| 'RequestEntityTooLarge'
	| 'UnsupportedMediaType'
	| 'TooManyRequests'
	| 'InternalError';

/** An HTTP error carrying a Kubernetes Status reason. */
export class StatusError extends Error {
	override name = 'StatusError';
	constructor(
		readonly code: number,
		readonly reason: StatusReason,
		message: string
	) {
		super(message);
	}
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
	const data = JSON.stringify(body);
	res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'cache-control': 'no-store' });
	res.end(data);
}

export function sendStatus(res: ServerResponse, err: StatusError): void {
	sendJson(res, err.code, {
		kind: 'Status',
		apiVersion: 'v1',
		metadata: {},
		status: 'Failure',
		message: err.message,
		reason: err.reason,
		code: err.code
	});
}

/** Reads a JSON body of at most `max` bytes; an empty body is `{}`. */
export async function readJson(req: IncomingMessage, max: number): Promise<Record<string, unknown>> {
	const declared = Number(req.headers['content-length'] ?? 0);
	if (declared > max) throw new StatusError(413, 'RequestEntityTooLarge', `request body exceeds the ${max}-byte limit`);
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > max) throw new StatusError(413, 'RequestEntityTooLarge', `request body exceeds the ${max}-byte limit`);
		chunks.push(chunk as Buffer);
	}
	if (size === 0) return {};
	const type = req.headers['content-type'] ?? '';
	if (!type.includes('json')) throw new StatusError(415, 'UnsupportedMediaType', 'request body must be application/json');
	try {
		const v = JSON.parse(Buffer.concat(chunks).toString('utf8'));
		if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
		return v as Record<string, unknown>;
	} catch (e) {
		throw new StatusError(400, 'BadRequest', `request body is not a JSON object: ${(e as Error).message}`);
	}
}

/** The bearer token of a request, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
	const h = req.headers.authorization;
	if (!h) return undefined;
	const m = /^Bearer\s+(\S+)$/i.exec(h);
	return m?.[1];
}

/** The origin (scheme://host) the client used, honouring a reverse proxy's forwarded headers. */
export function requestOrigin(req: IncomingMessage): string {
	const proto = (req.headers['x-forwarded-proto'] as string | undefined)?.split(',')[0]?.trim() || 'http';
	const host = (req.headers['x-forwarded-host'] as string | undefined) ?? req.headers.host ?? 'localhost';
	return `${proto}://${host}`;
}
