/**
 * API discovery documents as kube-apiserver serves them: legacy discovery (`/api` APIVersions,
 * `/apis` APIGroupList, `/apis/<g>` APIGroup, `/api/v1` and `/apis/<g>/<v>` APIResourceList)
 * and the aggregated discovery kubectl 1.32 asks for first (APIGroupDiscoveryList,
 * apidiscovery.k8s.io/v2 or v2beta1).
 *
 * @module
 */
import { BUILTIN_SET, SUBRESOURCE_VERBS, type ResourceInfo, type ResourceSet } from './resources';

const gvString = (group: string, version: string) => (group ? `${group}/${version}` : version);

/** `/api`: the core versions, and the address clients in any CIDR should use. */
export function apiVersions(serverAddress: string) {
	return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(group: string, set: ResourceSet) {
	const versions = set
		.groupVersions()
		.filter((g) => g.group === group)
		.map((g) => ({ groupVersion: gvString(g.group, g.version), version: g.version }));
	return { name: group, versions, preferredVersion: versions[0] };
}

/** `/apis`: every group but core. */
export function apiGroupList(set: ResourceSet = BUILTIN_SET) {
	const groups = [...new Set(set.groupVersions().map((g) => g.group))].filter((g) => g !== '');
	return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => apiGroup(g, set)) };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function apiGroupDoc(group: string, set: ResourceSet = BUILTIN_SET) {
	if (!group || !set.groupVersions().some((g) => g.group === group)) return undefined;
	return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, set) };
}

function legacyResources(r: ResourceInfo) {
	const base: Record<string, unknown> = { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs] };
	if (r.shortNames?.length) base.shortNames = [...r.shortNames];
	if (r.categories?.length) base.categories = [...r.categories];
	const out: Record<string, unknown>[] = [base];
	if (r.scale) out.push({ name: `${r.resource}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: [...SUBRESOURCE_VERBS] });
	if (r.status) out.push({ name: `${r.resource}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: [...SUBRESOURCE_VERBS] });
	for (const sub of r.subresources ?? []) {
		const gv = sub.group ? { group: sub.group, version: sub.version } : {};
		out.push({ name: `${r.resource}/${sub.name}`, singularName: '', namespaced: r.namespaced, ...gv, kind: sub.kind, verbs: [...sub.verbs] });
	}
	return [base, ...out.slice(1).sort((a, b) => ((a.name as string) < (b.name as string) ? -1 : 1))];
}

/** `/api/v1` or `/apis/<g>/<v>`, or undefined when that group version is not served. */
export function apiResourceList(group: string, version: string, set: ResourceSet = BUILTIN_SET) {
	const rs = set.resourcesOf(group, version);
	if (!rs.length) return undefined;
	const resources = rs.flatMap(legacyResources);
	const head = group ? { kind: 'APIResourceList', apiVersion: 'v1' } : { kind: 'APIResourceList' };
	return { ...head, groupVersion: gvString(group, version), resources };
}

function aggregatedResource(r: ResourceInfo) {
	const out: Record<string, unknown> = {
		resource: r.resource,
		responseKind: { group: r.group, version: r.version, kind: r.kind },
		scope: r.namespaced ? 'Namespaced' : 'Cluster',
		singularResource: r.singular,
		verbs: [...r.verbs]
	};
	if (r.shortNames?.length) out.shortNames = [...r.shortNames];
	if (r.categories?.length) out.categories = [...r.categories];
	const subs: Record<string, unknown>[] = [];
	if (r.scale) subs.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: [...SUBRESOURCE_VERBS] });
	if (r.status) subs.push({ subresource: 'status', responseKind: { group: r.group, version: r.version, kind: r.kind }, verbs: [...SUBRESOURCE_VERBS] });
	for (const sub of r.subresources ?? [])
		subs.push({ subresource: sub.name, responseKind: { group: sub.group ?? r.group, version: sub.version ?? r.version, kind: sub.kind }, verbs: [...sub.verbs] });
	subs.sort((a, b) => ((a.subresource as string) < (b.subresource as string) ? -1 : 1));
	if (subs.length) out.subresources = subs;
	return out;
}

/** Aggregated discovery of `/api` (`legacy`) or `/apis`, in apidiscovery `version` (v2 or v2beta1). */
export function aggregatedDiscovery(legacy: boolean, version: 'v2' | 'v2beta1' = 'v2', set: ResourceSet = BUILTIN_SET) {
	const gvs = set
		.groupVersions().filter((g) => (legacy ? g.group === '' : g.group !== ''));
	const groups = [...new Set(gvs.map((g) => g.group))];
	const items = groups.map((group) => ({
		metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
		versions: gvs
			.filter((g) => g.group === group)
			.map((g) => ({ version: g.version, resources: set.resourcesOf(g.group, g.version).map(aggregatedResource), freshness: 'Current' }))
	}));
	return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
