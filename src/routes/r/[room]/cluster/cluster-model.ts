/**
 * The Cluster view's model: nodes with what `kubectl get nodes` / `describe node` would say
 * (STATUS, taints, allocated requests vs allocatable) and their pods with kubectl's STATUS, plus
 * the pods no node has. Built from the informers' caches on each (batched) update; per-pod work
 * is cached by object identity, since the cache replaces an object whenever it changes.
 *
 * @module
 */
import type { KubeObject } from '$lib/controllers/types';
import { matchesLabels, type LabelSelector } from '$lib/kube/label-selector';
import { ROWS } from '$lib/kube/table-rows';
import { podRow } from '$lib/kube/table-pod';
import { amount, CPU, MEMORY, PODS, podRequests } from '$lib/scheduler/resources';
import type { Pod } from '$lib/scheduler/types';

export const KUBELET_ANNOTATION = 'sim.converge.dev/kubelet';

/** How a STATUS reads at a glance. */
export type Tone = 'ok' | 'progress' | 'error' | 'done' | 'terminating';

export interface PodSummary {
	key: string;
	name: string;
	namespace: string;
	/** kubectl's STATUS column (`Running`, `ContainerCreating`, `CrashLoopBackOff`, `Terminating`, ...). */
	status: string;
	tone: Tone;
	ready: string;
	node?: string;
	/** Counts toward the node's allocated requests (not Succeeded/Failed). */
	active: boolean;
	cpu: number;
	memory: number;
	obj: KubeObject;
}

export interface NodeSummary {
	name: string;
	/** kubectl's STATUS (`Ready`, `NotReady,SchedulingDisabled`, ...). */
	status: string;
	/** The Ready condition's status: True, False or Unknown (no condition yet). */
	ready: 'True' | 'False' | 'Unknown';
	cordoned: boolean;
	kubeletStopped: boolean;
	taints: string[];
	/** Requested (by active pods) and allocatable: cpu in millicores, memory in bytes, pods. */
	cpu: { requested: number; allocatable: number };
	memory: { requested: number; allocatable: number };
	pods: PodSummary[];
	podCapacity: number;
	obj: KubeObject;
}

export interface ClusterModel {
	nodes: NodeSummary[];
	/** Pods without `spec.nodeName` (Pending until scheduled), and pods bound to a node that does not exist. */
	unscheduled: PodSummary[];
	counts: { nodes: number; ready: number; pods: number; running: number; pending: number; failing: number };
}

const ERROR_STATUSES = /BackOff|Err|Error|Failed|OOMKilled|Unknown|Invalid|NotReady|ExitCode|Signal|Evicted|DeadlineExceeded/;

/** The tone of a kubectl STATUS. */
export function toneOf(status: string): Tone {
	if (status === 'Running') return 'ok';
	if (status === 'Completed' || status === 'Succeeded') return 'done';
	if (status === 'Terminating') return 'terminating';
	if (ERROR_STATUSES.test(status)) return 'error';
	return 'progress'; // Pending, ContainerCreating, PodInitializing, Init:0/1, SchedulingGated
}

const podCache = new WeakMap<KubeObject, PodSummary>();
/** Requests by pod uid: a pod's containers' requests do not change, its status does (often). */
const requestCache = new Map<string, { cpu: number; memory: number }>();

function requestsOf(pod: KubeObject): { cpu: number; memory: number } {
	const uid = pod.metadata.uid ?? '';
	let r = uid ? requestCache.get(uid) : undefined;
	if (!r) {
		const reqs = podRequests(pod as unknown as Pod);
		r = { cpu: reqs.get(CPU) ?? 0, memory: reqs.get(MEMORY) ?? 0 };
		if (uid) requestCache.set(uid, r);
	}
	return r;
}

/** Forgets the requests of pods that are gone (called with the live pods when the cache has grown). */
function pruneRequests(pods: readonly KubeObject[]): void {
	if (requestCache.size <= 2 * pods.length + 100) return;
	const live = new Set(pods.map((p) => p.metadata.uid));
	for (const uid of requestCache.keys()) if (!live.has(uid)) requestCache.delete(uid);
}

