/**
 * The controllers' `KubeClient`: plain HTTP to the room's kube API (`/rooms/<id>/k8s`) with the
 * editor token and a keep-alive agent, exactly the requests kubectl would make, or those same
 * requests handed to the API's handler in the process (`inProcess`, see in-process.ts). Each call
 * holds the room clock while it is in flight, so simulated time does not jump past it at max speed.
 *
 * @module
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { ApiError, type ApiErrorCause, type ApplyOptions, type KubeObject, type ResourceRef, type WatchEvent, type WatchOptions } from '../../../src/lib/controllers/types';
import { query, resourcePath } from '../../../src/lib/kube-client/paths';
import { apiErrorOf } from '../../../src/lib/kube-client/errors';
import { JsonLineSplitter } from '../../../src/lib/kube-client/json-lines';
import { RestKubeClient, watchQuery } from '../../../src/lib/kube-client/rest-client';
import { inProcessRequest, type RequestHandler } from './in-process';

export { resourcePath };

export interface HttpClientOptions {
	/** `http://127.0.0.1:<port>` */
	origin: string;
	roomId: string;
	token: string;
	agent: Agent;
	/** `fieldManager` of writes (the controller's name, like kube-controller-manager's). */
	fieldManager: string;
	/** Marks a request in flight on the room clock. */
	hold?: () => () => void;
	/** The User-Agent (the API server's metrics name callers by it); default `kube-controller-manager/<fieldManager>`. */
	userAgent?: string;
	/** The API's request handler, to call without a socket (the agent and origin then go unused). */
	inProcess?: RequestHandler;
}

/**
 * Failed responses of every control-plane client in the process, by `<user agent> <method> <resource>[/<subresource>] <status>`
 * (benchmarks read the 409s of a rolling update here; failures only, so a success costs nothing).
 */
export const CLIENT_FAILURES = new Map<string, number>();

export function keepAliveAgent(): Agent {
	return new Agent({ keepAlive: true, maxSockets: 64 });
}

/** The REST verbs are RestKubeClient's (shared with the browser's client); this adds the transport. */
export class HttpKubeClient extends RestKubeClient {
	constructor(private readonly o: HttpClientOptions) {
		super();
	}

	protected get fieldManager(): string {
		return this.o.fieldManager;
	}

	/** The same connection settings, writing as another field manager. */
	as(fieldManager: string): HttpKubeClient {
		return new HttpKubeClient({ ...this.o, fieldManager });
	}

	/** The same client, saying who it is with `userAgent`. */
	withUserAgent(userAgent: string): HttpKubeClient {
		return new HttpKubeClient({ ...this.o, userAgent });
	}

	/** JSON is YAML, so the applied configuration goes as JSON with the apply content type. */
	apply(r: ResourceRef, obj: KubeObject, opts: ApplyOptions): Promise<KubeObject> {
		const q = query({ fieldManager: opts.fieldManager, force: opts.force ? 'true' : undefined, dryRun: opts.dryRun ? 'All' : undefined });
		return this.call('PATCH', resourcePath(r, obj.metadata.namespace, obj.metadata.name) + q, obj, 'application/apply-patch+yaml');
	}

	watch(r: ResourceRef, opts: WatchOptions, onEvent: (e: WatchEvent) => void, onEnd: (err?: Error) => void): { stop(): void } {
		const path = resourcePath(r, opts.namespace) + watchQuery(opts);
		let ended = false;
		const end = (err?: Error) => {
			if (ended) return;
			ended = true;
			onEnd(err);
		};
		const lines = new JsonLineSplitter();
		const deliver = (chunk: Buffer | string) => {
			for (const line of lines.push(chunk)) {
				// Events are handled while the request is held: a watch event is work, too.
				const release = this.o.hold?.();
				try {
					onEvent(JSON.parse(line) as WatchEvent);
				} finally {
					release?.();
				}
			}
		};
		if (this.o.inProcess) {
			let status = 0;
			let body = '';
			const call = inProcessRequest(this.o.inProcess, 'GET', this.url(path), this.headers(), undefined, {
				head: (code) => (status = code),
				data: (chunk) => {
					if (status !== 200) body += chunk.toString();
					else deliver(chunk);
				},
				end: () => end(status === 200 ? undefined : apiErrorOf(status || 500, body))
			});
			return {
				stop: () => {
					ended = true;
					call.abort();
				}
			};
		}
		const req = request(this.url(path), { method: 'GET', agent: this.o.agent, headers: this.headers() }, (res) => {
			if (res.statusCode !== 200) return void readBody(res).then((b) => end(apiErrorOf(res.statusCode ?? 500, b)), end);
			res.on('data', deliver);
			res.on('end', () => end());
			res.on('error', (e) => end(e));
			res.on('close', () => end());
		});
		req.on('error', (e) => end(e));
		req.end();
		return {
			stop: () => {
				ended = true;
				req.destroy();
			}
		};
	}

