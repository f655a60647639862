/**
 * The scheduling framework's vocabulary (pkg/scheduler/framework/interface.go): status codes,
 * per-cycle state, and the extension points a plugin may implement. A plugin implements only the
 * points it needs; the runtime (`runtime.ts`) finds them by the methods present.
 *
 * @module
 */
import type { Binding, Pod } from './types';
import type { NodeInfo, PodInfo } from './node-info';
import type { Snapshot } from './snapshot';

/** framework.Code, same order as the real enum. */
export enum Code {
	Success = 0,
	Error = 1,
	Unschedulable = 2,
	UnschedulableAndUnresolvable = 3,
	Wait = 4,
	Skip = 5,
	Pending = 6
}

export const CODE_NAMES = ['Success', 'Error', 'Unschedulable', 'UnschedulableAndUnresolvable', 'Wait', 'Skip', 'Pending'] as const;

/** framework.Status: a code, user-facing reasons and the plugin that produced it. */
export class Status {
	constructor(
		readonly code: Code,
		readonly reasons: readonly string[] = [],
		public plugin = ''
	) {}

	static of(code: Code, ...reasons: string[]): Status {
		return new Status(code, reasons);
	}

	isSuccess(): boolean {
		return this.code === Code.Success;
	}

	/** Unschedulable or UnschedulableAndUnresolvable (or Pending): the pod was turned down, not broken. */
	isRejected(): boolean {
		return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable || this.code === Code.Pending;
	}

	isSkip(): boolean {
		return this.code === Code.Skip;
	}

	/** Status.Message(): the reasons joined with ", ". */
	message(): string {
		return this.reasons.join(', ');
	}

	withPlugin(plugin: string): Status {
		return new Status(this.code, this.reasons, plugin);
	}
}

/** A shared success value: filters return it for every passing node, so no allocation. */
export const SUCCESS: Status = Object.freeze(new Status(Code.Success)) as Status;
export const SKIP: Status = Object.freeze(new Status(Code.Skip)) as Status;

/** A typed key into CycleState (PreFilter/PreScore data read back by Filter/Score). */
export interface StateKey<T> {
	readonly name: string;
	readonly __type?: T;
}

export function stateKey<T>(name: string): StateKey<T> {
	return { name };
}

/**
 * Data of one scheduling cycle for one pod. Also carries the cluster snapshot the cycle runs
 * against, so a preemption dry run can re-run PreFilter over a modified snapshot.
 */
export class CycleState {
	private readonly data = new Map<string, unknown>();
	/** Plugins whose PreFilter returned Skip: their Filter does not run. */
	readonly skipFilterPlugins = new Set<string>();
	/** Plugins whose PreScore returned Skip: their Score does not run. */
	readonly skipScorePlugins = new Set<string>();
	/** The Filter plugins left after PreFilter's Skips (the runtime fills it once per cycle). */
	activeFilters: Plugin[] | undefined;

	constructor(
		readonly snapshot: Snapshot,
		/** The room's seeded RNG (preemption's dry-run offset); 0 when none is given. */
		readonly rng: () => number = () => 0
	) {}

	read<T>(key: StateKey<T>): T | undefined {
		return this.data.get(key.name) as T | undefined;
	}

	write<T>(key: StateKey<T>, value: T): void {
		this.data.set(key.name, value);
	}
}

/** A pod waiting in the scheduling queue (framework.QueuedPodInfo). */
export interface QueuedPodInfo {
	pod: Pod;
	/** When the pod entered the queue (ms on the queue's clock); PrioritySort's tie-break. */
	timestamp: number;
	/** Scheduling attempts so far. */
	attempts: number;
	/** When the first attempt began (ms). */
	initialAttemptTimestamp?: number;
	/** Plugins that rejected the pod last time: only events they care about move it back. */
	unschedulablePlugins: Set<string>;
	/** The PreEnqueue plugin holding the pod back (SchedulingGates), if any. */
	gatedBy?: string;
}

export interface NodeScore {
	name: string;
	score: number;
}

/** What PreFilter may return besides a status: a subset of node names (undefined = all nodes). */
export interface PreFilterResult {
	status: Status;
	nodeNames?: Set<string>;
}

/** Node name → filter status for the nodes that failed (framework.NodeToStatus). */
export type NodeToStatus = Map<string, Status>;

