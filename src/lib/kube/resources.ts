/**
 * How kube-apiserver serves each built-in resource: verbs, categories, subresources, where it is
 * stored, and the strategy facts the registry needs (does create reset status, is generation
 * tracked, is deletion graceful, may PUT create). One table derived from BUILTIN_KINDS, shared by
 * discovery, the REST handlers and the browser.
 *
 * @module
 */
import { apiVersionOf, BUILTIN_KINDS, REVIEW_KINDS, type KindInfo } from './kinds';
import { resourcePrefix } from './storage-keys';
import type { CustomResourceInfo } from './crd/types';

export const STANDARD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
export const SUBRESOURCE_VERBS = ['get', 'patch', 'update'] as const;

export interface ResourceInfo extends KindInfo {
	/** Lower-case kind (`deployment`). */
	singular: string;
	listKind: string;
	verbs: readonly string[];
	categories?: readonly string[];
	/** `status` and `scale` subresources. */
	status: boolean;
	scale: boolean;
	/** Key prefix below `/registry/`. */
	storagePrefix: string;
	/**
	 * Fields whose change bumps `metadata.generation` (generation is 1 at create); undefined for
	 * kinds that do not track generation. `metadata.annotations` counts for Deployments (kube's
	 * deployment strategy does that because annotations are copied to ReplicaSets).
	 */
	generation?: readonly string[];
	/** The status a create starts with (the strategy's PrepareForCreate); undefined keeps the given status. */
	initialStatus?: (obj: Record<string, unknown>) => unknown;
	/** Deletion waits a grace period (pods). */
	graceful?: boolean;
	/** DELETE answers with the deleted object instead of a Status (pods). */
	returnDeletedObject?: boolean;
	/** PUT of a missing object creates it. */
	createOnUpdate?: boolean;
	/** Stored as another kind's objects (events.k8s.io Events are core Events in storage). */
	storedAs?: { apiVersion: string; kind: string };
	/** Create-only and never stored (the self reviews). */
	review?: boolean;
	/** Subresources beyond status and scale, as discovery lists them (pods/log, pods/eviction, namespaces/finalize). */
	subresources?: readonly SubresourceInfo[];
	/** Set for a CustomResourceDefinition's resources: schema, printer columns, storage version. */
	custom?: CustomResourceInfo;
}

/** A subresource served by its own handler: its name, response kind and verbs. */
export interface SubresourceInfo {
	name: string;
	kind: string;
	group?: string;
	version?: string;
	verbs: readonly string[];
}

const ALL = ['all'] as const;
const REVIEW: Extra = { verbs: ['create'], review: true };

/** What a table entry may set beyond the kind's defaults. */
type Extra = Partial<Omit<ResourceInfo, keyof KindInfo | 'storagePrefix'>>;

const SPEC = ['spec'] as const;
const zeros = (...fields: string[]) => () => Object.fromEntries(fields.map((f) => [f, 0]));

