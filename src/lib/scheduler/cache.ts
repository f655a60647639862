/**
 * The scheduler's cache (internal/cache/cache.go): NodeInfos kept up to date from informer
 * events, so a cycle takes a snapshot without rebuilding the world. A pod the scheduler chose a
 * node for is *assumed* there at once (the next cycle already sees it), *confirmed* when the
 * informer shows it bound, and *forgotten* when binding fails. Pods bound to a node the cache does
 * not know yet wait for that node (the real cache's "imaginary" nodes).
 *
 * Snapshots share the live NodeInfos: a cycle is synchronous, and the cache is only changed
 * between cycles. The snapshot object is rebuilt (O(nodes)) only after a change.
 *
 * @module
 */
import { NodeInfo, podInfoLike, podInfoOf, podKey, setImageStates, type PodInfo } from './node-info';
import { NodeChangeLog, nodeTreeOrder, Snapshot } from './snapshot';
import type { CSINode, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, PodDisruptionBudget, PodSelectingObject, StorageClass } from './types';

type Meta = { metadata: { namespace?: string; name: string } };
const objKey = (o: Meta) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

function isTerminal(pod: Pod): boolean {
	return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Which of the snapshot's affinity lists (havePodsWithAffinity, …RequiredAntiAffinity) hold the node. */
const holdsAffinity = (ni: NodeInfo) => (ni.podsWithAffinity.length > 0 ? 1 : 0) + (ni.podsWithRequiredAntiAffinity.length > 0 ? 2 : 0);

interface PlacedPod {
	node: string;
	pod: Pod;
	assumed: boolean;
}

export class SchedulerCache {
	private readonly nodes = new Map<string, NodeInfo>();
	/** podKey → where the pod is counted. */
	private readonly placed = new Map<string, PlacedPod>();
	/** The keys of `placed` entries that are assumed. */
	private readonly assumed = new Set<string>();
	/** Node name → pods bound to it before the node was seen. */
	private readonly waiting = new Map<string, Map<string, Pod>>();
	/** podKey → the unbound pod nominated somewhere. */
	private readonly nominatedPods = new Map<string, Pod>();
	private readonly pvcs = new Map<string, PersistentVolumeClaim>();
	private readonly pvs = new Map<string, PersistentVolume>();
	private readonly storageClasses = new Map<string, StorageClass>();
	private readonly csiNodes = new Map<string, CSINode>();
	private readonly pdbs = new Map<string, PodDisruptionBudget>();
	private readonly namespaceLabels = new Map<string, Record<string, string>>();
	private readonly podSelectors = new Map<string, PodSelectingObject>();
	private order: NodeInfo[] | undefined;
	private snap: Snapshot | undefined;
	private dirty = true;
	/** A node started or stopped holding pods with affinity terms since the last snapshot. */
	private affinityChanged = false;

	get nodeCount(): number {
		return this.nodes.size;
	}

	/** The assumed pods not confirmed yet (bindings in flight). */
	get assumedCount(): number {
		return this.assumed.size;
	}

	/** The assumed pods (`ns/name`) and their nodes: what a decision record needs besides the store. */
	assumedPods(): Array<{ pod: string; node: string }> {
		return [...this.assumed].map((k) => ({ pod: k, node: this.placed.get(k)!.node }));
	}

	isAssumed(pod: Pod): boolean {
		return this.placed.get(podKey(pod))?.assumed ?? false;
	}

	/**
	 * The cycle's view. The Snapshot object (its node maps and "not evaluated" verdicts, O(nodes))
	 * is rebuilt only when the node set changes; pod changes mutate the shared NodeInfos in place
	 * and refresh only the lists derived from pods (affinity holders, nominations).
	 */
	snapshot(): Snapshot {
		if (this.snap && !this.dirty) return this.snap;
		const objects = {
			pvcs: this.pvcs,
			pvs: this.pvs,
			storageClasses: this.storageClasses,
			csiNodes: this.csiNodes,
			pdbs: [...this.pdbs.values()],
			namespaceLabels: this.namespaceLabels,
			podSelectors: [...this.podSelectors.values()]
		};
		if (!this.snap || !this.order) {
			this.order = nodeTreeOrder([...this.nodes.values()]);
			this.snap = new Snapshot(this.order, objects, this.nominatedMap());
			this.snap.changes = new NodeChangeLog();
		} else {
			const s = this.snap as { -readonly [K in keyof Snapshot]: Snapshot[K] };
			s.objects = objects;
			s.nominated = this.nominatedMap();
			// Only then can the nodes holding pods with affinity terms be others.
			if (this.affinityChanged) {
				s.havePodsWithAffinity = this.order.filter((n) => n.podsWithAffinity.length > 0);
				s.havePodsWithRequiredAntiAffinity = this.order.filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
			}
		}
		this.dirty = false;
		this.affinityChanged = false;
		return this.snap;
	}

	private nominatedMap(): Map<string, PodInfo[]> {
		const nominated = new Map<string, PodInfo[]>();
		for (const pod of this.nominatedPods.values()) {
			const n = pod.status!.nominatedNodeName!;
			const list = nominated.get(n) ?? [];
			list.push(podInfoOf(pod));
			nominated.set(n, list);
		}
		return nominated;
	}

	private changed(reorder = false): void {
		this.dirty = true;
		if (reorder) this.order = undefined;
	}

	// Nodes.

	setNode(node: Node): void {
		const name = node.metadata.name;
		const old = this.nodes.get(name);
		const ni = new NodeInfo(node);
		if (old) for (const pi of old.pods) ni.addPod(pi);
		for (const pod of this.waiting.get(name)?.values() ?? []) ni.addPod(podInfoOf(pod));
		this.waiting.delete(name);
		this.nodes.set(name, ni);
		const imagesChanged = JSON.stringify(old?.node.status?.images ?? null) !== JSON.stringify(node.status?.images ?? null);
		if (imagesChanged) this.refreshImages();
		else if (old) ni.imageStates = old.imageStates;
		// A new NodeInfo object: the node tree holds the old one.
		this.changed(true);
	}

	removeNode(name: string): void {
		const ni = this.nodes.get(name);
		if (!ni) return;
		this.nodes.delete(name);
		// Its pods stay known: they wait for a node of that name (the pod deletions follow).
		const waiting = new Map<string, Pod>();
		for (const pi of ni.pods) if (!this.placed.get(podKey(pi.pod))?.assumed) waiting.set(podKey(pi.pod), pi.pod);
		if (waiting.size) this.waiting.set(name, waiting);
		this.refreshImages();
		this.changed(true);
	}

	/** ImageStateSummary: image size and how many nodes have it, shared by all nodes. */
	private refreshImages(): void {
		setImageStates([...this.nodes.values()]);
	}

	// Pods.

	/**
	 * An informer add or update of any pod: bound, non-terminal pods are counted on their node
	 * (confirming an assumed pod); unbound ones are tracked only for their nomination. An assumed
	 * pod whose informer copy is still unbound stays assumed (the binding is in flight).
	 */
	setPod(pod: Pod): void {
		const key = podKey(pod);
		const cur = this.placed.get(key);
		if (isTerminal(pod)) return this.removePod(pod);
		if (!pod.spec.nodeName) {
			if (cur?.assumed) return;
			this.setNominated(key, pod);
			return;
		}
		this.setNominated(key, undefined);
		if (cur) this.unplace(key, cur);
		this.place(key, { node: pod.spec.nodeName, pod, assumed: false }, cur && podInfoOf(cur.pod));
	}

	/** An informer delete: the pod leaves wherever it was counted. */
	removePod(pod: Pod): void {
		const key = podKey(pod);
		this.setNominated(key, undefined);
		const cur = this.placed.get(key);
		if (cur) this.unplace(key, cur);
	}

	/** AssumePod: counts `pod` on `node` before the binding is confirmed. */
	assume(pod: Pod, node: string): void {
		const key = podKey(pod);
		const cur = this.placed.get(key);
		if (cur) this.unplace(key, cur);
		this.setNominated(key, undefined);
		this.place(key, { node, pod: { ...pod, spec: { ...pod.spec, nodeName: node } }, assumed: true }, podInfoOf(pod));
	}

	/** ForgetPod: the binding failed; the assumed pod leaves its node. */
	forget(pod: Pod): void {
		const key = podKey(pod);
		const cur = this.placed.get(key);
		if (cur?.assumed) this.unplace(key, cur);
	}

	/** `like`: the PodInfo of an earlier copy of the pod, shared when the copies agree (podInfoLike). */
	private place(key: string, p: PlacedPod, like?: PodInfo): void {
		this.placed.set(key, p);
		if (p.assumed) this.assumed.add(key);
		const ni = this.nodes.get(p.node);
		if (ni) {
			const holds = holdsAffinity(ni);
			ni.addPod(like ? podInfoLike(p.pod, like) : podInfoOf(p.pod));
			if (holdsAffinity(ni) !== holds) this.affinityChanged = true;
			this.logChange(ni);
		}
		else {
			const w = this.waiting.get(p.node) ?? new Map<string, Pod>();
			w.set(key, p.pod);
			this.waiting.set(p.node, w);
		}
		this.changed();
	}

	private unplace(key: string, p: PlacedPod): void {
		this.placed.delete(key);
		this.assumed.delete(key);
		const ni = this.nodes.get(p.node);
		const holds = ni && holdsAffinity(ni);
		if (!ni?.removePod(p.pod)) this.waiting.get(p.node)?.delete(key);
		else {
			if (holdsAffinity(ni) !== holds) this.affinityChanged = true;
			this.logChange(ni);
		}
		this.changed();
	}

	/** Logs a change of `ni`'s pods for the snapshot that shares it (a node tree about to be rebuilt has no readers left). */
	private logChange(ni: NodeInfo): void {
		if (this.order && this.snap?.byName.get(ni.name) === ni) this.snap.changes?.push(ni);
	}

	private setNominated(key: string, pod: Pod | undefined): void {
		const had = this.nominatedPods.has(key);
		if (pod?.status?.nominatedNodeName) this.nominatedPods.set(key, pod);
		else if (had) this.nominatedPods.delete(key);
		else return;
		this.changed();
	}

	// Other objects the plugins read.

	setPvc(o: PersistentVolumeClaim, del = false): void {
		this.setIn(this.pvcs, objKey(o as Meta), o, del);
	}

	setPv(o: PersistentVolume, del = false): void {
		this.setIn(this.pvs, o.metadata.name, o, del);
	}

	setStorageClass(o: StorageClass, del = false): void {
		this.setIn(this.storageClasses, o.metadata.name, o, del);
	}

	setCsiNode(o: CSINode, del = false): void {
		this.setIn(this.csiNodes, o.metadata.name, o, del);
	}

	setPdb(o: PodDisruptionBudget, del = false): void {
		this.setIn(this.pdbs, objKey(o as Meta), o, del);
	}

	setNamespace(o: Namespace, del = false): void {
		this.setIn(this.namespaceLabels, o.metadata.name, o.metadata.labels ?? {}, del);
	}

	/** Services, ReplicationControllers, ReplicaSets, StatefulSets (system default spreading). */
	setPodSelector(o: PodSelectingObject, del = false): void {
		this.setIn(this.podSelectors, `${o.kind}/${objKey(o as Meta)}`, o, del);
	}

	private setIn<T>(map: Map<string, T>, key: string, value: T, del: boolean): void {
		if (del) map.delete(key);
		else map.set(key, value);
		this.changed();
	}
}
