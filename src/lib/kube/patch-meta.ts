/**
 * Strategic merge patch metadata of the built-in types: the `patchStrategy` and `patchMergeKey`
 * struct tags of k8s.io/api (v1.32), keyed by OpenAPI definition and field. The schema file
 * cannot carry them (kubernetes-models drops them), so they are listed here once and used both by
 * the server's strategic merge patch and by the OpenAPI documents kubectl computes patches from
 * (`x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`).
 *
 * @module
 */

export interface PatchMeta {
	/** `merge`, `retainKeys`, `merge,retainKeys` or `replace`. */
	strategy: string;
	mergeKey?: string;
}

const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

const m = (mergeKey?: string): PatchMeta => (mergeKey ? { strategy: 'merge', mergeKey } : { strategy: 'merge' });
const conditions = m('type');

/** `definition` → field → metadata. */
export const PATCH_META: Record<string, Record<string, PatchMeta>> = {
	[CORE + 'PodSpec']: {
		volumes: { strategy: 'merge,retainKeys', mergeKey: 'name' },
		initContainers: m('name'),
		containers: m('name'),
		ephemeralContainers: m('name'),
		imagePullSecrets: m('name'),
		hostAliases: m('ip'),
		topologySpreadConstraints: m('topologyKey'),
		resourceClaims: { strategy: 'merge,retainKeys', mergeKey: 'name' },
		schedulingGates: m('name')
	},
	[CORE + 'Container']: { ports: m('containerPort'), env: m('name'), volumeMounts: m('mountPath'), volumeDevices: m('devicePath') },
	[CORE + 'EphemeralContainer']: { ports: m('containerPort'), env: m('name'), volumeMounts: m('mountPath'), volumeDevices: m('devicePath') },
	[CORE + 'PodStatus']: {
		conditions,
		podIPs: m('ip'),
		hostIPs: m('ip'),
		resourceClaimStatuses: { strategy: 'merge,retainKeys', mergeKey: 'name' }
	},
	[CORE + 'NodeSpec']: { podCIDRs: m() },
	[CORE + 'NodeStatus']: { conditions, addresses: m('type') },
	[CORE + 'NamespaceStatus']: { conditions },
	[CORE + 'ServiceSpec']: { ports: m('port') },
	[CORE + 'ServiceStatus']: { conditions },
	[CORE + 'PersistentVolumeClaimStatus']: { conditions },
	[CORE + 'ServiceAccount']: { secrets: m('name') },
	[META + 'ObjectMeta']: { finalizers: m(), ownerReferences: m('uid') },
	[APPS + 'DeploymentSpec']: { strategy: { strategy: 'retainKeys' } },
	[APPS + 'DeploymentStatus']: { conditions },
	[APPS + 'ReplicaSetStatus']: { conditions },
	[APPS + 'DaemonSetStatus']: { conditions },
	[APPS + 'StatefulSetStatus']: { conditions },
	['io.k8s.api.batch.v1.JobStatus']: { conditions },
	['io.k8s.api.policy.v1.PodDisruptionBudgetStatus']: { conditions }
};

/** The patch metadata of `field` in objects of `definition`, if it has any. */
export function patchMetaOf(definition: string | undefined, field: string): PatchMeta | undefined {
	return definition ? PATCH_META[definition]?.[field] : undefined;
}
