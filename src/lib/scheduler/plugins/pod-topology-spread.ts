/**
 * PodTopologySpread (plugins/podtopologyspread/{common,filtering,scoring}.go). Filter enforces
 * the pod's DoNotSchedule constraints (count in the node's domain + self − global minimum ≤
 * maxSkew; minimum is 0 while there are fewer domains than minDomains). Score uses the
 * ScheduleAnyway constraints, or the system defaults (hostname 3, zone 5) with a selector taken
 * from the Services/RCs/ReplicaSets/StatefulSets selecting the pod.
 *
 * @module
 */
import { Code, MAX_NODE_SCORE, Status, SKIP, SUCCESS, stateKey, type Plugin } from '../framework';
import { doNotScheduleTaint, firstUntoleratedTaint, podMatchesNodeSelectorAndAffinity } from '../helpers';
import { matchesLabels, type LabelSelector as Parsed, type Requirement } from '../../kube/label-selector';
import { parseSelector, type NodeInfo, type PodInfo } from '../node-info';
import { LABEL_HOSTNAME, LABEL_ZONE, type Snapshot } from '../snapshot';
import type { LabelSelector, Node, Pod, TopologySpreadConstraint } from '../types';
import { domainCounts, type DomainCounts } from '../topology-counts';

export const NAME = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + ' (missing required label)';

export interface PodTopologySpreadArgs {
	defaultConstraints?: TopologySpreadConstraint[];
	defaultingType?: 'System' | 'List';
}

