/**
 * Decision records as API objects: the `SchedulingDecision` custom resource
 * (scheduling.converge.dev/v1, namespaced, one per pod named after it, owned by it) holding the
 * latest attempt, and the CRD the scheduler installs for it. kubectl lists them with the printer
 * columns POD, RESULT, NODE, AGE; the Scheduler view reads the same objects.
 *
 * Size is bounded so a record stays far below the 1.5 MiB object limit at 1,000+ nodes: with up
 * to `full` nodes every node's verdict and every scored row is kept; above that the record keeps
 * the top `topScored` rows by total (the winner's always included; the tie set as names), up to `failedSample`
 * failed verdicts, and per-reason counts for all nodes. The rest is recomputed on demand from the
 * store at `revision` plus the pods the scheduler had assumed but not yet seen bound (`assumed`):
 * see recompute.ts.
 *
 * @module
 */
import type { Status } from './framework';
import { Verdicts, type NodeScoreRow, type NodeVerdict, type SchedulingDecision } from './schedule-one';

export const DECISION_GROUP = 'scheduling.converge.dev';
export const DECISION_VERSION = 'v1';
export const DECISION_KIND = 'SchedulingDecision';
export const DECISION_PLURAL = 'schedulingdecisions';

/** Bounds of one record (exported so tests can shrink them). */
export const RECORD_LIMITS = { full: 100, topScored: 20, failedSample: 50 };

export const SCHEDULING_DECISION_CRD = {
	apiVersion: 'apiextensions.k8s.io/v1',
	kind: 'CustomResourceDefinition',
	metadata: { name: `${DECISION_PLURAL}.${DECISION_GROUP}`, labels: { 'app.kubernetes.io/managed-by': 'kube-scheduler' } },
	spec: {
		group: DECISION_GROUP,
		scope: 'Namespaced',
		names: { plural: DECISION_PLURAL, singular: 'schedulingdecision', kind: DECISION_KIND, listKind: `${DECISION_KIND}List`, shortNames: ['sd'], categories: ['converge'] },
		versions: [
			{
				name: DECISION_VERSION,
				served: true,
				storage: true,
				schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
				additionalPrinterColumns: [
					{ name: 'Pod', type: 'string', jsonPath: '.pod.name' },
					{ name: 'Result', type: 'string', jsonPath: '.result' },
					{ name: 'Node', type: 'string', jsonPath: '.node' },
					// When the decision was made (records are written later, in the background).
					{ name: 'Age', type: 'date', jsonPath: '.time' }
				]
			}
		]
	}
};

export interface RecordContext {
	attempt: number;
	configVersion: number;
	/** The store revision the cycle's cache reflected. */
	revision: string;
	/** RFC 3339 time of the attempt (room clock). */
	time: string;
	/** Pods the cache counted on a node whose binding the store may not show yet at `revision`. */
	assumed?: Array<{ pod: string; node: string }>;
}

const RESULT = { scheduled: 'Scheduled', unschedulable: 'Unschedulable', error: 'Error' } as const;

