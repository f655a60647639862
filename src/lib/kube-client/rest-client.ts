/**
 * The verbs of `KubeClient` as REST requests, whatever carries them: a subclass supplies `call`
 * (one request, the parsed body or an `ApiError`) and `watch`. The browser's fetch client
 * extends it; so can any other transport (Node's http with a keep-alive agent).
 *
 * @module
 */
import type { DeleteOptions, KubeClient, KubeObject, ListOptions, PatchType, ResourceRef, WatchEvent, WatchOptions } from '../controllers/types';
import { query, resourcePath } from './paths';

export const PATCH_TYPES: Record<PatchType, string> = {
	merge: 'application/merge-patch+json',
	strategic: 'application/strategic-merge-patch+json',
	json: 'application/json-patch+json'
};

/** The query string of a watch request, as client-go's reflector sends it. */
export function watchQuery(opts: WatchOptions): string {
	return query({ watch: '1', allowWatchBookmarks: 'true', resourceVersion: opts.resourceVersion, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
}

export abstract class RestKubeClient implements KubeClient {
	/** `fieldManager` sent with every write (none when undefined). */
	protected abstract readonly fieldManager: string | undefined;

	/** One request to `path` (below the room's `/k8s`): the parsed body, or an `ApiError`. */
	protected abstract call<T = KubeObject>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;

	abstract watch(r: ResourceRef, opts: WatchOptions, onEvent: (e: WatchEvent) => void, onEnd: (err?: Error) => void): { stop(): void };

	get(r: ResourceRef, namespace: string | undefined, name: string): Promise<KubeObject> {
		return this.call('GET', resourcePath(r, namespace, name));
	}

	async list(r: ResourceRef, opts: ListOptions = {}): Promise<{ items: KubeObject[]; resourceVersion: string }> {
		const path = resourcePath(r, opts.namespace) + query({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
		const list = await this.call<{ items?: KubeObject[]; metadata?: { resourceVersion?: string } }>('GET', path);
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

	private manager(): string {
		return query({ fieldManager: this.fieldManager });
	}
}
