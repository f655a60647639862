/**
 * TaintToleration (plugins/tainttoleration): Filter rejects a node with a NoSchedule/NoExecute
 * taint the pod does not tolerate; Score counts untolerated PreferNoSchedule taints, normalized
 * reversed (fewer is better; no such taints anywhere = 100 for every node).
 *
 * @module
 */
import { Code, Status, SUCCESS, stateKey, type Plugin } from '../framework';
import { defaultNormalizeScore, doNotScheduleTaint, firstUntoleratedTaint, toleratesAny } from '../helpers';
import type { Taint, Toleration } from '../types';

export const NAME = 'TaintToleration';

/** The exact Filter reason: `node(s) had untolerated taint {key: value}`. */
export function untoleratedTaintReason(t: Taint): string {
	return `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;
}

const preScoreKey = stateKey<Toleration[]>('PreScore' + NAME);

/** countIntolerableTaintsPreferNoSchedule. */
export function countIntolerablePreferNoSchedule(taints: readonly Taint[], tolerations: readonly Toleration[]): number {
	let n = 0;
	for (const t of taints) if (t.effect === 'PreferNoSchedule' && !toleratesAny(tolerations, t)) n++;
	return n;
}

export function create(): Plugin {
	return {
		name: NAME,
		filter(_state, pod, node) {
			if (node.taints.length === 0) return SUCCESS;
			const taint = firstUntoleratedTaint(node.node, pod.spec.tolerations, doNotScheduleTaint);
			if (!taint) return SUCCESS;
			return new Status(Code.UnschedulableAndUnresolvable, [untoleratedTaintReason(taint)]);
		},
		preScore(state, pod) {
			// Only tolerations that can apply to PreferNoSchedule taints count.
			const tols = (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
			state.write(preScoreKey, tols);
			return SUCCESS;
		},
		score(state, _pod, node) {
			return node.taints.length === 0 ? 0 : countIntolerablePreferNoSchedule(node.taints, state.read(preScoreKey) ?? []);
		},
		normalizeScore(_state, _pod, scores) {
			defaultNormalizeScore(scores, true);
		},
		events: ['NodeAdd', 'NodeUpdateTaint', 'PodUpdate']
	} satisfies Plugin;
}
