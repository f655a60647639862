/**
 * The Scheduler view's model, read from SchedulingDecision objects (one per pod, the latest
 * attempt; shape in $lib/scheduler/decision-record.ts) and the pods: which pods were placed where
 * or why not, and for one decision a node × plugin table (filter verdict and reason; raw,
 * normalized and weighted score per plugin; the total; the winner and the tie set).
 *
 * @module
 */
import type { KubeObject } from '$lib/controllers/types';
import { CONFIG_KEY, CONFIG_NAME, CONFIG_NAMESPACE, loadConfigText } from '$lib/scheduler/config-file';
import { loadSchedulerConfiguration } from '$lib/scheduler/config-validation';
import { CONFIG_API_VERSION, CONFIG_KIND } from '$lib/scheduler/profile';
import type { PluginCell } from '$lib/scheduler/schedule-one';

export interface DecisionRecord {
	metadata: { name?: string; namespace?: string };
	result: 'Scheduled' | 'Unschedulable' | 'Error';
	node?: string;
	attempt: number;
	time: string;
	profile?: string;
	configVersion?: number;
	revision?: string;
	reason?: string;
	message?: string;
	nodes: { total: number; toFind: number; startIndex: number; feasible: number; failed: number; notEvaluated: number; complete: boolean };
	nominatedNode?: { node: string; passed: boolean };
	preFilter?: { skipped?: string[]; rejectedBy?: string; message?: string; nodeNames?: string[] };
	filter: {
		reasons: Array<{ plugin: string; reason: string; count: number }>;
		verdicts: Array<{ node: string; verdict: 'feasible' | 'failed' | 'not-evaluated'; plugin?: string; code?: string; reasons?: string[] }>;
	};
	score?: { plugins: Array<{ name: string; weight: number }>; skipped: string[]; rows: Array<{ node: string; total: number; plugins: Record<string, PluginCell> }>; rowsOmitted: number };
	ties?: string[];
	winner?: string;
	postFilter?: { plugin?: string; nominatedNodeName?: string; message?: string; victims?: string[] };
}

export type PodResult = DecisionRecord['result'] | 'Waiting';

export interface PodDecisionRow {
	key: string;
	namespace: string;
	name: string;
	result: PodResult;
	node?: string;
	message?: string;
	time?: string;
	attempt?: number;
	record?: DecisionRecord;
}

const RESULT_ORDER: Record<PodResult, number> = { Unschedulable: 0, Error: 1, Waiting: 2, Scheduled: 3 };

/**
 * One row per pod with a decision, plus pending pods the scheduler has not tried yet (`Waiting`).
 * Unschedulable first, then newest attempt first.
 */
export function podDecisionRows(decisions: readonly KubeObject[], pods: readonly KubeObject[]): PodDecisionRow[] {
	const rows = new Map<string, PodDecisionRow>();
	for (const d of decisions as unknown as DecisionRecord[]) {
		const key = `${d.metadata.namespace}/${d.metadata.name}`;
		rows.set(key, { key, namespace: d.metadata.namespace ?? '', name: d.metadata.name ?? '', result: d.result, node: d.node, message: d.message, time: d.time, attempt: d.attempt, record: d });
	}
	for (const p of pods) {
		const key = `${p.metadata.namespace}/${p.metadata.name}`;
		if (rows.has(key) || p.spec?.nodeName || p.metadata.deletionTimestamp || p.status?.phase !== 'Pending') continue;
		rows.set(key, { key, namespace: p.metadata.namespace ?? '', name: p.metadata.name ?? '', result: 'Waiting' });
	}
	return [...rows.values()].sort((a, b) => RESULT_ORDER[a.result] - RESULT_ORDER[b.result] || (b.time ?? '').localeCompare(a.time ?? '') || a.key.localeCompare(b.key));
}

export type Verdict = 'feasible' | 'failed' | 'not-evaluated' | 'not-recorded';

export interface NodeDecisionRow {
	node: string;
	verdict: Verdict;
	/** The filter plugin that rejected the node. */
	plugin?: string;
	reasons: string[];
	scores?: Record<string, PluginCell>;
	total?: number;
	winner: boolean;
	/** Shared the top total (the winner was picked among these). */
	tie: boolean;
}

/**
 * The per-node rows of a decision. `nodeNames` (the cluster's nodes) adds the nodes a bounded
 * record (over 100 nodes) did not keep, as `not-recorded`.
 */
