/**
 * One simulated kubelet: it posts its Node's status (at start, on change, and every 5 minutes as
 * a report), renews its Lease in kube-node-lease every 10 s, and runs the pods bound to its node
 * (one PodSim each), writing their status and finishing their graceful deletion. While its Node
 * carries `sim.converge.dev/kubelet: stopped` it is down: no heartbeats, no status, no events.
 *
 * @module
 */
import { every, type Clock } from '../../src/lib/clock/clock';
import { isConflict, isNotFound, RESOURCES, type KubeClient, type KubeObject } from '../../src/lib/controllers/types';
import { rfc3339, rfc3339Micro } from '../../src/lib/kube/duration';
import { hexId } from '../../src/lib/kubelet/ids';
import { formatIPv4, parseCidr } from '../../src/lib/kube/ip-range';
import { NodeImages } from '../../src/lib/kubelet/images';
import { nodeStatus, nodeStatusChanged } from '../../src/lib/kubelet/node-status';
import { PodSim } from '../../src/lib/kubelet/pod-sim';
import { KUBELET_STATE_ANNOTATION, LEASES, NODE_LEASE_NAMESPACE, NODES } from '../../src/lib/kubelet/refs';
import { kubeletRecorder, type KubeletRecorder } from './events';

type Obj = KubeObject;

/** The kubelet's timings (ms): lease renewal (a quarter of the 40 s lease), status checks and reports. */
export const KUBELET = {
	leaseDurationSeconds: 40,
	leaseRenewMs: 10_000,
	nodeStatusUpdateMs: 10_000,
	nodeStatusReportMs: 300_000
};

/** Pod conditions the kubelet owns (the others, PodScheduled and DisruptionTarget, are kept). */
const OWNED = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

const PODS = RESOURCES.pods;

/** The pod's claim volumes (PVCs and generic ephemeral ones) whose claim is not Bound yet. */
function unboundClaimVolumes(pod: Obj, phase: AgentDeps['claimPhase']): string[] {
	if (!phase) return [];
	const ns = pod.metadata.namespace ?? 'default';
	return (pod.spec?.volumes ?? [])
		.filter((v: Obj) => {
			const claim = v.persistentVolumeClaim?.claimName ?? (v.ephemeral ? `${pod.metadata.name}-${v.name}` : undefined);
			return claim !== undefined && phase(ns, claim) !== 'Bound';
		})
		.map((v: Obj) => v.name as string);
}

export interface AgentDeps {
	client: KubeClient;
	clock: Clock;
	/** The node's InternalIP (chosen by the manager, stable while the server runs). */
	ip: string;
	seed: number;
	/** Asks the manager to sync a pod (`namespace/name`). */
	enqueuePod(key: string): void;
	/** Asks the manager to sync every pod bound to the node. */
	enqueueNodePods(node: string): void;
	/** The phase of a claim in the informer cache (volume mounts wait for Bound). */
	claimPhase?(namespace: string, name: string): string | undefined;
	log(msg: string): void;
}

export class NodeAgent {
	readonly images = new NodeImages();
	readonly sims = new Map<string, PodSim>();
	running = false;
	private node: Obj | undefined;
	private stopTimers: Array<() => void> = [];
	private lastStatus: ReturnType<typeof nodeStatus> | undefined;
	private lastReport = 0;
	private lease: Obj | undefined;
	private ips = new Map<string, number>();
	private written = new Map<string, string>();
	readonly recorder: KubeletRecorder;

	constructor(
		readonly name: string,
		private readonly deps: AgentDeps
	) {
		this.recorder = kubeletRecorder(deps.client, deps.clock, name, () => this.running, deps.log);
	}

	/** Takes the Node as the informer has it; starts or stops the kubelet by its annotation. */
	async observe(node: Obj): Promise<void> {
		const hadCidr = !!this.node?.spec?.podCIDR;
		this.node = node;
		const stopped = node.metadata.annotations?.[KUBELET_STATE_ANNOTATION] === 'stopped';
		if (stopped && this.running) return this.halt();
		if (!stopped && !this.running) return this.resume();
		if (!this.running) return;
		if (!hadCidr && node.spec?.podCIDR) this.enqueueAll();
		if (nodeStatusChanged(this.lastStatus, this.status())) await this.postStatus();
	}

