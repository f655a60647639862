/**
 * The full breakdown of a recorded decision, recomputed. Above 100 nodes a SchedulingDecision
 * keeps only the top rows; every other node's verdict and scores come from running the same
 * cycle again on what the scheduler saw: the cluster read at the record's store `revision`
 * (list with `resourceVersionMatch=Exact`), the pods it had `assumed` on nodes (bindings the store
 * did not show yet), the configuration in the ConfigMap at that revision, the profile and the
 * walk's start index. Scores do not draw from the RNG, so the rows are the same numbers; the
 * winner among tied nodes is the record's. `recordedRowsMismatch` checks a recomputation against
 * the rows the record kept.
 *
 * @module
 */
import { CONFIG_KEY, CONFIG_NAME, CONFIG_NAMESPACE, loadConfigText } from './config-file';
import { loadSchedulerConfiguration } from './config-validation';
import { withPriority, type PriorityClass } from './cluster-events';
import { decisionRecord } from './decision-record';
import { CONFIG_API_VERSION, CONFIG_KIND } from './profile';
import { seededRng } from './rng';
import { scheduleOne } from './schedule-one';
import { createSnapshot } from './snapshot';
import type { Pod } from './types';

type Obj = { metadata: { name: string; namespace?: string }; [k: string]: unknown };

/** What the scheduler reads, by the API path that lists it (every namespace). */
export const RECOMPUTE_SOURCES = {
	nodes: { path: '/api/v1/nodes' },
	pods: { path: '/api/v1/pods' },
	namespaces: { path: '/api/v1/namespaces' },
	pvcs: { path: '/api/v1/persistentvolumeclaims' },
	pvs: { path: '/api/v1/persistentvolumes' },
	storageClasses: { path: '/apis/storage.k8s.io/v1/storageclasses' },
	csiNodes: { path: '/apis/storage.k8s.io/v1/csinodes' },
	pdbs: { path: '/apis/policy/v1/poddisruptionbudgets' },
	priorityClasses: { path: '/apis/scheduling.k8s.io/v1/priorityclasses' },
	configMaps: { path: `/api/v1/namespaces/${CONFIG_NAMESPACE}/configmaps` },
	// The default spreading reads these workloads' selectors (list items carry no kind).
	services: { path: '/api/v1/services' },
	replicaSets: { path: '/apis/apps/v1/replicasets' },
	statefulSets: { path: '/apis/apps/v1/statefulsets' }
} as const;

export type RecomputeInputs = { [K in keyof typeof RECOMPUTE_SOURCES]?: readonly unknown[] };

/**
 * Reads every source as it was at `revision` (the API server's exact read; 410 once compacted).
 * `get` fetches an API path and returns the parsed list.
 */
export async function inputsAt(revision: string, get: (path: string) => Promise<{ items?: unknown[] }>): Promise<RecomputeInputs> {
	const query = `?resourceVersion=${encodeURIComponent(revision)}&resourceVersionMatch=Exact`;
	const entries = await Promise.all(Object.entries(RECOMPUTE_SOURCES).map(async ([k, s]) => [k, (await get(s.path + query)).items ?? []] as const));
	return Object.fromEntries(entries) as RecomputeInputs;
}

/** The parts of a SchedulingDecision record a recomputation needs and checks. */
export interface RecordedDecision {
	metadata: { name?: string; namespace?: string };
	pod?: { name: string; uid?: string };
	attempt: number;
	time: string;
	profile?: string;
	configVersion?: number;
	revision?: string;
	assumed?: Array<{ pod: string; node: string }>;
	nodes: { startIndex: number };
	filter: { verdicts: Array<{ node: string; verdict: string }> };
	score?: { rows: Array<{ node: string; total: number; plugins: Record<string, unknown> }> };
	winner?: string;
}

export type RecomputedRecord = ReturnType<typeof decisionRecord>;

const keyOf = (o: Obj) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;

/** The configuration in force: the ConfigMap's text, else the defaults. */
function frameworksAt(inputs: RecomputeInputs) {
	const cm = (inputs.configMaps as Obj[] | undefined)?.find((c) => c.metadata.name === CONFIG_NAME);
	const text = (cm?.data as Record<string, string> | undefined)?.[CONFIG_KEY];
	const loaded = text !== undefined ? loadConfigText(text) : loadSchedulerConfiguration({ apiVersion: CONFIG_API_VERSION, kind: CONFIG_KIND });
	if (!loaded.config) throw new Error(`the scheduler configuration at this revision does not load: ${loaded.errors.map((e) => e.message).join('; ')}`);
	return { frameworks: loaded.frameworks!, percentage: loaded.config.percentageOfNodesToScore };
}

