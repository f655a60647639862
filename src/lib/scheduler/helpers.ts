/**
 * Shared helpers of the default plugins: toleration matching (v1 Toleration.ToleratesTaint),
 * node selectors (component-helpers nodeaffinity), and DefaultNormalizeScore
 * (plugins/helper/normalize_score.go).
 *
 * @module
 */
import { MAX_NODE_SCORE, type NodeScore } from './framework';
import type { Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration } from './types';

/** Toleration.ToleratesTaint: effect (empty = all), key (empty = all), Exists or Equal value. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
	if (t.effect && t.effect !== taint.effect) return false;
	if (t.key && t.key !== taint.key) return false;
	const op = t.operator ?? '';
	if (op === 'Exists') return true;
	if (op === '' || op === 'Equal') return (t.value ?? '') === (taint.value ?? '');
	return false;
}

export function toleratesAny(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
	return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/**
 * v1helper.FindMatchingUntoleratedTaint: the first taint passing `inScope` that no toleration
 * tolerates, in `spec.taints` order.
 */
export function firstUntoleratedTaint(node: Node, tolerations: readonly Toleration[] | undefined, inScope: (t: Taint) => boolean): Taint | undefined {
	for (const taint of node.spec?.taints ?? []) if (inScope(taint) && !toleratesAny(tolerations, taint)) return taint;
	return undefined;
}

/** DoNotScheduleTaintsFilterFunc: NoSchedule and NoExecute taints. */
export const doNotScheduleTaint = (t: Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

function intValue(s: string): number | undefined {
	return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

/** One node selector requirement against a value map (labels, or `{metadata.name}` for fields). */
function requirementMatches(r: NodeSelectorRequirement, values: Record<string, string>, fields: boolean): boolean {
	const vals = r.values ?? [];
	if (fields && (r.key !== 'metadata.name' || (r.operator !== 'In' && r.operator !== 'NotIn') || vals.length !== 1)) return false;
	const has = Object.prototype.hasOwnProperty.call(values, r.key);
	const v = values[r.key];
	// In/NotIn without values do not parse, and an unparsable term matches nothing.
	if ((r.operator === 'In' || r.operator === 'NotIn') && vals.length === 0) return false;
	switch (r.operator) {
		case 'In':
			return has && vals.includes(v);
		case 'NotIn':
			return !has || !vals.includes(v);
		case 'Exists':
			return has;
		case 'DoesNotExist':
			return !has;
		case 'Gt':
		case 'Lt': {
			const a = has ? intValue(v) : undefined;
			const b = vals.length === 1 ? intValue(vals[0]) : undefined;
			if (a === undefined || b === undefined) return false;
			return r.operator === 'Gt' ? a > b : a < b;
		}
		default:
			return false;
	}
}

/** A node selector term: expressions and fields AND-ed; an empty term matches nothing. */
export function termMatchesNode(term: NodeSelectorTerm, node: Node): boolean {
	const exprs = term.matchExpressions ?? [];
	const fields = term.matchFields ?? [];
	if (exprs.length === 0 && fields.length === 0) return false;
	const labels = node.metadata.labels ?? {};
	if (!exprs.every((r) => requirementMatches(r, labels, false))) return false;
	const fieldValues = { 'metadata.name': node.metadata.name };
	return fields.every((r) => requirementMatches(r, fieldValues, true));
}

/** NodeSelector: terms OR-ed. */
export function nodeSelectorMatches(sel: NodeSelector, node: Node): boolean {
	return (sel.nodeSelectorTerms ?? []).some((t) => termMatchesNode(t, node));
}

/**
 * nodeaffinity.GetRequiredNodeAffinity(pod).Match: `spec.nodeSelector` (every pair equal) AND
 * the required node affinity terms.
 */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
	const labels = node.metadata.labels ?? {};
	for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
	const req = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
	return req ? nodeSelectorMatches(req, node) : true;
}

/**
 * DefaultNormalizeScore: scale to [0, maxPriority] by the maximum (integer division); with
 * `reverse`, subtract from maxPriority. All-zero scores become maxPriority when reversed.
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean, maxPriority = MAX_NODE_SCORE): void {
	let max = 0;
	for (const s of scores) if (s.score > max) max = s.score;
	if (max === 0) {
		if (reverse) for (const s of scores) s.score = maxPriority;
		return;
	}
	for (const s of scores) {
		let v = Math.trunc((maxPriority * s.score) / max);
		if (reverse) v = maxPriority - v;
		s.score = v;
	}
}

/** Go integer division (truncates toward zero). */
export function idiv(a: number, b: number): number {
	return Math.trunc(a / b);
}