/** Keyed by `apiVersion/kind`. */
const EXTRA: Record<string, Extra> = {
	'v1/Namespace': {
		verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
		subresources: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
		status: true,
		initialStatus: () => ({ phase: 'Active' })
	},
	'v1/Node': { status: true },
	// The pod's QoS class is added by the defaulting step (it needs the defaulted resources).
	'v1/Pod': {
		categories: ALL,
		status: true,
		initialStatus: () => ({ phase: 'Pending' }),
		graceful: true,
		returnDeletedObject: true,
		subresources: [
			{ name: 'binding', kind: 'Binding', verbs: ['create'] },
			{ name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
			{ name: 'log', kind: 'Pod', verbs: ['get'] }
		]
	},
	'authentication.k8s.io/v1/SelfSubjectReview': REVIEW,
	'authorization.k8s.io/v1/SelfSubjectAccessReview': REVIEW,
	'authorization.k8s.io/v1/SelfSubjectRulesReview': REVIEW,
	'v1/Service': { categories: ALL, status: true, initialStatus: () => ({ loadBalancer: {} }), createOnUpdate: true },
	'v1/Endpoints': { createOnUpdate: true },
	'v1/Event': { createOnUpdate: true },
	'v1/ResourceQuota': { status: true, initialStatus: () => ({}) },
	'v1/PersistentVolume': { status: true, initialStatus: () => ({ phase: 'Pending' }) },
	'v1/PersistentVolumeClaim': { status: true, initialStatus: () => ({ phase: 'Pending' }) },
	'apps/v1/Deployment': { categories: ALL, status: true, scale: true, generation: ['spec', 'metadata.annotations'], initialStatus: () => ({}) },
	'apps/v1/ReplicaSet': { categories: ALL, status: true, scale: true, generation: SPEC, initialStatus: zeros('replicas') },
	'apps/v1/DaemonSet': {
		categories: ALL,
		status: true,
		generation: SPEC,
		initialStatus: zeros('currentNumberScheduled', 'desiredNumberScheduled', 'numberMisscheduled', 'numberReady')
	},
	'apps/v1/StatefulSet': { categories: ALL, status: true, scale: true, generation: SPEC, initialStatus: zeros('availableReplicas', 'replicas') },
	'batch/v1/Job': { categories: ALL, status: true, generation: SPEC, initialStatus: () => ({}) },
	'batch/v1/CronJob': { categories: ALL, status: true, generation: SPEC, initialStatus: () => ({}) },
	'discovery.k8s.io/v1/EndpointSlice': { generation: ['endpoints', 'ports', 'addressType'] },
	'coordination.k8s.io/v1/Lease': { createOnUpdate: true },
	'events.k8s.io/v1/Event': { createOnUpdate: true, storedAs: { apiVersion: 'v1', kind: 'Event' } },
	'policy/v1/PodDisruptionBudget': {
		status: true,
		generation: SPEC,
		initialStatus: zeros('currentHealthy', 'desiredHealthy', 'disruptionsAllowed', 'expectedPods')
	},
	'networking.k8s.io/v1/NetworkPolicy': { generation: SPEC },
	'networking.k8s.io/v1/Ingress': { status: true, generation: SPEC, initialStatus: () => ({ loadBalancer: {} }) },
	'networking.k8s.io/v1/IngressClass': { generation: SPEC },
	'apiextensions.k8s.io/v1/CustomResourceDefinition': {
		status: true,
		generation: SPEC,
		// The CRD strategy's PrepareForCreate: an empty status that records the storage version.
		initialStatus: (crd) => ({
			acceptedNames: { plural: '', kind: '' },
			conditions: [],
			storedVersions: ((crd.spec as { versions?: Array<{ name: string; storage?: boolean }> })?.versions ?? []).filter((v) => v.storage).map((v) => v.name)
		})
	}
};

function describe(info: KindInfo): ResourceInfo {
	const x = EXTRA[`${apiVersionOf(info)}/${info.kind}`] ?? {};
	// Both Event resources live under /registry/events/ (kube's cohabitating resources).
	const prefix = info.kind === 'Event' ? 'events' : resourcePrefix(info.group, info.resource);
	return {
		...info,
		singular: info.kind.toLowerCase(),
		listKind: `${info.kind}List`,
		verbs: x.verbs ?? STANDARD_VERBS,
		categories: x.categories,
		status: x.status ?? false,
		scale: x.scale ?? false,
		storagePrefix: prefix,
		generation: x.generation,
		initialStatus: x.initialStatus,
		graceful: x.graceful,
		returnDeletedObject: x.returnDeletedObject,
		createOnUpdate: x.createOnUpdate,
		storedAs: x.storedAs,
		review: x.review,
		subresources: x.subresources
	};
}

export const BUILTIN_RESOURCES: readonly ResourceInfo[] = [...BUILTIN_KINDS, ...REVIEW_KINDS].map(describe);

/** The group order of kube-apiserver's discovery (core first), restricted to the groups served. */
export const GROUP_ORDER: readonly string[] = [
	'',
	'apps',
	'events.k8s.io',
	'authentication.k8s.io',
	'authorization.k8s.io',
	'batch',
	'networking.k8s.io',
	'policy',
	'storage.k8s.io',
	'apiextensions.k8s.io',
	'scheduling.k8s.io',
	'coordination.k8s.io',
	'discovery.k8s.io'
];

const byPath = new Map(BUILTIN_RESOURCES.map((r) => [`${r.group}/${r.version}/${r.resource}`, r]));

/** The resource served at `group/version/resource`, if any. */
export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
	return byPath.get(`${group}/${version}/${resource}`);
}

/** The resources of one group version, in table order. */
export function resourcesOf(group: string, version: string): ResourceInfo[] {
	return BUILTIN_RESOURCES.filter((r) => r.group === group && r.version === version);
}

/** Every served `group/version` (core as `v1`), in discovery order. */
export function groupVersions(): Array<{ group: string; version: string }> {
	const out: Array<{ group: string; version: string }> = [];
	for (const group of GROUP_ORDER)
		for (const r of BUILTIN_RESOURCES) if (r.group === group && !out.some((g) => g.group === group && g.version === r.version)) out.push({ group, version: r.version });
	return out;
}

/** The resources one room serves: the built-ins plus its established CRDs' (see server/apiserver/crd-registry.ts). */
export interface ResourceSet {
	find(group: string, version: string, resource: string): ResourceInfo | undefined;
	resourcesOf(group: string, version: string): ResourceInfo[];
	groupVersions(): Array<{ group: string; version: string }>;
}

/** The built-in resources alone. */
export const BUILTIN_SET: ResourceSet = { find: findResource, resourcesOf, groupVersions };
