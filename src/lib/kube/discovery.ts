/**
 * API discovery documents as kube-apiserver serves them: legacy discovery (`/api` APIVersions,
 * `/apis` APIGroupList, `/apis/<g>` APIGroup, `/api/v1` and `/apis/<g>/<v>` APIResourceList)
 * and the aggregated discovery kubectl 1.32 asks for first (APIGroupDiscoveryList,
 * apidiscovery.k8s.io/v2 or v2beta1).
 *
 * @module
 */
import { groupVersions, resourcesOf, SUBRESOURCE_VERBS, type ResourceInfo } from './resources';

const gvString = (group: string, version: string) => (group ? `${group}/${version}` : version);

/** `/api`: the core versions, and the address clients in any CIDR should use. */
export function apiVersions(serverAddress: string) {
	return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(group: string) {
	const versions = groupVersions()
		.filter((g) => g.group === group)
		.map((g) => ({ groupVersion: gvString(g.group, g.version), version: g.version }));
	return { name: group, versions, preferredVersion: versions[0] };
}

/** `/apis`: every group but core. */
export function apiGroupList() {
	const groups = [...new Set(groupVersions().map((g) => g.group))].filter((g) => g !== '');
	return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(apiGroup) };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function apiGroupDoc(group: string) {
	if (!group || !groupVersions().some((g) => g.group === group)) return undefined;
	return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) };
}

function legacyResources(r: ResourceInfo) {
	const base: Record<string, unknown> = { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs] };
	if (r.shortNames?.length) base.shortNames = [...r.shortNames];
	if (r.categories?.length) base.categories = [...r.categories];
	const out: Record<string, unknown>[] = [base];
	if (r.scale) out.push({ name: `${r.resource}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: [...SUBRESOURCE_VERBS] });
	if (r.status) out.push({ name: `${r.resource}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: [...SUBRESOURCE_VERBS] });
	return out;
}

/** `/api/v1` or `/apis/<g>/<v>`, or undefined when that group version is not served. */
export function apiResourceList(group: string, version: string) {
	const rs = resourcesOf(group, version);
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
	if (subs.length) out.subresources = subs;
	return out;
}

/** Aggregated discovery of `/api` (`legacy`) or `/apis`, in apidiscovery `version` (v2 or v2beta1). */
export function aggregatedDiscovery(legacy: boolean, version: 'v2' | 'v2beta1' = 'v2') {
	const gvs = groupVersions().filter((g) => (legacy ? g.group === '' : g.group !== ''));
	const groups = [...new Set(gvs.map((g) => g.group))];
	const items = groups.map((group) => ({
		metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
		versions: gvs
			.filter((g) => g.group === group)
			.map((g) => ({ version: g.version, resources: resourcesOf(g.group, g.version).map(aggregatedResource), freshness: 'Current' }))
	}));
	return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