export function nodeDecisionRows(d: DecisionRecord, nodeNames: readonly string[] = []): NodeDecisionRow[] {
	const rows = new Map<string, NodeDecisionRow>();
	const ties = new Set(d.ties ?? []);
	const row = (node: string, verdict: Verdict): NodeDecisionRow => ({ node, verdict, reasons: [], winner: node === d.winner, tie: ties.has(node) });
	for (const v of d.filter.verdicts) rows.set(v.node, { ...row(v.node, v.verdict), plugin: v.plugin, reasons: v.reasons ?? [] });
	for (const s of d.score?.rows ?? []) {
		const r = rows.get(s.node) ?? row(s.node, 'feasible');
		rows.set(s.node, { ...r, verdict: 'feasible', scores: s.plugins, total: s.total });
	}
	// With one feasible node the scheduler does not score; the winner is still feasible.
	if (d.winner && !rows.has(d.winner)) rows.set(d.winner, row(d.winner, 'feasible'));
	if (!d.nodes.complete) for (const n of nodeNames) if (!rows.has(n)) rows.set(n, row(n, 'not-recorded'));
	return [...rows.values()];
}

export type SortKey = 'total' | 'node' | 'verdict';

const VERDICT_ORDER: Record<Verdict, number> = { feasible: 0, failed: 1, 'not-evaluated': 2, 'not-recorded': 3 };

/** Sorted copy: by final score (highest first, unscored last), by name, or by verdict. */
export function sortNodeRows(rows: readonly NodeDecisionRow[], key: SortKey, descending = true): NodeDecisionRow[] {
	const dir = descending ? 1 : -1;
	const byName = (a: NodeDecisionRow, b: NodeDecisionRow) => a.node.localeCompare(b.node, undefined, { numeric: true });
	const cmp: Record<SortKey, (a: NodeDecisionRow, b: NodeDecisionRow) => number> = {
		total: (a, b) => dir * ((b.total ?? -1) - (a.total ?? -1)) || VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] || byName(a, b),
		node: (a, b) => -dir * byName(a, b),
		verdict: (a, b) => dir * (VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict]) || (b.total ?? -1) - (a.total ?? -1) || byName(a, b)
	};
	return [...rows].sort(cmp[key]);
}

export interface ComparedPlugin {
	name: string;
	weight: number;
	a?: PluginCell;
	b?: PluginCell;
	/** Weighted A − weighted B (undefined unless both were scored). */
	diff?: number;
	/** The plugin whose weighted difference is the largest in absolute value. */
	decisive: boolean;
}

export interface NodeComparison {
	a: NodeDecisionRow;
	b: NodeDecisionRow;
	plugins: ComparedPlugin[];
	/** Total A − total B when both were scored. */
	totalDiff?: number;
	/** One sentence: why A and not B (or the other way round). */
	why: string;
}

/** What happened to a node that was not scored, in words. */
function notScored(r: NodeDecisionRow, d: DecisionRecord): string {
	switch (r.verdict) {
		case 'failed':
			return `${r.node} was filtered out by ${r.plugin}: ${r.reasons.join(', ')}`;
		case 'not-evaluated':
			return `${r.node} was not evaluated: the search stopped once ${d.nodes.toFind} feasible nodes were found (percentageOfNodesToScore)`;
		case 'not-recorded':
			return `${r.node} is not kept in this record (it keeps the top ${d.score?.rows.length ?? 0} scored nodes of ${d.nodes.total})`;
		default:
			return `${r.node} passed every filter but was not scored (a single feasible node is taken without scoring)`;
	}
}

/**
 * Two nodes of one decision side by side: each score plugin's raw → normalized × weight for
 * both, the weighted difference, the plugin that decided it most, and a sentence saying why one
 * and not the other.
 */
