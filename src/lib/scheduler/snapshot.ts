/**
 * The cluster as one scheduling cycle sees it (internal/cache Snapshot): NodeInfos in the
 * node tree's zone-interleaved order, plus the objects plugins look up (PVCs, PVs, storage
 * classes, PDBs, namespaces, workload selectors) and the pods nominated to each node.
 *
 * @module
 */
import { NodeInfo, podInfoOf, setImageStates, type PodInfo } from './node-info';
import type {
	CSINode,
	Namespace,
	Node,
	PersistentVolume,
	PersistentVolumeClaim,
	Pod,
	PodDisruptionBudget,
	PodSelectingObject,
	StorageClass
} from './types';

/** Everything the scheduler reads from the API (its informers' caches). */
export interface ClusterState {
	nodes: readonly Node[];
	/** All pods: bound ones are placed on their nodes; unbound ones may carry a nomination. */
	pods: readonly Pod[];
	pvcs?: readonly PersistentVolumeClaim[];
	pvs?: readonly PersistentVolume[];
	storageClasses?: readonly StorageClass[];
	csiNodes?: readonly CSINode[];
	pdbs?: readonly PodDisruptionBudget[];
	namespaces?: readonly Namespace[];
	/** Services, ReplicationControllers, ReplicaSets, StatefulSets (system default spreading). */
	podSelectors?: readonly PodSelectingObject[];
}

export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const LABEL_REGION = 'topology.kubernetes.io/region';
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';

/** utilnode.GetZoneKey: region and zone (GA or beta labels); "" when neither is set. */
export function zoneKey(node: Node): string {
	const l = node.metadata.labels ?? {};
	const zone = l[LABEL_ZONE] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
	const region = l[LABEL_REGION] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
	return region === '' && zone === '' ? '' : `${region}:\x00:${zone}`;
}

/**
 * nodeTree.list(): first node of every zone (zones in first-seen order), then the second, … The
 * tree is built in node name order — the order of the scheduler's initial list — rather than in
 * the order nodes were added since: so a decision can be recomputed from the store alone.
 */
export function nodeTreeOrder<T extends { node: Node }>(infos: readonly T[]): T[] {
	const zones = new Map<string, T[]>();
	const byName = [...infos].sort((a, b) => (a.node.metadata.name < b.node.metadata.name ? -1 : a.node.metadata.name > b.node.metadata.name ? 1 : 0));
	for (const ni of byName) {
		const k = zoneKey(ni.node);
		let z = zones.get(k);
		if (!z) zones.set(k, (z = []));
		z.push(ni);
	}
	const out: T[] = [];
	const lists = [...zones.values()];
	for (let i = 0; out.length < infos.length; i++) for (const z of lists) if (i < z.length) out.push(z[i]);
	return out;
}

