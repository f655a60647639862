/**
 * Follow mode for views with a selected object: a view publishes its selection in the
 * participant's location (awareness) and takes the followed peer's selection. Objects are named
 * `"<kind>/<key>"`, e.g. `node/worker-1` or `pod/default/web-1`.
 *
 * Call at the top level of a view component's `<script>` (it creates effects):
 *
 *   useFollowedObject(() => session, () => selectedName, (object) => select(object));
 *
 * @module
 */
import { untrack } from 'svelte';
import type { RoomSession } from './room-session.svelte';

export function useFollowedObject(session: () => RoomSession, get: () => string | undefined, set: (object: string) => void): void {
	$effect(() => session().setLocation({ object: get() }));
	// Leaving the view: nothing is selected any more.
	$effect(() => {
		const s = session();
		return () => s.setLocation({ object: undefined });
	});
	$effect(() => {
		const object = session().followed?.object;
		if (object && object !== untrack(get)) untrack(() => set(object));
	});
}