/** Runs the recorded cycle again; the result is a record that keeps every row. */
export function recomputeDecision(rec: RecordedDecision, inputs: RecomputeInputs): RecomputedRecord {
	const ns = rec.metadata.namespace ?? 'default';
	const name = rec.pod?.name ?? rec.metadata.name!;
	const classes = new Map(((inputs.priorityClasses ?? []) as PriorityClass[]).map((pc) => [pc.metadata.name, pc]));
	const assumed = new Map((rec.assumed ?? []).map((a) => [a.pod, a.node]));
	let target: Pod | undefined;
	const pods = ((inputs.pods ?? []) as Pod[]).map((raw) => {
		const p = withPriority(raw, classes);
		const key = keyOf(p as unknown as Obj);
		if (key === `${ns}/${name}`) return (target = { ...p, spec: { ...p.spec, nodeName: undefined } });
		const node = assumed.get(key);
		return node ? { ...p, spec: { ...p.spec, nodeName: node } } : p;
	});
	if (!target) throw new Error(`pod ${ns}/${name} does not exist at revision ${rec.revision}`);
	const withKind = (list: readonly unknown[] | undefined, kind: string) => (list ?? []).map((o) => ({ ...(o as object), kind }));
	const snapshot = createSnapshot({
		nodes: (inputs.nodes ?? []) as never,
		pods,
		pvcs: inputs.pvcs as never,
		pvs: inputs.pvs as never,
		storageClasses: inputs.storageClasses as never,
		csiNodes: inputs.csiNodes as never,
		pdbs: inputs.pdbs as never,
		namespaces: inputs.namespaces as never,
		podSelectors: [...withKind(inputs.services, 'Service'), ...withKind(inputs.replicaSets, 'ReplicaSet'), ...withKind(inputs.statefulSets, 'StatefulSet')] as never
	});
	const { frameworks, percentage } = frameworksAt(inputs);
	const fw = frameworks.get(rec.profile ?? 'default-scheduler');
	if (!fw) throw new Error(`profile ${rec.profile} is not in the scheduler configuration at revision ${rec.revision}`);
	const d = scheduleOne(fw, snapshot, target, { nextStartNodeIndex: rec.nodes.startIndex, percentageOfNodesToScore: percentage, rng: seededRng(0) });
	// The tie-break drew from the room's RNG when it ran: the winner is the recorded one.
	if (rec.winner && d.ties?.includes(rec.winner)) d.winner = rec.winner;
	return decisionRecord(d, { attempt: rec.attempt, configVersion: rec.configVersion ?? 0, revision: rec.revision ?? '', time: rec.time, assumed: rec.assumed }, true);
}

/** Where a recomputation differs from the rows and verdicts the record kept (empty: it equals them). */
export function recordedRowsMismatch(rec: RecordedDecision, recomputed: RecomputedRecord): string[] {
	const out: string[] = [];
	const score = recomputed.score as RecordedDecision['score'];
	const rows = new Map((score?.rows ?? []).map((r) => [r.node, r]));
	for (const r of rec.score?.rows ?? []) {
		const again = rows.get(r.node);
		if (JSON.stringify(again) !== JSON.stringify(r)) out.push(`${r.node}: recorded ${JSON.stringify(r)}, recomputed ${JSON.stringify(again ?? null)}`);
	}
	const verdicts = new Map(((recomputed.filter as RecordedDecision['filter']).verdicts ?? []).map((v) => [v.node, v]));
	for (const v of rec.filter.verdicts) {
		const again = verdicts.get(v.node);
		if (JSON.stringify(again) !== JSON.stringify(v)) out.push(`${v.node}: recorded ${JSON.stringify(v)}, recomputed ${JSON.stringify(again ?? null)}`);
	}
	if (rec.winner !== recomputed.winner) out.push(`winner: recorded ${rec.winner}, recomputed ${String(recomputed.winner)}`);
	return out;
}
