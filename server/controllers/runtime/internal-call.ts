/**
 * Marks requests made by a room's own control plane. They go through the real API like anyone
 * else's, but must not keep the room loaded (informer watches never end) nor count as use: a room
 * nobody visits unloads with its cluster, and continues where it was when it reloads.
 *
 * The mark is on the request object, set where the request enters (the in-process transport or
 * the loopback listener), not carried by async context: a context would follow every callback and
 * timer the control plane starts, and anything they later serve would pass for internal too.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';

const INTERNAL = Symbol('converge.internalCall');

/** Marks `req` as coming from a room's own control plane. */
export function markInternal(req: IncomingMessage): void {
	(req as IncomingMessage & { [INTERNAL]?: true })[INTERNAL] = true;
}

/** True for a request from a room's own control plane. */
export function isInternalRequest(req: IncomingMessage): boolean {
	return (req as IncomingMessage & { [INTERNAL]?: true })[INTERNAL] === true;
}
