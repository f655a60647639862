/**
 * The simulated ingress controller: routes an HTTP request (host, path) to a Service port by
 * the Ingresses of the room, following kubernetes.io/docs/concepts/services-networking/ingress:
 *
 * - Only Ingresses of an existing IngressClass are served: `spec.ingressClassName`, else the
 *   deprecated `kubernetes.io/ingress.class` annotation, else the default class (annotation
 *   `ingressclass.kubernetes.io/is-default-class: "true"`). The simulated controller serves
 *   every IngressClass of the room, whatever its `spec.controller`.
 * - Hosts: an exact host beats a wildcard (`*.foo.com` covers exactly one label), which beats
 *   rules without a host (all traffic). Only the best host tier is searched for paths, as
 *   ingress-nginx picks a server block by host first.
 * - Paths: `Exact` matches the whole path, case-sensitively; `Prefix` matches element-wise on
 *   `/`-separated elements, ignoring a trailing slash (`/aaa/bbb` matches `/aaa/bbb/ccc`, not
 *   `/aaa/bbbxyz`); `ImplementationSpecific` is treated as `Prefix`. The longest path wins, then
 *   Exact over Prefix, then the oldest Ingress.
 * - No match: the `spec.defaultBackend` of the oldest served Ingress that has one, else the
 *   controller's own default backend (404).
 * - Status (server/controllers/ingress-status.ts): the controller runs on every node with the
 *   host network, like ingress-nginx's bare-metal DaemonSet without `--publish-service`, so a
 *   served Ingress's `status.loadBalancer.ingress` lists the nodes' addresses (ExternalIP, else
 *   InternalIP, as ingress-nginx reports them), sorted.
 *
 * @module
 */
import type { ClusterObjects, KubeObject } from './types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

/** Where a request goes. `service` is absent for the controller's 404 or a non-Service backend. */
export interface IngressRoute {
	ingress?: KubeObject;
	/** Field path of the deciding rule (`spec.rules[0].http.paths[1]`, `spec.defaultBackend`). */
	rule?: string;
	service?: { namespace: string; name: string; port?: number; portName?: string };
	reason: string;
}

const byAge = (a: KubeObject, b: KubeObject) =>
	(a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);

/** The class an Ingress asks for (defaulted like the admission plugin), if any. */
export function ingressClassOf(ing: KubeObject, classes: KubeObject[]): string | undefined {
	const named = ing.spec?.ingressClassName ?? ing.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
	if (named) return named;
	return classes.filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true').sort(byAge)[0]?.metadata.name;
}

/** Why the simulated controller does not serve this Ingress, or undefined when it does. */
export function notServedReason(ing: KubeObject, classes: KubeObject[]): string | undefined {
	const cls = ingressClassOf(ing, classes);
	if (!cls) return 'no ingressClassName and no default IngressClass';
	if (!classes.some((c) => c.metadata.name === cls)) return `IngressClass "${cls}" does not exist`;
	return undefined;
}

/**
 * `status.loadBalancer.ingress` of a served Ingress: one entry per node the controller runs on
 * (every node with an address that is not being deleted), ExternalIP else InternalIP, sorted
 * by address like ingress-nginx's `sortLoadBalancerIngress`.
 */
export function ingressStatusAddresses(nodes: KubeObject[]): Array<{ ip: string }> {
	const ips = new Set<string>();
	for (const n of nodes) {
		if (n.metadata.deletionTimestamp) continue;
		const addrs = (n.status?.addresses ?? []) as Array<{ type: string; address: string }>;
		const ip = (addrs.find((a) => a.type === 'ExternalIP') ?? addrs.find((a) => a.type === 'InternalIP'))?.address;
		if (ip) ips.add(ip);
	}
	const key = (ip: string) => ip.split('.').map((x) => x.padStart(3, '0')).join('.');
	return [...ips].sort((a, b) => key(a).localeCompare(key(b))).map((ip) => ({ ip }));
}

/** Ingresses the simulated controller serves, and the others with why not. */
export function servedIngresses(cluster: ClusterObjects): { served: KubeObject[]; ignored: Array<{ ingress: KubeObject; reason: string }> } {
	const classes = cluster.ingressClasses ?? [];
	const served: KubeObject[] = [];
	const ignored: Array<{ ingress: KubeObject; reason: string }> = [];
	for (const ing of [...(cluster.ingresses ?? [])].sort(byAge)) {
		const reason = notServedReason(ing, classes);
		if (reason) ignored.push({ ingress: ing, reason });
		else served.push(ing);
	}
	return { served, ignored };
}

