/**
 * What every view of the room page receives (see scratch/UI-SHELL.md).
 *
 * @module
 */
import type { RoomSession } from '$lib/collab/room-session.svelte';
import type { Role } from '$lib/collab/protocol';
import type { KubeLive } from '$lib/kube-client/live.svelte';

export interface ViewProps {
	roomId: string;
	/** The room token of this page (editor or viewer). */
	token: string;
	role: Role;
	/** Files, analysis, presence, notices, the room clock (`session.clock`). */
	session: RoomSession;
	/** The room's kube API: `kube.client` (a KubeClient); live caches come from `useResource(ref)` ($lib/kube-client/live.svelte). */
	kube: KubeLive;
	/** Switches to the editor with `path` open and the cursor at line/col (1-based). */
	openAt: (path: string, line: number, col: number) => void;
}
