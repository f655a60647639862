/**
 * Reads for admission, the way kube-apiserver's admission plugins read through informer listers
 * rather than etcd: from the resource's watch cache (watch-cache.ts), which has applied every
 * write acknowledged so far (the store releases a revision's events before answering its
 * writer). A miss is looked up in the store, as NamespaceLifecycle does for a namespace its
 * informer has not seen yet; a cache that cannot start means store reads.
 *
 * Objects returned may be shared with the cache: read-only.
 *
 * @module
 */
import { collectionKey, objectKey } from '../../src/lib/kube/storage-keys';
import type { ObjectStorage } from './storage';
import { prefixEndKey, watchCacheFor } from './watch-cache';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The cluster-scoped object `name` of the resource stored under `prefix` (`namespaces`). */
export async function getListed(storage: ObjectStorage, prefix: string, name: string): Promise<Obj | undefined> {
	const key = objectKey(prefix, undefined, name);
	const cache = await watchCacheFor(storage, collectionKey(prefix));
	return cache?.get(key)?.object ?? (await storage.get(key))?.object;
}

/** Every object of the cluster-scoped resource stored under `prefix`, in key order. */
export async function listListed(storage: ObjectStorage, prefix: string): Promise<Obj[]> {
	const from = collectionKey(prefix);
	const cache = await watchCacheFor(storage, from);
	if (cache) return cache.snapshot(from, prefixEndKey(from)).map((s) => s.object);
	return (await storage.page(from, from, 0, 0)).items.map((s) => s.object);
}
