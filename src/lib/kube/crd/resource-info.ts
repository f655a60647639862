/**
 * How a CRD is served: one ResourceInfo per served version, named by the CRD's accepted names
 * (`status.acceptedNames`), stored under `/registry/<group>/<plural>/` with the storage version's
 * apiVersion, and the strategy facts of kube's customResourceStrategy (generation 1 on create and
 * bumped by any change outside metadata (and status with the status subresource); a create may
 * not set status when the status subresource is on).
 *
 * Versions are ordered like kube's discovery (version.CompareKubeAwareVersionStrings): GA before
 * beta before alpha, higher numbers first, then other names alphabetically.
 *
 * @module
 */
import { STANDARD_VERBS, type ResourceInfo } from '../resources';
import { resourcePrefix } from '../storage-keys';
import type { CustomResourceInfo, JSONSchemaProps, PrinterColumn } from './types';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** kube's default printer column of a CRD version without any. */
export const AGE_COLUMN: PrinterColumn = {
	name: 'Age',
	type: 'date',
	description:
		'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
	jsonPath: '.metadata.creationTimestamp'
};

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/** Sort key: GA (0) < beta (1) < alpha (2) < other (3), then major and minor descending. */
function versionRank(v: string): [number, number, number, string] {
	const m = KUBE_VERSION.exec(v);
	if (!m) return [3, 0, 0, v];
	const stage = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
	return [stage, -Number(m[1]), -Number(m[3] ?? 0), v];
}

/** Compares two version names by kube's priority (the preferred one first). */
export function compareVersions(a: string, b: string): number {
	const x = versionRank(a);
	const y = versionRank(b);
	for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
	return x[3] < y[3] ? -1 : x[3] > y[3] ? 1 : 0;
}

/** Is a CRD condition of `type` True? */
export function conditionTrue(crd: Obj, type: string): boolean {
	return ((crd.status?.conditions ?? []) as Obj[]).some((c) => c.type === type && c.status === 'True');
}

/** Top-level fields whose change bumps generation (pruning keeps only these). */
function generationFields(schema: JSONSchemaProps | undefined, status: boolean): string[] {
	const fields = Object.keys(schema?.properties ?? {}).filter((k) => k !== 'metadata' && k !== 'apiVersion' && k !== 'kind' && !(status && k === 'status'));
	if (!fields.includes('spec')) fields.push('spec');
	if (!status && !fields.includes('status')) fields.push('status');
	return fields;
}

/** The resources an established CRD serves (none before it is established). */
export function crdResources(crd: Obj): ResourceInfo[] {
	if (!conditionTrue(crd, 'Established')) return [];
	const spec: Obj = crd.spec ?? {};
	const names: Obj = crd.status?.acceptedNames ?? spec.names ?? {};
	const group: string = spec.group;
	const plural: string = names.plural;
	if (!group || !plural || !names.kind) return [];
	const versions = ((spec.versions ?? []) as Obj[]).filter((v) => v.served).sort((a, b) => compareVersions(a.name, b.name));
	const storageName = ((spec.versions ?? []) as Obj[]).find((v) => v.storage)?.name;
	const terminating = !!crd.metadata?.deletionTimestamp || conditionTrue(crd, 'Terminating');
	const servedVersions = versions.map((v) => v.name as string);
	const infos = versions.map((v): ResourceInfo => {
		const status = !!v.subresources?.status;
		const custom: CustomResourceInfo = {
			crdName: crd.metadata?.name ?? '',
			schema: v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
			columns: v.additionalPrinterColumns?.length ? v.additionalPrinterColumns : [AGE_COLUMN],
			scaleSubresource: v.subresources?.scale,
			servedVersions,
			terminating
		};
		return {
			group,
			version: v.name,
			kind: names.kind,
			resource: plural,
			namespaced: spec.scope !== 'Cluster',
			name: 'subdomain',
			shortNames: names.shortNames?.length ? [...names.shortNames] : undefined,
			singular: names.singular || String(names.kind).toLowerCase(),
			listKind: names.listKind || `${names.kind}List`,
			verbs: STANDARD_VERBS,
			categories: names.categories?.length ? [...names.categories] : undefined,
			status,
			scale: !!v.subresources?.scale,
			storagePrefix: resourcePrefix(group, plural, true),
			generation: generationFields(v.schema?.openAPIV3Schema, status),
			// customResourceStrategy.PrepareForCreate: a create cannot set status (status subresource).
			initialStatus: status ? () => undefined : undefined,
			custom
		};
	});
	// The storage version may be unserved; it still defines how objects are stored.
	const storage = infos.find((i) => i.version === storageName) ?? { ...(infos[0] ?? {}), version: storageName ?? '' };
	for (const i of infos) i.custom!.storage = storage as ResourceInfo;
	return infos;
}
