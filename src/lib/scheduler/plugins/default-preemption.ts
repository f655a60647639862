/**
 * DefaultPreemption (plugins/defaultpreemption, framework/preemption/preemption.go). After
 * Filter fails, tries nodes whose failure was Unschedulable (never U&U): removes every
 * lower-priority pod, re-runs the filters, then reprieves pods most-important first (PDB-covered
 * ones before the rest) while the preemptor still fits. Picks the node by fewest PDB
 * violations, lowest highest-victim priority, lowest priority sum, fewest victims, latest start
 * of the top-priority victims; nominates the preemptor there and emits the victims' deletions.
 *
 * @module
 */
import { Code, CycleState, Status, type ApiWrite, type FrameworkHandle, type NodeToStatus, type Plugin, type PostFilterResult } from '../framework';
import { fitErrorMessage } from '../fit-error';
import { matchesLabels } from '../../kube/label-selector';
import { parseSelector, podKey, type NodeInfo, type PodInfo } from '../node-info';
import { intn } from '../rng';
import type { Pod, PodDisruptionBudget } from '../types';
import { podPriority } from './priority-sort';

export const NAME = 'DefaultPreemption';
export const MSG_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const MSG_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const MSG_POLICY_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const MSG_TERMINATING = 'not eligible due to a terminating pod on the nominated node.';

export interface DefaultPreemptionArgs {
	minCandidateNodesPercentage?: number;
	minCandidateNodesAbsolute?: number;
}

export interface Candidate {
	node: string;
	/** Most important first. */
	victims: Pod[];
	numPDBViolations: number;
}

export interface PreemptionDetails {
	candidates: Candidate[];
	chosen?: Candidate;
	/** Dry-run failures: node → reasons. */
	nodeStatuses: Record<string, string[]>;
}

/** A pod's start time in ms; pods that have not started count as "now" (later than any start). */
function startTime(pod: Pod): number {
	const t = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
	return Number.isFinite(t) ? t : Number.MAX_SAFE_INTEGER;
}

/** util.MoreImportantPod: higher priority, then earlier start. */
export function moreImportant(a: Pod, b: Pod): number {
	const d = podPriority(b) - podPriority(a);
	return d !== 0 ? d : startTime(a) - startTime(b);
}

function terminatingByPreemption(pod: Pod): boolean {
	return !!pod.metadata.deletionTimestamp && (pod.status?.conditions ?? []).some((c) => c.type === 'DisruptionTarget' && c.reason === 'PreemptionByScheduler');
}

/** filterPodsWithPDBViolation: which pods would push a matching PDB below zero allowed disruptions. */
export function splitByPDBViolation(pods: readonly PodInfo[], pdbs: readonly PodDisruptionBudget[]): [PodInfo[], PodInfo[]] {
	const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
	const violating: PodInfo[] = [];
	const ok: PodInfo[] = [];
	for (const pi of pods) {
		const m = pi.pod.metadata;
		let violated = false;
		if (Object.keys(m.labels ?? {}).length) {
			pdbs.forEach((pdb, i) => {
				if ((pdb.metadata.namespace ?? 'default') !== (m.namespace ?? 'default')) return;
				const sel = parseSelector(pdb.spec.selector);
				if (sel.nothing || sel.requirements.length === 0 || !matchesLabels(sel, m.labels)) return;
				if (pdb.status?.disruptedPods && m.name in pdb.status.disruptedPods) return;
				if (--allowed[i] < 0) violated = true;
			});
		}
		(violated ? violating : ok).push(pi);
	}
	return [violating, ok];
}

/** Runs PreFilter + Filter for `pod` on a what-if copy of one node. */
function fits(fw: FrameworkHandle, state: CycleState, pod: Pod, node: NodeInfo): Status {
	const s = new CycleState(state.snapshot.withNode(node), state.rng);
	const pre = fw.runPreFilter(s, pod);
	return pre.status.isSuccess() ? fw.runFilterWithNominatedPods(s, pod, node) : pre.status;
}

/** SelectVictimsOnNode. */
export function selectVictimsOnNode(fw: FrameworkHandle, state: CycleState, pod: Pod, original: NodeInfo): { victims: Pod[]; numPDBViolations: number } | Status {
	const node = original.clone();
	const prio = podPriority(pod);
	const potential = original.pods.filter((pi) => podPriority(pi.pod) < prio);
	if (potential.length === 0) return new Status(Code.UnschedulableAndUnresolvable, [MSG_NO_VICTIMS]);
	for (const pi of potential) node.removePod(pi.pod);
	const st = fits(fw, state, pod, node);
	if (!st.isSuccess()) return st;
	potential.sort((a, b) => moreImportant(a.pod, b.pod));
	const [violating, nonViolating] = splitByPDBViolation(potential, state.snapshot.objects.pdbs);
	const victims: Pod[] = [];
	let numPDBViolations = 0;
	const reprieve = (pi: PodInfo): boolean => {
		node.addPod(pi);
		if (fits(fw, state, pod, node).isSuccess()) return true;
		node.removePod(pi.pod);
		victims.push(pi.pod);
		return false;
	};
	for (const pi of violating) if (!reprieve(pi)) numPDBViolations++;
	for (const pi of nonViolating) reprieve(pi);
	if (violating.length && nonViolating.length) victims.sort(moreImportant);
	return { victims, numPDBViolations };
}

