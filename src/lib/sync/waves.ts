/**
 * Sync waves: the order in which one sync applies kinds, so a single apply of a whole document
 * works (a Namespace exists before what lives in it, a CRD before its custom resources, a
 * ServiceAccount and its ConfigMaps before the Pods that use them). The order is Helm's
 * `InstallOrder` (pkg/releaseutil/kind_sorter.go) as Argo CD's gitops-engine uses it
 * (pkg/sync/sync_tasks.go `kindOrder`): unknown kinds — custom resources — come last, after
 * their CRDs. converge adds Node (declared in files here, like the cluster's machines) right
 * after Namespace, and the storage driver kinds next to StorageClass.
 *
 * @module
 */

/** Helm's InstallOrder (+ Node, CSIDriver, CSINode, IngressClass at their natural places). */
export const KIND_ORDER: readonly string[] = [
	'PriorityClass',
	'Namespace',
	'Node',
	'NetworkPolicy',
	'ResourceQuota',
	'LimitRange',
	'PodSecurityPolicy',
	'PodDisruptionBudget',
	'ServiceAccount',
	'Secret',
	'SecretList',
	'ConfigMap',
	'CSIDriver',
	'CSINode',
	'StorageClass',
	'PersistentVolume',
	'PersistentVolumeClaim',
	'CustomResourceDefinition',
	'ClusterRole',
	'ClusterRoleList',
	'ClusterRoleBinding',
	'ClusterRoleBindingList',
	'Role',
	'RoleList',
	'RoleBinding',
	'RoleBindingList',
	'Service',
	'DaemonSet',
	'Pod',
	'ReplicationController',
	'ReplicaSet',
	'Deployment',
	'HorizontalPodAutoscaler',
	'StatefulSet',
	'Job',
	'CronJob',
	'IngressClass',
	'Ingress',
	'APIService'
];

const RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));

/** The kind's place in the install order; kinds not in the list (custom resources) go last. */
export function kindRank(kind: string): number {
	return RANK.get(kind) ?? KIND_ORDER.length;
}

/** What waves need of an object. */
export interface Waveable {
	kind: string;
	name: string;
	namespace?: string;
}

/**
 * Groups objects into waves: one wave per kind rank, in install order; inside a wave objects
 * are sorted by namespace and name (gitops-engine's tie-break), and may be applied in parallel.
 */
export function syncWaves<T>(objects: readonly T[], of: (t: T) => Waveable = (t) => t as Waveable): T[][] {
	const sorted = [...objects].sort((x, y) => {
		const a = of(x);
		const b = of(y);
		return kindRank(a.kind) - kindRank(b.kind) || (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name);
	});
	const waves: T[][] = [];
	let rank = -1;
	for (const o of sorted) {
		const r = kindRank(of(o).kind);
		if (r !== rank || !waves.length) waves.push([]);
		rank = r;
		waves[waves.length - 1].push(o);
	}
	return waves;
}

/** Prune in reverse: workloads first, Namespaces last (Helm's UninstallOrder is the reverse too). */
export function pruneOrder<T>(objects: readonly T[], of?: (t: T) => Waveable): T[] {
	return syncWaves(objects, of).reverse().flat();
}
