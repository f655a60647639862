/**
 * The default StorageClass (storage/util `GetDefaultClass`, used by the DefaultStorageClass
 * admission plugin and the PV controller's retroactive assignment): the classes annotated
 * `storageclass.kubernetes.io/is-default-class: "true"` (or the beta key); with several, the
 * newest wins, then the name in ascending order.
 *
 * @module
 */
import { ANN_BETA_DEFAULT_CLASS, ANN_DEFAULT_CLASS, type StorageClass } from './types';

export function isDefaultClass(sc: Pick<StorageClass, 'metadata'>): boolean {
	const a = sc.metadata.annotations ?? {};
	return a[ANN_DEFAULT_CLASS] === 'true' || a[ANN_BETA_DEFAULT_CLASS] === 'true';
}

export function defaultClass<T extends Pick<StorageClass, 'metadata'>>(classes: Iterable<T>): T | undefined {
	let best: T | undefined;
	for (const sc of classes) {
		if (!isDefaultClass(sc)) continue;
		if (!best) best = sc;
		else {
			const a = sc.metadata.creationTimestamp ?? '';
			const b = best.metadata.creationTimestamp ?? '';
			if (a > b || (a === b && sc.metadata.name < best.metadata.name)) best = sc;
		}
	}
	return best;
}
