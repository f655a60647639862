/**
 * The EndpointSlice controller (pkg/controller/endpointslice): for each Service with a selector,
 * EndpointSlices (`<svc>-<random>`, owned by the Service, labelled `kubernetes.io/service-name`
 * and managed-by `endpointslice-controller.k8s.io`) holding its pods as endpoints with
 * ready/serving/terminating conditions, node and zone, at most 100 per slice and one port set
 * per slice. Slices are updated in place, created when more are needed, deleted when surplus; a
 * slice just created is waited for before the next sync, so a stale cache never doubles them.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { canonicalJson } from '../../src/lib/controllers/deployment-util';
import {
	desiredSlices,
	lastChangeTriggerTime,
	MANAGED_BY,
	MANAGED_BY_LABEL,
	managedService,
	SERVICE_NAME_LABEL,
	selectedPods,
	serviceOwnerRef,
	sliceLabels,
	TRIGGER_TIME_ANNOTATION,
	type DesiredSlice,
	type EndpointPort
} from '../../src/lib/controllers/endpoints';
import { REFS } from '../../src/lib/controllers/refs';
import { isNotFound, keyOf, RESOURCES, splitKey, type KubeObject } from '../../src/lib/controllers/types';
import { wireServiceHandlers } from './endpoints';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

const SLICES = REFS.endpointslices;

export interface EndpointSliceDeps {
	ctx: ControllerContext;
	/** Service key → names of slices created but not yet in the cache. */
	pending: Map<string, Set<string>>;
}

export const endpointSliceController: ControllerDefinition = {
	name: 'endpointslice',
	component: 'endpoint-slice-controller',
	create(ctx) {
		const deps: EndpointSliceDeps = { ctx, pending: new Map() };
		const c: Controller = new Controller(ctx.clock, { name: 'endpointslice', workers: 5, sync: (key) => reconcileEndpointSlices(key, deps), log: ctx.log });
		wireServiceHandlers(ctx, c);
		const enqueue = (slice: KubeObject) => {
			const svc = slice.metadata.labels?.[SERVICE_NAME_LABEL];
			if (!svc || slice.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) return;
			const key = `${slice.metadata.namespace}/${svc}`;
			// Seen (or already gone): no longer in flight.
			deps.pending.get(key)?.delete(slice.metadata.name!);
			c.queue.add(key);
		};
		ctx.informer(SLICES).addEventHandler({ add: enqueue, update: (_, s) => enqueue(s), delete: enqueue });
		return c;
	}
};

const portsKey = (ports: EndpointPort[] | undefined): string => canonicalJson((ports ?? []).map((p) => [p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']));

/** The Service's slices: create, update or delete the difference. */
export async function reconcileEndpointSlices(key: string, deps: EndpointSliceDeps): Promise<void> {
	const { ctx } = deps;
	const { namespace } = splitKey(key);
	const store = ctx.informer(SLICES).store;
	const pending = deps.pending.get(key);
	if (pending) {
		for (const n of pending) if (store.get(`${namespace}/${n}`)) pending.delete(n);
		// The add event of the slice still in flight enqueues this Service again.
		if (pending.size) return;
		deps.pending.delete(key);
	}
	const svc = ctx.informer(REFS.services).store.get(key);
	// A deleted Service's slices go with it (the garbage collector follows their owner reference).
	if (!svc || !managedService(svc)) return;
	const pods = ctx.informer(RESOURCES.pods).store.byNamespace(namespace!);
	const nodes = ctx.informer(REFS.nodes).store;
	const desired = desiredSlices(svc, pods, (n) => nodes.get(n));
	const existing = store
		.byOwner(svc.metadata.uid!)
		.filter((s) => s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY)
		.sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
	const labels = sliceLabels(svc);
	const trigger = lastChangeTriggerTime(svc, selectedPods(svc, pods));
	const unused = new Set(existing);
	const toCreate: DesiredSlice[] = [];
	const toUpdate: Array<{ slice: KubeObject; want: DesiredSlice }> = [];
	for (const want of desired) {
		const match = [...unused].find((s) => portsKey(s.ports) === portsKey(want.ports));
		if (!match) {
			toCreate.push(want);
			continue;
		}
		unused.delete(match);
		const same = canonicalJson(match.endpoints ?? []) === canonicalJson(want.endpoints) && canonicalJson(match.metadata.labels ?? {}) === canonicalJson(labels);
		if (!same) toUpdate.push({ slice: match, want });
	}
	for (const slice of unused) {
		try {
			await ctx.client.delete(SLICES, namespace, slice.metadata.name!);
		} catch (e) {
			if (!isNotFound(e)) throw e;
		}
	}
	for (const { slice, want } of toUpdate) await ctx.client.update(SLICES, sliceObject(svc, want, labels, trigger, slice));
	for (const want of toCreate) {
		try {
			const created = await ctx.client.create(SLICES, sliceObject(svc, want, labels, trigger));
			if (!store.get(keyOf(created))) {
				const set = deps.pending.get(key) ?? new Set<string>();
				set.add(created.metadata.name!);
				deps.pending.set(key, set);
			}
		} catch (e) {
			if (/because it is being terminated/.test((e as Error).message)) return;
			throw e;
		}
	}
}

function sliceObject(svc: KubeObject, want: DesiredSlice, labels: Record<string, string>, trigger: string | undefined, current?: KubeObject): KubeObject {
	const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
	if (trigger) annotations[TRIGGER_TIME_ANNOTATION] = trigger;
	const metadata = current
		? { ...current.metadata, labels, annotations }
		: { generateName: `${svc.metadata.name}-`, namespace: svc.metadata.namespace, labels, ...(trigger ? { annotations } : {}), ownerReferences: [serviceOwnerRef(svc)] };
	return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata, addressType: 'IPv4', endpoints: want.endpoints, ports: want.ports };
}
