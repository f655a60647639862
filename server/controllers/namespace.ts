/**
 * The namespace controller (pkg/controller/namespace): a namespace marked deleted (Terminating)
 * with the `kubernetes` spec finalizer has all its content deleted, resource by resource as
 * discovery lists them (custom resources included), with Background propagation. Each pass
 * writes the deletion conditions; while something remains it looks again (after half the
 * longest grace period left, or with back-off), and once nothing does it removes `kubernetes`
 * through `namespaces/<name>/finalize`, upon which the API deletes the namespace.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { deletableResources, groupResource } from '../../src/lib/controllers/discovery';
import { namespaceConditions, type ContentTotals } from '../../src/lib/controllers/namespace-conditions';
import { isConflict, isNotFound, RESOURCES, type KubeObject, type ResourceRef } from '../../src/lib/controllers/types';
import { rfc3339 } from '../../src/lib/controllers/workload';
import { REFS } from '../../src/lib/controllers/refs';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

const NS = RESOURCES.namespaces;

/** The spec finalizer this controller owns. */
export const KUBERNETES_FINALIZER = 'kubernetes';
/** `finalizerEstimateSeconds`: the wait when remaining content only waits on finalizers. */
const FINALIZER_ESTIMATE_SECONDS = 15;

/**
 * The client PUTs objects and their /status only; `finalize` is addressed as a pseudo-resource
 * under the namespace's path (`/api/v1/namespaces/<name>/finalize`) and the namespace is the body.
 */
const FINALIZE: ResourceRef = { group: '', version: 'v1', resource: 'finalize', kind: 'Namespace', namespaced: true };

function finalizeRequest(ns: KubeObject): KubeObject {
	const finalizers = (ns.spec?.finalizers ?? []).filter((f: string) => f !== KUBERNETES_FINALIZER);
	const body = { apiVersion: 'v1', kind: 'Namespace', ...ns, spec: { ...ns.spec, finalizers } };
	return { metadata: { namespace: ns.metadata.name }, toJSON: () => body };
}

export interface NamespaceDeps {
	ctx: ControllerContext;
	enqueueAfter(name: string, ms: number): void;
}

export const namespaceController: ControllerDefinition = {
	name: 'namespace',
	component: 'namespace-controller',
	create(ctx) {
		const c: Controller = new Controller(ctx.clock, { name: 'namespace', workers: 10, sync: (key) => reconcileNamespace(key, deps), log: ctx.log });
		const deps: NamespaceDeps = { ctx, enqueueAfter: (k, ms) => c.queue.addAfter(k, ms) };
		ctx.informer(REFS.crds);
		const enqueue = (ns: KubeObject) => ns.metadata.deletionTimestamp && c.queue.add(ns.metadata.name!);
		ctx.informer(NS).addEventHandler({ add: enqueue, update: (_, ns) => enqueue(ns) });
		return c;
	}
};

/** One pass over a Terminating namespace (`namespacedResourcesDeleter.Delete`). */
export async function reconcileNamespace(name: string, deps: NamespaceDeps): Promise<void> {
	const { ctx } = deps;
	const ns = ctx.informer(NS).store.get(name);
	if (!ns?.metadata.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) return;
	const resources = deletableResources(ctx.informer(REFS.crds).store.list()).filter((r) => r.namespaced);
	const totals: ContentTotals = { remaining: new Map(), finalizers: new Map(), errors: [] };
	let estimate = 0;
	for (const r of resources) estimate = Math.max(estimate, await deleteContent(r, name, totals, ctx));
	const conditions = namespaceConditions(ns.status?.conditions, totals, rfc3339(ctx.clock.now()));
	if (JSON.stringify(conditions) !== JSON.stringify(ns.status?.conditions ?? [])) {
		try {
			await ctx.client.updateStatus(NS, { apiVersion: 'v1', kind: 'Namespace', ...ns, status: { ...ns.status, phase: 'Terminating', conditions } });
		} catch (e) {
			if (isNotFound(e)) return;
			if (!isConflict(e)) throw e;
		}
	}
	if (totals.errors.length) throw new Error(totals.errors.join('; '));
	const remaining = [...totals.remaining.values()].some((n) => n > 0);
	if (remaining) {
		// Something is still terminating: look again halfway through (kube's estimate/2 + 1 s).
		if (estimate > 0) return deps.enqueueAfter(name, (Math.floor(estimate / 2) + 1) * 1000);
		throw new Error(`unexpected items still remain in namespace: ${name}`);
	}
	try {
		await ctx.client.update(FINALIZE, finalizeRequest(ns));
	} catch (e) {
		if (!isNotFound(e)) throw e;
	}
}

/**
 * Deletes every `r` in the namespace and counts what remains (`deleteAllContentForGroupVersionResource`);
 * returns the seconds the remaining content may still take.
 */
async function deleteContent(r: ResourceRef, namespace: string, totals: ContentTotals, ctx: ControllerContext): Promise<number> {
	const gr = `${r.resource}.${r.group}`;
	let items: KubeObject[];
	try {
		items = (await ctx.client.list(r, { namespace })).items;
	} catch (e) {
		totals.errors.push(`failed to list ${gr}: ${(e as Error).message}`);
		return 0;
	}
	if (!items.length) return 0;
	for (const item of items) {
		if (item.metadata.deletionTimestamp) continue;
		try {
			await ctx.client.delete(r, namespace, item.metadata.name!, { propagationPolicy: 'Background' });
		} catch (e) {
			if (!isNotFound(e)) totals.errors.push(`failed to delete ${gr} ${item.metadata.name}: ${(e as Error).message}`);
		}
	}
	const left = (await ctx.client.list(r, { namespace })).items;
	if (!left.length) return 0;
	totals.remaining.set(gr, left.length);
	let estimate = 0;
	for (const item of left) {
		for (const f of item.metadata.finalizers ?? []) totals.finalizers.set(f, (totals.finalizers.get(f) ?? 0) + 1);
		if (item.metadata.finalizers?.length) estimate = Math.max(estimate, FINALIZER_ESTIMATE_SECONDS);
		// Pods terminate gracefully: wait for the longest grace period left (`estimateGracefulTermination`).
		if (groupResource(r) === '/pods') estimate = Math.max(estimate, podGraceLeft(item, ctx.clock.now()));
	}
	return estimate;
}

function podGraceLeft(pod: KubeObject, now: number): number {
	const grace = (pod.metadata as { deletionGracePeriodSeconds?: number }).deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
	const due = pod.metadata.deletionTimestamp ? Math.ceil((Date.parse(pod.metadata.deletionTimestamp) - now) / 1000) : grace;
	return Math.max(1, Math.min(grace, due));
}