	/** The kubelet process ends (node deleted, room unloaded): every pod simulation stops. */
	shutdown(): void {
		this.halt();
		for (const s of this.sims.values()) s.stop();
		this.sims.clear();
	}

	private halt(): void {
		this.running = false;
		for (const s of this.stopTimers.splice(0)) s();
	}

	private async resume(): Promise<void> {
		this.running = true;
		// Others may have written pod status meanwhile (the node controller's Ready=False): post ours again.
		this.written.clear();
		const { clock } = this.deps;
		this.stopTimers.push(every(clock, KUBELET.leaseRenewMs, () => void this.renewLease().catch((e: Error) => this.deps.log(`kubelet ${this.name}: lease: ${e.message}`))));
		this.stopTimers.push(every(clock, KUBELET.nodeStatusUpdateMs, () => void this.tick().catch((e: Error) => this.deps.log(`kubelet ${this.name}: status: ${e.message}`))));
		this.recorder.node('Normal', 'Starting', 'Starting kubelet.');
		const wasReady = this.node?.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True');
		for (const [reason] of [['NodeHasSufficientMemory'], ['NodeHasNoDiskPressure'], ['NodeHasSufficientPID']]) this.recorder.node('Normal', reason, `Node ${this.name} status is now: ${reason}`);
		if (!wasReady) this.recorder.node('Normal', 'NodeReady', `Node ${this.name} status is now: NodeReady`);
		this.enqueueAll();
		await this.renewLease();
		await this.postStatus();
		await this.ensureDefaultLabels();
	}

