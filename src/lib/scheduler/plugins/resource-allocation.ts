/**
 * The scoring core shared by NodeResourcesFit and NodeResourcesBalancedAllocation
 * (plugins/noderesources/resource_allocation.go, least_allocated.go, most_allocated.go,
 * requested_to_capacity_ratio.go). Integer maths is Go int64 (truncating).
 *
 * @module
 */
import { MAX_NODE_SCORE } from '../framework';
import { idiv } from '../helpers';
import { podInfoOf, type NodeInfo } from '../node-info';
import { CPU, EPHEMERAL_STORAGE, MEMORY, isScalarResource } from '../resources';
import type { Pod } from '../types';

export interface ResourceSpec {
	name: string;
	weight: number;
}

export const DEFAULT_RESOURCES: ResourceSpec[] = [
	{ name: CPU, weight: 1 },
	{ name: MEMORY, weight: 1 }
];

/** Requests of the pod for each scored resource; 100m/200Mi defaults unless `useRequested`. */
export function podScoringRequests(pod: Pod, resources: readonly ResourceSpec[], useRequested: boolean): number[] {
	// The defaults only ever change cpu and memory: the pod's PodInfo has both views.
	const pi = podInfoOf(pod);
	return resources.map((r) => (useRequested ? (pi.requests.get(r.name) ?? 0) : r.name === CPU ? pi.nonZeroCpu : r.name === MEMORY ? pi.nonZeroMemory : (pi.requests.get(r.name) ?? 0)));
}

/**
 * calculateResourceAllocatableRequest into `alloc[i]`/`req[i]` (allocatable, requested incl. the
 * pod); allocatable 0 skips the resource.
 */
function allocatableAndRequested(node: NodeInfo, resource: string, podRequest: number, useRequested: boolean, alloc: number[], req: number[], i: number): void {
	alloc[i] = 0;
	req[i] = 0;
	if (podRequest === 0 && isScalarResource(resource) && resource !== EPHEMERAL_STORAGE) return;
	if (resource === CPU) {
		alloc[i] = node.allocatableMilliCPU;
		req[i] = (useRequested ? node.requestedMilliCPU : node.nonZeroCpu) + podRequest;
	} else if (resource === MEMORY) {
		alloc[i] = node.allocatableMemory;
		req[i] = (useRequested ? node.requestedMemory : node.nonZeroMemory) + podRequest;
	} else if (node.allocatable.has(resource)) {
		alloc[i] = node.allocatable.get(resource)!;
		req[i] = (node.requested.get(resource) ?? 0) + podRequest;
	}
	if (alloc[i] === 0) req[i] = 0;
}

export type Scorer = (requested: number[], allocatable: number[]) => number;

/** Scratch vectors for `scoreNode` (cycles are synchronous and scorers keep nothing). */
let scratchRequested: number[] = [];
let scratchAllocatable: number[] = [];

/** resourceAllocationScorer.score: fills per-resource vectors (allocatable 0 = skipped) and scores. */
export function scoreNode(node: NodeInfo, podReqs: readonly number[], resources: readonly ResourceSpec[], useRequested: boolean, scorer: Scorer): number {
	const n = resources.length;
	if (scratchRequested.length !== n) [scratchRequested, scratchAllocatable] = [new Array<number>(n), new Array<number>(n)];
	const requested = scratchRequested;
	const allocatable = scratchAllocatable;
	for (let i = 0; i < n; i++) allocatableAndRequested(node, resources[i].name, podReqs[i], useRequested, allocatable, requested, i);
	return scorer(requested, allocatable);
}

/** ((capacity − requested) × 100) / capacity; 0 when over capacity or capacity is 0. */
export function leastRequestedScore(requested: number, capacity: number): number {
	if (capacity === 0 || requested > capacity) return 0;
	return idiv((capacity - requested) * MAX_NODE_SCORE, capacity);
}

