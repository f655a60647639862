/**
 * The simulated cloud's LoadBalancer controller: cloud-controller-manager's service controller
 * (k8s.io/cloud-provider controllers/service) over a simulated cloud whose load balancers are
 * addresses from the room's pool (src/lib/network/lb-pool.ts).
 *
 * - A Service wants a load balancer when `type: LoadBalancer` and no `spec.loadBalancerClass`
 *   (a class means another implementation owns it, as upstream).
 * - Ensure: `EnsuringLoadBalancer` event, the `service.kubernetes.io/load-balancer-cleanup`
 *   finalizer, an address (spec.loadBalancerIP if asked and free, else the lowest free one),
 *   `EnsuredLoadBalancer`, then `status.loadBalancer.ingress: [{ip, ipMode: VIP}]`.
 * - Cleanup (the Service is deleted, or no longer wants one, and carries the finalizer):
 *   `DeletingLoadBalancer`, the address goes back to the pool, the finalizer is removed,
 *   `DeletedLoadBalancer`, and the status is emptied.
 * - Failures: a Warning `SyncLoadBalancerFailed` ("Error syncing load balancer: failed to ensure
 *   load balancer: …") and a retry with backoff.
 * Like upstream, a Service is queued on add when it wants a load balancer, and on update only
 * when a field the load balancer depends on changed (`needsUpdate`), so its own status write does
 * not loop. Which addresses are taken is read back from the Services' status, so a restarted
 * controller keeps every address where it was.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { canonicalJson } from '../../src/lib/controllers/deployment-util';
import { REFS } from '../../src/lib/controllers/refs';
import { isNotFound, keyOf, RESOURCES, splitKey, type KubeObject } from '../../src/lib/controllers/types';
import { allocateLbIP, poolContains, roomLbPool } from '../../src/lib/network/lb-pool';
import { networkConfigMap } from '../../src/lib/network/plugins';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

export const LB_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';
/** Nodes with this label get no load-balancer traffic (upstream's node predicate). */
export const EXCLUDE_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

const SERVICES = REFS.services;

export const wantsLoadBalancer = (svc: KubeObject) => svc.spec?.type === 'LoadBalancer' && !svc.spec?.loadBalancerClass;
const hasFinalizer = (svc: KubeObject) => (svc.metadata.finalizers ?? []).includes(LB_FINALIZER);
export const needsCleanup = (svc: KubeObject) => hasFinalizer(svc) && (!!svc.metadata.deletionTimestamp || svc.spec?.type !== 'LoadBalancer');

/** The fields of upstream's `needsUpdate`; a change of type is also announced with a `Type` event. */
const lbFields = (svc: KubeObject) =>
	canonicalJson({
		ports: (svc.spec?.ports ?? []).map((p: Record<string, unknown>) => [p.name, p.protocol, p.port, p.nodePort, p.targetPort, p.appProtocol]),
		ranges: svc.spec?.loadBalancerSourceRanges,
		affinity: [svc.spec?.sessionAffinity, svc.spec?.sessionAffinityConfig],
		ip: svc.spec?.loadBalancerIP,
		externalIPs: svc.spec?.externalIPs,
		annotations: svc.metadata.annotations,
		uid: svc.metadata.uid,
		etp: svc.spec?.externalTrafficPolicy,
		hc: svc.spec?.healthCheckNodePort,
		families: (svc.spec?.ipFamilies ?? []).length
	});

export const serviceLbController: ControllerDefinition = {
	name: 'service-lb-controller',
	component: 'service-controller',
	create(ctx) {
		const c: Controller = new Controller(ctx.clock, { name: 'service-lb-controller', workers: 1, sync: (key) => reconcileServiceLB(key, ctx), log: ctx.log });
		const enqueue = (svc: KubeObject) => c.queue.add(keyOf(svc));
		ctx.informer(SERVICES).addEventHandler({
			add: (svc) => (wantsLoadBalancer(svc) || needsCleanup(svc)) && enqueue(svc),
			update: (old, svc) => {
				if (needsCleanup(svc)) return enqueue(svc);
				if (!wantsLoadBalancer(old) && !wantsLoadBalancer(svc)) return;
				if (wantsLoadBalancer(old) !== wantsLoadBalancer(svc)) {
					ctx.recorder.event(SERVICES, svc, 'Normal', 'Type', `${old.spec?.type} -> ${svc.spec?.type}`);
					return enqueue(svc);
				}
				if (lbFields(old) !== lbFields(svc)) enqueue(svc);
			}
		});
		// A new pool: Services still waiting for an address try again.
		ctx.informer(RESOURCES.configmaps).addEventHandler({
			add: (cm) => retryPending(cm),
			update: (_, cm) => retryPending(cm),
			delete: (cm) => retryPending(cm)
		});
		const retryPending = (cm: KubeObject) => {
			if (!networkConfigMap([cm])) return;
			for (const svc of ctx.informer(SERVICES).store.list()) if (wantsLoadBalancer(svc) && !lbIP(svc)) enqueue(svc);
		};
		ctx.informer(REFS.nodes);
		return c;
	}
};

