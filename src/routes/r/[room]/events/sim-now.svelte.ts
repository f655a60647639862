/**
 * The room's simulated "now" for ages and LAST SEEN columns, re-read every second. Call during a
 * component's initialisation (it stops with the component).
 *
 * @module
 */
import { onDestroy } from 'svelte';
import { simulatedNow } from '$lib/clock/display';
import type { RoomSession } from '$lib/collab/room-session.svelte';

export function simNow(session: () => RoomSession, everyMs = 1000): { readonly now: number } {
	let wall = $state(Date.now());
	const t = setInterval(() => (wall = Date.now()), everyMs);
	onDestroy(() => clearInterval(t));
	return {
		get now() {
			const c = session().clock;
			return c ? simulatedNow(c, wall) : wall;
		}
	};
}
