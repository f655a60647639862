/**
 * InterPodAffinity (plugins/interpodaffinity/{filtering,scoring}.go). Filter, in this order:
 * the pod's required affinity (U&U), its required anti-affinity, and existing pods' required
 * anti-affinity against it. Score sums, per topology domain, the preferred terms on both sides
 * (and existing pods' required affinity × hardPodAffinityWeight), normalized min–max.
 *
 * @module
 */
import { Code, MAX_NODE_SCORE, Status, SKIP, SUCCESS, stateKey, type CycleState, type Plugin } from '../framework';
import { podInfoOf, termMatches, type AffinityTerm, type NodeInfo, type PodInfo, type WeightedAffinityTerm } from '../node-info';
import type { Snapshot } from '../snapshot';
import { domainCounts, matchingTermGroups, readsNamespaceLabels, termSignature, type DomainCounts, type TermGroup, type TermKind } from '../topology-counts';
import type { Node, Pod } from '../types';

export const NAME = 'InterPodAffinity';
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

export interface InterPodAffinityArgs {
	hardPodAffinityWeight?: number;
	ignorePreferredTermsOfExistingPods?: boolean;
}

/**
 * The PreFilter state. `existingAntiAffinityCounts` of the real plugin is kept as the groups of
 * existing pods' required anti-affinity terms that match the pod; `affinityCounts` and
 * `antiAffinityCounts` as one domain count per incoming term (counts kept across cycles,
 * topology-counts.ts; read-only).
 */
interface PreFilterState {
	pi: PodInfo;
	existingAntiAffinity: TermGroup[];
	/** Per required affinity term: pods matching all the terms, per domain of the term's key. */
	affinityCounts: DomainCounts[];
	/** Per required anti-affinity term: pods matching it, per domain of the term's key. */
	antiAffinityCounts: DomainCounts[];
}

/** One addend of a node's score: `mult` × the weight its value of `key` has in `weights`. */
interface ScorePart {
	key: string;
	mult: number;
	weights: ReadonlyMap<string, number>;
}

const preFilterKey = stateKey<PreFilterState>('PreFilter' + NAME);
const preScoreKey = stateKey<ScorePart[]>('PreScore' + NAME);

const nsLabelsOf = (snap: Snapshot, pod: Pod) => snap.namespaceLabels(pod.metadata.namespace ?? 'default');

/** podMatchesAllAffinityTerms: false for no terms. */
function matchesAll(snap: Snapshot, terms: readonly AffinityTerm[], pod: Pod): boolean {
	if (terms.length === 0) return false;
	const ns = nsLabelsOf(snap, pod);
	return terms.every((t) => termMatches(t, pod, ns));
}

/** Existing pods matching `matches`, per domain of `topologyKey` (kept across cycles unless a term reads namespace labels). */
function podCounts(snap: Snapshot, terms: readonly AffinityTerm[], topologyKey: string, matches: (p: Pod) => boolean): DomainCounts {
	const key = terms.some(readsNamespaceLabels) ? undefined : `${NAME}\0${terms.map(termSignature).join('\0')}\0${topologyKey}`;
	return domainCounts(
		snap,
		key,
		(ni) => ni.node.metadata.labels?.[topologyKey],
		(ni) => {
			let n = 0;
			for (const e of ni.pods) if (matches(e.pod)) n++;
			return n;
		}
	);
}

export function computePreFilterState(snap: Snapshot, pod: Pod): PreFilterState {
	const pi = podInfoOf(pod);
	const existingAntiAffinity = matchingTermGroups(snap, pod, nsLabelsOf(snap, pod), ['requiredAntiAffinity']);
	const aff = pi.requiredAffinityTerms;
	const affinityCounts = aff.map((t) => podCounts(snap, aff, t.topologyKey, (p) => matchesAll(snap, aff, p)));
	const antiAffinityCounts = pi.requiredAntiAffinityTerms.map((t) => podCounts(snap, [t], t.topologyKey, (p) => termMatches(t, p, nsLabelsOf(snap, p))));
	return { pi, existingAntiAffinity, affinityCounts, antiAffinityCounts };
}

/** Whether `counts` has a pod in the node's domain of `key` (a pair shared by terms on one key adds up: any > 0 will do). */
const hasPods = (c: DomainCounts, v: string) => (c.counts.get(v) ?? 0) > 0;

function satisfyPodAffinity(snap: Snapshot, s: PreFilterState, node: Node): boolean {
	let podsExist = true;
	const terms = s.pi.requiredAffinityTerms;
	for (let i = 0; i < terms.length; i++) {
		const v = node.metadata.labels?.[terms[i].topologyKey];
		if (v === undefined) return false; // every topology key must exist on the node
		if (!hasPods(s.affinityCounts[i], v)) podsExist = false;
	}
	// The first pod of a group with affinity to itself may go anywhere that has the keys.
	if (!podsExist) return s.affinityCounts.every((c) => c.total === 0) && matchesAll(snap, terms, s.pi.pod);
	return true;
}

