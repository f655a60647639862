/**
 * A pod's owner chain (Pod → ReplicaSet → Deployment, Pod → Job → CronJob), read through the
 * API when a pod is selected: `kubectl describe`'s "Controlled By", followed upwards.
 *
 * @module
 */
import { controllerRef, type KubeClient, type KubeObject, type ResourceRef } from '$lib/controllers/types';

const ref = (group: string, resource: string, kind: string): ResourceRef => ({ group, version: 'v1', resource, kind, namespaced: true });

/** Workload kinds by `apiVersion/kind` of an owner reference. */
const OWNER_KINDS: Record<string, ResourceRef> = {
	'apps/v1/ReplicaSet': ref('apps', 'replicasets', 'ReplicaSet'),
	'apps/v1/Deployment': ref('apps', 'deployments', 'Deployment'),
	'apps/v1/StatefulSet': ref('apps', 'statefulsets', 'StatefulSet'),
	'apps/v1/DaemonSet': ref('apps', 'daemonsets', 'DaemonSet'),
	'batch/v1/Job': ref('batch', 'jobs', 'Job'),
	'batch/v1/CronJob': ref('batch', 'cronjobs', 'CronJob')
};

/** `Kind/name` of each controller up the chain, nearest first; stops at an unknown kind or a missing owner. */
export async function ownerChain(client: KubeClient, obj: KubeObject, max = 4): Promise<string[]> {
	const out: string[] = [];
	let cur: KubeObject | undefined = obj;
	while (cur && out.length < max) {
		const owner = controllerRef(cur);
		if (!owner) break;
		out.push(`${owner.kind}/${owner.name}`);
		const r = OWNER_KINDS[`${owner.apiVersion}/${owner.kind}`];
		cur = r ? await client.get(r, obj.metadata.namespace, owner.name).catch(() => undefined) : undefined;
	}
	return out;
}
