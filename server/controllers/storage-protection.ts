/**
 * kube-controller-manager's `pvc-protection` and `pv-protection` controllers: they remove the
 * StorageObjectInUseProtection finalizers from deleted claims no scheduled pod uses any more and
 * from deleted volumes that are not Bound, so `kubectl delete pvc` on a claim in use leaves it
 * Terminating until its pods are gone, as on a real cluster. Decisions: `src/lib/storage/protection.ts`.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { isNotFound, type KubeObject, type ResourceRef } from '../../src/lib/controllers/types';
import { podUsesClaim, volumeInUse } from '../../src/lib/storage/protection';
import { STORAGE } from '../../src/lib/storage/refs';
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER, type PersistentVolume, type PersistentVolumeClaim } from '../../src/lib/storage/types';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

const keyOf = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name!);

/** Drops `finalizer`, guarded by the resourceVersion: a stale view fails with a conflict and the sync is retried. */
export async function dropFinalizer(ctx: Pick<ControllerContext, 'client'>, r: ResourceRef, o: KubeObject, finalizer: string): Promise<void> {
	const finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
	await ctx.client.patch(r, o.metadata.namespace, o.metadata.name!, 'merge', { metadata: { finalizers, resourceVersion: o.metadata.resourceVersion } }).catch((e) => {
		if (!isNotFound(e)) throw e;
	});
}

const deletingWith = (o: KubeObject | undefined, f: string) => !!o?.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(f);

export const pvcProtectionController: ControllerDefinition = {
	name: 'pvc-protection',
	component: 'pvc-protection-controller',
	create(ctx) {
		const pvcs = ctx.informer(STORAGE.pvcs);
		const pods = ctx.informer(STORAGE.pods);
		const c: Controller = new Controller(ctx.clock, {
			name: 'pvc-protection',
			log: ctx.log,
			async sync(key) {
				const pvc = pvcs.store.get(key);
				if (!deletingWith(pvc, PVC_PROTECTION_FINALIZER)) return;
				const claim = pvc as unknown as PersistentVolumeClaim;
				if (pods.store.byNamespace(claim.metadata.namespace ?? 'default').some((p) => podUsesClaim(p as never, claim))) return;
				await dropFinalizer(ctx, STORAGE.pvcs, pvc!, PVC_PROTECTION_FINALIZER);
			}
		});
		const claim = (o: KubeObject) => c.queue.add(keyOf(o));
		pvcs.addEventHandler({ add: claim, update: (_o, n) => claim(n) });
		// A pod going away (or finishing) may free its claims.
		const podClaims = (p: KubeObject) => {
			for (const v of p.spec?.volumes ?? []) {
				const name = v.persistentVolumeClaim?.claimName ?? (v.ephemeral ? `${p.metadata.name}-${v.name}` : undefined);
				if (name) c.queue.add(`${p.metadata.namespace}/${name}`);
			}
		};
		pods.addEventHandler({ update: (_o, n) => podClaims(n), delete: podClaims });
		return c;
	}
};

export const pvProtectionController: ControllerDefinition = {
	name: 'pv-protection',
	component: 'pv-protection-controller',
	create(ctx) {
		const pvs = ctx.informer(STORAGE.pvs);
		const c: Controller = new Controller(ctx.clock, {
			name: 'pv-protection',
			log: ctx.log,
			async sync(name) {
				const pv = pvs.store.get(name);
				if (!deletingWith(pv, PV_PROTECTION_FINALIZER) || volumeInUse(pv as unknown as PersistentVolume)) return;
				await dropFinalizer(ctx, STORAGE.pvs, pv!, PV_PROTECTION_FINALIZER);
			}
		});
		pvs.addEventHandler({ add: (o) => c.queue.add(o.metadata.name!), update: (_o, n) => c.queue.add(n.metadata.name!) });
		return c;
	}
};
