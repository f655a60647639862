/**
 * What the garbage collector and the namespace controller learn from discovery: every resource
 * that can be listed, watched and deleted (the built-in table plus each established CRD's
 * preferred version), minus the ones kube's GC ignores (Events). Computed from the CRD objects
 * (what discovery itself reflects), so controllers need no extra transport.
 *
 * @module
 */
import { crdResources } from '../kube/crd/resource-info';
import { BUILTIN_RESOURCES } from '../kube/resources';
import type { KubeObject, ResourceRef } from './types';

/** `DefaultIgnoredResources` of the garbage collector: Events. */
export const GC_IGNORED = new Set(['/events', 'events.k8s.io/events']);

/** events.k8s.io Events are core Events in storage: listing both would count them twice. */
const ALIASES = new Set(['events.k8s.io/events']);

const refOf = (r: { group: string; version: string; resource: string; kind: string; namespaced: boolean }): ResourceRef => ({
	group: r.group,
	version: r.version,
	resource: r.resource,
	kind: r.kind,
	namespaced: r.namespaced
});

/** `group/resource`, the version-independent name of a resource. */
export const groupResource = (r: { group: string; resource: string }): string => `${r.group}/${r.resource}`;

/** Deletable, listable and watchable resources: built-ins first, then custom resources by CRD. */
export function deletableResources(crds: KubeObject[]): ResourceRef[] {
	const out: ResourceRef[] = [];
	const seen = new Set<string>();
	const push = (r: ResourceRef) => {
		const gr = groupResource(r);
		if (seen.has(gr) || ALIASES.has(gr)) return;
		seen.add(gr);
		out.push(r);
	};
	for (const r of BUILTIN_RESOURCES) if (['list', 'watch', 'delete'].every((v) => r.verbs.includes(v))) push(refOf(r));
	// crdResources lists served versions by priority: the first is discovery's preferred one.
	for (const crd of [...crds].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))) {
		const [preferred] = crdResources(crd);
		if (preferred) push(refOf(preferred));
	}
	return out;
}

/** The group of an `apiVersion` (`apps/v1` → `apps`, `v1` → ``). */
export function groupOf(apiVersion: string): string {
	const i = apiVersion.indexOf('/');
	return i < 0 ? '' : apiVersion.slice(0, i);
}
