/**
 * The kube-scheduler's default profile, re-implemented as a pure core shared by server and
 * browser. See README.md for what is faithful and what is simplified.
 *
 * @module
 */
export { Code, CODE_NAMES, CycleState, Status, MAX_NODE_SCORE, type ApiWrite, type ClusterEvent, type Plugin, type QueuedPodInfo } from './framework';
export { fitErrorMessage, truncateMessage, NOTE_LENGTH_LIMIT, type Diagnosis } from './fit-error';
export { NodeInfo, podInfoOf, type PodInfo } from './node-info';
export {
	CONFIG_API_VERSION,
	CONFIG_KIND,
	DEFAULT_SCHEDULER_NAME,
	defaultSchedulerConfig,
	parseSchedulerConfiguration,
	type ProfileConfig,
	type SchedulerConfig
} from './profile';
export { SchedulingQueue, type QueueOptions } from './queue';
export { DEFAULT_MULTI_POINT, REGISTRY } from './registry';
export { intn, seededRng, type Rng } from './rng';
export { createFramework, Framework } from './runtime';
export { numFeasibleNodesToFind, scheduleOne, selectHost, type NodeScoreRow, type NodeVerdict, type SchedulingDecision } from './schedule-one';
export { Scheduler, rejectorsOf } from './scheduler';
export { createSnapshot, nodeTreeOrder, Snapshot, type ClusterState } from './snapshot';
export type * from './types';
