/**
 * What a room's cluster has before anyone writes to it, like a fresh kube-apiserver: the
 * namespaces `default`, `kube-system`, `kube-public` and `kube-node-lease`, created once (on the
 * first API request after the room loads) if missing.
 *
 * @module
 */
import { prepareCreate } from '../../src/lib/kube/strategy';
import { findResource } from '../../src/lib/kube/resources';
import { objectKey } from '../../src/lib/kube/storage-keys';
import type { Clock } from '../../src/lib/clock/clock';
import type { ObjectStorage } from './storage';

export const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'] as const;

/** Creates the system namespaces that do not exist yet (a concurrent creator wins harmlessly). */
export async function bootstrapRoom(storage: ObjectStorage, clock: Clock, newUid: () => string): Promise<void> {
	const info = findResource('', 'v1', 'namespaces')!;
	for (const name of SYSTEM_NAMESPACES) {
		const key = objectKey(info.storagePrefix, undefined, name);
		if (await storage.get(key)) continue;
		const ns = prepareCreate(info, { metadata: { name } }, { now: clock.now(), uid: newUid() });
		await storage.create(key, ns);
	}
}