export function compareNodes(d: DecisionRecord, nodeA: string, nodeB: string, nodeNames: readonly string[] = []): NodeComparison | undefined {
	const rows = nodeDecisionRows(d, nodeNames);
	const a = rows.find((r) => r.node === nodeA);
	const b = rows.find((r) => r.node === nodeB);
	if (!a || !b) return undefined;
	const skipped = new Set(d.score?.skipped ?? []);
	const plugins: ComparedPlugin[] = (d.score?.plugins ?? [])
		.filter((p) => !skipped.has(p.name))
		.map((p) => {
			const ca = a.scores?.[p.name];
			const cb = b.scores?.[p.name];
			return { name: p.name, weight: p.weight, a: ca, b: cb, diff: ca && cb ? ca.weighted - cb.weighted : undefined, decisive: false };
		});
	let decisive: ComparedPlugin | undefined;
	for (const p of plugins) if (p.diff && (!decisive || Math.abs(p.diff) > Math.abs(decisive.diff!))) decisive = p;
	if (decisive) decisive.decisive = true;
	const totalDiff = a.total !== undefined && b.total !== undefined ? a.total - b.total : undefined;
	let why: string;
	if (totalDiff === undefined) {
		const parts = [a, b].filter((r) => r.total === undefined).map((r) => notScored(r, d));
		why = parts.join('; ') + '.';
	} else if (totalDiff === 0) {
		const tie = a.tie && b.tie;
		why = `${a.node} and ${b.node} have the same final score (${a.total})${tie ? `; the winner${d.winner ? `, ${d.winner},` : ''} was drawn among the tied nodes with the room's seeded RNG` : ''}.`;
	} else {
		const [hi, lo] = totalDiff > 0 ? [a, b] : [b, a];
		const by = decisive ? `; the largest difference is ${decisive.name} (${signed(totalDiff > 0 ? decisive.diff! : -decisive.diff!)} weighted for ${hi.node})` : '';
		why = `${hi.node} scores ${hi.total} and ${lo.node} ${lo.total}: ${hi.node} is ahead by ${Math.abs(totalDiff)}${by}.`;
	}
	return { a, b, plugins, totalDiff, why };
}

/** +12 / −3 / 0 */
export const signed = (n: number): string => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

/** The default pair to compare: the winner (or best) against the runner-up, else the first node that failed. */
export function defaultComparison(d: DecisionRecord, nodeNames: readonly string[] = []): [string, string] | undefined {
	const rows = sortNodeRows(nodeDecisionRows(d, nodeNames), 'total');
	if (rows.length < 2) return undefined;
	const first = rows.find((r) => r.winner) ?? rows[0];
	const second = rows.find((r) => r !== first && r.total !== undefined) ?? rows.find((r) => r !== first && r.verdict === 'failed') ?? rows.find((r) => r !== first)!;
	return [first.node, second.node];
}

export interface ProfileSummary {
	schedulerName: string;
	/** `adaptive` (0) or `N%`. */
	percentageOfNodesToScore: string;
	score: Array<{ name: string; weight: number }>;
	filter: string[];
	fitStrategy: string;
}

export interface ConfigSummary {
	/** Where it comes from: the ConfigMap, or the defaults when there is none. */
	source: string;
	/** The scheduler refuses the ConfigMap: these errors, and the last good configuration stays. */
	errors: string[];
	profiles: ProfileSummary[];
}

/** The configuration the room's ConfigMap gives the scheduler (the same loader the scheduler runs). */
export function configSummary(configMaps: readonly KubeObject[]): ConfigSummary {
	const cm = configMaps.find((c) => c.metadata.namespace === CONFIG_NAMESPACE && c.metadata.name === CONFIG_NAME);
	const source = cm ? `configmap ${CONFIG_NAMESPACE}/${CONFIG_NAME} (${CONFIG_KEY})` : 'defaults (no configmap kube-system/kube-scheduler-config)';
	const text = cm?.data?.[CONFIG_KEY];
	if (cm && typeof text !== 'string') return { source, errors: [`data[${CONFIG_KEY}]: Required value: the KubeSchedulerConfiguration`], profiles: [] };
	const loaded = cm ? loadConfigText(text as string) : loadSchedulerConfiguration({ apiVersion: CONFIG_API_VERSION, kind: CONFIG_KIND });
	if (!loaded.config) return { source, errors: loaded.errors.map((e) => e.message), profiles: [] };
	const global = loaded.config.percentageOfNodesToScore;
	return {
		source,
		errors: [],
		profiles: loaded.config.profiles.map((p) => {
			const fw = loaded.frameworks!.get(p.schedulerName)!;
			const pct = p.percentageOfNodesToScore ?? global;
			const fit = (p.pluginConfig.NodeResourcesFit as { scoringStrategy?: { type?: string } } | undefined)?.scoringStrategy?.type ?? 'LeastAllocated';
			return { schedulerName: p.schedulerName, percentageOfNodesToScore: pct ? `${pct}%` : 'adaptive', score: fw.scorePlugins(), filter: fw.points.filter.map((x) => x.name), fitStrategy: fit };
		})
	};
}
