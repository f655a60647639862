/**
 * What every view of the room page receives (see scratch/UI-SHELL.md).
 *
 * @module
 */
import type { RoomSession } from '$lib/collab/room-session.svelte';
import type { Role } from '$lib/collab/protocol';
import type { KubeLive } from '$lib/kube-client/live.svelte';
import type { TimeTravel } from '$lib/timetravel/time-travel.svelte';

export interface ViewProps {
	roomId: string;
	/** The room token of this page (editor or viewer). */
	token: string;
	role: Role;
	/** Files, analysis, presence, notices, the room clock (`session.clock`). */
	session: RoomSession;
	/**
	 * The room's kube API: `kube.client` (a KubeClient); live caches come from `useResource(ref)`
	 * ($lib/kube-client/live.svelte). While the room is scrubbed to a past revision this is a
	 * read-only KubeLive over the browser's replica at that revision (writes answer 405).
	 */
	kube: KubeLive;
	/** The revision shown when the room is scrubbed to the past; undefined = live. Hide write actions when set. */
	revision?: number;
	/** The room's time travel: the replica, its retained window, the scrubber's state (src/lib/timetravel). */
	timeTravel?: TimeTravel;
	/** Switches to the editor with `path` open and the cursor at line/col (1-based). */
	openAt: (path: string, line: number, col: number) => void;
}
