/**
 * Faults a room can inject into its simulated cluster, and the state the fault runtime keeps
 * (in the ConfigMap `kube-system/converge-faults`, so it is stored, watched, exported and
 * replayed like every other object of the room).
 *
 * @module
 */

/** apiVersion of the room's own configuration documents (never applied to the cluster). */
export const ROOM_CONFIG_GROUP = 'converge.dev';
export const FAULT_SCHEDULE_API_VERSION = 'converge.dev/v1alpha1';
export const FAULT_SCHEDULE_KIND = 'FaultSchedule';

export const FAULT_KINDS = ['NodeFailure', 'NetworkPartition', 'NodeFull', 'ImageUnavailable', 'PodCrashRate'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const NODE_RESOURCES = ['disk', 'memory', 'pids'] as const;
export type NodeResource = (typeof NODE_RESOURCES)[number];

/** What to break; which fields apply depends on `fault`. */
export interface FaultSpec {
	fault: FaultKind;
	/** NodeFailure, NetworkPartition, NodeFull. */
	node?: string;
	/** NodeFull: what fills up (default disk). */
	resource?: NodeResource;
	/** ImageUnavailable: `nginx` (every tag) or `nginx:1.27` (that reference). */
	image?: string;
	/** PodCrashRate: the pods' namespace (default `default`) and label selector (default all). */
	namespace?: string;
	selector?: string;
	/** PodCrashRate: probability in (0, 1] that a container run crashes (default 1). */
	rate?: number;
	/** PodCrashRate: seconds a crashing run lives (default 5). */
	crashAfterSeconds?: number;
	/** Recovers by itself after this long (`recoverAfter`, or `for`); else until recovered by hand. */
	recoverAfterMs?: number;
}

/** One entry of a FaultSchedule: the fault and when, relative to when the schedule was applied. */
export interface ScheduledFault extends FaultSpec {
	atMs: number;
}

export interface FaultSchedule {
	name: string;
	path: string;
	faults: ScheduledFault[];
	/** Identity of the schedule's content: an edited schedule starts over. */
	hash: string;
}

/** A fault in force. */
export interface ActiveFault extends FaultSpec {
	id: string;
	/** Room time it was injected / is due to recover (ms). */
	injectedAt: number;
	recoverAt?: number;
	/** `api` (one-click or the rooms API) or `schedule/<name>/<index>`. */
	source: string;
}

export interface RecoveredFault extends ActiveFault {
	recoveredAt: number;
}

/** Progress of one schedule: when it was first seen and which entries fired. */
export interface ScheduleProgress {
	hash: string;
	appliedAt: number;
	fired: number[];
}

export interface FaultState {
	/** Ids are `f<seq>`: deterministic, so a replay names faults the same. */
	seq: number;
	schedules: Record<string, ScheduleProgress>;
	active: ActiveFault[];
	/** The most recent recovered faults (bounded). */
	recovered: RecoveredFault[];
}

export const EMPTY_FAULT_STATE: FaultState = { seq: 0, schedules: {}, active: [], recovered: [] };

/** Where the runtime keeps its state. */
export const FAULT_STATE_CONFIGMAP = { namespace: 'kube-system', name: 'converge-faults', key: 'state.json' };

/** Node annotations faults act through (docs/simulation.md): the kubelet reads them. */
export const KUBELET_STATE_ANNOTATION = 'sim.converge.dev/kubelet';
export const PRESSURE_ANNOTATION = 'sim.converge.dev/pressure';

/** Kubelet states faults set: the machine is off, or the kubelet cannot reach the API. */
export const KUBELET_DOWN = 'down';
export const KUBELET_PARTITIONED = 'partitioned';

/** How many recovered faults the state keeps. */
export const RECOVERED_KEPT = 50;

/** The state kept in the ConfigMap (empty when absent or unreadable). */
export function faultStateOf(cm: { data?: Record<string, string> } | undefined): FaultState {
	const raw = cm?.data?.[FAULT_STATE_CONFIGMAP.key];
	if (!raw) return EMPTY_FAULT_STATE;
	try {
		const s = JSON.parse(raw) as Partial<FaultState>;
		return { seq: s.seq ?? 0, schedules: s.schedules ?? {}, active: s.active ?? [], recovered: s.recovered ?? [] };
	} catch {
		return EMPTY_FAULT_STATE;
	}
}

/** The room event the fault runtime publishes on every change (`session.events.faults`). */
export interface FaultsEvent {
	type: 'faults';
	/** Room time of the change. */
	now: number;
	schedules: Array<{
		name: string;
		path: string;
		appliedAt?: number;
		faults: Array<ScheduledFault & { dueAt?: number; state: 'pending' | 'active' | 'fired' | 'recovered'; id?: string }>;
	}>;
	active: ActiveFault[];
	recovered: RecoveredFault[];
}
