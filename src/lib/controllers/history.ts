/**
 * Controller history (pkg/controller/history): the ControllerRevisions DaemonSets and
 * StatefulSets keep of their pod templates, which `kubectl rollout history|undo` read and apply.
 * A revision's `data` is the strategic-merge patch that restores the template
 * (`{"spec":{"template":{...,"$patch":"replace"}}}`), its name `<parent>-<hash>`, its labels the
 * template's, its owner the parent. Re-applying an old template reuses that revision and moves it
 * to the top (`revision` = max + 1), as the real controllers do; old revisions no pod uses are
 * pruned beyond `revisionHistoryLimit` (10).
 *
 * @module
 */
import { canonicalJson } from './deployment-util';
import type { KubeObject, OwnerReference } from './types';

export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

/** `getPatch`: the template as a replace patch. */
export function revisionData(parent: KubeObject): Record<string, unknown> {
	return { spec: { template: { ...structuredClone(parent.spec?.template ?? {}), $patch: 'replace' } } };
}

/** `<parent>-<hash of its template>`; `hash` is the pods' `controller-revision-hash` for DaemonSets. */
export const revisionName = (parent: KubeObject, hash: string) => `${parent.metadata.name}-${hash}`;

export const revisionNumber = (r: KubeObject): number => (typeof r.revision === 'number' ? r.revision : 0);

/** `MaxRevision` */
export const maxRevision = (revisions: KubeObject[]) => revisions.reduce((m, r) => Math.max(m, revisionNumber(r)), 0);

/** `EqualRevision`: same data. */
export const equalRevision = (a: KubeObject, b: KubeObject) => canonicalJson(a.data ?? null) === canonicalJson(b.data ?? null);

/** `NewControllerRevision`, with the parent's annotations (change-cause) as both controllers copy them. */
export function newRevision(parent: KubeObject, controllerRef: OwnerReference, hash: string, revision: number, extraLabels: Record<string, string> = {}): KubeObject {
	return {
		apiVersion: 'apps/v1',
		kind: 'ControllerRevision',
		metadata: {
			name: revisionName(parent, hash),
			namespace: parent.metadata.namespace,
			labels: { ...(parent.spec?.template?.metadata?.labels ?? {}), ...extraLabels },
			...(parent.metadata.annotations ? { annotations: { ...parent.metadata.annotations } } : {}),
			ownerReferences: [controllerRef]
		},
		data: revisionData(parent),
		revision
	};
}

/** What to do so the parent's current template has the newest revision. */
export type HistoryStep = { create: KubeObject } | { bump: KubeObject; to: number } | { current: KubeObject };

export function historyStep(parent: KubeObject, controllerRef: OwnerReference, hash: string, revisions: KubeObject[], extraLabels: Record<string, string> = {}): HistoryStep {
	const wanted = newRevision(parent, controllerRef, hash, maxRevision(revisions) + 1, extraLabels);
	const equal = revisions.filter((r) => equalRevision(r, wanted)).sort((a, b) => revisionNumber(a) - revisionNumber(b));
	const latest = equal[equal.length - 1];
	if (!latest) return { create: wanted };
	const max = maxRevision(revisions);
	return revisionNumber(latest) === max ? { current: latest } : { bump: latest, to: max + 1 };
}

/** `cleanupHistory`: the oldest revisions beyond the limit that no live pod runs and that are not current. */
export function revisionsToPrune(revisions: KubeObject[], inUse: Set<string>, current: string, limit = DEFAULT_REVISION_HISTORY_LIMIT): KubeObject[] {
	const old = revisions.filter((r) => r.metadata.name !== current && !inUse.has(r.metadata.name!)).sort((a, b) => revisionNumber(a) - revisionNumber(b));
	return old.slice(0, Math.max(0, old.length - limit));
}
