/**
 * The Scheduler view's model, read from SchedulingDecision objects (one per pod, the latest
 * attempt; shape in $lib/scheduler/decision-record.ts) and the pods: which pods were placed where
 * or why not, and for one decision a node × plugin table (filter verdict and reason; raw,
 * normalized and weighted score per plugin; the total; the winner and the tie set).
 *
 * @module
 */
import type { KubeObject } from '$lib/controllers/types';
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
