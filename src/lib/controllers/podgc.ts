/**
 * What kube-controller-manager's pod garbage collector (pkg/controller/podgc) decides on each
 * pass, as pure functions over the cached pods and nodes:
 * - terminated pods (Succeeded/Failed) beyond `--terminated-pod-gc-threshold` (12500), oldest first;
 * - pods bound to a Node that no longer exists (after a 40 s quarantine and a live re-check,
 *   done by the caller): marked Failed with `DisruptionTarget` reason `DeletionByPodGC`, deleted;
 * - terminating pods that were never scheduled;
 * - terminating pods on a NotReady node tainted `node.kubernetes.io/out-of-service`.
 *
 * @module
 */
import type { KubeObject } from './types';

export const PODGC = {
	/** gcCheckPeriod */
	periodMs: 20_000,
	/** quarantineTime: how long a node must stay missing before its pods are orphans. */
	quarantineMs: 40_000,
	/** --terminated-pod-gc-threshold */
	terminatedThreshold: 12_500
};

export const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';

export const isTerminated = (p: KubeObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** The terminated pods to delete so at most `threshold` remain: oldest creationTimestamp first. */
export function excessTerminated(pods: KubeObject[], threshold = PODGC.terminatedThreshold): KubeObject[] {
	const terminated = pods.filter(isTerminated);
	const excess = terminated.length - threshold;
	if (threshold <= 0 || excess <= 0) return [];
	const created = (p: KubeObject) => p.metadata.creationTimestamp ?? '';
	return terminated.sort((a, b) => (created(a) < created(b) ? -1 : created(a) > created(b) ? 1 : 0)).slice(0, excess);
}

/** Node names pods are bound to that the node cache does not know. */
export function missingNodes(pods: KubeObject[], nodeNames: Set<string>): Set<string> {
	const out = new Set<string>();
	for (const p of pods) if (p.spec?.nodeName && !nodeNames.has(p.spec.nodeName)) out.add(p.spec.nodeName);
	return out;
}

/** Terminating pods no node will ever finish: never scheduled. */
export const unscheduledTerminating = (pods: KubeObject[]) => pods.filter((p) => p.metadata.deletionTimestamp && !p.spec?.nodeName);

/** Terminating pods on NotReady nodes an admin marked out of service. */
export function outOfServiceTerminating(pods: KubeObject[], nodes: Map<string, KubeObject>): KubeObject[] {
	return pods.filter((p) => {
		if (!p.metadata.deletionTimestamp || !p.spec?.nodeName) return false;
		const node = nodes.get(p.spec.nodeName);
		if (!node) return false;
		const ready = (node.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
		const notReady = ready?.status !== 'True';
		return notReady && (node.spec?.taints ?? []).some((t: { key: string; effect: string }) => t.key === OUT_OF_SERVICE_TAINT && t.effect === 'NoExecute');
	});
}
