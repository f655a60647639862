/**
 * The garbage collector (pkg/controller/garbagecollector): watches every deletable resource
 * (built-ins and custom resources, as discovery lists them) and follows ownerReferences.
 * - Background: an object whose owners are all gone (absent, or another uid by that name) is
 *   deleted, keeping its own propagation finalizers.
 * - Foreground: an owner marked deleted with the `foregroundDeletion` finalizer has its
 *   dependents deleted (cascading in the foreground when they have dependents of their own);
 *   once no dependent with blockOwnerDeletion remains, the finalizer goes and the API deletes it.
 * - Orphan: an owner with the `orphan` finalizer has its reference removed from every dependent,
 *   then the finalizer.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { deletableResources, GC_IGNORED, groupOf, groupResource } from '../../src/lib/controllers/discovery';
import {
	blockingDependents,
	decide,
	FOREGROUND,
	hasFinalizer,
	isDeletingDependents,
	ORPHAN,
	withoutFinalizerPatch,
	withoutOwnerRefsPatch,
	type OwnerState
} from '../../src/lib/controllers/garbage-collection';
import { Informer } from '../../src/lib/controllers/informer';
import { isConflict, isNotFound, keyOf, type KubeObject, type OwnerReference, type ResourceRef } from '../../src/lib/controllers/types';
import { REFS } from '../../src/lib/controllers/refs';
import type { ControllerContext, ControllerDefinition } from './runtime/context';


const BUILTIN = new Set(deletableResources([]).map(groupResource));

const monitored = (crds: KubeObject[]) => deletableResources(crds).filter((r) => !GC_IGNORED.has(groupResource(r)));

/** `--concurrent-gc-syncs`. */
export const GC_WORKERS = 20;

interface Watched {
	ref: ResourceRef;
	informer: Informer;
	/** Informers this collector started itself (custom resources), stopped when their CRD goes. */
	own: boolean;
}

export class GarbageCollector {
	readonly controller: Controller;
	private watched = new Map<string, Watched>();
	/** `group/Kind` → watched resource, to resolve owner references. */
	private byKind = new Map<string, Watched>();

	constructor(private readonly ctx: ControllerContext) {
		this.controller = new Controller(ctx.clock, { name: 'garbagecollector', workers: GC_WORKERS, sync: (key) => this.sync(key), log: ctx.log });
		const crds = ctx.informer(REFS.crds);
		const resync = () => this.resync(crds.store.list());
		crds.addEventHandler({ add: resync, update: resync, delete: resync });
		this.resync([]);
	}

	/** Monitors for the resources discovery lists now (`resyncMonitors`). */
	resync(crds: KubeObject[]): void {
		const wanted = monitored(crds);
		const names = new Set(wanted.map(groupResource));
		for (const [gr, w] of this.watched)
			if (!names.has(gr)) {
				if (w.own) w.informer.stop();
				this.watched.delete(gr);
				this.byKind.delete(`${w.ref.group}/${w.ref.kind}`);
			}
		for (const ref of wanted) {
			const gr = groupResource(ref);
			if (this.watched.has(gr)) continue;
			// Built-ins share the manager's informers (started with them); custom resources get their own.
			const custom = !BUILTIN.has(gr);
			const informer = custom ? new Informer(this.ctx.client, ref, this.ctx.clock, this.ctx.log, metadataOnly) : this.ctx.informer(ref);
			const w: Watched = { ref, informer, own: custom };
			this.watched.set(gr, w);
			this.byKind.set(`${ref.group}/${ref.kind}`, w);
			this.watch(w);
			if (custom) informer.start();
		}
	}

	private watch(w: Watched): void {
		const enqueue = (o: KubeObject) => this.enqueue(w, o);
		const changed = (o: KubeObject) => {
			if (o.metadata.ownerReferences?.length || (o.metadata.deletionTimestamp && (hasFinalizer(o, ORPHAN) || hasFinalizer(o, FOREGROUND)))) enqueue(o);
			this.enqueueDeletingOwners(o);
		};
		w.informer.addEventHandler({
			add: changed,
			update: (old, o) => {
				// Like the graph builder: only owner references and deletion state matter (not status).
				if (!ownershipChanged(old, o)) return;
				changed(o);
				if (old.metadata.ownerReferences?.length) this.enqueueDeletingOwners(old);
			},
			delete: (o) => {
				// Its dependents may now be dangling.
				for (const d of this.dependents(o.metadata.uid!)) this.enqueue(d.w, d.obj);
				this.enqueueDeletingOwners(o);
			}
		});
	}

	/** Owners in foreground deletion wait on this object: look at them again. */
	private enqueueDeletingOwners(o: KubeObject): void {
		for (const ref of o.metadata.ownerReferences ?? []) {
			const owner = this.cachedOwner(ref, o.metadata.namespace);
			if (owner && owner.obj.metadata.uid === ref.uid && owner.obj.metadata.deletionTimestamp) this.enqueue(owner.w, owner.obj);
		}
	}

	private enqueue(w: Watched, o: KubeObject): void {
		this.controller.queue.add(`${groupResource(w.ref)}|${keyOf(o)}`);
	}

	private cachedOwner(ref: OwnerReference, namespace: string | undefined): { w: Watched; obj: KubeObject } | undefined {
		const w = this.byKind.get(`${groupOf(ref.apiVersion)}/${ref.kind}`);
		if (!w) return undefined;
		const obj = w.informer.store.get(w.ref.namespaced ? `${namespace}/${ref.name}` : ref.name);
		return obj ? { w, obj } : undefined;
	}

