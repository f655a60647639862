/**
 * What the replica's raw key-values mean: kube objects stored as JSON under
 * `/registry/<resource prefix>/[<namespace>/]<name>` (src/lib/kube/storage-keys.ts), the prefix of
 * a `ResourceRef`, and a value as text for the Store view.
 *
 * Decoded objects are cached by key and mod revision: scrubbing back and forth parses each version
 * once, and unchanged objects keep their identity (the informers see no update for them).
 *
 * @module
 */
import type { KubeObject, ResourceRef } from '../controllers/types';
import { findResource } from '../kube/resources';
import { resourcePrefix } from '../kube/storage-keys';
import { fromUtf8 } from '../store/bytes';
import type { KeyValue } from '../store/types';

/** The key prefix of a resource below `/registry/` (custom resources: `<group>/<resource>`). */
export function prefixOfResource(r: ResourceRef): string {
	const builtin = findResource(r.group, r.version, r.resource);
	return builtin ? builtin.storagePrefix : resourcePrefix(r.group, r.resource, true);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A value as text: UTF-8 when it is, else a hex dump of its first bytes. */
export function valueText(value: Uint8Array): string {
	try {
		return decoder.decode(value);
	} catch {
		const hex = Array.from(value.subarray(0, 256), (b) => b.toString(16).padStart(2, '0')).join(' ');
		return `(${value.length} bytes, not UTF-8) ${hex}${value.length > 256 ? ' …' : ''}`;
	}
}

/** Pretty JSON when the value is JSON (kube objects), else the text as is. */
export function prettyValue(value: Uint8Array): string {
	const text = valueText(value);
	try {
		return JSON.stringify(JSON.parse(text), null, 2);
	} catch {
		return text;
	}
}

const CACHE_MAX = 50_000;

/** Parses stored objects, keeping the last `CACHE_MAX` by key and mod revision. */
export class ObjectDecoder {
	private cache = new Map<string, KubeObject | null>();

	/** The object with `metadata.resourceVersion` = its mod revision (as the API server serves it); null if not JSON. */
	decode(kv: KeyValue): KubeObject | null {
		const id = `${kv.modRevision}\u0000${fromUtf8(kv.key)}`;
		const hit = this.cache.get(id);
		if (hit !== undefined) return hit;
		let obj: KubeObject | null = null;
		try {
			const parsed = JSON.parse(fromUtf8(kv.value)) as KubeObject;
			if (parsed && typeof parsed === 'object') {
				parsed.metadata = { ...(parsed.metadata ?? {}), resourceVersion: String(kv.modRevision) };
				obj = parsed;
			}
		} catch {
			obj = null;
		}
		if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
		this.cache.set(id, obj);
		return obj;
	}
}

/** A node of the Store view's key tree: `/registry` → resource → namespace → object. */
export interface KeyTreeNode {
	/** The path segment (`pods`, `default`, `web-1`). */
	name: string;
	/** The full key prefix up to and including this segment. */
	path: string;
	/** Set on leaves: the full key. */
	key?: string;
	children: KeyTreeNode[];
	/** Keys below (1 for a leaf). */
	count: number;
}

/**
 * The keys as a tree by path segment. Resource prefixes with a slash (`services/specs`,
 * `apiextensions.k8s.io/customresourcedefinitions`) simply add a level, as `etcdctl` users see them.
 */
export function keyTree(keys: string[]): KeyTreeNode {
	const root: KeyTreeNode = { name: '', path: '', children: [], count: 0 };
	const index = new Map<string, KeyTreeNode>([['', root]]);
	for (const key of keys) {
		const segs = key.split('/').filter((s, i) => s !== '' || i > 0);
		let parent = root;
		let path = '';
		parent.count++;
		segs.forEach((seg, i) => {
			path += '/' + seg;
			const leaf = i === segs.length - 1;
			const id = leaf ? `${path}\u0000leaf` : path;
			let node = index.get(id);
			if (!node) {
				node = { name: seg, path, children: [], count: 0, ...(leaf ? { key } : {}) };
				index.set(id, node);
				parent.children.push(node);
			}
			node.count++;
			parent = node;
		});
	}
	return root;
}
