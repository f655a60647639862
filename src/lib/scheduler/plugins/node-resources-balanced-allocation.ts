/**
 * NodeResourcesBalancedAllocation (plugins/noderesources/balanced_allocation.go): favours nodes
 * whose cpu and memory usage fractions (real requests, pod included) stay close to each other.
 * v1.32 scores best-effort pods too (the Skip for them came in v1.33).
 *
 * @module
 */
import { SUCCESS, stateKey, type Plugin } from '../framework';
import { DEFAULT_RESOURCES, balancedResourceScorer, podScoringRequests, scoreNode, type ResourceSpec } from './resource-allocation';

export const NAME = 'NodeResourcesBalancedAllocation';

export interface BalancedAllocationArgs {
	resources?: ResourceSpec[];
}

const preScoreKey = stateKey<number[]>('PreScore' + NAME);

export function create(rawArgs?: unknown): Plugin {
	const args = (rawArgs ?? {}) as BalancedAllocationArgs;
	const resources = args.resources?.length ? args.resources : DEFAULT_RESOURCES;
	return {
		name: NAME,
		preScore(state, pod) {
			state.write(preScoreKey, podScoringRequests(pod, resources, true));
			return SUCCESS;
		},
		score(state, pod, node) {
			const reqs = state.read(preScoreKey) ?? podScoringRequests(pod, resources, true);
			return scoreNode(node, reqs, resources, true, balancedResourceScorer);
		}
	} satisfies Plugin;
}
