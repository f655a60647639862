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
import type { Node, Pod } from '../types';

export const NAME = 'InterPodAffinity';
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

export interface InterPodAffinityArgs {
	hardPodAffinityWeight?: number;
	ignorePreferredTermsOfExistingPods?: boolean;
}

/** topologyPair counts keyed `key\0value`. */
type Counts = Map<string, number>;
const pair = (k: string, v: string) => `${k}\0${v}`;

function bump(m: Counts, node: Node, key: string, by: number): void {
	const v = node.metadata.labels?.[key];
	if (v === undefined) return;
	const p = pair(key, v);
	const n = (m.get(p) ?? 0) + by;
	if (n === 0) m.delete(p);
	else m.set(p, n);
}

interface PreFilterState {
	pi: PodInfo;
	existingAntiAffinityCounts: Counts;
	affinityCounts: Counts;
	antiAffinityCounts: Counts;
}

const preFilterKey = stateKey<PreFilterState>('PreFilter' + NAME);
const preScoreKey = stateKey<Map<string, Map<string, number>>>('PreScore' + NAME);

const nsLabelsOf = (snap: Snapshot, pod: Pod) => snap.namespaceLabels(pod.metadata.namespace ?? 'default');

/** podMatchesAllAffinityTerms: false for no terms. */
function matchesAll(snap: Snapshot, terms: readonly AffinityTerm[], pod: Pod): boolean {
	if (terms.length === 0) return false;
	const ns = nsLabelsOf(snap, pod);
	return terms.every((t) => termMatches(t, pod, ns));
}

export function computePreFilterState(snap: Snapshot, pod: Pod): PreFilterState {
	const pi = podInfoOf(pod);
	const podNs = nsLabelsOf(snap, pod);
	const existingAntiAffinityCounts: Counts = new Map();
	for (const ni of snap.havePodsWithRequiredAntiAffinity)
		for (const e of ni.podsWithRequiredAntiAffinity)
			for (const t of e.requiredAntiAffinityTerms) if (termMatches(t, pod, podNs)) bump(existingAntiAffinityCounts, ni.node, t.topologyKey, 1);
	const affinityCounts: Counts = new Map();
	const antiAffinityCounts: Counts = new Map();
	if (pi.requiredAffinityTerms.length || pi.requiredAntiAffinityTerms.length) {
		for (const ni of snap.nodes)
			for (const e of ni.pods) {
				if (matchesAll(snap, pi.requiredAffinityTerms, e.pod)) for (const t of pi.requiredAffinityTerms) bump(affinityCounts, ni.node, t.topologyKey, 1);
				const ens = nsLabelsOf(snap, e.pod);
				for (const t of pi.requiredAntiAffinityTerms) if (termMatches(t, e.pod, ens)) bump(antiAffinityCounts, ni.node, t.topologyKey, 1);
			}
	}
	return { pi, existingAntiAffinityCounts, affinityCounts, antiAffinityCounts };
}

