/**
 * One scheduling cycle for one pod (schedule_one.go: schedulePod, findNodesThatFitPod,
 * findNodesThatPassFilters, numFeasibleNodesToFind, prioritizeNodes, selectHost), then Reserve →
 * Permit → PreBind → Bind, all pure: the result is a decision record plus the API writes and the
 * Binding the shell must send. The record says, per node, the filter verdict (or that the search
 * stopped before it), and per scored node each plugin's raw, normalized and weighted score.
 *
 * @module
 */
import { CODE_NAMES, Code, CycleState, Status, type ApiWrite } from './framework';
import { fitErrorMessage, truncateMessage, type Diagnosis } from './fit-error';
import type { NodeInfo } from './node-info';
import { intn, type Rng } from './rng';
import type { Framework, PreFilterOutcome, ScoreOutcome } from './runtime';
import type { Snapshot } from './snapshot';
import type { Binding, Pod } from './types';

/** minFeasibleNodesToFind / minFeasibleNodesPercentageToFind. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
export const ERR_NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/**
 * numFeasibleNodesToFind: every node below 100 nodes; else the configured percentage, or
 * adaptively 50 − nodes/125 (at least 5%), but never fewer than 100 nodes.
 */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
	if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
	let pct = percentage;
	if (pct === 0) pct = Math.max(50 - Math.trunc(numAllNodes / 125), MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
	const n = Math.trunc((numAllNodes * pct) / 100);
	return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

export type NodeVerdict =
	| { node: string; verdict: 'feasible' }
	| { node: string; verdict: 'failed'; plugin: string; code: string; reasons: string[] }
	| { node: string; verdict: 'not-evaluated' };

export interface PluginCell {
	raw: number;
	normalized: number;
	weighted: number;
}

export interface NodeScoreRow {
	node: string;
	total: number;
	plugins: Record<string, PluginCell>;
}

export interface SchedulingDecision {
	pod: { namespace: string; name: string; uid?: string };
	profile: string;
	result: 'scheduled' | 'unschedulable' | 'error';
	numAllNodes: number;
	numNodesToFind: number;
	/** Where the node walk started (rotates from pod to pod). */
	startIndex: number;
	nextStartNodeIndex: number;
	/** The node nominated by an earlier preemption, tried first. */
	nominatedNode?: { node: string; passed: boolean };
	preFilter: { skipped: string[]; nodeNames?: string[]; rejectedBy?: string; message?: string };
	/** In snapshot (node tree) order; built on first read from `evaluated` (read it once the cycle is over). */
	nodes: NodeVerdict[];
	/** Snapshot position → verdict, for the nodes that have one (the rest were not evaluated). */
	evaluated?: ReadonlyMap<number, NodeVerdict>;
	/**
	 * Present when two or more nodes were feasible. `rows` (one per scored node, in walk order) is
	 * built on first read; `totals` and `rowAt` let a bounded record build only the rows it keeps.
	 */
	score?: { plugins: Array<{ name: string; weight: number }>; skipped: string[]; rows: NodeScoreRow[]; totals?: readonly number[]; rowAt?: (i: number) => NodeScoreRow; nodeAt?: (i: number) => string };
	/** The nodes sharing the top total, in the order the reservoir sampling met them. */
	ties?: string[];
	winner?: string;
	/** The full FailedScheduling / SchedulerError message (PodScheduled condition). */
	message?: string;
	/** The event text: the failure message cut to 1024 characters, or `Successfully assigned ns/pod to node`. */
	eventMessage?: string;
	/** PodScheduled=False reason: Unschedulable or SchedulerError. */
	reason?: 'Unschedulable' | 'SchedulerError';
	postFilter?: { plugin?: string; nominatedNodeName?: string; message?: string; details?: unknown };
	binding?: Binding;
	/** What the shell writes before (or instead of) binding. */
	writes: ApiWrite[];
}

export interface CycleOptions {
	/** The configuration's global percentageOfNodesToScore (the profile's own wins when set). */
	percentageOfNodesToScore?: number;
	/** Where the node walk starts; the caller keeps the returned `nextStartNodeIndex`. */
	nextStartNodeIndex?: number;
	rng: Rng;
}

/** Verdicts for a shared (frozen) status, per node: the same failure on many nodes is not reallocated every cycle. */
const sharedVerdicts = new WeakMap<Status, Map<string, NodeVerdict>>();

function failedVerdict(node: string, s: Status): NodeVerdict {
	if (!Object.isFrozen(s)) return { node, verdict: 'failed', plugin: s.plugin, code: CODE_NAMES[s.code], reasons: [...s.reasons] };
	let byNode = sharedVerdicts.get(s);
	if (!byNode) sharedVerdicts.set(s, (byNode = new Map()));
	let v = byNode.get(node);
	if (!v) byNode.set(node, (v = Object.freeze({ node, verdict: 'failed', plugin: s.plugin, code: CODE_NAMES[s.code], reasons: [...s.reasons] }) as NodeVerdict));
	return v;
}

/**
 * A cycle's verdicts: snapshot position → verdict, in the order they were reached, kept as two
 * parallel lists (position, failure status or none for feasible) and read as a map. A walk over
 * hundreds or thousands of nodes then costs two pushes per node; the verdict objects (shared per
 * node and status) are looked up only when read.
 */
export class Verdicts implements ReadonlyMap<number, NodeVerdict> {
	private readonly at: number[] = [];
	private readonly statuses: Array<Status | undefined> = [];
	private index: Map<number, number> | undefined;
	private built: NodeVerdict[] | undefined;
	feasibleCount = 0;

	constructor(private readonly snapshot: Snapshot) {}

	/** Records a node's verdict (each position once): feasible without `status`. */
	add(at: number, status?: Status): void {
		this.at.push(at);
		this.statuses.push(status);
		if (!status) this.feasibleCount++;
		this.index = undefined;
	}

	get size(): number {
		return this.at.length;
	}

	get failedCount(): number {
		return this.at.length - this.feasibleCount;
	}

	private verdict(k: number): NodeVerdict {
		const built = (this.built ??= []);
		let v = built[k];
		if (!v) {
			const s = this.statuses[k];
			v = built[k] = s ? failedVerdict(this.snapshot.nodes[this.at[k]].name, s) : this.snapshot.feasible[this.at[k]];
		}
		return v;
	}

	/** The failed nodes in snapshot order: their positions and statuses. */
	failedInNodeOrder(): Array<{ at: number; status: Status }> {
		const out: Array<{ at: number; status: Status }> = [];
		for (let k = 0; k < this.at.length; k++) if (this.statuses[k]) out.push({ at: this.at[k], status: this.statuses[k]! });
		return out.sort((a, b) => a.at - b.at);
	}

	/** Node name → failure status, in the order reached, leaving out those failing with `except`. */
	statusesByName(except?: Status): Map<string, Status> {
		const out = new Map<string, Status>();
		for (let k = 0; k < this.at.length; k++) {
			const s = this.statuses[k];
			if (s && s !== except) out.set(this.snapshot.nodes[this.at[k]].name, s);
		}
		return out;
	}

	/** The verdict of the node at `at` (reached, failed). */
	failedVerdictAt(at: number, status: Status): NodeVerdict {
		return failedVerdict(this.snapshot.nodes[at].name, status);
	}

	get(at: number): NodeVerdict | undefined {
		this.index ??= new Map(this.at.map((a, k) => [a, k]));
		const k = this.index.get(at);
		return k === undefined ? undefined : this.verdict(k);
	}

	has(at: number): boolean {
		return this.get(at) !== undefined;
	}

	forEach(cb: (v: NodeVerdict, at: number, map: ReadonlyMap<number, NodeVerdict>) => void): void {
		for (let k = 0; k < this.at.length; k++) cb(this.verdict(k), this.at[k], this);
	}

	*entries(): MapIterator<[number, NodeVerdict]> {
		for (let k = 0; k < this.at.length; k++) yield [this.at[k], this.verdict(k)];
	}

	*keys(): MapIterator<number> {
		yield* this.at;
	}

	*values(): MapIterator<NodeVerdict> {
		for (let k = 0; k < this.at.length; k++) yield this.verdict(k);
	}

	[Symbol.iterator](): MapIterator<[number, NodeVerdict]> {
		return this.entries();
	}
}

/** selectHost: uniform choice among the top-scored nodes by reservoir sampling. */
export function selectHost(names: readonly string[] | ((i: number) => string), totals: readonly number[], rng: Rng): { winner: string; ties: string[] } {
	let top = -Infinity;
	for (let i = 0; i < totals.length; i++) if (totals[i] > top) top = totals[i];
	const ties: string[] = [];
	for (let i = 0; i < totals.length; i++) if (totals[i] === top) ties.push(typeof names === 'function' ? names(i) : names[i]);
	let winner = ties[0];
	for (let k = 2; k <= ties.length; k++) if (intn(rng, k) === 0) winner = ties[k - 1];
	return { winner, ties };
}

/** One scored node's row: each plugin's raw, normalized and weighted score, and the total. */
function scoreRow(nodes: readonly NodeInfo[], out: ScoreOutcome, i: number): NodeScoreRow {
	const plugins: Record<string, PluginCell> = {};
	for (const c of out.columns) plugins[c.plugin] = { raw: c.raw[i], normalized: c.normalized[i], weighted: c.normalized[i] * c.weight };
	return { node: nodes[i].name, total: out.totals[i], plugins };
}

/** The decision's score section; rows are materialized lazily (at 500 scored nodes that is 4,000 cells a cycle). */
function scoreSection(plugins: Array<{ name: string; weight: number }>, nodes: readonly NodeInfo[], out: ScoreOutcome): NonNullable<SchedulingDecision['score']> {
	let rows: NodeScoreRow[] | undefined;
	const section = {
		plugins,
		skipped: out.skipped,
		get rows() {
			return (rows ??= nodes.map((_, i) => scoreRow(nodes, out, i)));
		},
		totals: out.totals
	};
	// Accessors, not data: hidden from comparisons and JSON.
	return Object.defineProperties(section, {
		rowAt: { value: (i: number) => (rows ? rows[i] : scoreRow(nodes, out, i)) },
		nodeAt: { value: (i: number) => nodes[i].name }
	});
}

type FailReason = 'Unschedulable' | 'SchedulerError';

/** One cycle's working state; each method is one step of schedulePod. */
class Cycle {
	readonly d: SchedulingDecision;
	readonly state: CycleState;
	readonly diagnosis: Diagnosis = { nodeToStatus: new Map() };
	private readonly verdicts: Verdicts;
	private readonly all: readonly NodeInfo[];

	constructor(
		private readonly fw: Framework,
		private readonly snapshot: Snapshot,
		private readonly pod: Pod,
		private readonly opts: CycleOptions
	) {
		this.all = snapshot.nodes;
		this.verdicts = new Verdicts(snapshot);
		const start = (opts.nextStartNodeIndex ?? 0) % Math.max(this.all.length, 1);
		this.d = {
			pod: { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}) },
			profile: fw.name,
			result: 'error',
			numAllNodes: this.all.length,
			numNodesToFind: 0,
			startIndex: start,
			nextStartNodeIndex: start,
			preFilter: { skipped: [] },
			nodes: [],
			evaluated: this.verdicts,
			writes: []
		};
		// The full per-node list costs O(all nodes) per cycle: only a reader pays for it.
		const verdicts = this.verdicts;
		const d = this.d;
		Object.defineProperty(d, 'nodes', {
			enumerable: true,
			configurable: true,
			get() {
				const all: NodeVerdict[] = snapshot.notEvaluated.slice();
				verdicts.forEach((v, i) => (all[i] = v));
				Object.defineProperty(d, 'nodes', { value: all, enumerable: true, writable: true, configurable: true });
				return all;
			}
		});
		this.state = new CycleState(snapshot, opts.rng);
	}

	fail(message: string, reason: FailReason): SchedulingDecision {
		this.d.result = reason === 'Unschedulable' ? 'unschedulable' : 'error';
		this.d.reason = reason;
		this.d.message = message;
		this.d.eventMessage = truncateMessage(message);
		return this.d;
	}

	run(): SchedulingDecision {
		// schedulingCycle: ErrNoNodesAvailable is UnschedulableAndUnresolvable (reason Unschedulable, no rejecting plugin: retried after backoff).
		if (this.all.length === 0) return this.fail(ERR_NO_NODES_AVAILABLE, 'Unschedulable');
		const pre = this.fw.runPreFilter(this.state, this.pod);
		this.d.preFilter.skipped = pre.skipped;
		if (!pre.status.isSuccess()) return this.preFilterRejected(pre.status);
		let feasible = this.tryNominatedNode();
		if (feasible.length === 0) {
			const walked = this.findNodesThatPassFilters(pre);
			if (walked instanceof Status) return this.fail(walked.message(), 'SchedulerError');
			feasible = walked;
			if (feasible.length === 0) {
				// Diagnosis.NodeToStatus: the walk's failures (not the PreFilter subset's absent nodes), in walk order.
				this.diagnosis.nodeToStatus = this.verdicts.statusesByName(this.diagnosis.absentNodesStatus);
				const statuses = new Map(this.diagnosis.nodeToStatus);
				const absent = this.diagnosis.absentNodesStatus;
				if (absent) for (const n of this.all) if (!statuses.has(n.name)) statuses.set(n.name, absent);
				return this.unschedulable(statuses);
			}
		}
		const err = this.prioritize(feasible);
		return err ? this.fail(err.message(), 'SchedulerError') : this.bind();
	}

	private preFilterRejected(s: Status): SchedulingDecision {
		if (!s.isRejected()) return this.fail(s.message(), 'SchedulerError');
		this.d.preFilter.rejectedBy = s.plugin;
		this.d.preFilter.message = s.message();
		this.diagnosis.preFilterMsg = s.message();
		for (let i = 0; i < this.all.length; i++) this.verdicts.add(i, s);
		return this.unschedulable(new Map(this.all.map((n) => [n.name, s])));
	}

	/** A node nominated by an earlier preemption is tried alone first; if it fits it is used. */
	private tryNominatedNode(): NodeInfo[] {
		const nom = this.pod.status?.nominatedNodeName;
		const ni = nom ? this.snapshot.get(nom) : undefined;
		if (!ni) return [];
		const s = this.fw.runFilterWithNominatedPods(this.state, this.pod, ni);
		this.d.nominatedNode = { node: ni.name, passed: s.isSuccess() };
		if (!s.isSuccess()) return [];
		this.verdicts.add(this.snapshot.position.get(ni.name)!);
		return [ni];
	}

	/** The walk from the rotating start index, stopping once enough feasible nodes are found. */
	private findNodesThatPassFilters(pre: PreFilterOutcome): NodeInfo[] | Status {
		let nodes = this.all;
		if (pre.nodeNames) {
			this.d.preFilter.nodeNames = [...pre.nodeNames].sort();
			nodes = this.all.filter((n) => pre.nodeNames!.has(n.name));
			const absent = new Status(Code.UnschedulableAndUnresolvable, [`node(s) didn't satisfy plugin(s) [${[...pre.pluginsWithNodes].sort().join(' ')}]`]);
			this.diagnosis.absentNodesStatus = absent;
			for (let i = 0; i < this.all.length; i++) if (!pre.nodeNames.has(this.all[i].name)) this.verdicts.add(i, absent);
		}
		const pct = this.fw.profile.percentageOfNodesToScore ?? this.opts.percentageOfNodesToScore ?? 0;
		const toFind = this.fw.points.score.length === 0 ? 1 : numFeasibleNodesToFind(pct, nodes.length);
		this.d.numNodesToFind = toFind;
		const start = this.d.startIndex;
		const feasible: NodeInfo[] = [];
		let processed = 0;
		const whole = nodes === this.all;
		for (let i = 0; i < nodes.length && feasible.length < toFind; i++) {
			const k = (start + i) % nodes.length;
			const ni = nodes[k];
			const at = whole ? k : this.snapshot.position.get(ni.name)!;
			const s = this.fw.runFilterWithNominatedPods(this.state, this.pod, ni);
			processed++;
			if (s.isSuccess()) {
				feasible.push(ni);
				this.verdicts.add(at);
			} else if (!s.isRejected()) {
				this.d.nextStartNodeIndex = (start + processed) % this.all.length;
				return s;
			} else {
				this.verdicts.add(at, s);
			}
		}
		this.d.nextStartNodeIndex = (start + processed) % this.all.length;
		return feasible;
	}

	/** prioritizeNodes + selectHost; one feasible node is taken without scoring. */
	private prioritize(feasible: NodeInfo[]): Status | undefined {
		if (feasible.length === 1) {
			this.d.winner = feasible[0].name;
			return undefined;
		}
		let totals = feasible.map(() => 1);
		if (this.fw.points.score.length > 0) {
			const ps = this.fw.runPreScore(this.state, this.pod, feasible);
			if (!ps.isSuccess()) return ps;
			const out = this.fw.runScore(this.state, this.pod, feasible);
			if (!out.status.isSuccess()) return out.status;
			this.d.score = scoreSection(this.fw.scorePlugins(), feasible, out);
			totals = out.totals;
		}
		const sel = selectHost((i) => feasible[i].name, totals, this.opts.rng);
		this.d.winner = sel.winner;
		this.d.ties = sel.ties;
		return undefined;
	}

	/** Reserve → Permit → PreBind → Bind; any failure unreserves. */
	private bind(): SchedulingDecision {
		const { fw, state, pod, d } = this;
		const host = d.winner!;
		const res = fw.runReserve(state, pod, host);
		if (!res.isSuccess()) return this.fail(res.message(), res.isRejected() ? 'Unschedulable' : 'SchedulerError');
		const permit = fw.runPermit(state, pod, host);
		const pb = permit.isSuccess() ? fw.runPreBind(state, pod, host) : undefined;
		d.writes.push(...(pb?.writes ?? []));
		const b = pb?.status.isSuccess() ? fw.runBind(state, pod, host) : undefined;
		if (!b?.status.isSuccess() || !b.binding) {
			fw.runUnreserve(state, pod, host);
			const why = !permit.isSuccess() ? permit : !pb!.status.isSuccess() ? pb!.status : b!.status;
			return this.fail(why.message(), why.isRejected() ? 'Unschedulable' : 'SchedulerError');
		}
		d.binding = b.binding;
		d.result = 'scheduled';
		// The `Scheduled` event, written once the binding succeeded.
		d.eventMessage = `Successfully assigned ${d.pod.namespace}/${d.pod.name} to ${host}`;
		return d;
	}

	/** FitError path: PostFilter (preemption), then the real message. */
	private unschedulable(statuses: Map<string, Status>): SchedulingDecision {
		if (this.fw.points.postFilter.length > 0) {
			const r = this.fw.runPostFilter(this.state, this.pod, statuses);
			const msg = r.status.isSuccess() ? '' : r.status.message();
			this.diagnosis.postFilterMsg = msg;
			this.d.postFilter = { plugin: r.plugin, nominatedNodeName: r.nominatedNodeName, message: msg || undefined, details: r.details };
			this.d.writes.push(...(r.writes ?? []));
		}
		return this.fail(fitErrorMessage(this.d.numAllNodes, this.diagnosis), 'Unschedulable');
	}
}

/** Runs one scheduling cycle of `pod` against `snapshot` with framework `fw`. */
export function scheduleOne(fw: Framework, snapshot: Snapshot, pod: Pod, opts: CycleOptions): SchedulingDecision {
	return new Cycle(fw, snapshot, pod, opts).run();
}