function satisfyPodAntiAffinity(s: PreFilterState, node: Node): boolean {
	const terms = s.pi.requiredAntiAffinityTerms;
	for (let i = 0; i < terms.length; i++) {
		const v = node.metadata.labels?.[terms[i].topologyKey];
		if (v !== undefined && hasPods(s.antiAffinityCounts[i], v)) return false;
	}
	return true;
}

function satisfyExistingPodsAntiAffinity(s: PreFilterState, node: Node): boolean {
	for (const g of s.existingAntiAffinity) {
		const v = node.metadata.labels?.[g.term.topologyKey];
		if (v !== undefined && g.terms.has(v)) return false;
	}
	return true;
}

function filterNode(state: CycleState, pod: Pod, node: NodeInfo): Status {
	const s = state.read(preFilterKey) ?? computePreFilterState(state.snapshot, pod);
	if (!satisfyPodAffinity(state.snapshot, s, node.node)) return new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_AFFINITY]);
	if (!satisfyPodAntiAffinity(s, node.node)) return new Status(Code.Unschedulable, [ERR_REASON_ANTI_AFFINITY]);
	if (!satisfyExistingPodsAntiAffinity(s, node.node)) return new Status(Code.Unschedulable, [ERR_REASON_EXISTING_ANTI_AFFINITY]);
	return SUCCESS;
}

/**
 * PreScore's topology score as addends (undefined means Skip: nothing matched anywhere). The real
 * one sums, per domain, every match of the pod's preferred terms against existing pods and of
 * existing pods' terms against the pod; the same sums come from per-term counts and from the
 * existing terms grouped by signature.
 */
export function computeTopologyScore(snap: Snapshot, pod: Pod, args: InterPodAffinityArgs): ScorePart[] | undefined {
	const pi = podInfoOf(pod);
	const hasConstraints = pi.preferredAffinityTerms.length + pi.preferredAntiAffinityTerms.length > 0;
	if (args.ignorePreferredTermsOfExistingPods && !hasConstraints) return undefined;
	const hard = args.hardPodAffinityWeight ?? 1;
	const parts: ScorePart[] = [];
	let matched = false;
	const own = (terms: readonly WeightedAffinityTerm[], sign: number) => {
		for (const t of terms) {
			const c = podCounts(snap, [t], t.topologyKey, (p) => termMatches(t, p, nsLabelsOf(snap, p)));
			if (c.total === 0) continue;
			matched = true;
			parts.push({ key: t.topologyKey, mult: sign * t.weight, weights: c.counts });
		}
	};
	own(pi.preferredAffinityTerms, 1);
	own(pi.preferredAntiAffinityTerms, -1);
	const kinds: TermKind[] = hard > 0 ? ['requiredAffinity', 'preferredAffinity', 'preferredAntiAffinity'] : ['preferredAffinity', 'preferredAntiAffinity'];
	for (const g of matchingTermGroups(snap, pod, nsLabelsOf(snap, pod), kinds)) {
		matched = true;
		parts.push({ key: g.term.topologyKey, mult: g.kind === 'requiredAffinity' ? hard : g.kind === 'preferredAffinity' ? 1 : -1, weights: g.weights });
	}
	return matched ? parts : undefined;
}

export function create(rawArgs?: unknown): Plugin {
	const args = (rawArgs ?? {}) as InterPodAffinityArgs;
	return {
		name: NAME,
		preFilter(state, pod) {
			const s = computePreFilterState(state.snapshot, pod);
			if (s.existingAntiAffinity.length === 0 && s.pi.requiredAffinityTerms.length === 0 && s.pi.requiredAntiAffinityTerms.length === 0) return SKIP;
			state.write(preFilterKey, s);
			return SUCCESS;
		},
		filter: filterNode,
		preScore(state, pod, nodes) {
			if (nodes.length === 0) return SUCCESS;
			const m = computeTopologyScore(state.snapshot, pod, args);
			if (!m) return SKIP;
			state.write(preScoreKey, m);
			return SUCCESS;
		},
		score(state, _pod, node) {
			const parts = state.read(preScoreKey);
			let score = 0;
			if (!parts) return 0;
			for (const p of parts) {
				const v = node.labels[p.key];
				if (v !== undefined) score += p.mult * (p.weights.get(v) ?? 0);
			}
			return score;
		},
		normalizeScore(state, _pod, scores) {
			if (!state.read(preScoreKey)) return;
			let min = Infinity;
			let max = -Infinity;
			for (const s of scores) {
				if (s.score > max) max = s.score;
				if (s.score < min) min = s.score;
			}
			const diff = max - min;
			for (const s of scores) s.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((s.score - min) / diff)) : 0;
		},
		events: ['PodAdd', 'PodUpdate', 'PodDelete', 'NodeAdd', 'NodeUpdateLabel', 'NamespaceAdd', 'NamespaceUpdate']
	} satisfies Plugin;
}