function satisfyPodAffinity(snap: Snapshot, s: PreFilterState, node: Node): boolean {
	let podsExist = true;
	for (const t of s.pi.requiredAffinityTerms) {
		const v = node.metadata.labels?.[t.topologyKey];
		if (v === undefined) return false; // every topology key must exist on the node
		if ((s.affinityCounts.get(pair(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
	}
	// The first pod of a group with affinity to itself may go anywhere that has the keys.
	if (!podsExist) return s.affinityCounts.size === 0 && matchesAll(snap, s.pi.requiredAffinityTerms, s.pi.pod);
	return true;
}

function satisfyPodAntiAffinity(s: PreFilterState, node: Node): boolean {
	if (s.antiAffinityCounts.size === 0) return true;
	for (const t of s.pi.requiredAntiAffinityTerms) {
		const v = node.metadata.labels?.[t.topologyKey];
		if (v !== undefined && (s.antiAffinityCounts.get(pair(t.topologyKey, v)) ?? 0) > 0) return false;
	}
	return true;
}

function satisfyExistingPodsAntiAffinity(s: PreFilterState, node: Node): boolean {
	if (s.existingAntiAffinityCounts.size === 0) return true;
	for (const [k, v] of Object.entries(node.metadata.labels ?? {})) if ((s.existingAntiAffinityCounts.get(pair(k, v)) ?? 0) > 0) return false;
	return true;
}

function filterNode(state: CycleState, pod: Pod, node: NodeInfo): Status {
	const s = state.read(preFilterKey) ?? computePreFilterState(state.snapshot, pod);
	if (!satisfyPodAffinity(state.snapshot, s, node.node)) return new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_AFFINITY]);
	if (!satisfyPodAntiAffinity(s, node.node)) return new Status(Code.Unschedulable, [ERR_REASON_ANTI_AFFINITY]);
	if (!satisfyExistingPodsAntiAffinity(s, node.node)) return new Status(Code.Unschedulable, [ERR_REASON_EXISTING_ANTI_AFFINITY]);
	return SUCCESS;
}

type TopoScore = Map<string, Map<string, number>>;

function processTerm(m: TopoScore, t: AffinityTerm, weight: number, pod: Pod, nsLabels: Record<string, string> | undefined, node: Node, mult: number): void {
	if (!termMatches(t, pod, nsLabels)) return;
	const v = node.metadata.labels?.[t.topologyKey];
	if (v === undefined) return;
	let byValue = m.get(t.topologyKey);
	if (!byValue) m.set(t.topologyKey, (byValue = new Map()));
	byValue.set(v, (byValue.get(v) ?? 0) + weight * mult);
}

function processTerms(m: TopoScore, terms: readonly WeightedAffinityTerm[], pod: Pod, ns: Record<string, string> | undefined, node: Node, mult: number) {
	for (const t of terms) processTerm(m, t, t.weight, pod, ns, node, mult);
}

/** A node with at least one label (without allocating its key list). */
function hasLabels(node: Node): boolean {
	for (const _ in node.metadata.labels ?? {}) return true;
	return false;
}

/** PreScore's per-topology scores; undefined means Skip (nothing matched anywhere). */
export function computeTopologyScore(snap: Snapshot, pod: Pod, args: InterPodAffinityArgs): TopoScore | undefined {
	const pi = podInfoOf(pod);
	const hasConstraints = pi.preferredAffinityTerms.length + pi.preferredAntiAffinityTerms.length > 0;
	if (args.ignorePreferredTermsOfExistingPods && !hasConstraints) return undefined;
	const hard = args.hardPodAffinityWeight ?? 1;
	const podNs = nsLabelsOf(snap, pod);
	const m: TopoScore = new Map();
	for (const ni of hasConstraints ? snap.nodes : snap.havePodsWithAffinity) {
		const node = ni.node;
		const existing = hasConstraints ? ni.pods : ni.podsWithAffinity;
		if (existing.length === 0 || !hasLabels(node)) continue;
		for (const e of existing) {
			const ens = nsLabelsOf(snap, e.pod);
			processTerms(m, pi.preferredAffinityTerms, e.pod, ens, node, 1);
			processTerms(m, pi.preferredAntiAffinityTerms, e.pod, ens, node, -1);
			if (hard > 0) for (const t of e.requiredAffinityTerms) processTerm(m, t, hard, pod, podNs, node, 1);
			processTerms(m, e.preferredAffinityTerms, pod, podNs, node, 1);
			processTerms(m, e.preferredAntiAffinityTerms, pod, podNs, node, -1);
		}
	}
	return m.size > 0 ? m : undefined;
}

export function create(rawArgs?: unknown): Plugin {
	const args = (rawArgs ?? {}) as InterPodAffinityArgs;
	return {
		name: NAME,
		preFilter(state, pod) {
			const s = computePreFilterState(state.snapshot, pod);
			if (s.existingAntiAffinityCounts.size === 0 && s.pi.requiredAffinityTerms.length === 0 && s.pi.requiredAntiAffinityTerms.length === 0) return SKIP;
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
			const m = state.read(preScoreKey);
			let score = 0;
			if (!m) return 0;
			for (const [key, byValue] of m) {
				const v = node.labels[key];
				if (v !== undefined) score += byValue.get(v) ?? 0;
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
