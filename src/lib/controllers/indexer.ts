/**
 * An informer's cache: objects by key, indexed by namespace, by the uid of each owner (so a
 * controller finds "the pods of this ReplicaSet" without a scan) and, per namespace, the objects
 * no controller owns (the orphans a ReplicaSet may adopt): with 10,000 pods a ReplicaSet sync
 * reads its own pods, not the namespace's. Cached objects are shared: never mutate them (copy
 * first, like client-go's "NEVER modify objects from the store").
 *
 * @module
 */
import { keyOf, type KubeObject } from './types';

export class Indexer {
	private items = new Map<string, KubeObject>();
	private byNs = new Map<string, Set<string>>();
	private byOwnerUid = new Map<string, Set<string>>();
	private orphansByNs = new Map<string, Set<string>>();

	get size(): number {
		return this.items.size;
	}

	get(key: string): KubeObject | undefined {
		return this.items.get(key);
	}

	list(): KubeObject[] {
		return [...this.items.values()];
	}

	keys(): string[] {
		return [...this.items.keys()];
	}

	/** Objects in `namespace`. */
	byNamespace(namespace: string): KubeObject[] {
		return [...(this.byNs.get(namespace) ?? [])].map((k) => this.items.get(k)!);
	}

	/** Objects with an owner reference to `uid` (controller or not). */
	byOwner(uid: string): KubeObject[] {
		return [...(this.byOwnerUid.get(uid) ?? [])].map((k) => this.items.get(k)!);
	}

	/** Objects in `namespace` without a controller owner reference. */
	orphans(namespace: string): KubeObject[] {
		return [...(this.orphansByNs.get(namespace) ?? [])].map((k) => this.items.get(k)!);
	}

	/** Adds or replaces; returns the previous object. */
	set(obj: KubeObject): KubeObject | undefined {
		const key = keyOf(obj);
		const old = this.items.get(key);
		if (old) this.unindex(key, old);
		this.items.set(key, obj);
		this.index(key, obj);
		return old;
	}

	delete(key: string): KubeObject | undefined {
		const old = this.items.get(key);
		if (!old) return undefined;
		this.unindex(key, old);
		this.items.delete(key);
		return old;
	}

	private index(key: string, obj: KubeObject): void {
		if (obj.metadata.namespace) add(this.byNs, obj.metadata.namespace, key);
		for (const r of obj.metadata.ownerReferences ?? []) add(this.byOwnerUid, r.uid, key);
		if (obj.metadata.namespace && !hasController(obj)) add(this.orphansByNs, obj.metadata.namespace, key);
	}

	private unindex(key: string, obj: KubeObject): void {
		if (obj.metadata.namespace) remove(this.byNs, obj.metadata.namespace, key);
		for (const r of obj.metadata.ownerReferences ?? []) remove(this.byOwnerUid, r.uid, key);
		if (obj.metadata.namespace) remove(this.orphansByNs, obj.metadata.namespace, key);
	}
}

const hasController = (obj: KubeObject) => (obj.metadata.ownerReferences ?? []).some((r) => r.controller === true);

function add(m: Map<string, Set<string>>, k: string, v: string): void {
	let s = m.get(k);
	if (!s) m.set(k, (s = new Set()));
	s.add(v);
}

function remove(m: Map<string, Set<string>>, k: string, v: string): void {
	const s = m.get(k);
	if (!s) return;
	s.delete(v);
	if (!s.size) m.delete(k);
}
