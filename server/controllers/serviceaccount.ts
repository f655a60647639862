/**
 * Two per-namespace publishers of kube-controller-manager: the `serviceaccount` controller (a
 * `default` ServiceAccount in every active namespace, recreated if deleted) and the
 * `root-ca-cert-publisher` (the `kube-root-ca.crt` ConfigMap holding the API server's CA bundle,
 * restored if edited or deleted). Both key their queue by namespace name.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { isAlreadyExists, isNotFound, RESOURCES, type KubeObject } from '../../src/lib/controllers/types';
import { kubeEndpoint } from '../apiserver/tls';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const ROOT_CA_DESCRIPTION =
	'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
	'No other usage is guaranteed across distributions of Kubernetes clusters.';

const isActive = (ns: KubeObject | undefined) => !!ns && !ns.metadata.deletionTimestamp && (ns.status?.phase ?? 'Active') === 'Active';
/** Creating in a namespace being deleted is refused with this cause; nothing to retry. */
const terminating = (e: unknown) => isNotFound(e) || /because it is being terminated/.test((e as Error).message ?? '');

/** Namespaces' handlers and a `namespace → sync` controller watching one kind of per-namespace object named `name`. */
function perNamespace(ctx: ControllerContext, name: string, childOf: typeof RESOURCES.serviceaccounts, childName: string, sync: (ns: string) => Promise<void>): Controller {
	const c = new Controller(ctx.clock, { name, sync, log: ctx.log });
	const namespaces = ctx.informer(RESOURCES.namespaces);
	namespaces.addEventHandler({ add: (ns) => c.queue.add(ns.metadata.name!), update: (_, ns) => c.queue.add(ns.metadata.name!) });
	const requeue = (o: KubeObject) => {
		if (o.metadata.name === childName) c.queue.add(o.metadata.namespace!);
	};
	ctx.informer(childOf).addEventHandler({ update: (_, o) => requeue(o), delete: requeue });
	return c;
}

/** Ensures the `default` ServiceAccount of one namespace (`serviceaccounts_controller.go` syncNamespace). */
export async function reconcileServiceAccounts(namespace: string, ctx: ControllerContext): Promise<void> {
	if (!isActive(ctx.informer(RESOURCES.namespaces).store.get(namespace))) return;
	if (ctx.informer(RESOURCES.serviceaccounts).store.get(`${namespace}/${DEFAULT_SERVICE_ACCOUNT}`)) return;
	try {
		await ctx.client.create(RESOURCES.serviceaccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } });
	} catch (e) {
		if (isAlreadyExists(e) || terminating(e)) return;
		throw e;
	}
}

export const serviceAccountController: ControllerDefinition = {
	name: 'serviceaccount',
	component: 'service-account-controller',
	create: (ctx) => perNamespace(ctx, 'serviceaccount', RESOURCES.serviceaccounts, DEFAULT_SERVICE_ACCOUNT, (ns) => reconcileServiceAccounts(ns, ctx))
};

/** Ensures `kube-root-ca.crt` of one namespace (`rootcacertpublisher/publisher.go` syncNamespace). */
export async function reconcileRootCa(namespace: string, ctx: ControllerContext, caPem: string): Promise<void> {
	if (!isActive(ctx.informer(RESOURCES.namespaces).store.get(namespace))) return;
	const cm = ctx.informer(RESOURCES.configmaps).store.get(`${namespace}/${ROOT_CA_CONFIGMAP}`);
	const data = { 'ca.crt': caPem };
	if (!cm) {
		try {
			await ctx.client.create(RESOURCES.configmaps, {
				apiVersion: 'v1',
				kind: 'ConfigMap',
				metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
				data
			});
		} catch (e) {
			if (isAlreadyExists(e) || terminating(e)) return;
			throw e;
		}
		return;
	}
	const same = JSON.stringify(cm.data ?? {}) === JSON.stringify(data) && !!cm.metadata.annotations?.[DESCRIPTION_ANNOTATION];
	if (same) return;
	// A copy: cached objects are shared and never mutated.
	const next = structuredClone(cm);
	next.data = data;
	next.metadata.annotations = { ...next.metadata.annotations, [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION };
	await ctx.client.update(RESOURCES.configmaps, next);
}

export const rootCaPublisher: ControllerDefinition = {
	name: 'root-ca-cert-publisher',
	component: 'root-ca-cert-publisher',
	create(ctx) {
		// The CA of the kube API's TLS listener (what the kubeconfig trusts); none without TLS.
		const caPem = kubeEndpoint(ctx.config)?.caPem ?? '';
		return perNamespace(ctx, 'root-ca-cert-publisher', RESOURCES.configmaps, ROOT_CA_CONFIGMAP, (ns) => reconcileRootCa(ns, ctx, caPem));
	}
};
