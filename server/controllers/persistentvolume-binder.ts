/**
 * kube-controller-manager's `persistentvolume-binder` (pkg/controller/volume/persistentvolume):
 * binds claims to volumes, hands claims to their class's external provisioner, tracks the
 * phases (PV Available/Bound/Released/Failed, PVC Pending/Bound/Lost) and applies the reclaim
 * policy when a claim goes. The decisions are `src/lib/storage/binder.ts`; this is the I/O:
 * informers on claims, volumes, classes and pods, one worker (syncs are not reentrant, as in the
 * real controller), a resync every 15 s (`--pvclaimbinder-sync-period`), and a cache of its own
 * writes so the next sync builds on them before the informer echoes them back.
 *
 * @module
 */
import { every } from '../../src/lib/clock/clock';
import { Controller } from '../../src/lib/controllers/controller';
import { isNotFound, type KubeObject, type ResourceRef } from '../../src/lib/controllers/types';
import { rfc3339 } from '../../src/lib/kube/duration';
import { syncClaim, syncVolume, type BinderWorld, type BinderWrite } from '../../src/lib/storage/binder';
import { STORAGE } from '../../src/lib/storage/refs';
import type { Lookup, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../src/lib/storage/types';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

export const PV_BINDER = {
	/** `--pvclaimbinder-sync-period`. */
	resyncMs: 15_000
};

const rv = (o: KubeObject | undefined) => Number(o?.metadata.resourceVersion ?? 0);

/** An informer's cache with the controller's newer writes laid over it. */
class Overlay<T> implements Lookup<T> {
	readonly written = new Map<string, KubeObject>();
	constructor(private readonly store: { get(k: string): KubeObject | undefined; list(): KubeObject[] }) {}

	get(key: string): T | undefined {
		const a = this.store.get(key);
		const b = this.written.get(key);
		if (!a) return undefined;
		return (b && rv(b) > rv(a) ? b : a) as unknown as T;
	}

	*values(): Iterable<T> {
		for (const o of this.store.list()) {
			const b = this.written.get(keyOf(o));
			yield (b && rv(b) > rv(o) ? b : o) as unknown as T;
		}
	}
}

const keyOf = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name!);

export class PersistentVolumeBinder extends Controller {
	private readonly pvs: Overlay<PersistentVolume>;
	private readonly pvcs: Overlay<PersistentVolumeClaim>;
	private readonly classes: Lookup<StorageClass>;
	private stopResync: (() => void) | undefined;

	constructor(private readonly ctx: ControllerContext) {
		super(ctx.clock, { name: 'persistentvolume-binder', workers: 1, sync: (key) => this.syncKey(key), log: ctx.log });
		const pvInf = ctx.informer(STORAGE.pvs);
		const pvcInf = ctx.informer(STORAGE.pvcs);
		const scInf = ctx.informer(STORAGE.storageClasses);
		ctx.informer(STORAGE.pods);
		this.pvs = new Overlay(pvInf.store);
		this.pvcs = new Overlay(pvcInf.store);
		this.classes = { get: (k) => scInf.store.get(k) as unknown as StorageClass | undefined, values: () => scInf.store.list() as unknown as StorageClass[] };
		const claim = (o: KubeObject) => this.queue.add(`claim:${keyOf(o)}`);
		const volume = (o: KubeObject) => this.queue.add(`volume:${o.metadata.name}`);
		pvcInf.addEventHandler({
			add: claim,
			update: (_o, n) => claim(n),
			// deleteClaim: the volume it was bound to gets released.
			delete: (o) => {
				this.pvcs.written.delete(keyOf(o));
				if (o.spec?.volumeName) this.queue.add(`volume:${o.spec.volumeName}`);
			}
		});
		pvInf.addEventHandler({
			add: volume,
			update: (_o, n) => volume(n),
			delete: (o) => {
				this.pvs.written.delete(o.metadata.name!);
				const ref = o.spec?.claimRef;
				if (ref?.name) this.queue.add(`claim:${ref.namespace}/${ref.name}`);
			}
		});
	}

	run(): void {
		super.run();
		this.stopResync = every(this.ctx.clock, PV_BINDER.resyncMs, () => this.resync());
	}

	async stop(): Promise<void> {
		this.stopResync?.();
		await super.stop();
	}

	/** The periodic resync: every claim and volume again (events are repeated, counted by the recorder). */
	private resync(): void {
		for (const c of this.ctx.informer(STORAGE.pvcs).store.list()) this.queue.add(`claim:${keyOf(c)}`);
		for (const v of this.ctx.informer(STORAGE.pvs).store.list()) this.queue.add(`volume:${v.metadata.name}`);
	}

	private world(): BinderWorld {
		const pods = this.ctx.informer(STORAGE.pods).store;
		return {
			pvs: this.pvs,
			pvcs: this.pvcs,
			classes: this.classes,
			now: rfc3339(this.ctx.clock.now()),
			unscheduledPodsUsing: (pvc) =>
				pods
					.byNamespace(pvc.metadata.namespace ?? 'default')
					.filter((p) => !p.spec?.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
					.filter((p) => (p.spec?.volumes ?? []).some((v: { persistentVolumeClaim?: { claimName: string } }) => v.persistentVolumeClaim?.claimName === pvc.metadata.name))
					.map((p) => p.metadata.name!)
					.sort()
		};
	}

	private async syncKey(key: string): Promise<void> {
		const w = this.world();
		if (key.startsWith('claim:')) {
			const pvc = this.pvcs.get(key.slice(6));
			if (pvc && !pvc.metadata.deletionTimestamp) await this.apply(syncClaim(pvc, w));
			return;
		}
		const pv = this.pvs.get(key.slice(7));
		if (pv && !pv.metadata.deletionTimestamp) await this.apply(syncVolume(pv, w));
	}

	/** The writes in order; the first failure stops the rest (the next sync resumes from what was stored). */
	private async apply(writes: BinderWrite[]): Promise<void> {
		for (const w of writes) {
			switch (w.op) {
				case 'sync-claim':
					this.queue.add(`claim:${w.key}`);
					break;
				case 'event': {
					const obj = w.on === 'pv' ? this.pvs.get(w.key) : this.pvcs.get(w.key);
					if (obj) this.ctx.recorder.event(w.on === 'pv' ? STORAGE.pvs : STORAGE.pvcs, obj as unknown as KubeObject, w.type, w.reason, w.message);
					break;
				}
				case 'pv':
					await this.update(STORAGE.pvs, this.pvs, w.name, w.status, w.mutate as (o: unknown) => void);
					break;
				case 'pvc':
					await this.update(STORAGE.pvcs, this.pvcs, w.key, w.status, w.mutate as (o: unknown) => void);
					break;
			}
		}
	}

	private async update<T>(r: ResourceRef, cache: Overlay<T>, key: string, status: boolean | undefined, mutate: (o: unknown) => void): Promise<void> {
		const cur = cache.get(key) as unknown as KubeObject | undefined;
		if (!cur) return;
		const next = structuredClone(cur);
		mutate(next);
		if (JSON.stringify(next) === JSON.stringify(cur)) return;
		const obj = { ...next, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind };
		try {
			cache.written.set(key, status ? await this.ctx.client.updateStatus(r, obj) : await this.ctx.client.update(r, obj));
		} catch (e) {
			if (isNotFound(e)) return;
			throw e;
		}
	}
}

export const persistentVolumeBinderController: ControllerDefinition = {
	name: 'persistentvolume-binder',
	component: 'persistentvolume-controller',
	create: (ctx) => new PersistentVolumeBinder(ctx)
};