	/** Every cached object listing `uid` as an owner. */
	dependents(uid: string): Array<{ w: Watched; obj: KubeObject }> {
		const out: Array<{ w: Watched; obj: KubeObject }> = [];
		for (const w of this.watched.values()) for (const obj of w.informer.store.byOwner(uid)) out.push({ w, obj });
		return out;
	}

	async sync(key: string): Promise<void> {
		const bar = key.indexOf('|');
		const w = this.watched.get(key.slice(0, bar));
		const obj = w?.informer.store.get(key.slice(bar + 1));
		if (!w || !obj) return;
		const m = obj.metadata;
		if (m.deletionTimestamp && hasFinalizer(obj, ORPHAN)) return this.orphanDependents(w, obj);
		if (isDeletingDependents(obj)) return this.processDeletingDependents(w, obj);
		if (!m.ownerReferences?.length) return;
		const owners: Array<{ ref: OwnerReference; state: OwnerState }> = [];
		for (const ref of m.ownerReferences) {
			const state = await this.ownerState(ref, m.namespace);
			if (state) owners.push({ ref, state });
			// An owner of a kind nobody serves (yet) is neither gone nor there: keep the reference (kube's virtual node).
			else return;
		}
		const action = decide(obj, owners, this.dependents(m.uid!).length > 0);
		if (action.type === 'removeOwnerRefs') await this.patch(w, obj, withoutOwnerRefsPatch(obj, action.uids));
		else if (action.type === 'delete') await this.deleteObject(w, obj, action.propagationPolicy);
	}

	/** Looks at the cache first, then asks the API (a new owner may not be cached yet). */
	private async ownerState(ref: OwnerReference, namespace: string | undefined): Promise<OwnerState | undefined> {
		const w = this.byKind.get(`${groupOf(ref.apiVersion)}/${ref.kind}`);
		if (!w) return undefined;
		// A namespaced owner of a cluster-scoped object cannot exist.
		if (w.ref.namespaced && !namespace) return 'dangling';
		let owner = this.cachedOwner(ref, namespace)?.obj;
		if (owner?.metadata.uid !== ref.uid) {
			try {
				owner = await this.ctx.client.get(w.ref, w.ref.namespaced ? namespace : undefined, ref.name);
			} catch (e) {
				if (isNotFound(e)) return 'dangling';
				throw e;
			}
		}
		if (owner.metadata.uid !== ref.uid) return 'dangling';
		return isDeletingDependents(owner) ? 'waiting' : 'solid';
	}

	/** Foreground: delete the dependents; drop the finalizer once no blocking dependent remains. */
	private async processDeletingDependents(w: Watched, owner: KubeObject): Promise<void> {
		const deps = this.dependents(owner.metadata.uid!);
		const blocking = blockingDependents(owner.metadata.uid!, deps.map((d) => d.obj));
		if (!blocking.length) {
			await this.patch(w, owner, withoutFinalizerPatch(owner, FOREGROUND));
			return;
		}
		for (const d of deps) if (!d.obj.metadata.deletionTimestamp) this.enqueue(d.w, d.obj);
	}

	/** Orphan: every dependent loses its reference to `owner`, then the owner its finalizer. */
	private async orphanDependents(w: Watched, owner: KubeObject): Promise<void> {
		for (const d of this.dependents(owner.metadata.uid!)) await this.patch(d.w, d.obj, withoutOwnerRefsPatch(d.obj, [owner.metadata.uid!]));
		await this.patch(w, owner, withoutFinalizerPatch(owner, ORPHAN));
	}

	private async deleteObject(w: Watched, obj: KubeObject, propagationPolicy: 'Background' | 'Foreground' | 'Orphan'): Promise<void> {
		try {
			await this.ctx.client.delete(w.ref, obj.metadata.namespace, obj.metadata.name!, { propagationPolicy, preconditions: { uid: obj.metadata.uid } });
		} catch (e) {
			// Gone already, or replaced by a new object of that name: nothing of ours to delete.
			if (!isNotFound(e) && !isConflict(e)) throw e;
		}
	}

	/** A merge patch pinned to the cached resourceVersion: a conflict retries on a fresher cache. */
	private async patch(w: Watched, obj: KubeObject, patch: object): Promise<void> {
		try {
			await this.ctx.client.patch(w.ref, obj.metadata.namespace, obj.metadata.name!, 'merge', patch);
		} catch (e) {
			if (!isNotFound(e)) throw e;
		}
	}
}

/**
 * What the collector keeps of a custom resource: its metadata, like kube's metadata informers
 * (PartialObjectMetadata). A big resource (a SchedulingDecision per pod) would otherwise be held
 * whole once more, besides the API server's watch cache.
 */
function metadataOnly(o: KubeObject): KubeObject {
	const metadata: KubeObject['metadata'] & { managedFields?: unknown } = { ...o.metadata };
	delete metadata.managedFields;
	return { apiVersion: o.apiVersion, kind: o.kind, metadata };
}

/** What the collector decides on changed: owner references, deletion, finalizers. */
function ownershipChanged(old: KubeObject, o: KubeObject): boolean {
	const a = old.metadata;
	const b = o.metadata;
	return a.uid !== b.uid || a.deletionTimestamp !== b.deletionTimestamp || JSON.stringify(a.ownerReferences ?? []) !== JSON.stringify(b.ownerReferences ?? []) || JSON.stringify(a.finalizers ?? []) !== JSON.stringify(b.finalizers ?? []);
}

export const garbageCollectorController: ControllerDefinition = {
	name: 'garbagecollector',
	component: 'garbage-collector-controller',
	create: (ctx) => new GarbageCollector(ctx).controller
};
