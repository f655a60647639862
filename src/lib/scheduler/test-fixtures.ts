/**
 * Builders for scheduler tests (like pkg/scheduler/testing's MakePod/MakeNode).
 *
 * @module
 */
import { CycleState, type NodeScore, type Plugin } from './framework';
import type { NodeInfo } from './node-info';
import { createSnapshot, type ClusterState, type Snapshot } from './snapshot';
import type { Container, Node, Pod, PodSpec, Taint } from './types';

export function makeNode(
	name: string,
	opts: { cpu?: string; memory?: string; pods?: number; labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean; extra?: Record<string, string>; images?: Array<{ names: string[]; sizeBytes: number }> } = {}
): Node {
	const alloc: Record<string, string> = { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: String(opts.pods ?? 110), ...(opts.extra ?? {}) };
	return {
		apiVersion: 'v1',
		kind: 'Node',
		metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(opts.labels ?? {}) } },
		spec: { ...(opts.taints ? { taints: opts.taints } : {}), ...(opts.unschedulable ? { unschedulable: true } : {}) },
		status: { capacity: alloc, allocatable: alloc, ...(opts.images ? { images: opts.images } : {}) }
	};
}

let uid = 0;

export function makePod(
	name: string,
	opts: {
		ns?: string;
		node?: string;
		requests?: Record<string, string>;
		containers?: Container[];
		labels?: Record<string, string>;
		priority?: number;
		startTime?: string;
		spec?: Partial<PodSpec>;
	} = {}
): Pod {
	const containers = opts.containers ?? [{ name: 'c', image: 'app:1', ...(opts.requests ? { resources: { requests: opts.requests } } : {}) }];
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: { name, namespace: opts.ns ?? 'default', uid: `uid-${name}-${uid++}`, labels: opts.labels ?? {} },
		spec: { containers, ...(opts.node ? { nodeName: opts.node } : {}), ...(opts.priority !== undefined ? { priority: opts.priority } : {}), ...(opts.spec ?? {}) },
		status: { phase: opts.node ? 'Running' : 'Pending', ...(opts.startTime ? { startTime: opts.startTime } : {}) }
	};
}

export function snapshotOf(nodes: Node[], pods: Pod[] = [], extra: Partial<ClusterState> = {}): Snapshot {
	return createSnapshot({ nodes, pods, ...extra });
}

/**
 * Runs a score plugin like the framework does (PreScore → Score per node → NormalizeScore) and
 * returns the final scores per node name; undefined when PreScore skipped.
 */
export function runScorePlugin(plugin: Plugin, snap: Snapshot, pod: Pod, nodes: readonly NodeInfo[] = snap.nodes): Record<string, number> | undefined {
	const state = new CycleState(snap);
	plugin.preFilter?.(state, pod);
	const pre = plugin.preScore?.(state, pod, nodes);
	if (pre?.isSkip()) return undefined;
	const scores: NodeScore[] = nodes.map((n) => ({ name: n.name, score: plugin.score!(state, pod, n) }));
	plugin.normalizeScore?.(state, pod, scores);
	return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}

/** Runs PreFilter then Filter on every node: node → message ('' = fits), or the PreFilter status. */
export function runFilterPlugin(plugin: Plugin, snap: Snapshot, pod: Pod): Record<string, string> {
	const state = new CycleState(snap);
	const pre = plugin.preFilter?.(state, pod);
	const preStatus = pre && 'code' in pre ? pre : pre?.status;
	if (preStatus && !preStatus.isSuccess() && !preStatus.isSkip()) return { prefilter: preStatus.message() };
	const skip = preStatus?.isSkip();
	return Object.fromEntries(snap.nodes.map((n) => [n.name, skip ? '' : plugin.filter!(state, pod, n).message()]));
}
