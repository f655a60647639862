/**
 * Marks requests made by a room's own control plane. They go through the real API like anyone
 * else's, but must not keep the room loaded (informer watches never end) nor count as use: a room
 * nobody visits unloads with its cluster, and continues where it was when it reloads.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const internal = new AsyncLocalStorage<true>();

/** Runs `fn` (and everything it starts) as the control plane. */
export function asInternalCall<T>(fn: () => T): T {
	return internal.run(true, fn);
}

/** True inside a request from the room's own control plane. */
export function isInternalCall(): boolean {
	return internal.getStore() === true;
}
