/**
 * What kube-apiserver's Service REST does with ClusterIPs and NodePorts
 * (pkg/registry/core/service/storage/alloc.go and the strategy's dropTypeDependentFields), on a
 * single-stack IPv4 cluster: fill in the IP families, allocate a ClusterIP (none for headless
 * and ExternalName Services), NodePorts for NodePort and LoadBalancer Services (ports with the
 * same number share one), a healthCheckNodePort for `externalTrafficPolicy: Local` load
 * balancers; on update, allocate what a type change needs and release what it no longer needs;
 * on delete, release everything.
 *
 * The functions mutate the Service and the ranges they are given. Callers load fresh ranges for
 * each attempt and store them with the Service in one transaction, so a failed request never
 * leaves anything allocated (kube needs repair controllers for that; converge does not). Dry
 * runs behave like kube's dry-run allocators: a requested IP is only range-checked, a dynamic one
 * reads as the network address, dynamic NodePorts count up from 32769.
 *
 * @module
 */
import { internalError, invalid, type KubeError } from './api-errors';
import { GoValue, invalid as invalidField, type FieldError } from './field-errors';
import { looksIPv6 } from './ip-range';
import { AllocError, ERR_PORT_ALLOCATED, type IPRange, type PortRange } from './service-alloc-range';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ServiceRanges {
	ips: IPRange;
	ports: PortRange;
}

export interface AllocOptions {
	dryRun: boolean;
	random: () => number;
}

const ports = (svc: Obj): Obj[] => (Array.isArray(svc.spec?.ports) ? svc.spec.ports : []);
const goStrings = (v: string[] | undefined) => new GoValue(`[]string{${(v ?? []).map((s) => JSON.stringify(s)).join(', ')}}`);
const invalidService = (svc: Obj, errs: FieldError[]): KubeError => invalid({ group: '', kind: 'Service' }, svc.metadata?.name ?? '', errs);

export const needsClusterIP = (svc: Obj): boolean => svc.spec?.type !== 'ExternalName';
export const needsNodePort = (svc: Obj): boolean => svc.spec?.type === 'NodePort' || svc.spec?.type === 'LoadBalancer';
/** apiservice.NeedsHealthCheck. */
export const needsHealthCheck = (svc: Obj): boolean => svc.spec?.type === 'LoadBalancer' && svc.spec?.externalTrafficPolicy === 'Local';
const isHeadless = (svc: Obj): boolean => svc.spec?.clusterIPs?.[0] === 'None' || svc.spec?.clusterIP === 'None';

/** The NodePorts a Service holds (per port, duplicates kept). */
export function serviceNodePorts(svc: Obj): number[] {
	return ports(svc)
		.map((p) => p.nodePort)
		.filter((n): n is number => typeof n === 'number' && n !== 0);
}

/**
 * kube's PortAllocationOperation: allocations happen at once, releases are deferred to
 * `commit()` so an update can hand a released port to another of its ports only after success.
 */
class PortOperation {
	private readonly allocated: number[] = [];
	private readonly releases: number[] = [];
	constructor(
		private readonly range: PortRange,
		private readonly opts: AllocOptions
	) {}

	allocate(port: number): void {
		if (this.opts.dryRun) {
			if (this.range.has(port) || this.allocated.includes(port)) throw new AllocError(ERR_PORT_ALLOCATED);
		} else this.range.allocate(port);
		this.allocated.push(port);
	}

	allocateNext(): number {
		if (!this.opts.dryRun) {
			const port = this.range.allocateNext(this.opts.random);
			this.allocated.push(port);
			return port;
		}
		// kube's dry run does not look for a free port: it counts up from the largest one so far.
		const port = (this.allocated.length ? Math.max(...this.allocated) : 32768) + 1;
		this.allocated.push(port);
		return port;
	}

	releaseDeferred(port: number): void {
		this.releases.push(port);
	}

	commit(): void {
		if (!this.opts.dryRun) for (const p of this.releases) this.range.release(p);
	}
}

