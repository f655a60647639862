/**
 * The storage admission plugins of kube-apiserver's default set, on creates:
 * - **DefaultStorageClass** (plugin/pkg/admission/storage/storageclass/setdefault): a
 *   PersistentVolumeClaim without `spec.storageClassName` (nil, not "") and without the beta
 *   class annotation gets the default StorageClass, when there is one.
 * - **StorageObjectInUseProtection** (plugin/pkg/admission/storage/storageobjectinuseprotection):
 *   claims get the `kubernetes.io/pvc-protection` finalizer and volumes `kubernetes.io/pv-protection`,
 *   which the pvc-protection and pv-protection controllers remove once nothing uses them.
 *
 * @module
 */
import { collectionKey, resourcePrefix } from '../../src/lib/kube/storage-keys';
import { defaultClass } from '../../src/lib/storage/default-class';
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER, type StorageClass } from '../../src/lib/storage/types';
import type { Call } from './context';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Runs on creates of core PersistentVolumeClaims and PersistentVolumes (`obj` in stored form, mutated). */
export async function admitStorage(call: Pick<Call, 'ctx' | 'target'>, obj: Obj): Promise<void> {
	const t = call.target;
	if (t.gr.group !== '' || t.subresource) return;
	if (t.gr.resource === 'persistentvolumes') return addFinalizer(obj, PV_PROTECTION_FINALIZER);
	if (t.gr.resource !== 'persistentvolumeclaims') return;
	addFinalizer(obj, PVC_PROTECTION_FINALIZER);
	if (obj.spec?.storageClassName !== undefined && obj.spec?.storageClassName !== null) return;
	if (obj.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] !== undefined) return;
	const prefix = collectionKey(resourcePrefix('storage.k8s.io', 'storageclasses'));
	const page = await call.ctx.storage.page(prefix, prefix, 0, 0);
	const def = defaultClass(page.items.map((s) => s.object as unknown as StorageClass));
	if (def) (obj.spec ??= {}).storageClassName = def.metadata.name;
}

function addFinalizer(obj: Obj, f: string): void {
	const meta = (obj.metadata ??= {});
	if (!(meta.finalizers ?? []).includes(f)) meta.finalizers = [...(meta.finalizers ?? []), f];
}
