/**
 * The one place the applier calls sync-lib (src/lib/sync: compare, health), so a change of its
 * signatures touches one file. Adds the live managers from managedFields.
 *
 * @module
 */
import type { LiveManager, SyncObjectState } from '../../src/lib/collab/protocol';
import type { KubeObject } from '../../src/lib/controllers/types';
import { compareObject } from '../../src/lib/sync/compare';
import { assessHealth } from '../../src/lib/sync/health';

export interface Assessment {
	sync: SyncObjectState['sync'];
	health: SyncObjectState['health'];
	differences: SyncObjectState['differences'];
	managers: LiveManager[];
}

/** Who wrote the live object, newest first (managedFields: manager, operation, time, subresource). */
export function liveManagers(live: KubeObject | undefined): LiveManager[] {
	const entries = (live?.metadata as { managedFields?: Array<Record<string, string>> } | undefined)?.managedFields ?? [];
	return entries
		.map((e) => ({ manager: e.manager, operation: e.operation, ...(e.time ? { time: e.time } : {}), ...(e.subresource ? { subresource: e.subresource } : {}) }))
		.sort((a, b) => (b.time ?? '').localeCompare(a.time ?? ''));
}

/** Sync (declared vs live; Extraneous when nothing is declared) and health of one object. */
export function assess(desired: Record<string, unknown> | undefined, live: KubeObject | undefined): Assessment {
	const health = assessHealth(live);
	const managers = liveManagers(live);
	if (!desired) return { sync: 'Extraneous', health, differences: [], managers };
	const { sync, differences, drift } = compareObject(desired, live);
	// Declared fields that differ, then live-only fields with their owners (symmetric drift).
	const shown = [...differences, ...drift].map(({ path, desired, live, kind, owners }) => ({ path, desired, live, kind, owners }));
	return { sync, health, differences: shown, managers };
}