/** initIPFamilyFields for a cluster with only an IPv4 range. */
function initIPFamilyFields(svc: Obj, old: Obj | undefined): void {
	const spec = svc.spec;
	if (spec.type === 'ExternalName') return;
	if (spec.ipFamilyPolicy === undefined) {
		if (old?.spec?.ipFamilyPolicy) spec.ipFamilyPolicy = old.spec.ipFamilyPolicy;
		else spec.ipFamilyPolicy = isHeadless(svc) && !Object.keys(spec.selector ?? {}).length ? 'RequireDualStack' : 'SingleStack';
	}
	const errs: FieldError[] = [];
	const single = spec.ipFamilyPolicy === 'SingleStack';
	if (single && (spec.clusterIPs?.length ?? 0) === 2)
		errs.push(invalidField('spec.ipFamilyPolicy', spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
	if (single && (spec.ipFamilies?.length ?? 0) === 2)
		errs.push(invalidField('spec.ipFamilyPolicy', spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
	spec.ipFamilies = Array.isArray(spec.ipFamilies) ? spec.ipFamilies : [];
	(spec.clusterIPs ?? []).forEach((ip: string, i: number) => {
		if (ip === 'None' || i < spec.ipFamilies.length) return;
		if (looksIPv6(ip)) errs.push(invalidField(`spec.clusterIPs[${i}]`, goStrings(spec.clusterIPs), 'IPv6 is not configured on this cluster'));
		else spec.ipFamilies.push('IPv4');
	});
	if (errs.length) throw invalidService(svc, errs);
	// Headless without a selector may name families the cluster lacks (kube allows it).
	if (isHeadless(svc) && !Object.keys(spec.selector ?? {}).length) {
		if (!spec.ipFamilies.length) spec.ipFamilies = ['IPv4'];
		if (spec.ipFamilies.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') spec.ipFamilies.push(spec.ipFamilies[0] === 'IPv4' ? 'IPv6' : 'IPv4');
		return;
	}
	if (spec.ipFamilyPolicy === 'RequireDualStack') errs.push(invalidField('spec.ipFamilyPolicy', spec.ipFamilyPolicy, 'this cluster is not configured for dual-stack services'));
	spec.ipFamilies.forEach((f: string, i: number) => {
		if (f !== 'IPv4') errs.push(invalidField(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster'));
	});
	if (errs.length) throw invalidService(svc, errs);
	if (!spec.ipFamilies.length) spec.ipFamilies = ['IPv4'];
}

/** allocClusterIPs: the primary ClusterIP (requested or dynamic); none for ExternalName and headless. */
function allocClusterIPs(svc: Obj, r: ServiceRanges, opts: AllocOptions): void {
	const spec = svc.spec;
	if (!needsClusterIP(svc) || isHeadless(svc)) return;
	const wanted: string = spec.clusterIPs?.[0] ?? spec.clusterIP ?? '';
	let ip: string;
	try {
		if (!wanted) ip = opts.dryRun ? r.ips.networkAddress : r.ips.allocateNext(opts.random);
		else {
			if (opts.dryRun) r.ips.checkInRange(wanted);
			else r.ips.allocate(wanted);
			ip = wanted;
		}
	} catch (e) {
		if (!(e instanceof AllocError)) throw e;
		if (!wanted) throw internalError(`failed to allocate a serviceIP: ${e.message}`);
		throw invalidService(svc, [invalidField('spec.clusterIPs', goStrings(spec.clusterIPs ?? [wanted]), `failed to allocate IP ${wanted}: ${e.message}`)]);
	}
	spec.clusterIP = ip;
	spec.clusterIPs = [ip, ...(spec.clusterIPs ?? []).slice(1)];
}

const shouldAllocateNodePorts = (svc: Obj): boolean =>
	svc.spec.type === 'NodePort' || (svc.spec.type === 'LoadBalancer' && svc.spec.allocateLoadBalancerNodePorts !== false);

function nodePortError(svc: Obj, i: number, port: number, e: unknown): KubeError {
	if (!(e instanceof AllocError)) throw e;
	return invalidService(svc, [invalidField(`spec.ports[${i}].nodePort`, port, e.message)]);
}

/** initNodePorts: requested ports reserved, missing ones allocated; equal port numbers share a NodePort. */
function initNodePorts(svc: Obj, op: PortOperation): void {
	const byPort = new Map<number, number>();
	ports(svc).forEach((p, i) => {
		if (!p.nodePort && !shouldAllocateNodePorts(svc)) return;
		const shared = byPort.get(p.port);
		if (shared === undefined) {
			const requested = ports(svc).find((q) => q.port === p.port && q.nodePort)?.nodePort;
			if (requested) {
				try {
					op.allocate(requested);
				} catch (e) {
					throw nodePortError(svc, i, requested, e);
				}
				p.nodePort = requested;
			} else p.nodePort = allocateNextNodePort(op, 'a nodePort');
			byPort.set(p.port, p.nodePort);
		} else if (p.nodePort !== shared) {
			if (!p.nodePort) p.nodePort = shared;
			else
				try {
					op.allocate(p.nodePort);
				} catch (e) {
					throw nodePortError(svc, i, p.nodePort, e);
				}
		}
	});
}

function allocateNextNodePort(op: PortOperation, what: string): number {
	try {
		return op.allocateNext();
	} catch (e) {
		if (!(e instanceof AllocError)) throw e;
		throw internalError(`failed to allocate ${what}: ${e.message}`);
	}
}

function allocHealthCheckNodePort(svc: Obj, op: PortOperation): void {
	const requested = svc.spec.healthCheckNodePort;
	if (requested) {
		try {
			op.allocate(requested);
		} catch (e) {
			if (!(e instanceof AllocError)) throw e;
			throw internalError(`failed to allocate requested HealthCheck NodePort ${requested}: ${e.message}`);
		}
	} else svc.spec.healthCheckNodePort = allocateNextNodePort(op, 'a HealthCheck NodePort');
}

/** Allocations for a new Service (throws 422 Invalid or 500 like kube). */
export function allocateCreate(svc: Obj, r: ServiceRanges, opts: AllocOptions): void {
	svc.spec ??= {};
	initIPFamilyFields(svc, undefined);
	allocClusterIPs(svc, r, opts);
	const op = new PortOperation(r.ports, opts);
	if (needsNodePort(svc)) initNodePorts(svc, op);
	if (needsHealthCheck(svc)) allocHealthCheckNodePort(svc, op);
	op.commit();
}

/** updateNodePorts: new requested ports reserved, missing ones allocated, dropped ones released. */
function updateNodePorts(svc: Obj, old: Obj, op: PortOperation): void {
	const before = serviceNodePorts(old);
	const taken = new Set<number>();
	ports(svc).forEach((p, i) => {
		if (!p.nodePort && !shouldAllocateNodePorts(svc)) return;
		if (p.nodePort) {
			if (!before.includes(p.nodePort) && !taken.has(p.nodePort)) {
				try {
					op.allocate(p.nodePort);
				} catch (e) {
					throw nodePortError(svc, i, p.nodePort, e);
				}
				taken.add(p.nodePort);
			}
		} else p.nodePort = allocateNextNodePort(op, 'a nodePort');
	});
	const after = serviceNodePorts(svc);
	for (const port of before) if (!after.includes(port)) op.releaseDeferred(port);
}

/** Allocations and releases for an update of `old` to `svc` (after prepareServiceUpdate and validation). */
export function allocateUpdate(svc: Obj, old: Obj, r: ServiceRanges, opts: AllocOptions): void {
	svc.spec ??= {};
	initIPFamilyFields(svc, old);
	if (!needsClusterIP(old) && needsClusterIP(svc)) allocClusterIPs(svc, r, opts);
	else if (needsClusterIP(old) && !needsClusterIP(svc) && !isHeadless(old) && !opts.dryRun)
		for (const ip of old.spec?.clusterIPs ?? []) r.ips.release(ip);
	const op = new PortOperation(r.ports, opts);
	if (needsNodePort(old) && !needsNodePort(svc)) for (const port of serviceNodePorts(old)) op.releaseDeferred(port);
	if (needsNodePort(svc)) updateNodePorts(svc, old, op);
	if (!needsHealthCheck(old) && needsHealthCheck(svc)) allocHealthCheckNodePort(svc, op);
	else if (needsHealthCheck(old) && !needsHealthCheck(svc) && old.spec?.healthCheckNodePort) op.releaseDeferred(old.spec.healthCheckNodePort);
	op.commit();
}

/** releaseAllocatedResources: what a deleted Service gives back. */
export function releaseService(svc: Obj, r: ServiceRanges): void {
	if (needsClusterIP(svc) && !isHeadless(svc)) for (const ip of svc.spec?.clusterIPs ?? []) r.ips.release(ip);
	for (const port of serviceNodePorts(svc)) r.ports.release(port);
	if (needsHealthCheck(svc) && svc.spec?.healthCheckNodePort) r.ports.release(svc.spec.healthCheckNodePort);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Before validating an update (kube's dropTypeDependentFields and patchAllocatedValues): fields
 * the new type no longer needs are dropped if the request left them as they were, and allocated
 * values the request left out are kept.
 */
export function prepareServiceUpdate(svc: Obj, old: Obj): void {
	const spec = (svc.spec ??= {});
	const was = old.spec ?? {};
	if (needsClusterIP(old) && !needsClusterIP(svc)) {
		if (same(spec.clusterIPs, was.clusterIPs)) {
			delete spec.clusterIP;
			delete spec.clusterIPs;
		}
		if (same(spec.ipFamilies, was.ipFamilies)) delete spec.ipFamilies;
		if (same(spec.ipFamilyPolicy, was.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
	}
	const oldPorts = serviceNodePorts(old);
	if (needsNodePort(old) && !needsNodePort(svc) && same(ports(svc).map((p) => p.nodePort ?? 0), ports(old).map((p) => p.nodePort ?? 0)))
		for (const p of ports(svc)) delete p.nodePort;
	if (needsHealthCheck(old) && !needsHealthCheck(svc) && same(spec.healthCheckNodePort, was.healthCheckNodePort)) delete spec.healthCheckNodePort;
	if (was.type === 'LoadBalancer' && spec.type !== 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === was.allocateLoadBalancerNodePorts)
		delete spec.allocateLoadBalancerNodePorts;
	if (needsNodePort(old) && !needsNodePort(svc) && spec.externalTrafficPolicy === was.externalTrafficPolicy) delete spec.externalTrafficPolicy;
	if (was.type === 'LoadBalancer' && spec.type !== 'LoadBalancer' && svc.status) svc.status.loadBalancer = {};
	// patchAllocatedValues: values the request left out and the Service already holds.
	if (needsClusterIP(old) && needsClusterIP(svc)) {
		if (!spec.clusterIP && was.clusterIP) spec.clusterIP = was.clusterIP;
		if (!spec.clusterIPs?.length && was.clusterIPs?.length) spec.clusterIPs = [...was.clusterIPs];
	}
	if (needsNodePort(old) && needsNodePort(svc)) {
		const used = new Set(serviceNodePorts(svc).filter((n) => oldPorts.includes(n)));
		const byName = new Map(ports(old).map((p) => [p.name ?? '', p.nodePort]));
		for (const p of ports(svc)) {
			const prev = byName.get(p.name ?? '');
			if (!p.nodePort && prev && !used.has(prev)) p.nodePort = prev;
		}
	}
	if (needsHealthCheck(old) && needsHealthCheck(svc) && !spec.healthCheckNodePort && was.healthCheckNodePort) spec.healthCheckNodePort = was.healthCheckNodePort;
}
