/**
 * The Endpoints controller (pkg/controller/endpoint): for each Service with a selector, one
 * Endpoints object of the same name whose subsets list the selected pods' addresses (ready ones in
 * `addresses`, the others in `notReadyAddresses`) per port set, labelled like the Service and
 * annotated with the last change's trigger time. The `kubernetes` Service's Endpoints belong to
 * the API server. Exports the Service/pod wiring the EndpointSlice controller shares.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { canonicalJson } from '../../src/lib/controllers/deployment-util';
import { endpointsLabels, endpointSubsets, lastChangeTriggerTime, managedService, selectedPods, TRIGGER_TIME_ANNOTATION } from '../../src/lib/controllers/endpoints';
import { REFS } from '../../src/lib/controllers/refs';
import { isNotFound, keyOf, RESOURCES, splitKey, type KubeObject } from '../../src/lib/controllers/types';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

const PODS = RESOURCES.pods;

/** Services and pods → Service keys: a pod change concerns every Service whose selector picks it (before or after). */
export function wireServiceHandlers(ctx: ControllerContext, c: Controller): void {
	const services = ctx.informer(REFS.services).store;
	const enqueue = (svc: KubeObject) => c.queue.add(keyOf(svc));
	ctx.informer(REFS.services).addEventHandler({ add: enqueue, update: (_, s) => enqueue(s), delete: enqueue });
	const forPod = (pod: KubeObject) => {
		for (const svc of services.byNamespace(pod.metadata.namespace!)) if (managedService(svc) && selectedPods(svc, [pod]).length) enqueue(svc);
	};
	ctx.informer(PODS).addEventHandler({
		add: forPod,
		update: (old, pod) => {
			forPod(pod);
			if (canonicalJson(old.metadata.labels ?? {}) !== canonicalJson(pod.metadata.labels ?? {})) forPod(old);
		},
		delete: forPod
	});
}

export const endpointsController: ControllerDefinition = {
	name: 'endpoint',
	component: 'endpoint-controller',
	create(ctx) {
		const c: Controller = new Controller(ctx.clock, { name: 'endpoint', workers: 5, sync: (key) => reconcileEndpoints(key, ctx), log: ctx.log });
		wireServiceHandlers(ctx, c);
		// Someone else changed or removed our Endpoints: put them back.
		const enqueue = (ep: KubeObject) => c.queue.add(keyOf(ep));
		ctx.informer(REFS.endpoints).addEventHandler({ update: (_, ep) => enqueue(ep), delete: enqueue });
		return c;
	}
};

/** `syncService`: writes the Endpoints when their subsets or labels differ from the pods'. */
export async function reconcileEndpoints(key: string, ctx: ControllerContext): Promise<void> {
	const { namespace, name } = splitKey(key);
	if (key === 'default/kubernetes') return;
	const svc = ctx.informer(REFS.services).store.get(key);
	const current = ctx.informer(REFS.endpoints).store.get(key);
	if (!svc) {
		if (!current) return;
		try {
			await ctx.client.delete(REFS.endpoints, namespace, name);
		} catch (e) {
			if (!isNotFound(e)) throw e;
		}
		return;
	}
	if (!managedService(svc)) return;
	const pods = ctx.informer(PODS).store.byNamespace(namespace!);
	const subsets = endpointSubsets(svc, pods);
	const labels = endpointsLabels(svc);
	if (current && canonicalJson(current.subsets ?? []) === canonicalJson(subsets) && canonicalJson(current.metadata.labels ?? {}) === canonicalJson(labels)) return;
	const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
	const trigger = lastChangeTriggerTime(svc, selectedPods(svc, pods));
	if (trigger) annotations[TRIGGER_TIME_ANNOTATION] = trigger;
	else delete annotations[TRIGGER_TIME_ANNOTATION];
	const meta = { ...(current?.metadata ?? { name, namespace }), labels, ...(Object.keys(annotations).length ? { annotations } : {}) };
	const ep: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: meta, subsets };
	try {
		if (current) await ctx.client.update(REFS.endpoints, ep);
		else await ctx.client.create(REFS.endpoints, ep);
	} catch (e) {
		// A namespace being deleted refuses creates; anything else (a stale cache's conflict) retries.
		if (/because it is being terminated/.test((e as Error).message)) return;
		throw e;
	}
}
