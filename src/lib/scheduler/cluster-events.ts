/**
 * Which cluster events an informer change is (eventhandlers.go: nodeSchedulingPropertiesChange,
 * isPodUpdated), and the Priority admission step the scheduler's view of a pod needs when the
 * API did not resolve `priorityClassName` to `spec.priority`.
 *
 * @module
 */
import type { ClusterEvent } from './framework';
import type { Node, Pod } from './types';

const json = (x: unknown) => JSON.stringify(x ?? null);

/** nodeSchedulingPropertiesChange: the node update events the queue's plugins may care about. */
export function nodeUpdateEvents(old: Node, cur: Node): ClusterEvent[] {
	const out: ClusterEvent[] = [];
	if (!!old.spec?.unschedulable !== !!cur.spec?.unschedulable) out.push('NodeUpdateUnschedulable');
	if (json(old.status?.allocatable) !== json(cur.status?.allocatable)) out.push('NodeUpdateAllocatable');
	if (json(old.metadata.labels) !== json(cur.metadata.labels)) out.push('NodeUpdateLabel');
	if (json(old.spec?.taints) !== json(cur.spec?.taints)) out.push('NodeUpdateTaint');
	const conds = (n: Node) => json(((n.status as { conditions?: Array<{ type: string; status: string }> })?.conditions ?? []).map((c) => [c.type, c.status]));
	if (conds(old) !== conds(cur)) out.push('NodeUpdateCondition');
	return out;
}

/** The pod without what its own status writes change (resourceVersion, generation, status, managedFields, finalizers). */
function stripped(pod: Pod): string {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { resourceVersion, generation, managedFields, finalizers, ...meta } = pod.metadata as Pod['metadata'] & { generation?: number; managedFields?: unknown; finalizers?: unknown };
	return json({ metadata: meta, spec: pod.spec });
}

/**
 * isPodUpdated: whether anything but status and bookkeeping changed. A status-only change (the
 * scheduler's own PodScheduled condition, a kubelet heartbeat) must not requeue an unschedulable pod.
 */
export function isPodUpdated(old: Pod, cur: Pod): boolean {
	return stripped(old) !== stripped(cur);
}

export interface PriorityClass {
	metadata: { name: string };
	value: number;
	globalDefault?: boolean;
	preemptionPolicy?: string;
}

/**
 * Priority admission as the scheduler needs it: a pod naming a PriorityClass gets its value (and
 * preemptionPolicy) when `spec.priority` is unset; an unknown class leaves the pod at 0.
 * Returns the same object when nothing changes (PodInfo is cached per object).
 */
export function withPriority(pod: Pod, classes: ReadonlyMap<string, PriorityClass>): Pod {
	const name = pod.spec.priorityClassName;
	if (pod.spec.priority !== undefined || !name) return pod;
	const pc = classes.get(name);
	return { ...pod, spec: { ...pod.spec, priority: pc?.value ?? 0, preemptionPolicy: pod.spec.preemptionPolicy ?? pc?.preemptionPolicy ?? 'PreemptLowerPriority' } };
}