export const SYSTEM_DEFAULT_CONSTRAINTS: TopologySpreadConstraint[] = [
	{ topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
	{ topologyKey: LABEL_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 }
];

interface Constraint {
	maxSkew: number;
	topologyKey: string;
	selector: Parsed;
	minDomains: number;
	honorAffinity: boolean;
	honorTaints: boolean;
}

/** filterTopologySpreadConstraints: those with `action`, matchLabelKeys merged into the selector. */
function constraintsFor(list: readonly TopologySpreadConstraint[], pod: Pod, action: string): Constraint[] {
	return list
		.filter((c) => c.whenUnsatisfiable === action)
		.map((c) => {
			let selector = parseSelector(c.labelSelector);
			const extra: Requirement[] = [];
			for (const k of c.matchLabelKeys ?? []) {
				const v = pod.metadata.labels?.[k];
				if (v !== undefined) extra.push({ key: k, op: '=', values: [v] });
			}
			if (extra.length) selector = { ...selector, requirements: [...selector.requirements, ...extra] };
			return {
				maxSkew: c.maxSkew,
				topologyKey: c.topologyKey,
				selector,
				minDomains: c.minDomains ?? 1,
				honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
				honorTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor'
			};
		});
}

/** helper.DefaultSelector: Services' selectors merged, plus the controlling RC/RS/StatefulSet's. */
export function defaultSelector(snap: Snapshot, pod: Pod): Parsed {
	const ns = pod.metadata.namespace ?? 'default';
	const set: Record<string, string> = {};
	const objs = snap.objects.podSelectors.filter((o) => (o.metadata.namespace ?? 'default') === ns);
	for (const svc of objs.filter((o) => o.kind === 'Service')) {
		const sel = (svc.spec.selector ?? {}) as Record<string, string>;
		if (Object.entries(sel).every(([k, v]) => pod.metadata.labels?.[k] === v)) Object.assign(set, sel);
	}
	const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
	const ownerObj = owner && objs.find((o) => o.kind === owner.kind && o.metadata.name === owner.name);
	if (ownerObj?.kind === 'ReplicationController') Object.assign(set, ownerObj.spec.selector ?? {});
	const reqs: Requirement[] = Object.entries(set).map(([key, v]) => ({ key, op: '=', values: [v] }));
	if (ownerObj && (ownerObj.kind === 'ReplicaSet' || ownerObj.kind === 'StatefulSet')) {
		const other = parseSelector(ownerObj.spec.selector as LabelSelector);
		if (!other.nothing) reqs.push(...other.requirements);
	}
	return { requirements: reqs };
}

function podConstraints(snap: Snapshot, pod: Pod, action: string, args: PodTopologySpreadArgs): Constraint[] {
	if (pod.spec.topologySpreadConstraints?.length) return constraintsFor(pod.spec.topologySpreadConstraints, pod, action);
	const defaults = args.defaultingType === 'List' ? (args.defaultConstraints ?? []) : SYSTEM_DEFAULT_CONSTRAINTS;
	const cs = constraintsFor(defaults, pod, action);
	if (cs.length === 0) return [];
	const selector = defaultSelector(snap, pod);
	if (selector.requirements.length === 0) return [];
	return cs.map((c) => ({ ...c, selector }));
}

/** countPodsMatchSelector: same namespace, not terminating; an empty selector counts nothing. */
export function countMatching(pods: readonly PodInfo[], selector: Parsed, ns: string): number {
	if (!selector.nothing && selector.requirements.length === 0) return 0;
	let n = 0;
	for (const p of pods) {
		const m = p.pod.metadata;
		if (m.deletionTimestamp || (m.namespace ?? 'default') !== ns) continue;
		if (matchesLabels(selector, m.labels)) n++;
	}
	return n;
}

function hasAllKeys(node: Node, cs: readonly Constraint[]): boolean {
	const l = node.metadata.labels ?? {};
	return cs.every((c) => c.topologyKey in l);
}

function passesInclusion(c: Constraint, pod: Pod, node: Node): boolean {
	if (c.honorAffinity && !podMatchesNodeSelectorAndAffinity(pod, node)) return false;
	if (c.honorTaints && firstUntoleratedTaint(node, pod.spec.tolerations, doNotScheduleTaint)) return false;
	return true;
}

interface PreFilterState {
	constraints: Constraint[];
	/** Per constraint: domain value → matching pods (read-only: kept for the next cycles). */
	counts: Array<ReadonlyMap<string, number>>;
	/** Per constraint: the global minimum and whether the pod matches its own selector (criticalPaths). */
	min: number[];
	self: number[];
}

const preFilterKey = stateKey<PreFilterState>('PreFilter' + NAME);

/** What decides which nodes a constraint counts, besides their labels: part of a count's memo key. */
function inclusionKey(c: Constraint, pod: Pod): string {
	const a = c.honorAffinity ? JSON.stringify([pod.spec.nodeSelector ?? null, pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null]) : '';
	const t = c.honorTaints ? JSON.stringify(pod.spec.tolerations ?? null) : '';
	return `${c.topologyKey}\0${a}\0${t}`;
}

/** Matching pods per domain of one constraint, kept across cycles (topology-counts.ts). */
function constraintCounts(snap: Snapshot, pod: Pod, c: Constraint, stage: string, domainOf: (ni: NodeInfo) => string | undefined): DomainCounts {
	const ns = pod.metadata.namespace ?? 'default';
	const key = `${NAME}\0${stage}\0${ns}\0${JSON.stringify(c.selector)}\0${inclusionKey(c, pod)}`;
	return domainCounts(snap, key, domainOf, (ni) => countMatching(ni.pods, c.selector, ns));
}

export function computePreFilterState(snap: Snapshot, pod: Pod, args: PodTopologySpreadArgs): PreFilterState {
	const constraints = podConstraints(snap, pod, 'DoNotSchedule', args);
	const keys = constraints.map((c) => c.topologyKey).join('\0');
	const counts = constraints.map((c) =>
		constraintCounts(snap, pod, c, `filter\0${keys}`, (ni) => (hasAllKeys(ni.node, constraints) && passesInclusion(c, pod, ni.node) ? ni.labels[c.topologyKey] : undefined)).counts
	);
	const min = constraints.map((c, i) => {
		if (counts[i].size < c.minDomains) return 0;
		let m = Infinity;
		for (const n of counts[i].values()) if (n < m) m = n;
		return m === Infinity ? 0 : m;
	});
	const self = constraints.map((c) => (matchesLabels(c.selector, pod.metadata.labels) ? 1 : 0));
	return { constraints, counts, min, self };
}

/** Failures are the same for every node: shared, not allocated per node. */
const LABEL_MISSING = Object.freeze(new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_NODE_LABEL_NOT_MATCH])) as Status;
const SKEWED = Object.freeze(new Status(Code.Unschedulable, [ERR_REASON_CONSTRAINTS_NOT_MATCH])) as Status;

function filterNode(s: PreFilterState, node: NodeInfo): Status {
	for (let i = 0; i < s.constraints.length; i++) {
		const v = node.labels[s.constraints[i].topologyKey];
		if (v === undefined) return LABEL_MISSING;
		if ((s.counts[i].get(v) ?? 0) + s.self[i] - s.min[i] > s.constraints[i].maxSkew) return SKEWED;
	}
	return SUCCESS;
}

interface PreScoreState {
	constraints: Constraint[];
	ignored: Set<string>;
	/** `key\0value` → matching pods in that domain (non-hostname constraints). */
	pairCounts: Map<string, number>;
	weights: number[];
	/** Constraint i's matching pods on one node (hostname constraints). */
	onNode: (i: number, node: NodeInfo) => number;
}

const preScoreKey = stateKey<PreScoreState>('PreScore' + NAME);