/** Failed verdicts counted by plugin and reason (a node failing with two reasons counts in both). */
function reasonCounts(nodes: readonly NodeVerdict[]): Array<{ plugin: string; reason: string; count: number }> {
	const counts = new Map<string, { plugin: string; reason: string; count: number }>();
	for (const v of nodes) {
		if (v.verdict !== 'failed') continue;
		for (const reason of v.reasons) {
			const k = `${v.plugin}\x00${reason}`;
			const c = counts.get(k);
			if (c) c.count++;
			else counts.set(k, { plugin: v.plugin, reason, count: 1 });
		}
	}
	return [...counts.values()].sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

/**
 * `reasonCounts` over failed statuses in node order: each distinct status (shared ones fail
 * thousands of nodes) is expanded once, in the order first met, so the counts and their order are
 * those of the per-verdict count.
 */
function reasonCountsOfStatuses(failed: ReadonlyArray<{ status: Status }>): Array<{ plugin: string; reason: string; count: number }> {
	const times = new Map<Status, number>();
	for (const f of failed) times.set(f.status, (times.get(f.status) ?? 0) + 1);
	const counts = new Map<string, { plugin: string; reason: string; count: number }>();
	for (const [s, n] of times)
		for (const reason of s.reasons) {
			const k = `${s.plugin}\x00${reason}`;
			const c = counts.get(k);
			if (c) c.count += n;
			else counts.set(k, { plugin: s.plugin, reason, count: n });
		}
	return [...counts.values()].sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

/** The rows kept: all of them, or the top N by total (ties in node order) with the winner's always in. */
function keptRows(d: SchedulingDecision, full: boolean): NodeScoreRow[] {
	const score = d.score!;
	if (full) return [...score.rows];
	const totals = score.totals ?? score.rows.map((r) => r.total);
	const rowAt = score.rowAt ?? ((i: number) => score.rows[i]);
	const nodeAt = score.nodeAt ?? ((i: number) => score.rows[i].node);
	// The first `topScored` indices of a stable sort by total, highest first (kept sorted while
	// scanning: equal totals keep node order); only the kept rows are built.
	const top: number[] = [];
	const k = RECORD_LIMITS.topScored;
	for (let i = 0; i < totals.length; i++) {
		if (top.length === k && totals[i] <= totals[top[k - 1]]) continue;
		let j = top.length;
		while (j > 0 && totals[top[j - 1]] < totals[i]) j--;
		top.splice(j, 0, i);
		if (top.length > k) top.pop();
	}
	let winner: number | undefined;
	if (d.winner !== undefined) for (let i = 0; i < totals.length && winner === undefined; i++) if (nodeAt(i) === d.winner) winner = i;
	if (winner !== undefined && !top.includes(winner)) top.push(winner);
	return top.map(rowAt);
}

/** The SchedulingDecision object for one attempt; `complete` keeps every row at any size (a recomputed breakdown). */
export function decisionRecord(d: SchedulingDecision, ctx: RecordContext, complete = false): { metadata: { name: string; namespace: string }; [k: string]: unknown } {
	const counts = { feasible: 0, failed: 0, notEvaluated: 0 };
	const full = complete || d.numAllNodes <= RECORD_LIMITS.full;
	let verdicts: NodeVerdict[];
	let reasons: Array<{ plugin: string; reason: string; count: number }>;
	if (!full && d.evaluated instanceof Verdicts) {
		// Above `full` nodes only the failed verdicts matter, in node order: counted per status.
		const ev = d.evaluated;
		const failed = ev.failedInNodeOrder();
		counts.feasible = ev.feasibleCount;
		counts.failed = ev.failedCount;
		counts.notEvaluated = d.numAllNodes - counts.feasible - counts.failed;
		verdicts = failed.slice(0, RECORD_LIMITS.failedSample).map((f) => ev.failedVerdictAt(f.at, f.status));
		reasons = reasonCountsOfStatuses(failed);
	} else {
		const failed = full || !d.evaluated ? d.nodes.filter((v) => v.verdict === 'failed') : [...d.evaluated].filter(([, v]) => v.verdict === 'failed').sort((a, b) => a[0] - b[0]).map(([, v]) => v);
		if (d.evaluated && !full) {
			for (const v of d.evaluated.values()) if (v.verdict !== 'not-evaluated') counts[v.verdict]++;
			counts.notEvaluated = d.numAllNodes - counts.feasible - counts.failed;
		} else for (const v of d.nodes) counts[v.verdict === 'not-evaluated' ? 'notEvaluated' : v.verdict]++;
		verdicts = full ? d.nodes : failed.slice(0, RECORD_LIMITS.failedSample);
		reasons = reasonCounts(failed);
	}
	const rows = d.score ? keptRows(d, full) : [];
	const post = d.postFilter;
	const victims = (post?.details as { chosen?: { victims: Array<{ metadata: { namespace?: string; name: string } }> } } | undefined)?.chosen?.victims;
	return {
		apiVersion: `${DECISION_GROUP}/${DECISION_VERSION}`,
		kind: DECISION_KIND,
		metadata: {
			name: d.pod.name,
			namespace: d.pod.namespace,
			...(d.pod.uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: d.pod.name, uid: d.pod.uid }] } : {})
		},
		pod: { name: d.pod.name, ...(d.pod.uid ? { uid: d.pod.uid } : {}) },
		result: RESULT[d.result],
		...(d.result === 'scheduled' ? { node: d.winner } : {}),
		attempt: ctx.attempt,
		time: ctx.time,
		profile: d.profile,
		configVersion: ctx.configVersion,
		revision: ctx.revision,
		...(ctx.assumed?.length ? { assumed: ctx.assumed } : {}),
		...(d.message ? { reason: d.reason, message: d.message } : {}),
		nodes: { total: d.numAllNodes, toFind: d.numNodesToFind, startIndex: d.startIndex, ...counts, complete: full },
		...(d.nominatedNode ? { nominatedNode: d.nominatedNode } : {}),
		preFilter: d.preFilter,
		filter: { reasons, verdicts },
		...(d.score ? { score: { plugins: d.score.plugins, skipped: d.score.skipped, rows, rowsOmitted: (d.score.totals ?? d.score.rows).length - rows.length } } : {}),
		...(d.ties ? { ties: d.ties } : {}),
		...(d.winner ? { winner: d.winner } : {}),
		...(post
			? {
					postFilter: {
						plugin: post.plugin,
						...(post.nominatedNodeName ? { nominatedNodeName: post.nominatedNodeName } : {}),
						...(post.message ? { message: post.message } : {}),
						...(victims ? { victims: victims.map((v) => `${v.metadata.namespace ?? 'default'}/${v.metadata.name}`) } : {})
					}
				}
			: {})
	};
}
