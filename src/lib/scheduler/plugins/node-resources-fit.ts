/**
 * NodeResourcesFit (plugins/noderesources/fit.go): Filter checks the pod count and every
 * requested resource against allocatable minus what the node's pods request (all failures are
 * reported); Score uses the configured strategy — LeastAllocated (default), MostAllocated or
 * RequestedToCapacityRatio — over non-zero requests.
 *
 * @module
 */
import { Code, Status, SUCCESS, stateKey, type Plugin } from '../framework';
import { podInfoOf, type NodeInfo } from '../node-info';
import { CPU, EPHEMERAL_STORAGE, MEMORY, isExtendedResource, type Resources } from '../resources';
import {
	DEFAULT_RESOURCES,
	leastAllocatedScorer,
	mostAllocatedScorer,
	podScoringRequests,
	requestedToCapacityRatioScorer,
	scoreNode,
	type ResourceSpec,
	type Scorer,
	type ShapePoint
} from './resource-allocation';

export const NAME = 'NodeResourcesFit';
export const REASON_TOO_MANY_PODS = 'Too many pods';
export const insufficient = (resource: string): string => `Insufficient ${resource}`;

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface NodeResourcesFitArgs {
	ignoredResources?: string[];
	ignoredResourceGroups?: string[];
	scoringStrategy?: {
		type?: ScoringStrategyType;
		resources?: ResourceSpec[];
		requestedToCapacityRatio?: { shape?: ShapePoint[] };
	};
}

/** PreFilter's state: the checked requests, with cpu/memory/ephemeral-storage also as fields (0 = not checked). */
interface Checked {
	list: Array<[string, number]>;
	milliCPU: number;
	memory: number;
	ephemeralStorage: number;
	/** The other checked resources (extended, hugepages, …). */
	scalars: Array<[string, number]>;
}

const preFilterKey = stateKey<Checked>('PreFilter' + NAME);

function checkedOf(list: Array<[string, number]>): Checked {
	const c: Checked = { list, milliCPU: 0, memory: 0, ephemeralStorage: 0, scalars: [] };
	for (const [name, want] of list) {
		if (name === CPU) c.milliCPU = want;
		else if (name === MEMORY) c.memory = want;
		else if (name === EPHEMERAL_STORAGE) c.ephemeralStorage = want;
		else c.scalars.push([name, want]);
	}
	return c;
}

/** Whether the node has room for the pod: the common case of Filter, with no allocation (the reasons come from `missingOn`). */
function fits(c: Checked, node: NodeInfo): boolean {
	if (node.pods.length + 1 > node.allowedPodNumber) return false;
	if (c.milliCPU > node.allocatableMilliCPU - node.requestedMilliCPU) return false;
	if (c.memory > node.allocatableMemory - node.requestedMemory) return false;
	if (c.ephemeralStorage > node.allocatableEphemeralStorage - node.requestedEphemeralStorage) return false;
	for (let i = 0; i < c.scalars.length; i++) {
		const [name, want] = c.scalars[i];
		if (want > (node.allocatable.get(name) ?? 0) - (node.requested.get(name) ?? 0)) return false;
	}
	return true;
}
const preScoreKey = stateKey<number[]>('PreScore' + NAME);

export interface InsufficientResource {
	resource: string;
	reason: string;
	requested: number;
	used: number;
	capacity: number;
}

/** The requested resources Filter checks, in the real order (cpu, memory, ephemeral-storage, then scalars). */
export function checkedRequests(req: Resources, args: NodeResourcesFitArgs = {}): Array<[string, number]> {
	const out: Array<[string, number]> = [];
	let any = false;
	for (const v of req.values()) if (v !== 0) any = true;
	if (!any) return out;
	for (const name of [CPU, MEMORY, EPHEMERAL_STORAGE]) {
		const want = req.get(name) ?? 0;
		if (want > 0) out.push([name, want]);
	}
	const ignored = new Set(args.ignoredResources ?? []);
	const ignoredGroups = new Set(args.ignoredResourceGroups ?? []);
	for (const [name, want] of req) {
		if (name === CPU || name === MEMORY || name === EPHEMERAL_STORAGE || name === 'pods' || want <= 0) continue;
		if (isExtendedResource(name) && (ignored.has(name) || ignoredGroups.has(name.split('/')[0]))) continue;
		out.push([name, want]);
	}
	return out;
}

/** fitsRequest over the checked requests: every resource the node lacks for the pod, in order. */
function missingOn(checked: ReadonlyArray<[string, number]>, node: NodeInfo): InsufficientResource[] {
	const out: InsufficientResource[] = [];
	if (node.pods.length + 1 > node.allowedPodNumber)
		out.push({ resource: 'pods', reason: REASON_TOO_MANY_PODS, requested: 1, used: node.pods.length, capacity: node.allowedPodNumber });
	for (let i = 0; i < checked.length; i++) {
		const [name, want] = checked[i];
		const alloc = node.allocatable.get(name) ?? 0;
		const used = node.requested.get(name) ?? 0;
		if (want > alloc - used) out.push({ resource: name, reason: insufficient(name), requested: want, used, capacity: alloc });
	}
	return out;
}

/** fitsRequest: every resource the node lacks for the pod, in the real order. */
export function insufficientResources(req: Resources, node: NodeInfo, args: NodeResourcesFitArgs = {}): InsufficientResource[] {
	return missingOn(checkedRequests(req, args), node);
}

function scorerFor(args: NodeResourcesFitArgs): { resources: ResourceSpec[]; scorer: Scorer } {
	const s = args.scoringStrategy ?? {};
	const resources = s.resources?.length ? s.resources : DEFAULT_RESOURCES;
	switch (s.type ?? 'LeastAllocated') {
		case 'MostAllocated':
			return { resources, scorer: mostAllocatedScorer(resources) };
		case 'RequestedToCapacityRatio':
			return { resources, scorer: requestedToCapacityRatioScorer(resources, s.requestedToCapacityRatio?.shape ?? []) };
		default:
			return { resources, scorer: leastAllocatedScorer(resources) };
	}
}

export function create(rawArgs?: unknown): Plugin {
	const args = (rawArgs ?? {}) as NodeResourcesFitArgs;
	const { resources, scorer } = scorerFor(args);
	return {
		name: NAME,
		preFilter(state, pod) {
			state.write(preFilterKey, checkedOf(checkedRequests(podInfoOf(pod).requests, args)));
			return SUCCESS;
		},
		filter(state, pod, node) {
			const checked = state.read(preFilterKey) ?? checkedOf(checkedRequests(podInfoOf(pod).requests, args));
			if (fits(checked, node)) return SUCCESS;
			const missing = missingOn(checked.list, node);
			if (missing.length === 0) return SUCCESS;
			return new Status(
				Code.Unschedulable,
				missing.map((m) => m.reason)
			);
		},
		preScore(state, pod) {
			state.write(preScoreKey, podScoringRequests(pod, resources, false));
			return SUCCESS;
		},
		score(state, pod, node) {
			const reqs = state.read(preScoreKey) ?? podScoringRequests(pod, resources, false);
			return scoreNode(node, reqs, resources, false, scorer);
		},
		events: ['NodeAdd', 'NodeUpdateAllocatable', 'PodDelete', 'PodUpdate']
	} satisfies Plugin;
}
