/**
 * Pure pieces of the workload controllers (k8s.io/kubernetes/pkg/controller): pods from a
 * template, controller references, slow-start batches, and the ReplicaSet status computation.
 *
 * @module
 */
import { matchesLabels, selectorFromObject, type LabelSelector } from '../kube/label-selector';
import { isPodAvailable, isPodReady } from './pods';
import type { KubeObject, OwnerReference, ResourceRef } from './types';

/** `metav1.NewControllerRef`: the owner reference a controller puts on what it creates. */
export function newControllerRef(owner: KubeObject, r: ResourceRef): OwnerReference {
	return {
		apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
		kind: r.kind,
		name: owner.metadata.name!,
		uid: owner.metadata.uid!,
		controller: true,
		blockOwnerDeletion: true
	};
}

/** `controller.GetPodFromTemplate`: labels, annotations, finalizers and spec of the template; `<owner>-` as generateName. */
export function podFromTemplate(template: KubeObject | undefined, owner: KubeObject, ref: OwnerReference): KubeObject {
	const t = template ?? { metadata: {} };
	const meta = t.metadata ?? {};
	if (!meta.labels || !Object.keys(meta.labels).length) throw new Error('unable to create pods, no labels');
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			generateName: `${owner.metadata.name}-`,
			namespace: owner.metadata.namespace,
			labels: { ...meta.labels },
			...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
			...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
			ownerReferences: [ref]
		},
		spec: structuredClone(t.spec ?? {})
	};
}

/**
 * `slowStartBatch`: calls `fn` `count` times in batches of 1, 2, 4, ... (each batch concurrently),
 * stopping after the first batch with a failure, so a failing create (quota, admission) is tried a
 * few times rather than hundreds. Returns the successes and the first error.
 */
export async function slowStartBatch(count: number, initial: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
	let remaining = count;
	let successes = 0;
	for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
		const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
		const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
		successes += size - failed.length;
		if (failed.length) return { successes, error: failed[0].reason };
		remaining -= size;
	}
	return { successes };
}

export interface ReplicaSetStatus {
	replicas: number;
	fullyLabeledReplicas?: number;
	readyReplicas?: number;
	availableReplicas?: number;
	observedGeneration?: number;
	conditions?: Array<{ type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }>;
}

/** The selector of a ReplicaSet-like object; an invalid one selects nothing. */
export function selectorOf(obj: KubeObject): LabelSelector {
	try {
		return selectorFromObject(obj.spec?.selector);
	} catch {
		return { requirements: [], nothing: true };
	}
}

/**
 * `calculateStatus` of the ReplicaSet controller: counts of the active pods it owns, fully
 * labeled (carrying every template label), ready, and available (ready for minReadySeconds),
 * and the ReplicaFailure condition while creating or deleting fails. Zero counts are omitted, as
 * the API's `omitempty` does.
 */
export function replicaSetStatus(rs: KubeObject, pods: KubeObject[], manageError: { message: string; creating: boolean } | undefined, now: number): ReplicaSetStatus {
	const minReady = rs.spec?.minReadySeconds ?? 0;
	const counts: ReplicaCounts = { replicas: pods.length, fullyLabeled: 0, ready: 0, available: 0 };
	for (const p of pods) {
		if (hasTemplateLabels(rs, p)) counts.fullyLabeled++;
		if (isPodReady(p)) counts.ready++;
		if (isPodAvailable(p, minReady, now)) counts.available++;
	}
	return replicaSetStatusOf(rs, counts, manageError, now);
}

/** What a ReplicaSet's status counts of its pods. */
export interface ReplicaCounts {
	replicas: number;
	fullyLabeled: number;
	ready: number;
	available: number;
}

/** The pod carries every label of the ReplicaSet's template (`fullyLabeledReplicas`). */
export function hasTemplateLabels(rs: KubeObject, pod: KubeObject): boolean {
	const labels = rs.spec?.template?.metadata?.labels;
	if (!labels) return true;
	for (const k in labels) if (pod.metadata.labels?.[k] !== labels[k]) return false;
	return true;
}

/** `calculateStatus` from counts already made (see replicaSetStatus). */
export function replicaSetStatusOf(rs: KubeObject, counts: ReplicaCounts, manageError: { message: string; creating: boolean } | undefined, now: number): ReplicaSetStatus {
	const { fullyLabeled, ready, available } = counts;
	const old = (rs.status?.conditions ?? []) as NonNullable<ReplicaSetStatus['conditions']>;
	let conditions = old;
	const failure = old.find((c) => c.type === 'ReplicaFailure');
	if (manageError && !failure) {
		const reason = manageError.creating ? 'FailedCreate' : 'FailedDelete';
		conditions = [...old, { type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(now), reason, message: manageError.message }];
	} else if (!manageError && failure) conditions = old.filter((c) => c !== failure);
	return {
		replicas: counts.replicas,
		...(fullyLabeled ? { fullyLabeledReplicas: fullyLabeled } : {}),
		...(ready ? { readyReplicas: ready } : {}),
		...(available ? { availableReplicas: available } : {}),
		...(rs.metadata.generation ? { observedGeneration: rs.metadata.generation } : {}),
		...(conditions.length ? { conditions } : {})
	};
}

/** Same counts, generation and conditions (what `updateReplicaSetStatus` compares before writing). */
export function sameReplicaSetStatus(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
	const n = (x: number | undefined) => x ?? 0;
	return (
		!!a &&
		n(a.replicas) === n(b.replicas) &&
		n(a.fullyLabeledReplicas) === n(b.fullyLabeledReplicas) &&
		n(a.readyReplicas) === n(b.readyReplicas) &&
		n(a.availableReplicas) === n(b.availableReplicas) &&
		n(a.observedGeneration) === n(b.observedGeneration) &&
		JSON.stringify(a.conditions ?? []) === JSON.stringify(b.conditions ?? [])
	);
}

/** kube's timestamp format (RFC 3339, whole seconds). */
export function rfc3339(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const selects = (sel: LabelSelector, obj: KubeObject): boolean => !sel.nothing && matchesLabels(sel, obj.metadata.labels);
