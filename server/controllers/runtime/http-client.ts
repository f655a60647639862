/**
 * The controllers' `KubeClient`: plain HTTP to the room's kube API (`/rooms/<id>/k8s`) with the
 * editor token and a keep-alive agent, exactly the requests kubectl would make. Each call holds
 * the room clock while it is in flight, so simulated time does not jump past it at max speed.
 *
 * @module
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import {
	ApiError,
	type ApiErrorCause,
	type ApplyOptions,
	type DeleteOptions,
	type KubeClient,
	type KubeObject,
	type ListOptions,
	type PatchType,
	type ResourceRef,
	type WatchEvent,
	type WatchOptions
} from '../../../src/lib/controllers/types';

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
}

const PATCH_TYPES: Record<PatchType, string> = {
	merge: 'application/merge-patch+json',
	strategic: 'application/strategic-merge-patch+json',
	json: 'application/json-patch+json'
};

export function keepAliveAgent(): Agent {
	return new Agent({ keepAlive: true, maxSockets: 64 });
}

/** The path of a collection or an object, like client-go's REST client builds it. */
export function resourcePath(r: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
	let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
	if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
	p += `/${r.resource}`;
	if (name !== undefined) p += `/${encodeURIComponent(name)}`;
	if (subresource) p += `/${subresource}`;
	return p;
}

function query(params: Record<string, string | undefined>): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
	const s = q.toString();
	return s ? `?${s}` : '';
}

export class HttpKubeClient implements KubeClient {
	constructor(private readonly o: HttpClientOptions) {}

	/** The same connection settings, writing as another field manager. */
	as(fieldManager: string): HttpKubeClient {
		return new HttpKubeClient({ ...this.o, fieldManager });
	}

	/** The same client, saying who it is with `userAgent`. */
	withUserAgent(userAgent: string): HttpKubeClient {
		return new HttpKubeClient({ ...this.o, userAgent });
	}

	get(r: ResourceRef, namespace: string | undefined, name: string): Promise<KubeObject> {
		return this.call('GET', resourcePath(r, namespace, name));
	}

	async list(r: ResourceRef, opts: ListOptions = {}): Promise<{ items: KubeObject[]; resourceVersion: string }> {
		const list = await this.call<{ items: KubeObject[]; metadata: { resourceVersion: string } }>(
			'GET',
			resourcePath(r, opts.namespace) + query({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector })
		);
		return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '' };
	}

	create(r: ResourceRef, obj: KubeObject): Promise<KubeObject> {
		return this.call('POST', resourcePath(r, obj.metadata.namespace) + this.manager(), obj);
	}

	update(r: ResourceRef, obj: KubeObject): Promise<KubeObject> {
		return this.call('PUT', resourcePath(r, obj.metadata.namespace, obj.metadata.name) + this.manager(), obj);
	}

	updateStatus(r: ResourceRef, obj: KubeObject): Promise<KubeObject> {
		return this.call('PUT', resourcePath(r, obj.metadata.namespace, obj.metadata.name, 'status') + this.manager(), obj);
	}

	patch(r: ResourceRef, namespace: string | undefined, name: string, type: PatchType, patch: unknown, subresource?: string): Promise<KubeObject> {
		return this.call('PATCH', resourcePath(r, namespace, name, subresource) + this.manager(), patch, PATCH_TYPES[type]);
	}

	async delete(r: ResourceRef, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<void> {
		await this.call('DELETE', resourcePath(r, namespace, name), { kind: 'DeleteOptions', apiVersion: 'v1', ...opts });
	}

	post(r: ResourceRef, namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<KubeObject> {
		return this.call('POST', resourcePath(r, namespace, name, subresource) + this.manager(), body);
	}

	/** JSON is YAML, so the applied configuration goes as JSON with the apply content type. */
	apply(r: ResourceRef, obj: KubeObject, opts: ApplyOptions): Promise<KubeObject> {
		const q = query({ fieldManager: opts.fieldManager, force: opts.force ? 'true' : undefined, dryRun: opts.dryRun ? 'All' : undefined });
		return this.call('PATCH', resourcePath(r, obj.metadata.namespace, obj.metadata.name) + q, obj, 'application/apply-patch+yaml');
	}

	watch(r: ResourceRef, opts: WatchOptions, onEvent: (e: WatchEvent) => void, onEnd: (err?: Error) => void): { stop(): void } {
		const path =
			resourcePath(r, opts.namespace) +
			query({ watch: '1', resourceVersion: opts.resourceVersion, allowWatchBookmarks: 'true', labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
		let ended = false;
		const end = (err?: Error) => {
			if (ended) return;
			ended = true;
			onEnd(err);
		};
		const req = request(this.url(path), { method: 'GET', agent: this.o.agent, headers: this.headers() }, (res) => {
			if (res.statusCode !== 200) return void readBody(res).then((b) => end(apiError(res.statusCode ?? 500, b)), end);
			res.setEncoding('utf8');
			let buf = '';
			res.on('data', (chunk: string) => {
				buf += chunk;
				let nl: number;
				while ((nl = buf.indexOf('\n')) >= 0) {
					const line = buf.slice(0, nl).trim();
					buf = buf.slice(nl + 1);
					if (!line) continue;
					// Events are handled while the request is held: a watch event is work, too.
					const release = this.o.hold?.();
					try {
						onEvent(JSON.parse(line) as WatchEvent);
					} finally {
						release?.();
					}
				}
			});
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

	private manager(): string {
		return query({ fieldManager: this.o.fieldManager });
	}

	private url(path: string): string {
		return `${this.o.origin}/rooms/${this.o.roomId}/k8s${path}`;
	}

	private headers(contentType?: string): Record<string, string> {
		const h: Record<string, string> = { authorization: `Bearer ${this.o.token}`, accept: 'application/json', 'user-agent': this.o.userAgent ?? `kube-controller-manager/${this.o.fieldManager}` };
		if (contentType) h['content-type'] = contentType;
		return h;
	}

	private call<T = KubeObject>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
		const release = this.o.hold?.();
		const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		const headers = this.headers(data ? contentType : undefined);
		// Node frames DELETE bodies only with an explicit length (it never chunks a DELETE).
		if (data) headers['content-length'] = String(data.length);
		return new Promise<T>((resolve, reject) => {
			const req = request(this.url(path), { method, agent: this.o.agent, headers }, (res) => {
				readBody(res).then((text) => {
					const code = res.statusCode ?? 500;
					if (code >= 200 && code < 300) resolve((text ? JSON.parse(text) : {}) as T);
					else reject(apiError(code, text || `${method} ${path}: HTTP ${code}`));
				}, reject);
			});
			req.on('error', reject);
			req.end(data);
		}).finally(() => release?.());
	}
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

function apiError(code: number, text: string): ApiError {
	try {
		const s = JSON.parse(text) as { reason?: string; message?: string; details?: { causes?: ApiErrorCause[] } };
		return new ApiError(code, s.reason ?? '', s.message ?? text, s.details?.causes ?? []);
	} catch {
		return new ApiError(code, '', text || `HTTP ${code}`);
	}
}
