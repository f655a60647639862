/**
 * apiVersion + kind → the resource to address (built-in kinds, and custom kinds declared by the
 * CRDs in the files or live in the cluster).
 *
 * @module
 */
import type { KubeObject, ResourceRef } from '../../src/lib/controllers/types';
import { lookupKind, type KindInfo } from '../../src/lib/kube/kinds';
import { customKindsOf } from '../../src/lib/kube/manifest';

export const CRD_RESOURCE: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false };

const toRef = (k: KindInfo): ResourceRef => ({ group: k.group, version: k.version, resource: k.resource, kind: k.kind, namespaced: k.namespaced });

/** The resource of `apiVersion`/`kind`, looking at CRD objects (declared or live) for custom kinds. */
export function resolveResource(apiVersion: string, kind: string, crds: () => Iterable<Record<string, unknown>>): ResourceRef | undefined {
	const builtin = lookupKind(apiVersion, kind);
	if (builtin) return toRef(builtin);
	const custom = customKindsOf([...crds()].map((object) => ({ kind: 'CustomResourceDefinition', object })));
	const found = custom.find((c) => c.kind === kind && `${c.group}/${c.version}` === apiVersion);
	return found && toRef(found);
}

/** Whether a live CRD serves its kinds yet (condition Established=True). */
export function isEstablished(crd: KubeObject | undefined): boolean {
	return !!crd?.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True');
}

/** `group/resource`: the informer key of a resource. */
export const resourceId = (r: ResourceRef): string => `${r.group}/${r.resource}`;
