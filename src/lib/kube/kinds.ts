/**
 * The built-in kinds converge serves, as kube-apiserver registers them: group/version, plural
 * resource name (the storage path `/registry/<resource>/...` and the URL use it), scope, and how
 * the object's name is validated. One table, shared by the editor, the applier and the API server.
 *
 * @module
 */

/** How an object's `metadata.name` is validated (apimachinery's validation functions). */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path-segment';

export interface KindInfo {
	group: string;
	version: string;
	kind: string;
	/** Plural lower-case resource name. */
	resource: string;
	namespaced: boolean;
	name: NameRule;
	shortNames?: string[];
}

const k = (
	gv: string,
	kind: string,
	resource: string,
	namespaced: boolean,
	name: NameRule = 'subdomain',
	shortNames?: string[]
): KindInfo => {
	const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
	return { group, version, kind, resource, namespaced, name, shortNames };
};

export const BUILTIN_KINDS: readonly KindInfo[] = [
	k('v1', 'Namespace', 'namespaces', false, 'label', ['ns']),
	k('v1', 'Node', 'nodes', false, 'subdomain', ['no']),
	k('v1', 'Pod', 'pods', true, 'subdomain', ['po']),
	k('v1', 'Service', 'services', true, 'dns1035', ['svc']),
	k('v1', 'Endpoints', 'endpoints', true, 'subdomain', ['ep']),
	k('v1', 'ConfigMap', 'configmaps', true, 'subdomain', ['cm']),
	k('v1', 'Secret', 'secrets', true),
	k('v1', 'ServiceAccount', 'serviceaccounts', true, 'subdomain', ['sa']),
	k('v1', 'Event', 'events', true, 'subdomain', ['ev']),
	k('v1', 'ResourceQuota', 'resourcequotas', true, 'subdomain', ['quota']),
	k('v1', 'LimitRange', 'limitranges', true, 'subdomain', ['limits']),
	k('v1', 'PersistentVolume', 'persistentvolumes', false, 'subdomain', ['pv']),
	k('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, 'subdomain', ['pvc']),
	k('apps/v1', 'Deployment', 'deployments', true, 'subdomain', ['deploy']),
	k('apps/v1', 'ReplicaSet', 'replicasets', true, 'subdomain', ['rs']),
	k('apps/v1', 'DaemonSet', 'daemonsets', true, 'subdomain', ['ds']),
	k('apps/v1', 'StatefulSet', 'statefulsets', true, 'subdomain', ['sts']),
	k('apps/v1', 'ControllerRevision', 'controllerrevisions', true),
	k('batch/v1', 'Job', 'jobs', true),
	k('batch/v1', 'CronJob', 'cronjobs', true, 'subdomain', ['cj']),
	k('discovery.k8s.io/v1', 'EndpointSlice', 'endpointslices', true),
	k('coordination.k8s.io/v1', 'Lease', 'leases', true),
	k('events.k8s.io/v1', 'Event', 'events', true, 'subdomain', ['ev']),
	k('scheduling.k8s.io/v1', 'PriorityClass', 'priorityclasses', false, 'subdomain', ['pc']),
	k('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, 'subdomain', ['pdb']),
	k('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true, 'subdomain', ['netpol']),
	k('networking.k8s.io/v1', 'Ingress', 'ingresses', true, 'subdomain', ['ing']),
	k('networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false),
	k('storage.k8s.io/v1', 'StorageClass', 'storageclasses', false, 'subdomain', ['sc']),
	k('storage.k8s.io/v1', 'CSINode', 'csinodes', false),
	k('storage.k8s.io/v1', 'CSIDriver', 'csidrivers', false),
	k('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, 'subdomain', ['crd', 'crds'])
];

/** Kinds the API answers but never stores (create-only reviews); not declarable in files. */
export const REVIEW_KINDS: readonly KindInfo[] = [
	k('authentication.k8s.io/v1', 'SelfSubjectReview', 'selfsubjectreviews', false),
	k('authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false),
	k('authorization.k8s.io/v1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false)
];

export function apiVersionOf(info: Pick<KindInfo, 'group' | 'version'>): string {
	return info.group ? `${info.group}/${info.version}` : info.version;
}

const byGvk = new Map(BUILTIN_KINDS.map((i) => [`${apiVersionOf(i)}/${i.kind}`, i]));

/** The built-in kind for an apiVersion + kind, if converge serves it. */
export function lookupKind(apiVersion: string, kind: string): KindInfo | undefined {
	return byGvk.get(`${apiVersion}/${kind}`);
}

/** Every apiVersion a built-in kind is served at (for "did you mean" messages). */
export function versionsOfKind(kind: string): string[] {
	return BUILTIN_KINDS.filter((i) => i.kind === kind).map(apiVersionOf);
}