/** pickOneNodeForPreemption: each criterion narrows the field until one node is left. */
export function pickOneNode(candidates: readonly Candidate[]): Candidate | undefined {
	if (candidates.length === 0) return undefined;
	const earliestTopStart = (c: Candidate) => {
		const top = podPriority(c.victims[0]);
		return Math.min(...c.victims.filter((v) => podPriority(v) === top).map(startTime));
	};
	const criteria: Array<(c: Candidate) => number> = [
		(c) => -c.numPDBViolations,
		(c) => -podPriority(c.victims[0]),
		(c) => -c.victims.reduce((s, v) => s + podPriority(v) + 2 ** 31, 0),
		(c) => -c.victims.length,
		earliestTopStart
	];
	let field = [...candidates];
	for (const f of criteria) {
		const best = Math.max(...field.map(f));
		field = field.filter((c) => f(c) === best);
		if (field.length === 1) break;
	}
	return field[0];
}

/**
 * dryRunPreemption: from a random offset, tries nodes until `want` candidates are found (at
 * least one violating no PDB); candidates without violations come first. Failures go to `failed`.
 */
function dryRunPreemption(fw: FrameworkHandle, state: CycleState, pod: Pod, potential: readonly NodeInfo[], want: number, failed: Map<string, Status>): Candidate[] {
	const offset = intn(state.rng, potential.length);
	const ok: Candidate[] = [];
	const violating: Candidate[] = [];
	for (let i = 0; i < potential.length; i++) {
		const ni = potential[(offset + i) % potential.length];
		const r = selectVictimsOnNode(fw, state, pod, ni);
		if (r instanceof Status) {
			failed.set(ni.name, r);
			continue;
		}
		(r.numPDBViolations === 0 ? ok : violating).push({ node: ni.name, ...r });
		if (ok.length > 0 && ok.length + violating.length >= want) break;
	}
	return [...ok, ...violating];
}

function eligible(state: CycleState, pod: Pod, statuses: NodeToStatus): string | undefined {
	if (pod.spec.preemptionPolicy === 'Never') return MSG_POLICY_NEVER;
	const nom = pod.status?.nominatedNodeName;
	if (!nom || statuses.get(nom)?.code === Code.UnschedulableAndUnresolvable) return undefined;
	const ni = state.snapshot.get(nom);
	const prio = podPriority(pod);
	if (ni?.pods.some((p) => podPriority(p.pod) < prio && terminatingByPreemption(p.pod))) return MSG_TERMINATING;
	return undefined;
}

export function create(rawArgs?: unknown, schedulerName = 'default-scheduler'): Plugin {
	const args = (rawArgs ?? {}) as DefaultPreemptionArgs;
	const pct = args.minCandidateNodesPercentage ?? 10;
	const abs = args.minCandidateNodesAbsolute ?? 100;
	return {
		name: NAME,
		postFilter(state, pod, statuses, fw): PostFilterResult {
			const notEligible = eligible(state, pod, statuses);
			if (notEligible) return { status: new Status(Code.Unschedulable, [`preemption: ${notEligible}`]) };
			const all = state.snapshot.nodes;
			const potential = all.filter((n) => (statuses.get(n.name)?.code ?? Code.UnschedulableAndUnresolvable) !== Code.UnschedulableAndUnresolvable);
			const details: PreemptionDetails = { candidates: [], nodeStatuses: {} };
			const dryRun = new Map<string, Status>();
			const writes: ApiWrite[] = [];
			if (potential.length === 0) {
				if (pod.status?.nominatedNodeName) writes.push({ verb: 'clear-nominated-node', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name });
			} else details.candidates = dryRunPreemption(fw, state, pod, potential, Math.min(Math.max(Math.trunc((potential.length * pct) / 100), abs), potential.length), dryRun);
			for (const [n, s] of dryRun) details.nodeStatuses[n] = [...s.reasons];
			const chosen = pickOneNode(details.candidates);
			if (!chosen) {
				const msg = fitErrorMessage(all.length, { nodeToStatus: dryRun, absentNodesStatus: new Status(Code.UnschedulableAndUnresolvable, [MSG_NOT_HELPFUL]) });
				return { status: new Status(Code.Unschedulable, [`preemption: ${msg}`]), writes, details };
			}
			details.chosen = chosen;
			for (const v of chosen.victims)
				writes.push({
					verb: 'preempt-pod',
					namespace: v.metadata.namespace ?? 'default',
					name: v.metadata.name,
					uid: v.metadata.uid,
					condition: { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${schedulerName}: preempting to accommodate a higher priority pod` },
					event: { reason: 'Preempted', message: `Preempted by pod ${pod.metadata.uid ?? podKey(pod)} on node ${chosen.node}` }
				});
			const prio = podPriority(pod);
			for (const pi of state.snapshot.nominated.get(chosen.node) ?? [])
				if (podPriority(pi.pod) < prio) writes.push({ verb: 'clear-nominated-node', namespace: pi.pod.metadata.namespace ?? 'default', name: pi.pod.metadata.name });
			return { status: new Status(Code.Success), nominatedNodeName: chosen.node, writes, details };
		}
	} satisfies Plugin;
}

