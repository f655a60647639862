/**
 * The DaemonSet controller's decisions (pkg/controller/daemon): which nodes should run a daemon
 * pod (`NodeShouldRunDaemonPod`: the template's nodeSelector/required affinity, and no untolerated
 * NoSchedule/NoExecute taint), the tolerations and node affinity its pods get, and the node a pod
 * targets before the scheduler bound it.
 *
 * @module
 */
import { doNotScheduleTaint, firstUntoleratedTaint, podMatchesNodeSelectorAndAffinity } from '../scheduler/helpers';
import type { Node, Pod, Toleration } from '../scheduler/types';
import type { KubeObject } from './types';

export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';
export const TEMPLATE_GENERATION = 'pod-template-generation';

/** `AddOrUpdateDaemonPodTolerations`: daemons survive node conditions that evict or fence other pods. */
export function daemonTolerations(existing: Toleration[] | undefined, hostNetwork: boolean): Toleration[] {
	const out = [...(existing ?? [])];
	const add = (key: string, effect: string) => {
		if (!out.some((t) => t.key === key && t.effect === effect)) out.push({ key, operator: 'Exists', effect } as Toleration);
	};
	add('node.kubernetes.io/not-ready', 'NoExecute');
	add('node.kubernetes.io/unreachable', 'NoExecute');
	add('node.kubernetes.io/disk-pressure', 'NoSchedule');
	add('node.kubernetes.io/memory-pressure', 'NoSchedule');
	add('node.kubernetes.io/pid-pressure', 'NoSchedule');
	add('node.kubernetes.io/unschedulable', 'NoSchedule');
	if (hostNetwork) add('node.kubernetes.io/network-unavailable', 'NoSchedule');
	return out;
}

/** The template as a pod, with the daemon tolerations (what `NodeShouldRunDaemonPod` checks). */
function templatePod(ds: KubeObject): Pod {
	const spec = ds.spec?.template?.spec ?? {};
	return { metadata: { name: '', namespace: ds.metadata.namespace }, spec: { ...spec, tolerations: daemonTolerations(spec.tolerations, !!spec.hostNetwork) } } as Pod;
}

/** Should a daemon pod start on `node`, and may a running one stay? */
export function nodeShouldRunDaemonPod(ds: KubeObject, node: KubeObject): { shouldRun: boolean; shouldContinueRunning: boolean } {
	const pod = templatePod(ds);
	const n = node as unknown as Node;
	if (!podMatchesNodeSelectorAndAffinity(pod, n)) return { shouldRun: false, shouldContinueRunning: false };
	const untolerated = firstUntoleratedTaint(n, pod.spec.tolerations, doNotScheduleTaint);
	const noExecute = firstUntoleratedTaint(n, pod.spec.tolerations, (t) => t.effect === 'NoExecute');
	return { shouldRun: !untolerated, shouldContinueRunning: !noExecute };
}

/** `ReplaceDaemonSetPodNodeNameNodeAffinity`: the pod's required node affinity pins it to `nodeName`. */
export function pinnedAffinity(affinity: KubeObject['spec'], nodeName: string): object {
	const a = structuredClone(affinity ?? {});
	a.nodeAffinity = {
		...(a.nodeAffinity ?? {}),
		requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] }
	};
	return a;
}

/** `GetTargetNodeName`: where the pod runs, or where its affinity pins it before it is bound. */
export function targetNode(pod: KubeObject): string | undefined {
	if (pod.spec?.nodeName) return pod.spec.nodeName;
	const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
	for (const t of terms) for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
	return undefined;
}
