/**
 * Facts about pods that controllers share (k8s.io/kubernetes/pkg/api/v1/pod and controller_utils):
 * readiness, availability, activeness, and the ranking of which pods to delete first.
 *
 * @module
 */
import type { KubeObject } from './types';

type Condition = { type: string; status: string; lastTransitionTime?: string };

function readyCondition(pod: KubeObject): Condition | undefined {
	return (pod.status?.conditions as Condition[] | undefined)?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: KubeObject): boolean {
	return readyCondition(pod)?.status === 'True';
}

/** Ready for at least `minReadySeconds` at `now` (ms). */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
	const c = readyCondition(pod);
	if (c?.status !== 'True') return false;
	if (minReadySeconds <= 0) return true;
	const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
	return Number.isFinite(since) && since + minReadySeconds * 1000 <= now;
}

/** Not finished (Succeeded/Failed) and not being deleted: `controller.IsPodActive`. */
export function isPodActive(pod: KubeObject): boolean {
	const phase = pod.status?.phase;
	return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: KubeObject): number {
	const v = Number(pod.metadata.annotations?.[POD_DELETION_COST]);
	return Number.isInteger(v) ? v : 0;
}

function readyTime(pod: KubeObject): number | undefined {
	const c = readyCondition(pod);
	return c?.status === 'True' && c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
}

function maxRestarts(pod: KubeObject): { regular: number; sidecar: number } {
	const sidecars = new Set(((pod.spec?.initContainers ?? []) as Array<{ name: string; restartPolicy?: string }>).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
	let regular = 0;
	let sidecar = 0;
	for (const s of (pod.status?.containerStatuses ?? []) as Array<{ restartCount?: number }>) regular = Math.max(regular, s.restartCount ?? 0);
	for (const s of (pod.status?.initContainerStatuses ?? []) as Array<{ name: string; restartCount?: number }>)
		if (sidecars.has(s.name)) sidecar = Math.max(sidecar, s.restartCount ?? 0);
	return { regular, sidecar };
}

/** log2 buckets of age in nanoseconds, like `logarithmicRankDiff` (LogarithmicScaleDown, on since 1.22). */
function logRankDiff(t1: number, t2: number, now: number): number {
	const rank = (t: number) => {
		const d = (now - t) * 1e6;
		return d > 0 ? Math.floor(Math.log2(d)) : -1;
	};
	return rank(t1) - rank(t2);
}

/**
 * Compares two pods for deletion (negative: `a` goes first), as `ActivePodsWithRanks.Less`:
 * unassigned < assigned; Pending < Unknown < Running; not ready < ready; lower deletion cost;
 * more related pods on the same node (`rank`); ready more recently (log scale); more restarts;
 * created more recently (log scale); then by uid.
 */
export function comparePodsForDeletion(a: KubeObject, b: KubeObject, rankA: number, rankB: number, now: number): number {
	const assigned = (p: KubeObject) => (p.spec?.nodeName ? 1 : 0);
	if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
	const phase = (p: KubeObject) => PHASE_ORDER[p.status?.phase ?? 'Pending'] ?? 0;
	if (phase(a) !== phase(b)) return phase(a) - phase(b);
	const ready = (p: KubeObject) => (isPodReady(p) ? 1 : 0);
	if (ready(a) !== ready(b)) return ready(a) - ready(b);
	if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
	if (rankA !== rankB) return rankB - rankA;
	const byUid = () => ((a.metadata.uid ?? '') < (b.metadata.uid ?? '') ? -1 : (a.metadata.uid ?? '') > (b.metadata.uid ?? '') ? 1 : 0);
	if (ready(a) && ready(b)) {
		const ra = readyTime(a);
		const rb = readyTime(b);
		if (ra !== rb) {
			// A missing time counts as "newest" (afterOrZero).
			if (ra === undefined || rb === undefined) return ra === undefined ? -1 : 1;
			const d = logRankDiff(ra, rb, now);
			return d === 0 ? byUid() : d;
		}
	}
	const ma = maxRestarts(a);
	const mb = maxRestarts(b);
	if (ma.regular !== mb.regular) return mb.regular - ma.regular;
	if (ma.sidecar !== mb.sidecar) return mb.sidecar - ma.sidecar;
	const ca = a.metadata.creationTimestamp ? Date.parse(a.metadata.creationTimestamp) : undefined;
	const cb = b.metadata.creationTimestamp ? Date.parse(b.metadata.creationTimestamp) : undefined;
	if (ca !== cb) {
		if (ca === undefined || cb === undefined) return ca === undefined ? -1 : 1;
		const d = logRankDiff(ca, cb, now);
		return d === 0 ? byUid() : d;
	}
	return 0;
}

/**
 * The `diff` pods to delete first, as the ReplicaSet controller's `getPodsToDelete`: each pod is
 * ranked by how many of `related` (active pods of the same owner family) share its node.
 */
export function podsToDelete(pods: KubeObject[], related: KubeObject[], diff: number, now: number): KubeObject[] {
	if (diff >= pods.length) return pods.slice();
	const onNode = new Map<string, number>();
	const node = (p: KubeObject): string => p.spec?.nodeName ?? '';
	for (const p of related) if (isPodActive(p)) onNode.set(node(p), (onNode.get(node(p)) ?? 0) + 1);
	const ranked = pods.map((p) => ({ p, rank: onNode.get(node(p)) ?? 0 }));
	// Stable, where Go's sort.Sort is not: ties keep the cache's order here.
	ranked.sort((x, y) => comparePodsForDeletion(x.p, y.p, x.rank, y.rank, now));
	return ranked.slice(0, diff).map((x) => x.p);
}