function isTerminal(pod: Pod): boolean {
	return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Most entries a change log keeps; a reader further behind recounts everything once. */
const CHANGE_LOG_MAX = 4096;

/**
 * The NodeInfos of a snapshot whose pods changed, in order (the cache appends one per pod placed
 * or removed): what the real cache's most-recently-updated-first node list and generation
 * numbers give UpdateSnapshot, here for the counts kept across cycles (topology-counts.ts), so
 * they recount the nodes that changed instead of checking every node.
 */
export class NodeChangeLog {
	private entries: NodeInfo[] = [];
	private base = 0;

	/** The position after the last entry: what a reader keeps to ask for later changes. */
	get end(): number {
		return this.base + this.entries.length;
	}

	push(ni: NodeInfo): void {
		if (this.entries.length >= CHANGE_LOG_MAX) {
			this.base += this.entries.length;
			this.entries = [];
		}
		this.entries.push(ni);
	}

	/** Calls `fn` for each node changed since `from` (an earlier `end`); false when that is no longer known. */
	forEachSince(from: number, fn: (ni: NodeInfo) => void): boolean {
		if (from < this.base) return false;
		for (let i = from - this.base; i < this.entries.length; i++) fn(this.entries[i]);
		return true;
	}
}

export class Snapshot {
	readonly byName: Map<string, NodeInfo>;
	/** Node name → position in `nodes`. */
	readonly position: Map<string, number>;
	/** One shared "not evaluated" verdict per node, copied into each decision record. */
	readonly notEvaluated: ReadonlyArray<{ node: string; verdict: 'not-evaluated' }>;
	/** Likewise one shared "feasible" verdict per node (records are built from them each cycle). */
	readonly feasible: ReadonlyArray<{ node: string; verdict: 'feasible' }>;
	readonly havePodsWithAffinity: NodeInfo[];
	readonly havePodsWithRequiredAntiAffinity: NodeInfo[];
	/**
	 * Set when one owner (the cache) changes these NodeInfos in place and logs every change; absent
	 * for snapshots built whole (then readers compare every node's `generation`).
	 */
	changes?: NodeChangeLog;

	constructor(
		/** In node tree order. */
		readonly nodes: readonly NodeInfo[],
		readonly objects: {
			pvcs: Map<string, PersistentVolumeClaim>;
			pvs: Map<string, PersistentVolume>;
			storageClasses: Map<string, StorageClass>;
			/** By node name (NodeVolumeLimits); absent = no CSINode objects. */
			csiNodes?: Map<string, CSINode>;
			pdbs: readonly PodDisruptionBudget[];
			namespaceLabels: Map<string, Record<string, string>>;
			podSelectors: readonly PodSelectingObject[];
		},
		/** Node name → pods nominated to it (unbound, `status.nominatedNodeName`). */
		readonly nominated: Map<string, PodInfo[]> = new Map()
	) {
		this.byName = new Map(nodes.map((n) => [n.name, n]));
		this.position = new Map(nodes.map((n, i) => [n.name, i]));
		this.notEvaluated = nodes.map((n) => Object.freeze({ node: n.name, verdict: 'not-evaluated' as const }));
		this.feasible = nodes.map((n) => Object.freeze({ node: n.name, verdict: 'feasible' as const }));
		this.havePodsWithAffinity = nodes.filter((n) => n.podsWithAffinity.length > 0);
		this.havePodsWithRequiredAntiAffinity = nodes.filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
	}

	get(name: string): NodeInfo | undefined {
		return this.byName.get(name);
	}

	pvc(namespace: string, name: string): PersistentVolumeClaim | undefined {
		return this.objects.pvcs.get(`${namespace}/${name}`);
	}

	namespaceLabels(ns: string): Record<string, string> | undefined {
		return this.objects.namespaceLabels.get(ns);
	}

	/** The same snapshot with one node's info replaced (preemption's what-if). */
	withNode(ni: NodeInfo): Snapshot {
		return new Snapshot(
			this.nodes.map((n) => (n.name === ni.name ? ni : n)),
			this.objects,
			this.nominated
		);
	}
}

/** Builds the snapshot from informer contents. Terminal pods take no room (the scheduler never sees them). */
export function createSnapshot(state: ClusterState): Snapshot {
	const infos = state.nodes.map((n) => new NodeInfo(n));
	const byName = new Map(infos.map((n) => [n.name, n]));
	const nominated = new Map<string, PodInfo[]>();
	for (const pod of state.pods) {
		if (isTerminal(pod)) continue;
		if (pod.spec.nodeName) byName.get(pod.spec.nodeName)?.addPod(podInfoOf(pod));
		else if (pod.status?.nominatedNodeName) {
			const list = nominated.get(pod.status.nominatedNodeName) ?? [];
			list.push(podInfoOf(pod));
			nominated.set(pod.status.nominatedNodeName, list);
		}
	}
	setImageStates(infos);
	const key = (o: { metadata: { namespace?: string; name: string } }) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
	return new Snapshot(
		nodeTreeOrder(infos),
		{
			pvcs: new Map((state.pvcs ?? []).map((c) => [key(c), c])),
			pvs: new Map((state.pvs ?? []).map((v) => [v.metadata.name, v])),
			storageClasses: new Map((state.storageClasses ?? []).map((s) => [s.metadata.name, s])),
			csiNodes: new Map((state.csiNodes ?? []).map((c) => [c.metadata.name, c])),
			pdbs: state.pdbs ?? [],
			namespaceLabels: new Map((state.namespaces ?? []).map((n) => [n.metadata.name, n.metadata.labels ?? {}])),
			podSelectors: state.podSelectors ?? []
		},
		nominated
	);
}
