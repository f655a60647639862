/**
 * What an editor can do to the cluster from the Cluster view, through the kube API like kubectl
 * would: stop/start a node's kubelet (the `sim.converge.dev/kubelet` annotation of
 * docs/simulation.md), cordon/uncordon, drain, delete a pod.
 *
 * @module
 */
import type { KubeClient, KubeObject } from '$lib/controllers/types';
import { UI_RESOURCES } from '$lib/kube-client';
import { KUBELET_ANNOTATION } from './cluster-model';

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