	private url(path: string): string {
		const local = `/rooms/${this.o.roomId}/k8s${path}`;
		return this.o.inProcess ? local : `${this.o.origin}${local}`;
	}

	private failed(method: string, path: string, status: number): void {
		const m = /^\/(?:api\/v1|apis\/[^/]+\/[^/]+)(?:\/namespaces\/[^/]+)?\/([^/?]+)(?:\/[^/?]+(?:\/([^/?]+))?)?/.exec(path);
		const resource = m ? (m[2] ? `${m[1]}/${m[2]}` : m[1]) : path;
		const key = `${this.o.userAgent ?? `kube-controller-manager/${this.o.fieldManager}`} ${method} ${resource} ${status}`;
		CLIENT_FAILURES.set(key, (CLIENT_FAILURES.get(key) ?? 0) + 1);
	}

	private headers(contentType?: string): Record<string, string> {
		const h: Record<string, string> = { authorization: `Bearer ${this.o.token}`, accept: 'application/json', 'user-agent': this.o.userAgent ?? `kube-controller-manager/${this.o.fieldManager}` };
		if (contentType) h['content-type'] = contentType;
		return h;
	}

	protected call<T = KubeObject>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
		const release = this.o.hold?.();
		const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		const headers = this.headers(data ? contentType : undefined);
		// Node frames DELETE bodies only with an explicit length (it never chunks a DELETE).
		if (data) headers['content-length'] = String(data.length);
		const handler = this.o.inProcess;
		if (handler)
			return new Promise<T>((resolve, reject) => {
				let status = 0;
				const parts: Array<string | Buffer> = [];
				inProcessRequest(handler, method, this.url(path), headers, data, {
					head: (code) => (status = code),
					data: (chunk) => void parts.push(chunk),
					end: (complete) => {
						if (!complete) return reject(new Error(`${method} ${path}: socket hang up`));
						const text = textOf(parts);
						if (status >= 200 && status < 300) resolve((text ? JSON.parse(text) : {}) as T);
						else {
							this.failed(method, path, status);
							reject(apiErrorOf(status, text, `${method} ${path}: `));
						}
					}
				});
			}).finally(() => release?.());
		return new Promise<T>((resolve, reject) => {
			const req = request(this.url(path), { method, agent: this.o.agent, headers }, (res) => {
				readBody(res).then((text) => {
					const code = res.statusCode ?? 500;
					if (code >= 200 && code < 300) resolve((text ? JSON.parse(text) : {}) as T);
					else {
						this.failed(method, path, code);
						reject(apiErrorOf(code, text, `${method} ${path}: `));
					}
				}, reject);
			});
			req.on('error', reject);
			req.end(data);
		}).finally(() => release?.());
	}
}

/** A body from the chunks it was written in (a Buffer may end inside a UTF-8 sequence). */
function textOf(parts: Array<string | Buffer>): string {
	if (parts.every((p) => typeof p === 'string')) return parts.join('');
	return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString('utf8');
}

function readBody(res: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		let s = '';
		res.setEncoding('utf8');
		res.on('data', (c: string) => (s += c));
		res.on('end', () => resolve(s));
		res.on('error', reject);
	});
}