export interface PostFilterResult {
	status: Status;
	nominatedNodeName?: string;
	/** API writes to make before retrying (victim deletions, nominations cleared). */
	writes?: ApiWrite[];
	/** What the plugin decided, for the decision record (DefaultPreemption: victims, candidates). */
	details?: unknown;
}

/** A write the shell must make through the API (PreBind side effects: PVC annotations, deletions). */
export type ApiWrite =
	| { verb: 'patch-pvc-annotation'; namespace: string; name: string; annotation: string; value: string }
	| { verb: 'bind-pv'; pv: string; claim: { namespace: string; name: string; uid?: string } }
	/** VolumeBinding's PreBind wait: every claim fully bound (provisioned ones still on `selectedNode`). */
	| { verb: 'wait-volumes-bound'; namespace: string; claims: Array<{ name: string; selectedNode?: string }>; timeoutMs: number }
	/** Preemption: set the victim's DisruptionTarget condition, record a `Preempted` event, delete it. */
	| {
			verb: 'preempt-pod';
			namespace: string;
			name: string;
			uid?: string;
			condition: { type: 'DisruptionTarget'; status: 'True'; reason: 'PreemptionByScheduler'; message: string };
			event: { reason: 'Preempted'; message: string };
	  }
	| { verb: 'clear-nominated-node'; namespace: string; name: string };

/**
 * What the framework offers to plugins that need to run the others (preemption re-runs Filter).
 */
export interface FrameworkHandle {
	runPreFilter(state: CycleState, pod: Pod): PreFilterResult;
	runFilter(state: CycleState, pod: Pod, node: NodeInfo): Status;
	/** Filter with the higher-or-equal priority pods nominated to the node counted as present. */
	runFilterWithNominatedPods(state: CycleState, pod: Pod, node: NodeInfo): Status;
}

/**
 * A plugin: a name plus the extension points it implements (framework/interface.go). Methods are
 * optional; the runtime runs a plugin at a point only when the profile enables it there and the
 * method exists.
 */
export interface Plugin {
	readonly name: string;
	/** PreEnqueue: Success lets the pod into activeQ; otherwise it stays gated. */
	preEnqueue?(pod: Pod): Status;
	/** QueueSort: true when `a` should be scheduled before `b`. */
	less?(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
	preFilter?(state: CycleState, pod: Pod): PreFilterResult | Status;
	filter?(state: CycleState, pod: Pod, node: NodeInfo): Status;
	postFilter?(state: CycleState, pod: Pod, statuses: NodeToStatus, fw: FrameworkHandle): PostFilterResult;
	preScore?(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status;
	/** Score: a raw score; plugins without normalizeScore must stay within [0, 100]. */
	score?(state: CycleState, pod: Pod, node: NodeInfo): number;
	normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): void;
	reserve?(state: CycleState, pod: Pod, nodeName: string): Status;
	unreserve?(state: CycleState, pod: Pod, nodeName: string): void;
	permit?(state: CycleState, pod: Pod, nodeName: string): { status: Status; timeoutMs?: number };
	preBind?(state: CycleState, pod: Pod, nodeName: string): { status: Status; writes?: ApiWrite[] };
	bind?(state: CycleState, pod: Pod, nodeName: string): { status: Status; binding?: Binding };
	/** Cluster events that may make a pod this plugin rejected schedulable (EventsToRegister). */
	readonly events?: readonly ClusterEvent[];
}

/** A cluster change that may make unschedulable pods schedulable (framework.ClusterEvent). */
export type ClusterEvent =
	| 'NodeAdd'
	| 'NodeDelete'
	| 'NodeUpdateAllocatable'
	| 'NodeUpdateLabel'
	| 'NodeUpdateTaint'
	| 'NodeUpdateCondition'
	| 'NodeUpdateUnschedulable'
	| 'PodAdd'
	| 'PodUpdate'
	| 'PodDelete'
	| 'PvcAdd'
	| 'PvcUpdate'
	| 'PvAdd'
	| 'PvUpdate'
	| 'StorageClassAdd'
	| 'StorageClassUpdate'
	| 'CSINodeAdd'
	| 'CSINodeUpdate'
	| 'NamespaceAdd'
	| 'NamespaceUpdate'
	| 'PodGateRemoved';

export type { NodeInfo, PodInfo };

/** MaxNodeScore / MinNodeScore (framework/interface.go). */
export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;
