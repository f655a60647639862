/**
 * "Reset the cluster to the files": the room's cluster becomes what a new room with these files
 * would run. The control plane stops, every key under `/registry/` is deleted in one store
 * transaction (objects, allocations, CRDs; so finalizers and graceful deletion do not apply),
 * the API server's bootstrap runs again (system namespaces, the `kubernetes` Service, system
 * PriorityClasses), and the control plane starts again, re-installing what it installs at start
 * (the scheduler's CRD, the CSI driver, the default StorageClass) and running the applier, which
 * applies the files (at once with auto-sync; otherwise on the next sync). Watchers see every
 * deletion; the store's history keeps the cluster before the reset.
 *
 * @module
 */
import { prefixEnd, utf8 } from '../../src/lib/store/bytes';
import { uuidV4 } from '../../src/lib/kube/random-ids';
import { bootstrapRoom } from '../apiserver/bootstrap';
import { ObjectStorage } from '../apiserver/storage';
import { startControlPlane } from '../controllers/manager';
import type { Config } from '../config';
import { StatusError } from '../http/respond';
import type { RoomRegistry } from './registry';
import type { Room } from './room';
import { serviceCIDROf } from './meta';

const running = new WeakSet<Room>();

/** Resets the room's cluster; answers how many keys were deleted and the store's revision after. */
export async function resetCluster(room: Room, rooms: RoomRegistry, config: Config): Promise<{ deleted: number; revision: number }> {
	if (running.has(room)) throw new StatusError(409, 'Conflict', `the cluster of room "${room.id}" is being reset already`);
	running.add(room);
	try {
		return await reset(room, rooms, config);
	} finally {
		running.delete(room);
	}
}

async function reset(room: Room, rooms: RoomRegistry, config: Config): Promise<{ deleted: number; revision: number }> {
	const plane = room.controlPlane;
	room.controlPlane = undefined;
	await plane?.stop();
	const prefix = utf8('/registry/');
	const { deleted } = await room.store.deleteRange({ key: prefix, rangeEnd: prefixEnd(prefix) });
	const storage = new ObjectStorage(room.store);
	const revision = await storage.revision();
	const rng = room.time.rng.fork(`reset@${revision}`);
	await bootstrapRoom(storage, room.time.clock, () => uuidV4(rng), serviceCIDROf(room.meta));
	if (plane) startControlPlane(room, rooms, config);
	return { deleted, revision: await storage.revision() };
}