const lbIP = (svc: KubeObject): string | undefined => svc.status?.loadBalancer?.ingress?.[0]?.ip;

/** `syncLoadBalancerIfNeeded` for one Service key. */
export async function reconcileServiceLB(key: string, ctx: ControllerContext): Promise<void> {
	const svc = ctx.informer(SERVICES).store.get(key);
	if (!svc) return;
	try {
		if (!wantsLoadBalancer(svc) || needsCleanup(svc)) await cleanup(svc, ctx);
		else await ensure(svc, ctx);
	} catch (e) {
		ctx.recorder.event(SERVICES, svc, 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: ${(e as Error).message}`);
		throw e;
	}
}

async function cleanup(svc: KubeObject, ctx: ControllerContext): Promise<void> {
	// Not ours (a loadBalancerClass, or never provisioned): nothing to delete, no events.
	if (!hasFinalizer(svc)) return;
	const { namespace, name } = splitKey(keyOf(svc));
	const cloud = balancers(ctx);
	if (lbIP(svc) || cloud.has(keyOf(svc))) ctx.recorder.event(SERVICES, svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
	cloud.delete(keyOf(svc));
	try {
		// Strategic merge, like upstream's PatchService: touches only our finalizer.
		await ctx.client.patch(SERVICES, namespace, name, 'strategic', { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [LB_FINALIZER] } });
	} catch (e) {
		if (isNotFound(e)) return;
		throw new Error(`failed to remove load balancer cleanup finalizer: ${(e as Error).message}`);
	}
	ctx.recorder.event(SERVICES, svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
	await patchStatus(svc, {}, ctx);
}

async function ensure(svc: KubeObject, ctx: ControllerContext): Promise<void> {
	const { namespace, name } = splitKey(keyOf(svc));
	ctx.recorder.event(SERVICES, svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
	if (!hasFinalizer(svc)) {
		try {
			await ctx.client.patch(SERVICES, namespace, name, 'strategic', { metadata: { finalizers: [LB_FINALIZER] } });
		} catch (e) {
			throw new Error(`failed to add load balancer cleanup finalizer: ${(e as Error).message}`);
		}
	}
	const nodes = ctx.informer(REFS.nodes).store.list().filter((n) => !n.metadata.deletionTimestamp && !(EXCLUDE_LB_LABEL in (n.metadata.labels ?? {})));
	if (!nodes.length) ctx.recorder.event(SERVICES, svc, 'Warning', 'UnAvailableLoadBalancer', 'There are no available nodes for LoadBalancer');
	let ip: string;
	try {
		ip = chooseIP(svc, ctx);
	} catch (e) {
		throw new Error(`failed to ensure load balancer: ${(e as Error).message}`);
	}
	ctx.recorder.event(SERVICES, svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
	await patchStatus(svc, { ingress: [{ ip, ipMode: 'VIP' }] }, ctx);
}

/** Keeps the Service's address when it is still valid for it, else takes a free one. */
function chooseIP(svc: KubeObject, ctx: ControllerContext): string {
	const { pool } = roomLbPool(ctx.informer(RESOURCES.configmaps).store.byNamespace('kube-system'));
	const self = keyOf(svc);
	const used = new Set<string>();
	for (const other of ctx.informer(SERVICES).store.list()) {
		const ip = lbIP(other);
		if (ip && keyOf(other) !== self && hasFinalizer(other)) used.add(ip);
	}
	const cloud = balancers(ctx);
	for (const [key, ip] of cloud) {
		if (!ctx.informer(SERVICES).store.get(key)) cloud.delete(key);
		else if (key !== self) used.add(ip);
	}
	const requested = svc.spec?.loadBalancerIP || undefined;
	const current = lbIP(svc) ?? cloud.get(self);
	const ip = current && poolContains(pool, current) && !used.has(current) && (!requested || requested === current) ? current : allocateLbIP(pool, used, requested);
	cloud.set(self, ip);
	return ip;
}

/**
 * The simulated cloud's load balancers made by this process (Service key → address), so an
 * address is taken before its status write reaches the cache.
 */
const cloudState = new WeakMap<ControllerContext, Map<string, string>>();
function balancers(ctx: ControllerContext): Map<string, string> {
	let m = cloudState.get(ctx);
	if (!m) cloudState.set(ctx, (m = new Map()));
	return m;
}

async function patchStatus(svc: KubeObject, lb: Record<string, unknown>, ctx: ControllerContext): Promise<void> {
	if (canonicalJson(svc.status?.loadBalancer ?? {}) === canonicalJson(lb)) return;
	const { namespace, name } = splitKey(keyOf(svc));
	try {
		await ctx.client.patch(SERVICES, namespace, name, 'merge', { status: { loadBalancer: { ingress: lb.ingress ?? null } } }, 'status');
	} catch (e) {
		if (!isNotFound(e)) throw new Error(`failed to update load balancer status: ${(e as Error).message}`);
	}
}