	/** updateDefaultLabels: the labels a kubelet puts on its Node (node-local volumes select on the hostname). */
	private async ensureDefaultLabels(): Promise<void> {
		const have = this.node?.metadata.labels ?? {};
		const want: Record<string, string> = { 'kubernetes.io/hostname': this.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64' };
		const missing = Object.fromEntries(Object.entries(want).filter(([k]) => have[k] === undefined));
		if (!this.node || Object.keys(missing).length === 0) return;
		// A lost race with another Node writer is retried on the next status tick.
		await this.deps.client.patch(NODES, undefined, this.name, 'merge', { metadata: { labels: missing } }).catch((e: Error) => this.deps.log(`kubelet ${this.name}: labels: ${e.message}`));
	}

	private enqueueAll(): void {
		this.deps.enqueueNodePods(this.name);
	}

	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	private status(): Record<string, any> {
		return nodeStatus(this.node!, this.deps.ip, rfc3339(this.deps.clock.now()), this.images.list());
	}

	/** nodeStatusUpdateFrequency: post when something changed, or when the report interval passed. */
	private async tick(): Promise<void> {
		if (!this.running || !this.node) return;
		await this.ensureDefaultLabels();
		const next = this.status();
		if (nodeStatusChanged(this.lastStatus, next) || this.deps.clock.now() - this.lastReport >= KUBELET.nodeStatusReportMs) await this.postStatus();
	}

	private async postStatus(): Promise<void> {
		if (!this.running || !this.node) return;
		const status = this.status();
		const written = await this.deps.client.patch(NODES, undefined, this.name, 'merge', { status }, 'status');
		this.node = written;
		this.lastStatus = status;
		this.lastReport = this.deps.clock.now();
	}

	private async renewLease(): Promise<void> {
		if (!this.running || !this.node) return;
		const renewTime = rfc3339Micro(this.deps.clock.now());
		const { client } = this.deps;
		const fresh = (): Obj => ({
			apiVersion: 'coordination.k8s.io/v1',
			kind: 'Lease',
			metadata: { name: this.name, namespace: NODE_LEASE_NAMESPACE, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.name, uid: this.node!.metadata.uid! }] },
			spec: { holderIdentity: this.name, leaseDurationSeconds: KUBELET.leaseDurationSeconds, renewTime }
		});
		try {
			if (!this.lease) {
				try {
					this.lease = await client.get(LEASES, NODE_LEASE_NAMESPACE, this.name);
				} catch (e) {
					if (!isNotFound(e)) throw e;
					this.lease = await client.create(LEASES, fresh());
					return;
				}
			}
			this.lease = await client.update(LEASES, { ...this.lease, spec: { ...this.lease!.spec, holderIdentity: this.name, leaseDurationSeconds: KUBELET.leaseDurationSeconds, renewTime } });
		} catch (e) {
			// Someone else wrote it (or deleted it): read it again next time.
			this.lease = undefined;
			if (!isConflict(e) && !isNotFound(e)) throw e;
		}
	}

	/** A free address of the node's podCIDR (.2 upwards, like host-local IPAM), or undefined. */
	private allocateIP(uid: string): string | undefined {
		const cidr = parseCidr(this.node?.spec?.podCIDR ?? '');
		if (!cidr) return undefined;
		const used = new Set(this.ips.values());
		for (let i = 2; i < cidr.size - 1; i++)
			if (!used.has(i)) {
				this.ips.set(uid, i);
				return formatIPv4(cidr.ip + i);
			}
		return undefined;
	}

	private forget(uid: string): void {
		this.sims.get(uid)?.stop();
		this.sims.delete(uid);
		this.ips.delete(uid);
		this.written.delete(uid);
	}

	/** The pod (bound here, cached by the informer) is gone from the API. */
	podGone(uid: string): void {
		this.forget(uid);
	}

	/** syncPod: start it, terminate it, write its status, finish its deletion. */
	async syncPod(pod: Obj): Promise<void> {
		if (!this.running) return;
		const uid = pod.metadata.uid as string;
		const deleting = !!pod.metadata.deletionTimestamp;
		let sim = this.sims.get(uid);
		if (!sim) {
			const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
			if (deleting) return this.finishDeletion(pod);
			if (terminal) return;
			const podIP = this.allocateIP(uid);
			if (!podIP) return;
			const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
			sim = new PodSim(pod, {
				clock: this.deps.clock,
				hostIP: this.deps.ip,
				podIP,
				images: this.images,
				id: (label) => hexId(`${this.deps.seed}/${label}`),
				onChange: () => this.deps.enqueuePod(key),
				onEvent: (type, reason, message, fieldPath) => this.recorder.pod(pod, type, reason, message, fieldPath),
				unmountedVolumes: () => unboundClaimVolumes(pod, this.deps.claimPhase)
			});
			this.sims.set(uid, sim);
			sim.onTerminated = () => this.deps.enqueuePod(key);
			sim.start();
		}
		if (deleting && !sim.isTerminating()) sim.terminate((pod.metadata as { deletionGracePeriodSeconds?: number }).deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30);
		await this.writeStatus(pod, sim);
		if (deleting && sim.isFinished()) await this.finishDeletion(pod);
	}

	private async writeStatus(pod: Obj, sim: PodSim): Promise<void> {
		const mine = sim.status();
		const others = (pod.status?.conditions ?? []).filter((c: Obj) => !OWNED.has(c.type));
		// A pod bound by its spec (no scheduler) gets PodScheduled from the kubelet, like generateAPIPodStatus.
		if (!others.some((c: Obj) => c.type === 'PodScheduled')) others.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: mine.startTime });
		const status = { ...pod.status, ...mine, conditions: [...mine.conditions, ...others] };
		const json = JSON.stringify(status);
		// Our own write echoes back through the informer: do not write the same status twice.
		if (json === JSON.stringify(pod.status) || json === this.written.get(pod.metadata.uid!)) return;
		try {
			await this.deps.client.updateStatus(PODS, { ...pod, apiVersion: 'v1', kind: 'Pod', status });
			this.written.set(pod.metadata.uid!, json);
		} catch (e) {
			if (isNotFound(e)) return;
			throw e;
		}
	}

	/** The kubelet's final delete of a terminated pod (grace 0, for this uid only). */
	private async finishDeletion(pod: Obj): Promise<void> {
		try {
			await this.deps.client.delete(PODS, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
		} catch (e) {
			if (!isNotFound(e) && !isConflict(e)) throw e;
		}
		this.forget(pod.metadata.uid!);
	}
}
