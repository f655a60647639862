/**
 * HTTP plumbing of the kube API: bounded body reading and decoding (JSON or YAML, kube's error
 * messages), content negotiation (JSON, YAML, Table, PartialObjectMetadata, aggregated
 * discovery), and replies (objects, Status errors, `Warning` headers).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { badRequest, KubeError, notAcceptable, requestEntityTooLarge } from '../../src/lib/kube/api-errors';
import { goJsonSyntaxError, jsonDepth } from '../../src/lib/kube/json-syntax';
import { APISERVER_LIMITS } from './limits';

/** What the client asked to receive. */
export type Wanted =
	| { as: 'object'; yaml: boolean }
	| { as: 'table'; version: 'v1' | 'v1beta1' }
	| { as: 'partial' }
	| { as: 'discovery'; version: 'v2' | 'v2beta1' };

interface MediaRange {
	type: string;
	params: Record<string, string>;
}

function parseAccept(header: string | undefined): MediaRange[] {
	if (!header) return [{ type: '*/*', params: {} }];
	return header.split(',').map((part) => {
		const [type, ...ps] = part.split(';').map((s) => s.trim());
		const params: Record<string, string> = {};
		for (const p of ps) {
			const eq = p.indexOf('=');
			if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
		}
		return { type: type.toLowerCase(), params };
	});
}

/** What the server encodes (protobuf is not served; clients fall back to JSON). */
export const SERVED_MEDIA_TYPES = ['application/json', 'application/yaml'];

/**
 * The first acceptable representation in the client's order. `discovery` requests may get the
 * aggregated form; others may get Tables or metadata only. Throws 406 when nothing fits.
 */
export function negotiate(req: IncomingMessage, kind: 'resource' | 'discovery' | 'plain'): Wanted {
	for (const m of parseAccept(req.headers.accept)) {
		const json = m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*';
		if (m.type === 'application/yaml' && !m.params.as) return { as: 'object', yaml: true };
		if (!json) continue;
		const as = m.params.as;
		if (!as) return { as: 'object', yaml: false };
		if (kind === 'resource' && as === 'Table' && m.params.g === 'meta.k8s.io' && (m.params.v === 'v1' || m.params.v === 'v1beta1'))
			return { as: 'table', version: m.params.v };
		if (kind === 'resource' && (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && m.params.g === 'meta.k8s.io') return { as: 'partial' };
		if (kind === 'discovery' && as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io' && (m.params.v === 'v2' || m.params.v === 'v2beta1'))
			return { as: 'discovery', version: m.params.v };
	}
	throw notAcceptable(SERVED_MEDIA_TYPES);
}

const COMMON_HEADERS = { 'cache-control': 'no-cache, private' };

/** Sends a JSON (or YAML) body; `warnings` become `Warning: 299 - "..."` headers. */
export function sendObject(res: ServerResponse, code: number, body: unknown, opts: { yaml?: boolean; contentType?: string; warnings?: string[] } = {}): void {
	sendEncoded(res, code, opts.yaml ? stringifyYaml(body) : JSON.stringify(body), { ...opts, contentType: opts.contentType ?? (opts.yaml ? 'application/yaml' : 'application/json') });
}

/**
 * Sends an already encoded body (JSON unless `contentType` says otherwise). A body in parts is
 * written as is (one gathered write): joining megabytes first would only copy them.
 */
export function sendEncoded(res: ServerResponse, code: number, body: string | Buffer[], opts: { contentType?: string; warnings?: string[] } = {}): void {
	// A string body is measured, not copied into a Buffer: node joins it with the headers into
	// the one chunk it writes.
	const parts = typeof body === 'string' ? undefined : body;
	let length = 0;
	if (parts) for (const p of parts) length += p.length;
	else length = Buffer.byteLength(body as string, 'utf8');
	const headers: Record<string, string | string[]> = {
		...COMMON_HEADERS,
		'content-type': opts.contentType ?? 'application/json',
		'content-length': String(length)
	};
	if (opts.warnings?.length) headers.warning = opts.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
	res.writeHead(code, headers);
	if (!parts) return void res.end(body as string, 'utf8');
	if (parts.length === 1) return void res.end(parts[0]);
	res.cork();
	for (const p of parts) res.write(p);
	res.end();
	res.uncork();
}

/** Sends a failure Status. */
export function sendError(res: ServerResponse, err: KubeError, warnings?: string[]): void {
	if (res.headersSent) {
		res.destroy();
		return;
	}
	sendObject(res, err.code, err.toStatus(), { warnings });
}

/** Reads the raw body, at most APISERVER_LIMITS.maxBodyBytes (413 beyond). */
export function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
	const max = APISERVER_LIMITS.maxBodyBytes;
	const tooLarge = () => requestEntityTooLarge(`limit is ${max}`);
	if (Number(req.headers['content-length'] ?? 0) > max) {
		req.resume();
		return Promise.reject(tooLarge());
	}
	if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
	// Usually the whole body came with the headers and waits in the stream's buffer: take it.
	if (req.complete) {
		const buffered = (req.read() as Buffer | null) ?? Buffer.alloc(0);
		return buffered.length > max ? Promise.reject(tooLarge()) : Promise.resolve(buffered);
	}
	// Events rather than an async iterator: a small body is one chunk, and this runs per write.
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const onData = (chunk: Buffer) => {
			size += chunk.length;
			if (size > max) {
				done();
				req.resume();
				return reject(tooLarge());
			}
			chunks.push(chunk);
		};
		const onEnd = () => {
			done();
			resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
		};
		const onError = (e: Error) => {
			done();
			reject(e);
		};
		const done = () => {
			req.off('data', onData);
			req.off('end', onEnd);
			req.off('error', onError);
		};
		req.on('data', onData);
		req.on('end', onEnd);
		req.on('error', onError);
	});
}

/** The body as text (see readBodyBytes). */
export async function readBody(req: IncomingMessage): Promise<string> {
	return (await readBodyBytes(req)).toString('utf8');
}

/** The media type of the request body without parameters (`application/json`). */
export function contentType(req: IncomingMessage): string {
	return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Parses a body as JSON or YAML (by content type). A syntax error throws 400 with the message
 * built by `describe(parserMessage)` (kube wraps it in a decode message naming the kind).
 */
export function parseBody(text: string, type: string, describe: (msg: string) => string): unknown {
	if (type.includes('yaml')) {
		try {
			const docs = parseYaml(text, { maxAliasCount: 100, uniqueKeys: false });
			return docs ?? {};
		} catch (e) {
			const msg = (e as Error).message.split('\n')[0];
			throw badRequest(describe(`error converting YAML to JSON: yaml: ${msg}`));
		}
	}
	// Nesting needs one character per level: shorter bodies cannot be too deep, and skip the scan.
	if (text.length > APISERVER_LIMITS.maxJsonDepth && jsonDepth(text) > APISERVER_LIMITS.maxJsonDepth) throw badRequest(describe('couldn\'t get version/kind; json parse error: exceeded max depth'));
	try {
		return JSON.parse(text);
	} catch {
		throw badRequest(describe(`couldn't get version/kind; json parse error: ${goJsonSyntaxError(text) ?? 'unexpected end of JSON input'}`));
	}
}

