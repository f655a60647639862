/**
 * What controllers see of the API: a client with the verbs of client-go's typed clients, over
 * plain JSON objects. The server's implementation talks HTTP to the room's kube API (like on a
 * real cluster); tests may use a fake that records calls.
 *
 * @module
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeObject = { apiVersion?: string; kind?: string; metadata: ObjectMeta; spec?: any; status?: any; [k: string]: any };

export interface OwnerReference {
	apiVersion: string;
	kind: string;
	name: string;
	uid: string;
	controller?: boolean;
	blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
	name?: string;
	generateName?: string;
	namespace?: string;
	uid?: string;
	resourceVersion?: string;
	generation?: number;
	creationTimestamp?: string;
	deletionTimestamp?: string;
	labels?: Record<string, string>;
	annotations?: Record<string, string>;
	ownerReferences?: OwnerReference[];
	finalizers?: string[];
}

/** A resource as addressed in URLs. */
export interface ResourceRef {
	group: string;
	version: string;
	/** Plural (`replicasets`). */
	resource: string;
	kind: string;
	namespaced: boolean;
}

export interface ListOptions {
	namespace?: string;
	labelSelector?: string;
	fieldSelector?: string;
}

export interface WatchEvent {
	type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
	object: KubeObject;
}

export interface WatchOptions extends ListOptions {
	resourceVersion: string;
}

export type PatchType = 'merge' | 'strategic' | 'json';

export interface DeleteOptions {
	propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
	gracePeriodSeconds?: number;
	preconditions?: { uid?: string; resourceVersion?: string };
}

/** The verbs of a typed client. Errors are `ApiError`s. */
export interface KubeClient {
	get(r: ResourceRef, namespace: string | undefined, name: string): Promise<KubeObject>;
	list(r: ResourceRef, opts?: ListOptions): Promise<{ items: KubeObject[]; resourceVersion: string }>;
	/** Streams events until `stop()` or the server ends it; `onEnd` gets the error if it failed. */
	watch(r: ResourceRef, opts: WatchOptions, onEvent: (e: WatchEvent) => void, onEnd: (err?: Error) => void): { stop(): void };
	create(r: ResourceRef, obj: KubeObject): Promise<KubeObject>;
	update(r: ResourceRef, obj: KubeObject): Promise<KubeObject>;
	updateStatus(r: ResourceRef, obj: KubeObject): Promise<KubeObject>;
	patch(r: ResourceRef, namespace: string | undefined, name: string, type: PatchType, patch: unknown, subresource?: string): Promise<KubeObject>;
	delete(r: ResourceRef, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<void>;
	/** POST to a subresource (`pods/binding`, `pods/eviction`). */
	post(r: ResourceRef, namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<KubeObject>;
	/** Server-side apply (PATCH application/apply-patch+yaml) as `opts.fieldManager`. */
	apply?(r: ResourceRef, obj: KubeObject, opts: ApplyOptions): Promise<KubeObject>;
}

export interface ApplyOptions {
	fieldManager: string;
	force?: boolean;
	dryRun?: boolean;
}

/** A cause of a failed call (`field` is the field path the API blames, e.g. `spec.replicas`). */
export interface ApiErrorCause {
	reason?: string;
	message?: string;
	field?: string;
}

/** A failed API call, with the Status the server answered. */
export class ApiError extends Error {
	constructor(
		readonly code: number,
		readonly reason: string,
		message: string,
		/** The Status's details.causes, when it had any. */
		readonly causes: ApiErrorCause[] = []
	) {
		super(message);
		this.name = 'ApiError';
	}
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.code === 404;
export const isConflict = (e: unknown): boolean => e instanceof ApiError && e.code === 409;
export const isAlreadyExists = (e: unknown): boolean => e instanceof ApiError && e.code === 409 && e.reason === 'AlreadyExists';
export const isGone = (e: unknown): boolean => e instanceof ApiError && e.code === 410;

/** `namespace/name`, or `name` for cluster-scoped objects: the key of caches and queues. */
export function keyOf(obj: { metadata: ObjectMeta }): string {
	const { namespace, name } = obj.metadata;
	return namespace ? `${namespace}/${name}` : (name ?? '');
}

export function splitKey(key: string): { namespace?: string; name: string } {
	const i = key.indexOf('/');
	return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The owner reference with `controller: true`, if any. */
export function controllerRef(obj: { metadata: ObjectMeta }): OwnerReference | undefined {
	return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export const RESOURCES = {
	namespaces: { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
	pods: { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
	events: { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
	serviceaccounts: { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
	configmaps: { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
	replicasets: { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
	deployments: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true }
} satisfies Record<string, ResourceRef>;
