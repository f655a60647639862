/**
 * The I/O half of controller history (`constructHistory` + `cleanupHistory` of the DaemonSet
 * and StatefulSet controllers): makes sure the parent's current template has the newest
 * ControllerRevision, then prunes old unused ones. Decisions are src/lib/controllers/history.ts.
 *
 * @module
 */
import { historyStep, revisionsToPrune, DEFAULT_REVISION_HISTORY_LIMIT } from '../../src/lib/controllers/history';
import { REFS } from '../../src/lib/controllers/refs';
import { controllerRef, isAlreadyExists, isNotFound, type KubeObject, type ResourceRef } from '../../src/lib/controllers/types';
import { newControllerRef } from '../../src/lib/controllers/workload';
import type { ControllerContext } from './runtime/context';

const REVISIONS = REFS.controllerrevisions;

/** The parent's revisions, from the shared informer. */
export function ownedRevisions(ctx: ControllerContext, parent: KubeObject): KubeObject[] {
	return ctx.informer(REVISIONS).store.byOwner(parent.metadata.uid!).filter((r) => controllerRef(r)?.uid === parent.metadata.uid);
}

/**
 * Brings the history up to date; `hash` names the current revision (`<parent>-<hash>`) and
 * `inUse` holds the revision names live pods run (never pruned).
 */
export async function syncHistory(ctx: ControllerContext, parent: KubeObject, parentRef: ResourceRef, hash: string, inUse: Set<string>, extraLabels: Record<string, string> = {}): Promise<void> {
	const revisions = ownedRevisions(ctx, parent);
	const step = historyStep(parent, newControllerRef(parent, parentRef), hash, revisions, extraLabels);
	let current: string;
	if ('create' in step) {
		current = step.create.metadata.name!;
		try {
			await ctx.client.create(REVISIONS, step.create);
		} catch (e) {
			// The cache had not seen our own revision yet; anything else is a real failure.
			if (!isAlreadyExists(e)) throw e;
		}
	} else if ('bump' in step) {
		current = step.bump.metadata.name!;
		await ctx.client.patch(REVISIONS, parent.metadata.namespace, current, 'merge', { revision: step.to });
	} else current = step.current.metadata.name!;
	const limit = parent.spec?.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
	for (const r of revisionsToPrune(revisions, inUse, current, limit)) {
		try {
			await ctx.client.delete(REVISIONS, r.metadata.namespace, r.metadata.name!);
		} catch (e) {
			if (!isNotFound(e)) throw e;
		}
	}
}
