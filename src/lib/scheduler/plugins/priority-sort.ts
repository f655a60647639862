/**
 * PrioritySort (plugins/queuesort/priority_sort.go): higher `spec.priority` first, then the pod
 * that entered the queue earlier.
 *
 * @module
 */
import type { Plugin, QueuedPodInfo } from '../framework';
import type { Pod } from '../types';

export const NAME = 'PrioritySort';

/** corev1helpers.PodPriority: `spec.priority`, 0 when unset (admission fills it from the PriorityClass). */
export function podPriority(pod: Pod): number {
	return pod.spec.priority ?? 0;
}

export function create(): Plugin {
	return {
		name: NAME,
		less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
			const p1 = podPriority(a.pod);
			const p2 = podPriority(b.pod);
			return p1 > p2 || (p1 === p2 && a.timestamp < b.timestamp);
		}
	} satisfies Plugin;
}