export function summarizePod(pod: KubeObject): PodSummary {
	let s = podCache.get(pod);
	if (s) return s;
	// The STATUS and READY cells do not depend on the time.
	const cells = podRow(pod, 0).cells as string[];
	const phase = pod.status?.phase;
	const reqs = requestsOf(pod);
	s = {
		key: `${pod.metadata.namespace}/${pod.metadata.name}`,
		name: pod.metadata.name ?? '',
		namespace: pod.metadata.namespace ?? '',
		status: cells[2],
		tone: toneOf(cells[2]),
		ready: cells[1],
		node: pod.spec?.nodeName || undefined,
		active: phase !== 'Succeeded' && phase !== 'Failed',
		cpu: reqs.cpu,
		memory: reqs.memory,
		obj: pod
	};
	podCache.set(pod, s);
	return s;
}

const taintText = (t: { key: string; value?: string; effect: string }) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;

function summarizeNode(node: KubeObject, pods: PodSummary[]): NodeSummary {
	const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
	const ready = (node.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready')?.status ?? 'Unknown';
	const active = pods.filter((p) => p.active);
	return {
		name: node.metadata.name ?? '',
		status: ROWS['v1/Node'](node, 0).cells[1] as string,
		ready: ready === 'True' || ready === 'False' ? ready : 'Unknown',
		cordoned: !!node.spec?.unschedulable,
		kubeletStopped: node.metadata.annotations?.[KUBELET_ANNOTATION] === 'stopped',
		taints: (node.spec?.taints ?? []).map(taintText),
		cpu: { requested: active.reduce((n, p) => n + p.cpu, 0), allocatable: amount(CPU, alloc.cpu) },
		memory: { requested: active.reduce((n, p) => n + p.memory, 0), allocatable: amount(MEMORY, alloc.memory) },
		pods,
		podCapacity: amount(PODS, alloc.pods),
		obj: node
	};
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const byKey = (a: PodSummary, b: PodSummary) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export interface ClusterFilter {
	namespace?: string;
	/** Pods matching this selector only (`kubectl get pods -l`). */
	labels?: LabelSelector;
	/** Substring of a node or pod name. */
	text?: string;
}

export function clusterModel(nodes: readonly KubeObject[], pods: readonly KubeObject[], filter: ClusterFilter = {}): ClusterModel {
	const byNode = new Map<string, PodSummary[]>();
	const unscheduled: PodSummary[] = [];
	const counts = { nodes: nodes.length, ready: 0, pods: 0, running: 0, pending: 0, failing: 0 };
	const names = new Set(nodes.map((n) => n.metadata.name));
	const text = filter.text?.trim().toLowerCase() ?? '';
	pruneRequests(pods);
	for (const obj of pods) {
		if (filter.namespace && obj.metadata.namespace !== filter.namespace) continue;
		if (filter.labels && !matchesLabels(filter.labels, obj.metadata.labels)) continue;
		const p = summarizePod(obj);
		counts.pods++;
		if (p.tone === 'ok') counts.running++;
		else if (p.tone === 'progress') counts.pending++;
		else if (p.tone === 'error') counts.failing++;
		if (p.node && names.has(p.node)) {
			let list = byNode.get(p.node);
			if (!list) byNode.set(p.node, (list = []));
			list.push(p);
		} else unscheduled.push(p);
	}
	const out: NodeSummary[] = [];
	for (const n of nodes) {
		const s = summarizeNode(n, (byNode.get(n.metadata.name!) ?? []).sort(byKey));
		if (s.ready === 'True') counts.ready++;
		if (text && !s.name.toLowerCase().includes(text) && !s.pods.some((p) => p.name.toLowerCase().includes(text))) continue;
		out.push(s);
	}
	const shown = text ? unscheduled.filter((p) => p.name.toLowerCase().includes(text)) : unscheduled;
	return { nodes: out.sort(byName), unscheduled: shown.sort(byKey), counts };
}

/** `250m` / `1.5` cores, like kubectl describe's allocated resources. */
export function formatCpu(milli: number): string {
	return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Memory in the largest binary unit that keeps it whole-ish (`512Mi`, `7.5Gi`). */
export function formatMemory(bytes: number): string {
	const units: Array<[string, number]> = [
		['Gi', 2 ** 30],
		['Mi', 2 ** 20],
		['Ki', 2 ** 10]
	];
	for (const [u, v] of units) if (bytes >= v) return `${Math.round((bytes / v) * 10) / 10}${u}`;
	return String(bytes);
}

/** Percentage for bars, capped at 100 (an overcommitted node shows full). */
export const percent = (used: number, total: number): number => (total > 0 ? Math.min(100, Math.round((used / total) * 100)) : 0);
