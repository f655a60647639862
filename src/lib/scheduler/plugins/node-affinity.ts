/**
 * NodeAffinity (plugins/nodeaffinity): Filter = `spec.nodeSelector` AND required node affinity
 * (plus the profile's `addedAffinity`); PreFilter narrows to the node names a `metadata.name`
 * matchFields pins; Score = Σ weights of matching preferred terms, normalized by the maximum.
 *
 * @module
 */
import { Code, Status, SKIP, SUCCESS, type Plugin, type PreFilterResult } from '../framework';
import { defaultNormalizeScore, nodeSelectorMatches, podMatchesNodeSelectorAndAffinity, termMatchesNode } from '../helpers';
import type { Affinity, Node, Pod } from '../types';

export const NAME = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

export interface NodeAffinityArgs {
	addedAffinity?: Affinity['nodeAffinity'];
}

/** PreFilter's node-name subset: every term must pin `metadata.name In [...]`, else all nodes. */
function pinnedNodeNames(pod: Pod): Set<string> | undefined | 'conflict' {
	const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
	if (terms.length === 0) return undefined;
	let names: Set<string> | undefined;
	for (const t of terms) {
		let termNames: Set<string> | undefined;
		for (const r of t.matchFields ?? []) {
			if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
			const s = new Set(r.values ?? []);
			termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
		}
		if (!termNames) return undefined; // terms are OR-ed: an unpinned term allows every node
		names = new Set([...(names ?? []), ...termNames]);
	}
	return names && names.size === 0 ? 'conflict' : names;
}

/** Σ weights of the preferred terms (and added preferred terms) the node matches. */
export function preferredScore(pod: Pod, node: Node, args: NodeAffinityArgs): number {
	let sum = 0;
	const prefs = [
		...(pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []),
		...(args.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
	];
	for (const p of prefs) if (p.weight !== 0 && termMatchesNode(p.preference, node)) sum += p.weight;
	return sum;
}

export function create(rawArgs?: unknown): Plugin {
	const args = (rawArgs ?? {}) as NodeAffinityArgs;
	const added = args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
	const hasAddedPreferred = (args.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;
	return {
		name: NAME,
		preFilter(_state, pod): PreFilterResult | Status {
			const na = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
			if (!na && !added && !pod.spec.nodeSelector) return SKIP;
			const pinned = pinnedNodeNames(pod);
			if (pinned === 'conflict') return new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_CONFLICT]);
			return { status: SUCCESS, nodeNames: pinned };
		},
		filter(_state, pod, node) {
			if (added && !nodeSelectorMatches(added, node.node)) return new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_ENFORCED]);
			if (!podMatchesNodeSelectorAndAffinity(pod, node.node)) return new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_POD]);
			return SUCCESS;
		},
		preScore(_state, pod) {
			const prefs = pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
			return prefs.length === 0 && !hasAddedPreferred ? SKIP : SUCCESS;
		},
		score(_state, pod, node) {
			return preferredScore(pod, node.node, args);
		},
		normalizeScore(_state, _pod, scores) {
			defaultNormalizeScore(scores, false);
		},
		events: ['NodeAdd', 'NodeUpdateLabel']
	} satisfies Plugin;
}