/** requested × 100 / capacity, requested capped at capacity. */
export function mostRequestedScore(requested: number, capacity: number): number {
	if (capacity === 0) return 0;
	return idiv(Math.min(requested, capacity) * MAX_NODE_SCORE, capacity);
}

/** Σ score(resource) × weight / Σ weight over resources with allocatable > 0 (integer). */
function weightedMean(resources: readonly ResourceSpec[], req: number[], alloc: number[], most: boolean): number {
	let score = 0;
	let weights = 0;
	for (let i = 0; i < resources.length; i++) {
		if (alloc[i] === 0) continue;
		score += (most ? mostRequestedScore(req[i], alloc[i]) : leastRequestedScore(req[i], alloc[i])) * resources[i].weight;
		weights += resources[i].weight;
	}
	return weights === 0 ? 0 : idiv(score, weights);
}

export function leastAllocatedScorer(resources: readonly ResourceSpec[]): Scorer {
	return (req, alloc) => weightedMean(resources, req, alloc, false);
}

export function mostAllocatedScorer(resources: readonly ResourceSpec[]): Scorer {
	return (req, alloc) => weightedMean(resources, req, alloc, true);
}

export interface ShapePoint {
	utilization: number;
	score: number;
}

/** helper.BuildBrokenLinearFunction over (utilization, score) points sorted by utilization. */
export function brokenLinear(shape: readonly ShapePoint[]): (p: number) => number {
	return (p) => {
		for (let i = 0; i < shape.length; i++) {
			if (p <= shape[i].utilization) {
				if (i === 0) return shape[0].score;
				const a = shape[i - 1];
				const b = shape[i];
				return a.score + idiv((b.score - a.score) * (p - a.utilization), b.utilization - a.utilization);
			}
		}
		return shape[shape.length - 1].score;
	};
}

/**
 * RequestedToCapacityRatio: the configured shape (scores 0–10 scaled ×10) applied to
 * utilization percent; resources scoring 0 are left out of the weighted mean, which is rounded.
 */
export function requestedToCapacityRatioScorer(resources: readonly ResourceSpec[], shape: readonly ShapePoint[]): Scorer {
	const fn = brokenLinear(shape.map((p) => ({ utilization: p.utilization, score: p.score * (MAX_NODE_SCORE / 10) })));
	const resourceScore = (req: number, alloc: number) => (alloc === 0 || req > alloc ? fn(100) : fn(idiv(req * 100, alloc)));
	return (req, alloc) => {
		let score = 0;
		let weights = 0;
		for (let i = 0; i < resources.length; i++) {
			if (alloc[i] === 0) continue;
			const s = resourceScore(req[i], alloc[i]);
			if (s > 0) {
				score += s * resources[i].weight;
				weights += resources[i].weight;
			}
		}
		return weights === 0 ? 0 : Math.round(score / weights);
	};
}

/** balancedResourceScorer: (1 − std-dev of the usage fractions) × 100, truncated. */
export function balancedResourceScorer(requested: number[], allocatable: number[]): number {
	let n = 0;
	let total = 0;
	let f0 = 0;
	let f1 = 0;
	for (let i = 0; i < requested.length; i++) {
		if (allocatable[i] === 0) continue;
		const f = Math.min(1, requested[i] / allocatable[i]);
		if (n === 0) f0 = f;
		else if (n === 1) f1 = f;
		total += f;
		n++;
	}
	let std = 0;
	if (n === 2) std = Math.abs((f0 - f1) / 2);
	else if (n > 2) {
		const mean = total / n;
		let sq = 0;
		for (let i = 0; i < requested.length; i++) {
			if (allocatable[i] === 0) continue;
			const f = Math.min(1, requested[i] / allocatable[i]);
			sq += (f - mean) * (f - mean);
		}
		std = Math.sqrt(sq / n);
	}
	return Math.trunc((1 - std) * MAX_NODE_SCORE);
}
