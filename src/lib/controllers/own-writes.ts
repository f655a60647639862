/**
 * The objects a controller itself wrote last, by key: when its informer has not delivered the
 * echo of its own write yet, the next sync starts from what it wrote instead of the stale cached
 * copy, so it neither writes the same status twice nor loses a round trip to a 409 and a re-read.
 * Whatever anybody else wrote later has a higher resourceVersion and wins, as the cache does.
 *
 * @module
 */
import type { KubeObject } from './types';

export class OwnWrites {
	private last = new Map<string, KubeObject>();

	remember(key: string, written: KubeObject): void {
		this.last.set(key, written);
	}

	forget(key: string): void {
		this.last.delete(key);
	}

	/** The newer of the cached object and our last write of it (same uid); forgets a write the cache caught up with. */
	fresher(key: string, cached: KubeObject): KubeObject {
		const mine = this.last.get(key);
		if (!mine) return cached;
		if (mine.metadata.uid === cached.metadata.uid && revision(mine) > revision(cached)) return mine;
		this.last.delete(key);
		return cached;
	}
}

/** resourceVersions are etcd revisions here; a non-numeric one never counts as newer. */
function revision(o: KubeObject): number {
	const n = Number(o.metadata.resourceVersion);
	return Number.isSafeInteger(n) ? n : -1;
}
