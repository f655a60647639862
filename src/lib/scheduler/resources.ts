/**
 * Pod and node resource arithmetic as the scheduler does it (k8s.io/component-helpers
 * resource.PodRequests, framework.Resource): cpu in millicores, memory and storage in bytes,
 * everything else as integer counts.
 *
 * @module
 */
import { quantityValue } from '../kube/quantity';
import type { Container, Pod, ResourceList } from './types';

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL_STORAGE = 'ephemeral-storage';
export const PODS = 'pods';

/** util.DefaultMilliCPURequest / DefaultMemoryRequest: counted for containers that omit a request, in scoring only. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** Resource name → amount (cpu in milli, the rest in base units). */
export type Resources = Map<string, number>;

/** Quantity.MilliValue() for cpu, Value() (rounded up) for the rest; 0 when unparseable. */
export function amount(name: string, q: string | number | undefined): number {
	const v = quantityValue(q);
	if (!Number.isFinite(v)) return 0;
	// Round away float noise first (0.1*1000 = 100.00000000000001), then up like Quantity does.
	const scaled = name === CPU ? v * 1000 : v;
	return Math.ceil(Math.round(scaled * 1e6) / 1e6);
}

export function resourcesOf(list: ResourceList | undefined): Resources {
	const out: Resources = new Map();
	for (const [k, q] of Object.entries(list ?? {})) out.set(k, amount(k, q));
	return out;
}

function add(into: Resources, from: Resources): void {
	for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

function maxInto(into: Resources, from: Resources): void {
	for (const [k, v] of from) if (v > (into.get(k) ?? 0)) into.set(k, v);
}

function containerRequests(c: Container, nonMissing: boolean): Resources {
	const r = resourcesOf(c.resources?.requests);
	if (nonMissing) {
		// Only a missing key gets the default; an explicit 0 stays 0.
		if (!r.has(CPU)) r.set(CPU, DEFAULT_MILLI_CPU_REQUEST);
		if (!r.has(MEMORY)) r.set(MEMORY, DEFAULT_MEMORY_REQUEST);
	}
	return r;
}

/**
 * resource.PodRequests: app containers plus sidecars, or the largest init container (plus the
 * sidecars started before it) when that is bigger, plus `spec.overhead`. With `nonMissing`,
 * containers lacking a cpu/memory request count as 100m/200Mi (the scoring view).
 */
export function podRequests(pod: Pod, nonMissing = false): Resources {
	const reqs: Resources = new Map();
	for (const c of pod.spec.containers ?? []) add(reqs, containerRequests(c, nonMissing));
	const sidecars: Resources = new Map();
	const initMax: Resources = new Map();
	for (const c of pod.spec.initContainers ?? []) {
		const r = containerRequests(c, nonMissing);
		if (c.restartPolicy === 'Always') {
			add(reqs, r);
			add(sidecars, r);
			maxInto(initMax, sidecars);
		} else {
			const tmp = new Map(r);
			add(tmp, sidecars);
			maxInto(initMax, tmp);
		}
	}
	maxInto(reqs, initMax);
	if (pod.spec.overhead) add(reqs, resourcesOf(pod.spec.overhead));
	return reqs;
}

/** Resources the default Fit filter knows by name; everything else is a "scalar" resource. */
export function isScalarResource(name: string): boolean {
	return name !== CPU && name !== MEMORY && name !== EPHEMERAL_STORAGE && name !== PODS;
}

/** v1helper.IsExtendedResourceName: domain-prefixed, not in kubernetes.io, not `requests.`. */
export function isExtendedResource(name: string): boolean {
	if (!name.includes('/') || name.startsWith('requests.')) return false;
	const domain = name.slice(0, name.indexOf('/'));
	return domain !== 'kubernetes.io' && !domain.endsWith('.kubernetes.io');
}

export function addResources(into: Resources, from: Resources, sign = 1): void {
	for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + sign * v);
}
