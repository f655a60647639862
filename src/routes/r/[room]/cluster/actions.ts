/**
 * What an editor can do to the cluster from the Cluster view, through the kube API like kubectl
 * would: stop/start a node's kubelet (the `sim.converge.dev/kubelet` annotation of
 * docs/simulation.md), cordon/uncordon, drain, delete a pod.
 *
 * @module
 */
import type { KubeClient, KubeObject } from '$lib/controllers/types';
import type { Role } from '$lib/collab/protocol';
import { UI_RESOURCES } from '$lib/kube-client';
import { can, deniedMessage } from '$lib/rooms/permissions';
import { KUBELET_ANNOTATION } from './cluster-model';

/**
 * Why this page may not change the cluster, shown on its disabled actions; undefined = it may.
 * Scrubbed to a past revision nobody may (the views show the replica, not the live cluster).
 */
export function writeRefusal(role: Role, revision: number | undefined): string | undefined {
	if (revision !== undefined) return `showing revision ${revision}: the past is read-only`;
	return can(role, 'write-cluster') ? undefined : deniedMessage('write-cluster', 'change the cluster');
}

/** `kubectl annotate node <n> sim.converge.dev/kubelet=stopped` (or `sim.converge.dev/kubelet-`). */
export async function setKubeletStopped(client: KubeClient, node: string, stopped: boolean): Promise<string> {
	await client.patch(UI_RESOURCES.nodes, undefined, node, 'merge', { metadata: { annotations: { [KUBELET_ANNOTATION]: stopped ? 'stopped' : null } } });
	return `node/${node} annotated`;
}

/** `kubectl delete pod` (graceful, the pod's own terminationGracePeriodSeconds). */
export async function deletePod(client: KubeClient, pod: KubeObject): Promise<string> {
	await client.delete(UI_RESOURCES.pods, pod.metadata.namespace, pod.metadata.name!);
	return `pod "${pod.metadata.name}" deleted`;
}
