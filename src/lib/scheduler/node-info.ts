/**
 * framework.NodeInfo and framework.PodInfo: a node with the pods on it and what they add up to
 * (requested resources, non-zero requests for scoring, used host ports, PVC references, pods
 * carrying affinity), plus each pod's affinity terms parsed once.
 *
 * @module
 */
import { matchesLabels, selectorFromObject, type LabelSelector as ParsedSelector } from '../kube/label-selector';
import { CPU, MEMORY, PODS, addResources, podRequests, resourcesOf, type Resources } from './resources';
import type { LabelSelector, Node, Pod, PodAffinityTerm } from './types';

/** framework.AffinityTerm: a pod affinity term with its selectors parsed. */
export interface AffinityTerm {
	namespaces: Set<string>;
	nsSelector: ParsedSelector;
	selector: ParsedSelector;
	topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
	weight: number;
}

/** framework.PodInfo. */
export interface PodInfo {
	pod: Pod;
	/** Real requests (resource.PodRequests). */
	requests: Resources;
	/** cpu/memory with 100m/200Mi for containers that omit them (scoring only). */
	nonZeroCpu: number;
	nonZeroMemory: number;
	requiredAffinityTerms: AffinityTerm[];
	requiredAntiAffinityTerms: AffinityTerm[];
	preferredAffinityTerms: WeightedAffinityTerm[];
	preferredAntiAffinityTerms: WeightedAffinityTerm[];
}

/** LabelSelectorAsSelector: nil selects nothing; an invalid selector is treated as nothing. */
export function parseSelector(sel: LabelSelector | null | undefined): ParsedSelector {
	try {
		return selectorFromObject(sel ?? null);
	} catch {
		return { requirements: [], nothing: true };
	}
}

function affinityTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
	// No namespaces and no namespaceSelector means "the pod's own namespace".
	const namespaces = new Set(t.namespaces?.length || t.namespaceSelector ? (t.namespaces ?? []) : [pod.metadata.namespace ?? 'default']);
	return { namespaces, nsSelector: parseSelector(t.namespaceSelector), selector: parseSelector(t.labelSelector), topologyKey: t.topologyKey };
}

/** AffinityTerm.Matches: namespace listed or selected, then labels. */
export function termMatches(term: AffinityTerm, pod: Pod, nsLabels: Record<string, string> | undefined): boolean {
	const ns = pod.metadata.namespace ?? 'default';
	if (term.namespaces.has(ns) || matchesLabels(term.nsSelector, nsLabels)) return matchesLabels(term.selector, pod.metadata.labels);
	return false;
}

const podInfos = new WeakMap<Pod, PodInfo>();

