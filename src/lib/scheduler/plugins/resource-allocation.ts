/**
 * The scoring core shared by NodeResourcesFit and NodeResourcesBalancedAllocation
 * (plugins/noderesources/resource_allocation.go, least_allocated.go, most_allocated.go,
 * requested_to_capacity_ratio.go). Integer maths is Go int64 (truncating).
 *
 * @module
 */
import { MAX_NODE_SCORE } from '../framework';
import { idiv } from '../helpers';
import type { NodeInfo } from '../node-info';
import { CPU, EPHEMERAL_STORAGE, MEMORY, isScalarResource, podRequests } from '../resources';
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
	const reqs = podRequests(pod, !useRequested);
	return resources.map((r) => reqs.get(r.name) ?? 0);
}

/** calculateResourceAllocatableRequest: [allocatable, requested incl. the pod]; [0, 0] skips. */
export function allocatableAndRequested(node: NodeInfo, resource: string, podRequest: number, useRequested: boolean): [number, number] {
	if (podRequest === 0 && isScalarResource(resource) && resource !== EPHEMERAL_STORAGE) return [0, 0];
	switch (resource) {
		case CPU:
			return [node.allocatable.get(CPU) ?? 0, (useRequested ? (node.requested.get(CPU) ?? 0) : node.nonZeroCpu) + podRequest];
		case MEMORY:
			return [node.allocatable.get(MEMORY) ?? 0, (useRequested ? (node.requested.get(MEMORY) ?? 0) : node.nonZeroMemory) + podRequest];
		default:
			if (!node.allocatable.has(resource)) return [0, 0];
			return [node.allocatable.get(resource)!, (node.requested.get(resource) ?? 0) + podRequest];
	}
}

export type Scorer = (requested: number[], allocatable: number[]) => number;

/** resourceAllocationScorer.score: fills per-resource vectors (allocatable 0 = skipped) and scores. */
export function scoreNode(node: NodeInfo, podReqs: readonly number[], resources: readonly ResourceSpec[], useRequested: boolean, scorer: Scorer): number {
	const requested = new Array<number>(resources.length).fill(0);
	const allocatable = new Array<number>(resources.length).fill(0);
	for (let i = 0; i < resources.length; i++) {
		const [alloc, req] = allocatableAndRequested(node, resources[i].name, podReqs[i], useRequested);
		if (alloc === 0) continue;
		allocatable[i] = alloc;
		requested[i] = req;
	}
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

function weightedMean(resources: readonly ResourceSpec[], per: (i: number) => number, allocatable: number[]): number {
	let score = 0;
	let weights = 0;
	for (let i = 0; i < resources.length; i++) {
		if (allocatable[i] === 0) continue;
		score += per(i) * resources[i].weight;
		weights += resources[i].weight;
	}
	return weights === 0 ? 0 : idiv(score, weights);
}

export function leastAllocatedScorer(resources: readonly ResourceSpec[]): Scorer {
	return (req, alloc) => weightedMean(resources, (i) => leastRequestedScore(req[i], alloc[i]), alloc);
}

export function mostAllocatedScorer(resources: readonly ResourceSpec[]): Scorer {
	return (req, alloc) => weightedMean(resources, (i) => mostRequestedScore(req[i], alloc[i]), alloc);
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
	const fractions: number[] = [];
	let total = 0;
	for (let i = 0; i < requested.length; i++) {
		if (allocatable[i] === 0) continue;
		const f = Math.min(1, requested[i] / allocatable[i]);
		total += f;
		fractions.push(f);
	}
	let std = 0;
	if (fractions.length === 2) std = Math.abs((fractions[0] - fractions[1]) / 2);
	else if (fractions.length > 2) {
		const mean = total / fractions.length;
		std = Math.sqrt(fractions.reduce((s, f) => s + (f - mean) * (f - mean), 0) / fractions.length);
	}
	return Math.trunc((1 - std) * MAX_NODE_SCORE);
}