/** `*.foo.com` matches `bar.foo.com` only; others match exactly (case-insensitive). */
export function hostMatches(ruleHost: string, host: string): boolean {
	const h = host.toLowerCase();
	const r = ruleHost.toLowerCase();
	if (!r.startsWith('*.')) return r === h;
	const suffix = r.slice(1);
	return h.endsWith(suffix) && !h.slice(0, -suffix.length).includes('.') && h.length > suffix.length;
}

const elements = (p: string) => p.split('/').filter(Boolean);

/** Does a rule path of `type` match the request path? */
export function pathMatches(type: PathType, rulePath: string, path: string): boolean {
	if (type === 'Exact') return rulePath === path;
	const want = elements(rulePath);
	const got = elements(path);
	return want.length <= got.length && want.every((e, i) => e === got[i]);
}

interface Candidate {
	ing: KubeObject;
	rule: string;
	backend: Record<string, unknown>;
	length: number;
	exact: boolean;
	host?: string;
	path: string;
	type: PathType;
}

function candidates(served: KubeObject[], host: string, path: string): Candidate[] {
	const tiers: Candidate[][] = [[], [], []];
	for (const ing of served) {
		(ing.spec?.rules ?? []).forEach((r: Obj, i: number) => {
			const tier = !r.host ? 2 : r.host.startsWith('*.') ? 1 : 0;
			if (r.host && !hostMatches(r.host, host)) return;
			(r.http?.paths ?? []).forEach((p: Obj, j: number) => {
				const type: PathType = p.pathType ?? 'ImplementationSpecific';
				const rulePath = p.path ?? '/';
				if (!pathMatches(type, rulePath, path)) return;
				tiers[tier].push({ ing, rule: `spec.rules[${i}].http.paths[${j}]`, backend: p.backend, length: rulePath.replace(/\/$/, '').length, exact: type === 'Exact', host: r.host, path: rulePath, type });
			});
		});
	}
	// The best host tier that has any rule for this host decides, even if none of its paths match.
	const hostTier = [0, 1, 2].find((t) => served.some((ing) => (ing.spec?.rules ?? []).some((r: Obj) => (t === 2 ? !r.host : r.host && (t === 1) === r.host.startsWith('*.') && hostMatches(r.host, host)))));
	return hostTier === undefined ? [] : tiers[hostTier];
}

function toRoute(ing: KubeObject, rule: string, backend: Obj | undefined, why: string): IngressRoute {
	const id = `Ingress ${ing.metadata.namespace}/${ing.metadata.name}`;
	const svc = backend?.service;
	if (!svc) return { ingress: ing, rule, reason: `${id} (${rule}): a resource backend, not simulated` };
	const port = svc.port?.number as number | undefined;
	const portName = svc.port?.name as string | undefined;
	return {
		ingress: ing,
		rule,
		service: { namespace: ing.metadata.namespace!, name: svc.name, ...(port ? { port } : {}), ...(portName ? { portName } : {}) },
		reason: `${why} → ${id} (${rule}) → Service ${svc.name}:${port ?? portName}`
	};
}

/** Routes a request through the served Ingresses. */
export function routeRequest(host: string, path: string, cluster: ClusterObjects): IngressRoute {
	const { served } = servedIngresses(cluster);
	const found = candidates(served, host, path || '/').sort((a, b) => b.length - a.length || Number(b.exact) - Number(a.exact) || byAge(a.ing, b.ing));
	const best = found[0];
	if (best) return toRoute(best.ing, best.rule, best.backend, `${best.host ?? '*'} ${best.type} ${best.path} matches ${host}${path}`);
	const fallback = served.find((i) => i.spec?.defaultBackend);
	if (fallback) return toRoute(fallback, 'spec.defaultBackend', fallback.spec.defaultBackend, `no rule matches ${host}${path}`);
	return { reason: `no rule matches ${host}${path} and no defaultBackend: the ingress controller answers 404` };
}

/** Hosts named by served Ingress rules (exact ones; the tracer recognises a target by them). */
export function ingressHosts(cluster: ClusterObjects): string[] {
	return [...new Set(servedIngresses(cluster).served.flatMap((i) => (i.spec?.rules ?? []).map((r: Obj) => r.host).filter(Boolean)))];
}
