/**
 * What a room's cluster has before anyone writes to it, like a fresh kube-apiserver: the
 * namespaces `default`, `kube-system`, `kube-public` and `kube-node-lease`; the Service
 * allocator ranges (rebuilt from stored Services when missing, like kube's repair controllers);
 * and, as kube-apiserver's bootstrap controller keeps them, the `kubernetes` Service in `default`
 * at the first address of the service range (443 → 6443) with its Endpoints and EndpointSlice
 * naming the simulated API server; and the `system-node-critical` and `system-cluster-critical`
 * PriorityClasses. Created once (on the first API request after the room loads)
 * if missing.
 *
 * @module
 */
import { prepareCreate } from '../../src/lib/kube/strategy';
import { findResource, type ResourceInfo } from '../../src/lib/kube/resources';
import { collectionKey, objectKey } from '../../src/lib/kube/storage-keys';
import { DEFAULT_SERVICE_CIDR, formatIPv4, parseCidr } from '../../src/lib/kube/ip-range';
import type { Clock } from '../../src/lib/clock/clock';
import { SYSTEM_PRIORITY_CLASSES } from '../../src/lib/kube/validation-core';
import { makeTarget } from './context';
import { repairRanges, SERVICE_NETWORK, serviceAllocations } from './service-alloc';
import type { ObjectStorage } from './storage';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'] as const;

/** The `kubernetes` Service's address: the first one of the service range (10.96.0.1). */
export function kubernetesServiceIP(serviceCIDR = DEFAULT_SERVICE_CIDR): string {
	return formatIPv4(parseCidr(serviceCIDR)!.ip + 1);
}

const HTTPS = { name: 'https', port: SERVICE_NETWORK.apiServerPort, protocol: 'TCP' };

/** The master Service, Endpoints and EndpointSlice (kube's controlplane reconciler). */
function masterObjects(serviceCIDR: string): Array<[resource: string, group: string, version: string, object: Obj]> {
	const meta = (labels: Record<string, string>) => ({ name: 'kubernetes', namespace: 'default', labels });
	const address = SERVICE_NETWORK.apiServerAddress;
	const ip = kubernetesServiceIP(serviceCIDR);
	return [
		[
			'services',
			'',
			'v1',
			{
				metadata: meta({ component: 'apiserver', provider: 'kubernetes' }),
				spec: { type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip], sessionAffinity: 'None', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: HTTPS.port }] }
			}
		],
		['endpoints', '', 'v1', { metadata: meta({ 'endpointslice.kubernetes.io/skip-mirror': 'true' }), subsets: [{ addresses: [{ ip: address }], ports: [HTTPS] }] }],
		[
			'endpointslices',
			'discovery.k8s.io',
			'v1',
			{
				metadata: meta({ 'kubernetes.io/service-name': 'kubernetes' }),
				addressType: 'IPv4',
				endpoints: [{ addresses: [address], conditions: { ready: true } }],
				ports: [HTTPS]
			}
		]
	];
}

async function createIfMissing(storage: ObjectStorage, info: ResourceInfo, obj: Obj, clock: Clock, newUid: () => string): Promise<void> {
	const ns: string | undefined = info.namespaced ? obj.metadata.namespace : undefined;
	const key = objectKey(info.storagePrefix, ns, obj.metadata.name);
	if (await storage.get(key)) return;
	const prepared = prepareCreate(info, obj, { now: clock.now(), uid: newUid(), namespace: ns });
	const nsKey = ns ? objectKey('namespaces', undefined, ns) : undefined;
	const svc = serviceAllocations(storage, makeTarget(info, ns, obj.metadata.name));
	// A concurrent creator wins harmlessly; a taken 10.96.0.1 (a user's Service) leaves the master Service out.
	await (svc ? svc.create(key, prepared, nsKey) : storage.create(key, prepared, nsKey)).catch(() => undefined);
}

/** Creates what a fresh cluster has and is missing here; `serviceCIDR` is the room's service range. */
export async function bootstrapRoom(storage: ObjectStorage, clock: Clock, newUid: () => string, serviceCIDR = DEFAULT_SERVICE_CIDR): Promise<void> {
	const nsInfo = findResource('', 'v1', 'namespaces')!;
	for (const name of SYSTEM_NAMESPACES) await createIfMissing(storage, nsInfo, { metadata: { name } }, clock, newUid);
	await repairRanges(storage, collectionKey(findResource('', 'v1', 'services')!.storagePrefix), serviceCIDR);
	for (const [resource, group, version, obj] of masterObjects(serviceCIDR)) await createIfMissing(storage, findResource(group, version, resource)!, obj, clock, newUid);
	const pcInfo = findResource('scheduling.k8s.io', 'v1', 'priorityclasses')!;
	for (const { name, value, description } of SYSTEM_PRIORITY_CLASSES)
		await createIfMissing(storage, pcInfo, { metadata: { name }, value, description, preemptionPolicy: 'PreemptLowerPriority' }, clock, newUid);
}
