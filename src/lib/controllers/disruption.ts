/**
 * PodDisruptionBudget status (pkg/controller/disruption): expected pods, desired and current
 * healthy, disruptions allowed, the DisruptionAllowed condition, and which disruptedPods entries
 * (written by the eviction API) have expired.
 *
 * @module
 */
import { isPodReady } from './pods';
import type { KubeObject } from './types';
import { rfc3339 } from './workload';

/** An eviction recorded in disruptedPods counts as done after this long if the pod was not deleted (`DeletionTimeout`). */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

/** `intstr.GetScaledValueFromIntOrPercent(v, total, roundUp=true)`. */
export function scaled(v: number | string, total: number): number {
	if (typeof v === 'number') return v;
	const pct = Number(v.replace(/%$/, ''));
	return Math.ceil((pct * total) / 100);
}

/** Whether the budget needs its pods' controllers' scale (a percentage, or maxUnavailable). */
export const needsScale = (pdb: KubeObject): boolean => pdb.spec?.maxUnavailable !== undefined || typeof pdb.spec?.minAvailable === 'string';

/** `expectedCount`/`desiredHealthy` for the budget: `pods` selected, `scale` the summed replicas of their controllers. */
export function expectations(pdb: KubeObject, pods: number, scale: number): { expected: number; desired: number } {
	const { minAvailable, maxUnavailable } = pdb.spec ?? {};
	if (maxUnavailable !== undefined) return { expected: scale, desired: Math.max(0, scale - scaled(maxUnavailable, scale)) };
	if (typeof minAvailable === 'number') return { expected: pods, desired: minAvailable };
	if (typeof minAvailable === 'string') return { expected: scale, desired: scaled(minAvailable, scale) };
	// Neither set: kube defaults minAvailable to 1.
	return { expected: pods, desired: 1 };
}

/** Disrupted pods still pending: not deleted yet and recorded less than 2 minutes ago. Returns them and the next expiry. */
export function liveDisruptions(disrupted: Record<string, string>, pods: KubeObject[], now: number): { kept: Record<string, string>; nextExpiry?: number } {
	const kept: Record<string, string> = {};
	let nextExpiry: number | undefined;
	for (const [name, at] of Object.entries(disrupted)) {
		const pod = pods.find((p) => p.metadata.name === name);
		if (!pod || pod.metadata.deletionTimestamp) continue;
		const expiry = Date.parse(at) + DELETION_TIMEOUT_MS;
		if (expiry <= now) continue;
		kept[name] = at;
		nextExpiry = Math.min(nextExpiry ?? expiry, expiry);
	}
	return { kept, nextExpiry };
}

/** The budget's status (`updatePdbStatus`), keeping the condition's transition time while it holds. */
export function pdbStatus(pdb: KubeObject, pods: KubeObject[], expected: number, desired: number, disrupted: Record<string, string>, now: number): KubeObject['status'] {
	const healthy = pods.filter((p) => !p.metadata.deletionTimestamp && isPodReady(p) && !(p.metadata.name! in disrupted)).length;
	const allowed = expected > 0 ? Math.max(0, healthy - desired) : 0;
	const ok = allowed > 0;
	const old = ((pdb.status?.conditions ?? []) as Array<{ type: string; status: string; reason: string; lastTransitionTime: string }>).find((c) => c.type === 'DisruptionAllowed');
	const status = ok ? 'True' : 'False';
	const reason = ok ? 'SufficientPods' : 'InsufficientPods';
	const cond =
		old && old.status === status && old.reason === reason
			? old
			: { type: 'DisruptionAllowed', status, observedGeneration: pdb.metadata.generation ?? 0, lastTransitionTime: rfc3339(now), reason, message: '' };
	return {
		...(pdb.metadata.generation ? { observedGeneration: pdb.metadata.generation } : {}),
		...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
		disruptionsAllowed: allowed,
		currentHealthy: healthy,
		desiredHealthy: desired,
		expectedPods: expected,
		conditions: [cond]
	};
}
