/**
 * The browser's `KubeClient`: `fetch` to the room's kube API (`/rooms/<id>/k8s`, same origin)
 * with the room token as a bearer token, so the pure `Informer` and any controller-style code run
 * in the page exactly as they run on the server. Watches read the response body as a stream of
 * JSON lines; `stop()` aborts the request.
 *
 * @module
 */
import type { KubeObject, ResourceRef, WatchEvent, WatchOptions } from '../controllers/types';
import { apiErrorOf, watchErrorOf } from './errors';
import { JsonLineSplitter } from './json-lines';
import { resourcePath } from './paths';
import { RestKubeClient, watchQuery } from './rest-client';

export interface FetchClientOptions {
	roomId: string;
	token: string;
	/** Origin of the API; '' (default) = the page's own. */
	origin?: string;
	/** `fieldManager` of writes, as kubectl sends `kubectl-cordon`, `kubectl-client-side-apply`... */
	fieldManager?: string;
	/** For tests: another `fetch`. */
	fetch?: typeof fetch;
}

export class FetchKubeClient extends RestKubeClient {
	protected readonly fieldManager: string | undefined;
	private readonly base: string;
	private readonly fetch: typeof fetch;

	constructor(private readonly o: FetchClientOptions) {
		super();
		this.fieldManager = o.fieldManager;
		this.base = `${o.origin ?? ''}/rooms/${encodeURIComponent(o.roomId)}/k8s`;
		// Bound: a detached `fetch` throws "Illegal invocation" in browsers.
		this.fetch = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
	}

	/** The same connection, writing as another field manager. */
	as(fieldManager: string): FetchKubeClient {
		return new FetchKubeClient({ ...this.o, fieldManager });
	}

	watch(r: ResourceRef, opts: WatchOptions, onEvent: (e: WatchEvent) => void, onEnd: (err?: Error) => void): { stop(): void } {
		const path = resourcePath(r, opts.namespace) + watchQuery(opts);
		const abort = new AbortController();
		let ended = false;
		const end = (err?: Error) => {
			if (ended) return;
			ended = true;
			onEnd(err);
		};
		const run = async () => {
			const res = await this.fetch(this.base + path, { headers: this.headers(), signal: abort.signal, cache: 'no-store' });
			if (!res.ok) return end(apiErrorOf(res.status, await res.text(), `watch ${r.resource}: `));
			if (!res.body) return end(new Error(`watch ${r.resource}: no response body`));
			const reader = res.body.getReader();
			const lines = new JsonLineSplitter();
			const deliver = (ls: string[]) => {
				for (const l of ls) {
					if (ended) return;
					const e = JSON.parse(l) as WatchEvent;
					onEvent(e);
					// An ERROR event ends the watch, like client-go's StreamWatcher (410 → relist).
					if (e.type === 'ERROR') {
						abort.abort();
						end(watchErrorOf(e.object as { code?: number }));
					}
				}
			};
			for (;;) {
				const { done, value } = await reader.read();
				if (done) break;
				deliver(lines.push(value));
			}
			deliver(lines.end());
			end();
		};
		run().catch((e: Error) => end(abort.signal.aborted ? undefined : e));
		return {
			stop: () => {
				ended = true;
				abort.abort();
			}
		};
	}

	private headers(contentType?: string): Record<string, string> {
		const h: Record<string, string> = { authorization: `Bearer ${this.o.token}`, accept: 'application/json' };
		if (contentType) h['content-type'] = contentType;
		return h;
	}

	protected async call<T = KubeObject>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
		const res = await this.fetch(this.base + path, {
			method,
			headers: this.headers(body === undefined ? undefined : contentType),
			body: body === undefined ? undefined : JSON.stringify(body),
			cache: 'no-store'
		});
		const text = await res.text();
		if (!res.ok) throw apiErrorOf(res.status, text, `${method} ${path}: `);
		return (text ? JSON.parse(text) : {}) as T;
	}
}
