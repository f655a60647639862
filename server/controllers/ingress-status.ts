/**
 * The simulated ingress controller's API side: ingress-nginx's status sync (internal/ingress/
 * status) and its "Scheduled for sync" events. Routing itself is pure (src/lib/network/ingress.ts)
 * and happens in the packet tracer.
 *
 * - Served Ingresses are those of an existing IngressClass (or the default class); the simulated
 *   controller implements every class of the room, whatever its `spec.controller`.
 * - The controller runs on every node with the host network (ingress-nginx's bare-metal
 *   DaemonSet without `--publish-service`), so `status.loadBalancer.ingress` lists the nodes'
 *   addresses, ExternalIP else InternalIP, sorted (`ingressStatusAddresses`). It is written
 *   when it differs, and rewritten when nodes come and go.
 * - Ingresses it does not serve are left alone (ingress-nginx never touches another class's
 *   status).
 * - On every add or spec change of a served Ingress: `Normal Sync "Scheduled for sync"`, as
 *   `kubectl describe ingress` shows from ingress-nginx.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { canonicalJson } from '../../src/lib/controllers/deployment-util';
import { REFS } from '../../src/lib/controllers/refs';
import { isNotFound, keyOf, splitKey, type KubeObject } from '../../src/lib/controllers/types';
import { ingressStatusAddresses, notServedReason } from '../../src/lib/network/ingress';
import { INGRESS_CLASSES, INGRESSES } from '../../src/lib/network/refs';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

/** What a node contributes to the status (its reported address). */
const nodeFacts = (n: KubeObject) => canonicalJson([n.metadata.deletionTimestamp ?? null, ingressStatusAddresses([n])]);

export const ingressStatusController: ControllerDefinition = {
	name: 'ingress-nginx',
	component: 'nginx-ingress-controller',
	create(ctx) {
		const c: Controller = new Controller(ctx.clock, { name: 'ingress-nginx', workers: 1, sync: (key) => reconcileIngressStatus(key, ctx), log: ctx.log });
		const ingresses = ctx.informer(INGRESSES);
		const classes = () => ctx.informer(INGRESS_CLASSES).store.list();
		const all = () => {
			for (const ing of ingresses.store.list()) c.queue.add(keyOf(ing));
		};
		const scheduled = (ing: KubeObject) => {
			if (!notServedReason(ing, classes())) ctx.recorder.event(INGRESSES, ing, 'Normal', 'Sync', 'Scheduled for sync');
			c.queue.add(keyOf(ing));
		};
		ingresses.addEventHandler({
			add: scheduled,
			update: (old, ing) => {
				if (old.metadata.generation !== ing.metadata.generation || canonicalJson(old.metadata.annotations ?? {}) !== canonicalJson(ing.metadata.annotations ?? {})) return scheduled(ing);
				// Someone else wrote the status: put ours back.
				if (canonicalJson(old.status ?? {}) !== canonicalJson(ing.status ?? {})) c.queue.add(keyOf(ing));
			}
		});
		ctx.informer(INGRESS_CLASSES).addEventHandler({ add: all, update: all, delete: all });
		ctx.informer(REFS.nodes).addEventHandler({ add: all, update: (old, n) => nodeFacts(old) !== nodeFacts(n) && all(), delete: all });
		return c;
	}
};

/** Brings one Ingress's status to the controller's addresses, if the controller serves it. */
export async function reconcileIngressStatus(key: string, ctx: ControllerContext): Promise<void> {
	const ing = ctx.informer(INGRESSES).store.get(key);
	if (!ing || ing.metadata.deletionTimestamp) return;
	if (notServedReason(ing, ctx.informer(INGRESS_CLASSES).store.list())) return;
	const want = ingressStatusAddresses(ctx.informer(REFS.nodes).store.list());
	if (canonicalJson(ing.status?.loadBalancer?.ingress ?? []) === canonicalJson(want)) return;
	const { namespace, name } = splitKey(key);
	try {
		await ctx.client.patch(INGRESSES, namespace, name, 'merge', { status: { loadBalancer: { ingress: want.length ? want : null } } }, 'status');
	} catch (e) {
		if (!isNotFound(e)) throw new Error(`error updating ingress status: ${(e as Error).message}`);
	}
}
