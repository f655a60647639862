/**
 * framework.NodeInfo and framework.PodInfo: a node with the pods on it and what they add up to
 * (requested resources, non-zero requests for scoring, used host ports, PVC references, pods
 * carrying affinity), plus each pod's affinity terms parsed once.
 *
 * @module
 */
import { matchesLabels, selectorFromObject, type LabelSelector as ParsedSelector } from '../kube/label-selector';
import { CPU, EPHEMERAL_STORAGE, MEMORY, PODS, addResources, podRequests, resourcesOf, type Resources } from './resources';
import type { LabelSelector, Node, Pod, PodAffinityTerm, Taint } from './types';

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
	/** Its cpu (milli), memory and ephemeral-storage, 0 when absent. */
	milliCPU: number;
	memory: number;
	ephemeralStorage: number;
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
	const requests = podRequests(pod);
	pi = {
		pod,
		requests,
		milliCPU: requests.get(CPU) ?? 0,
		memory: requests.get(MEMORY) ?? 0,
		ephemeralStorage: requests.get(EPHEMERAL_STORAGE) ?? 0,
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

/**
 * podInfoOf for a copy of a pod whose PodInfo is known (the assumed copy of a queued pod): when
 * everything a PodInfo derives from is the same objects — namespace, containers, init
 * containers, overhead, affinity — the derived parts are shared instead of parsed again.
 */
export function podInfoLike(pod: Pod, known: PodInfo): PodInfo {
	const k = known.pod;
	const same =
		(k.metadata.namespace ?? 'default') === (pod.metadata.namespace ?? 'default') &&
		k.spec.containers === pod.spec.containers &&
		k.spec.initContainers === pod.spec.initContainers &&
		k.spec.overhead === pod.spec.overhead &&
		k.spec.affinity === pod.spec.affinity;
	if (!same || podInfos.has(pod)) return podInfoOf(pod);
	const pi = { ...known, pod };
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

const NO_TAINTS: readonly Taint[] = Object.freeze([]);

/** The image states of a node without images: one shared empty map, told apart without reading it. */
export const NO_IMAGES: ReadonlyMap<string, ImageState> = new Map();

/** ImageStateSummary per node: each name a node's images carry → its size and how many nodes have it. */
export function setImageStates(infos: readonly NodeInfo[]): void {
	const images = new Map<string, ImageState>();
	for (const ni of infos)
		for (const img of ni.node.status?.images ?? [])
			for (const name of img.names ?? []) {
				const s = images.get(name);
				if (s) s.numNodes++;
				else images.set(name, { size: img.sizeBytes ?? 0, numNodes: 1 });
			}
	for (const ni of infos) {
		let states: Map<string, ImageState> | undefined;
		for (const img of ni.node.status?.images ?? []) for (const name of img.names ?? []) (states ??= new Map()).set(name, images.get(name)!);
		ni.imageStates = states ?? NO_IMAGES;
	}
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
	/**
	 * `requested` and `allocatable` of cpu (milli), memory and ephemeral-storage as plain fields,
	 * like framework.Resource's MilliCPU/Memory/EphemeralStorage: Filter and Score read them for
	 * hundreds of nodes a cycle, without a map lookup each.
	 */
	requestedMilliCPU = 0;
	requestedMemory = 0;
	requestedEphemeralStorage = 0;
	readonly allocatableMilliCPU: number;
	readonly allocatableMemory: number;
	readonly allocatableEphemeralStorage: number;
	/** `spec.unschedulable` and `spec.taints` (never absent), read once: a NodeInfo's node never changes. */
	readonly unschedulable: boolean;
	readonly taints: readonly Taint[];
	/** Sum of the pods' requests with the non-zero defaults (cpu milli, memory bytes). */
	nonZeroCpu = 0;
	nonZeroMemory = 0;
	usedPorts: HostPort[] = [];
	/** `ns/claim` → number of pods on the node using it. */
	pvcRefCounts = new Map<string, number>();
	readonly allocatable: Resources;
	/** Image name → size and how many nodes have it (set by the snapshot; NO_IMAGES, shared, when none). */
	imageStates: ReadonlyMap<string, ImageState> = NO_IMAGES;
	/** Bumped whenever a pod comes or goes: counts kept across cycles recount this node then. */
	generation = 0;

	constructor(readonly node: Node) {
		this.name = node.metadata.name;
		// Kubelets always report allocatable; hand-written Nodes may carry only capacity.
		this.allocatable = resourcesOf(node.status?.allocatable ?? node.status?.capacity);
		this.allowedPodNumber = this.allocatable.get(PODS) ?? 0;
		this.allocatableMilliCPU = this.allocatable.get(CPU) ?? 0;
		this.allocatableMemory = this.allocatable.get(MEMORY) ?? 0;
		this.allocatableEphemeralStorage = this.allocatable.get(EPHEMERAL_STORAGE) ?? 0;
		this.unschedulable = node.spec?.unschedulable === true;
		this.taints = node.spec?.taints ?? NO_TAINTS;
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
		const ns = pod.metadata.namespace ?? 'default';
		const name = pod.metadata.name;
		// From the end: the pod removed most often is the one just assumed (its binding confirmed).
		let i = this.pods.length - 1;
		for (; i >= 0; i--) {
			const m = this.pods[i].pod.metadata;
			if (m.name === name && (m.namespace ?? 'default') === ns) break;
		}
		if (i < 0) return false;
		const pi = this.pods[i];
		this.pods.splice(i, 1);
		if (hasAffinity(pi)) this.podsWithAffinity = this.podsWithAffinity.filter((p) => p !== pi);
		if (pi.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((p) => p !== pi);
		this.account(pi, -1);
		return true;
	}

	private account(pi: PodInfo, sign: 1 | -1): void {
		this.generation++;
		addResources(this.requested, pi.requests, sign);
		this.requestedMilliCPU += sign * pi.milliCPU;
		this.requestedMemory += sign * pi.memory;
		this.requestedEphemeralStorage += sign * pi.ephemeralStorage;
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
		c.requestedMilliCPU = this.requestedMilliCPU;
		c.requestedMemory = this.requestedMemory;
		c.requestedEphemeralStorage = this.requestedEphemeralStorage;
		c.nonZeroCpu = this.nonZeroCpu;
		c.nonZeroMemory = this.nonZeroMemory;
		c.usedPorts = [...this.usedPorts];
		c.pvcRefCounts = new Map(this.pvcRefCounts);
		c.imageStates = this.imageStates;
		return c;
	}
}