export function computePreScoreState(snap: Snapshot, pod: Pod, filtered: readonly NodeInfo[], args: PodTopologySpreadArgs): PreScoreState | undefined {
	const constraints = podConstraints(snap, pod, 'ScheduleAnyway', args);
	if (constraints.length === 0) return undefined;
	const requireAll = (pod.spec.topologySpreadConstraints?.length ?? 0) > 0 || args.defaultingType === 'List';
	const ignored = new Set<string>();
	const pairCounts = new Map<string, number>();
	const topoSize = constraints.map(() => 0);
	for (const ni of filtered) {
		if (requireAll && !hasAllKeys(ni.node, constraints)) {
			ignored.add(ni.name);
			continue;
		}
		constraints.forEach((c, i) => {
			if (c.topologyKey === LABEL_HOSTNAME) return;
			const p = `${c.topologyKey}\0${ni.labels[c.topologyKey] ?? ''}`;
			if (!pairCounts.has(p)) {
				pairCounts.set(p, 0);
				topoSize[i]++;
			}
		});
	}
	const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? filtered.length - ignored.size : topoSize[i]) + 2));
	// A pair's count adds up every constraint on that key (TopologyPairToPodCounts is keyed by pair).
	const keys = constraints.map((c) => c.topologyKey).join('\0');
	const counted = constraints.map((c) =>
		c.topologyKey === LABEL_HOSTNAME
			? undefined
			: constraintCounts(snap, pod, c, `score\0${requireAll ? keys : ''}`, (ni) => ((!requireAll || hasAllKeys(ni.node, constraints)) && passesInclusion(c, pod, ni.node) ? (ni.labels[c.topologyKey] ?? '') : undefined))
	);
	for (const p of pairCounts.keys()) {
		const [key, value] = p.split('\0');
		let sum = 0;
		constraints.forEach((c, i) => {
			if (c.topologyKey === key) sum += counted[i]?.counts.get(value) ?? 0;
		});
		pairCounts.set(p, sum);
	}
	const ns = pod.metadata.namespace ?? 'default';
	const onNode = constraints.map((c) => (c.topologyKey === LABEL_HOSTNAME ? constraintCounts(snap, pod, c, 'node', (ni) => ni.name).counts : undefined));
	return { constraints, ignored, pairCounts, weights, onNode: (i, node) => onNode[i]?.get(node.name) ?? countMatching(node.pods, constraints[i].selector, ns) };
}

/** Score: round(Σ cnt × ln(size + 2) + (maxSkew − 1)) over the constraints whose key the node has. */
function scoreNode(s: PreScoreState, node: NodeInfo): number {
	if (s.ignored.has(node.name)) return 0;
	let score = 0;
	s.constraints.forEach((c, i) => {
		const v = node.labels[c.topologyKey];
		if (v === undefined) return;
		const cnt = c.topologyKey === LABEL_HOSTNAME ? s.onNode(i, node) : (s.pairCounts.get(`${c.topologyKey}\0${v}`) ?? 0);
		score += cnt * s.weights[i] + (c.maxSkew - 1);
	});
	return Math.round(score);
}

export function create(rawArgs?: unknown): Plugin {
	const args = (rawArgs ?? {}) as PodTopologySpreadArgs;
	return {
		name: NAME,
		preFilter(state, pod) {
			const s = computePreFilterState(state.snapshot, pod, args);
			if (s.constraints.length === 0) return SKIP;
			state.write(preFilterKey, s);
			return SUCCESS;
		},
		filter(state, pod, node) {
			return filterNode(state.read(preFilterKey) ?? computePreFilterState(state.snapshot, pod, args), node);
		},
		preScore(state, pod, nodes) {
			if (nodes.length === 0 || state.snapshot.nodes.length === 0) return SUCCESS;
			const s = computePreScoreState(state.snapshot, pod, nodes, args);
			if (!s) return SKIP;
			state.write(preScoreKey, s);
			return SUCCESS;
		},
		score(state, _pod, node) {
			const s = state.read(preScoreKey);
			return s ? scoreNode(s, node) : 0;
		},
		normalizeScore(state, _pod, scores) {
			const s = state.read(preScoreKey);
			if (!s) return;
			let min = Infinity;
			let max = 0;
			for (const x of scores) {
				if (s.ignored.has(x.name)) continue;
				if (x.score < min) min = x.score;
				if (x.score > max) max = x.score;
			}
			for (const x of scores) {
				if (s.ignored.has(x.name)) x.score = 0;
				else if (max === 0) x.score = MAX_NODE_SCORE;
				else x.score = Math.trunc((MAX_NODE_SCORE * (max + min - x.score)) / max);
			}
		},
		events: ['PodAdd', 'PodUpdate', 'PodDelete', 'NodeAdd', 'NodeDelete', 'NodeUpdateLabel', 'NodeUpdateTaint']
	} satisfies Plugin;
}
