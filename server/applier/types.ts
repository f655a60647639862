/**
 * What the rest of the server (the room, the rooms HTTP API) sees of a room's applier.
 *
 * @module
 */
import type { SyncEvent, SyncSettings } from '../../src/lib/collab/protocol';
import type { HistoryEntry, SyncPreview } from '../../src/lib/sync/types';

export interface SyncRequest {
	/** Object keys (objectKey) to sync; all declared objects when absent. */
	objects?: string[];
	/** Overrides the room's prune setting for this sync. */
	prune?: boolean;
	/** Preview only: dry-run server-side apply of each object. */
	dryRun?: boolean;
	/** Display name of who asked (manual sync). */
	triggeredBy?: string;
}

export type { HistoryEntry, PreviewItem, SyncPreview } from '../../src/lib/sync/types';

export interface ApplierHandle {
	state(): SyncEvent;
	settings(): SyncSettings;
	updateSettings(patch: Partial<SyncSettings>): SyncEvent;
	sync(req: SyncRequest): Promise<SyncEvent | SyncPreview>;
	history(key: string): Promise<HistoryEntry[]>;
}

export const DEFAULT_SETTINGS: SyncSettings = { autoSync: true, prune: false, selfHeal: false };