/** framework.NewPodInfo, cached per pod object (objects from the API are never mutated). */
export function podInfoOf(pod: Pod): PodInfo {
	let pi = podInfos.get(pod);
	if (pi) return pi;
	const a = pod.spec.affinity;
	const req = (x?: PodAffinityTerm[]) => (x ?? []).map((t) => affinityTerm(pod, t));
	const pref = (x?: Array<{ weight: number; podAffinityTerm: PodAffinityTerm }>) =>
		(x ?? []).filter((w) => w.weight !== 0).map((w) => ({ ...affinityTerm(pod, w.podAffinityTerm), weight: w.weight }));
	const nonZero = podRequests(pod, true);
	pi = {
		pod,
		requests: podRequests(pod),
		nonZeroCpu: nonZero.get(CPU) ?? 0,
		nonZeroMemory: nonZero.get(MEMORY) ?? 0,
		requiredAffinityTerms: req(a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
		requiredAntiAffinityTerms: req(a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
		preferredAffinityTerms: pref(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
		preferredAntiAffinityTerms: pref(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution)
	};
	podInfos.set(pod, pi);
	return pi;
}

export function hasAffinity(pi: PodInfo): boolean {
	return pi.requiredAffinityTerms.length + pi.requiredAntiAffinityTerms.length + pi.preferredAffinityTerms.length + pi.preferredAntiAffinityTerms.length > 0;
}

/** A host port in use: protocol and port on an IP (`0.0.0.0` = every IP). */
export interface HostPort {
	ip: string;
	protocol: string;
	port: number;
}

/** The host ports a pod asks for (containers' ports with hostPort > 0), defaults applied. */
export function podHostPorts(pod: Pod): HostPort[] {
	const out: HostPort[] = [];
	for (const c of pod.spec.containers ?? [])
		for (const p of c.ports ?? []) if ((p.hostPort ?? 0) > 0) out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort! });
	return out;
}

export interface ImageState {
	size: number;
	numNodes: number;
}

export function podKey(pod: Pod): string {
	return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

/** framework.NodeInfo. */
export class NodeInfo {
	readonly name: string;
	pods: PodInfo[] = [];
	podsWithAffinity: PodInfo[] = [];
	podsWithRequiredAntiAffinity: PodInfo[] = [];
	/** Sum of the pods' real requests. */
	requested: Resources = new Map();
	/** Sum of the pods' requests with the non-zero defaults (cpu milli, memory bytes). */
	nonZeroCpu = 0;
	nonZeroMemory = 0;
	usedPorts: HostPort[] = [];
	/** `ns/claim` → number of pods on the node using it. */
	pvcRefCounts = new Map<string, number>();
	readonly allocatable: Resources;
	/** Image name → size and how many nodes have it (set by the snapshot). */
	imageStates = new Map<string, ImageState>();
	/** Bumped whenever a pod comes or goes: counts kept across cycles recount this node then. */
	generation = 0;

	constructor(readonly node: Node) {
		this.name = node.metadata.name;
		// Kubelets always report allocatable; hand-written Nodes may carry only capacity.
		this.allocatable = resourcesOf(node.status?.allocatable ?? node.status?.capacity);
		this.allowedPodNumber = this.allocatable.get(PODS) ?? 0;
	}

	get labels(): Record<string, string> {
		return this.node.metadata.labels ?? {};
	}

	/** allocatable pods (read once: `allocatable` never changes for a NodeInfo). */
	readonly allowedPodNumber: number;

	addPod(pi: PodInfo): void {
		this.pods.push(pi);
		if (hasAffinity(pi)) this.podsWithAffinity.push(pi);
		if (pi.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity.push(pi);
		this.account(pi, 1);
	}

	/** Removes the pod (matched by namespace/name); false when it is not here. */
	removePod(pod: Pod): boolean {
		const key = podKey(pod);
		const i = this.pods.findIndex((p) => podKey(p.pod) === key);
		if (i < 0) return false;
		const pi = this.pods[i];
		this.pods.splice(i, 1);
		this.podsWithAffinity = this.podsWithAffinity.filter((p) => p !== pi);
		this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((p) => p !== pi);
		this.account(pi, -1);
		return true;
	}

	private account(pi: PodInfo, sign: 1 | -1): void {
		this.generation++;
		addResources(this.requested, pi.requests, sign);
		this.nonZeroCpu += sign * pi.nonZeroCpu;
		this.nonZeroMemory += sign * pi.nonZeroMemory;
		if (sign > 0) this.usedPorts.push(...podHostPorts(pi.pod));
		else {
			for (const p of podHostPorts(pi.pod)) {
				const j = this.usedPorts.findIndex((u) => u.ip === p.ip && u.protocol === p.protocol && u.port === p.port);
				if (j >= 0) this.usedPorts.splice(j, 1);
			}
		}
		const ns = pi.pod.metadata.namespace ?? 'default';
		for (const v of pi.pod.spec.volumes ?? []) {
			if (!v.persistentVolumeClaim) continue;
			const k = `${ns}/${v.persistentVolumeClaim.claimName}`;
			const n = (this.pvcRefCounts.get(k) ?? 0) + sign;
			if (n > 0) this.pvcRefCounts.set(k, n);
			else this.pvcRefCounts.delete(k);
		}
	}

	/** A copy whose pod list can change without touching this one (preemption dry runs). */
	clone(): NodeInfo {
		const c = new NodeInfo(this.node);
		c.pods = [...this.pods];
		c.podsWithAffinity = [...this.podsWithAffinity];
		c.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
		c.requested = new Map(this.requested);
		c.nonZeroCpu = this.nonZeroCpu;
		c.nonZeroMemory = this.nonZeroMemory;
		c.usedPorts = [...this.usedPorts];
		c.pvcRefCounts = new Map(this.pvcRefCounts);
		c.imageStates = this.imageStates;
		return c;
	}
}

