/**
 * The bound on objects per room (APISERVER_LIMITS.maxObjectsPerRoom). The count is read from the
 * store now and then and kept up to date in between, so a create does not scan the store.
 *
 * @module
 */
import { forbidden } from '../../src/lib/kube/api-errors';
import { REGISTRY } from '../../src/lib/kube/storage-keys';
import type { ApiContext, Target } from './context';
import { APISERVER_LIMITS } from './limits';

const REFRESH_EVERY = 512;
const counts = new WeakMap<object, { n: number; since: number }>();

/** Refuses a create when the room holds its maximum of objects. */
export async function checkObjectBound(ctx: ApiContext, t: Target, name: string): Promise<void> {
	let c = counts.get(ctx.room);
	if (!c || c.since >= REFRESH_EVERY) {
		c = { n: await ctx.storage.count(REGISTRY), since: 0 };
		counts.set(ctx.room, c);
	}
	const max = APISERVER_LIMITS.maxObjectsPerRoom;
	if (c.n >= max) throw forbidden(t.gr, name, `exceeded quota: this room holds its maximum of ${max} objects; delete some first`);
}

/** Records a create (+1) or a delete (−1). */
export function countObject(ctx: ApiContext, delta: number): void {
	const c = counts.get(ctx.room);
	if (c) {
		c.n += delta;
		c.since++;
	}
}
