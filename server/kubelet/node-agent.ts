/**
 * One simulated kubelet: it posts its Node's status (at start, on change, and every 5 minutes as
 * a report), renews its Lease in kube-node-lease every 10 s, and runs the pods bound to its node
 * (one PodSim each), writing their status and finishing their graceful deletion. While its Node
 * carries `sim.converge.dev/kubelet: stopped` (or `partitioned`: it cannot reach the API) it is
 * silent: no heartbeats, no status, no events, while its containers keep running; `down` means the
 * machine is off: its containers die too, and it boots again (a new boot id) restarting them. Faults
 * (server/faults) also fill the node (`sim.converge.dev/pressure: disk,memory,pids`: pressure
 * conditions and the eviction manager), break image pulls and crash containers.
 *
 * @module
 */
import { every, type Clock } from '../../src/lib/clock/clock';
import { isConflict, isNotFound, RESOURCES, type KubeClient, type KubeObject } from '../../src/lib/controllers/types';
import { rfc3339, rfc3339Micro } from '../../src/lib/kube/duration';
import { hexId } from '../../src/lib/kubelet/ids';
import { formatIPv4, parseCidr, parseIPv4 } from '../../src/lib/kube/ip-range';
import { NodeImages } from '../../src/lib/kubelet/images';
import { bootId, nodeCapacity, nodeStatus, nodeStatusChanged } from '../../src/lib/kubelet/node-status';
import { unavailableFailure } from '../../src/lib/kubelet/images';
import { quantityValue } from '../../src/lib/kube/quantity';
import { CRASH_AFTER_SECONDS, crashes, imageMatches, parsePressure, podMatches } from '../../src/lib/faults/effects';
import { KUBELET_DOWN, PRESSURE_ANNOTATION, type ActiveFault, type NodeResource } from '../../src/lib/faults/types';
import { PodSim } from '../../src/lib/kubelet/pod-sim';
import { podIPOffset } from '../../src/lib/kubelet/pod-ip';
import { KUBELET_STATE_ANNOTATION, LEASES, NODE_LEASE_NAMESPACE, NODES } from '../../src/lib/kubelet/refs';
import { kubeletRecorder, type KubeletRecorder } from './events';

type Obj = KubeObject;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = Record<string, any>;

/** The kubelet's timings (ms): lease renewal (a quarter of the 40 s lease), status checks and reports. */
export const KUBELET = {
	leaseDurationSeconds: 40,
	leaseRenewMs: 10_000,
	nodeStatusUpdateMs: 10_000,
	nodeStatusReportMs: 300_000,
	/** The eviction manager's monitoring interval (evictionMonitoringPeriod). */
	evictionMonitoringMs: 10_000
};

/** What the eviction manager reclaims per pressure, and the default hard threshold it reports. */
const RECLAIM: Record<NodeResource, { resource: string; condition: string; threshold: (node: Raw) => string }> = {
	disk: { resource: 'ephemeral-storage', condition: 'DiskPressure', threshold: (n) => formatBytes(quantityValue(nodeCapacity(n)['ephemeral-storage']) / 10) },
	memory: { resource: 'memory', condition: 'MemoryPressure', threshold: () => '100Mi' },
	pids: { resource: 'pids', condition: 'PIDPressure', threshold: () => '1000' }
};

/** The kubelet's node events on a pressure transition: [now under pressure, relieved]. */
const PRESSURE_EVENTS: Record<NodeResource, [string, string]> = {
	memory: ['NodeHasInsufficientMemory', 'NodeHasSufficientMemory'],
	disk: ['NodeHasDiskPressure', 'NodeHasNoDiskPressure'],
	pids: ['NodeHasInsufficientPID', 'NodeHasSufficientPID']
};

/** A byte count as a resource.Quantity prints it (binary suffix when exact). */
function formatBytes(n: number): string {
	for (const [suffix, size] of [['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) if (n >= size && n % size === 0) return `${n / size}${suffix}`;
	return String(Math.round(n));
}

/** Pod QoS class (BestEffort < Burstable < Guaranteed), the eviction manager's first ranking. */
function qosRank(pod: Raw): number {
	const cs: Raw[] = pod.spec?.containers ?? [];
	const req = (c: Raw) => Object.keys(c.resources?.requests ?? {}).length + Object.keys(c.resources?.limits ?? {}).length;
	if (cs.every((c) => req(c) === 0)) return 0;
	const guaranteed = cs.every((c: Raw) => ['cpu', 'memory'].every((r) => c.resources?.limits?.[r] !== undefined && (c.resources?.requests?.[r] ?? c.resources.limits[r]) === c.resources.limits[r]));
	return guaranteed ? 2 : 1;
}

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
	/** The room's active faults (image and crash faults act on every kubelet). */
	faults?(): ActiveFault[];
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
	private pressure = new Set<NodeResource>();
	/** `<pod uid>/<fault id>`: crash faults already applied to running containers. */
	private crashed = new Set<string>();
	private stopEviction: (() => void) | undefined;
	/** The machine was off (`down`): the next start is a boot. */
	private poweredOff = false;
	/** Room time of the last boot this kubelet saw (undefined: none since it started), and its boot id. */
	private bootedAt: number | undefined;
	private bootID: string | undefined;
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
		// A kubelet restarted on a running machine keeps the machine's boot id.
		this.bootID ??= node.status?.nodeInfo?.bootID;
		const state = node.metadata.annotations?.[KUBELET_STATE_ANNOTATION];
		const stopped = state === 'stopped' || state === 'partitioned' || state === KUBELET_DOWN;
		// The machine is off: every container dies with it (its pods are restarted when it boots).
		if (state === KUBELET_DOWN) this.powerOff();
		if (stopped && this.running) return this.halt();
		if (!stopped && !this.running) return this.resume();
		if (!this.running) return;
		this.observePressure();
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
		this.stopEviction?.();
		this.stopEviction = undefined;
	}

	private powerOff(): void {
		for (const s of this.sims.values()) s.stop();
		this.sims.clear();
		this.ips.clear();
		this.crashed.clear();
		this.poweredOff = true;
	}

	/** Records the kubelet's node events when a resource runs out or is relieved. */
	private observePressure(): void {
		const next = parsePressure(this.node?.metadata.annotations?.[PRESSURE_ANNOTATION]);
		for (const r of ['memory', 'disk', 'pids'] as const) {
			if (next.has(r) === this.pressure.has(r)) continue;
			const reason = PRESSURE_EVENTS[r][next.has(r) ? 0 : 1];
			this.recorder.node('Normal', reason, `Node ${this.name} status is now: ${reason}`);
		}
		this.pressure = next;
		// The eviction manager's timer runs only under pressure: a thousand idle kubelets add no timers.
		if (next.size && !this.stopEviction) this.stopEviction = every(this.deps.clock, KUBELET.evictionMonitoringMs, () => this.evictOne());
		if (!next.size) {
			this.stopEviction?.();
			this.stopEviction = undefined;
		}
	}

	/**
	 * The eviction manager's pass: under pressure, evict one pod (BestEffort first, then Burstable,
	 * then Guaranteed; lower priority first). The filled resource is not the pods' doing, so it
	 * goes on evicting one pod per interval until the pressure ends.
	 */
	private evictOne(): void {
		const r = [...this.pressure][0];
		if (!r || !this.running || !this.node) return;
		const victims = [...this.sims.values()].filter((s) => !s.isTerminating() && !s.isFinished() && !s.isEvicted() && !isCritical(s.pod));
		victims.sort((a, b) => qosRank(a.pod) - qosRank(b.pod) || (a.pod.spec?.priority ?? 0) - (b.pod.spec?.priority ?? 0) || keyOfPod(a.pod).localeCompare(keyOfPod(b.pod)));
		const victim = victims[0];
		if (!victim) return;
		const { resource, threshold } = RECLAIM[r];
		this.recorder.node('Warning', 'EvictionThresholdMet', `Attempting to reclaim ${resource}`);
		const message = `The node was low on resource: ${resource}. Threshold quantity: ${threshold(this.node)}, available: 0. `;
		this.recorder.pod(victim.pod as Obj, 'Warning', 'Evicted', message);
		victim.evict(message);
		this.deps.enqueuePod(keyOfPod(victim.pod));
	}

	/** The eviction manager's admission: a node under disk or PID pressure admits no pod, under memory pressure no BestEffort one. */
	private admissionRefusal(pod: Obj): string | undefined {
		const conditions = [...this.pressure].filter((r) => r !== 'memory' || qosRank(pod) === 0).map((r) => RECLAIM[r].condition);
		return conditions.length && !isCritical(pod) ? `The node had condition: [${conditions.join(', ')}]. ` : undefined;
	}

	/** Crash faults act on containers already running too (once per fault and pod). */
	applyFaults(): void {
		if (!this.running) return;
		for (const f of this.deps.faults?.() ?? []) {
			if (f.fault !== 'PodCrashRate') continue;
			for (const sim of this.sims.values()) {
				const key = `${sim.uid}/${f.id}`;
				if (this.crashed.has(key) || !podMatches(f, sim.pod as Obj)) continue;
				this.crashed.add(key);
				sim.crashRunning((c, run) => crashes(f, sim.uid, c, run), (f.crashAfterSeconds ?? CRASH_AFTER_SECONDS) * 1000);
			}
		}
	}

	private async resume(): Promise<void> {
		this.running = true;
		if (this.poweredOff) {
			this.poweredOff = false;
			this.bootedAt = this.deps.clock.now();
			this.bootID = bootId(this.node!, this.bootedAt);
		}
		// Others may have written pod status meanwhile (the node controller's Ready=False): post ours again.
		this.written.clear();
		const { clock } = this.deps;
		this.stopTimers.push(every(clock, KUBELET.leaseRenewMs, () => void this.renewLease().catch((e: Error) => this.deps.log(`kubelet ${this.name}: lease: ${e.message}`))));
		this.stopTimers.push(every(clock, KUBELET.nodeStatusUpdateMs, () => void this.tick().catch((e: Error) => this.deps.log(`kubelet ${this.name}: status: ${e.message}`))));
		this.recorder.node('Normal', 'Starting', 'Starting kubelet.');
		const wasReady = this.node?.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True');
		for (const [reason] of [['NodeHasSufficientMemory'], ['NodeHasNoDiskPressure'], ['NodeHasSufficientPID']]) this.recorder.node('Normal', reason, `Node ${this.name} status is now: ${reason}`);
		if (!wasReady) this.recorder.node('Normal', 'NodeReady', `Node ${this.name} status is now: NodeReady`);
		this.observePressure();
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
		return nodeStatus(this.node!, this.deps.ip, rfc3339(this.deps.clock.now()), this.images.list(), this.pressure, this.bootID);
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
		const before = this.node.status?.nodeInfo?.bootID;
		if (before && before !== status.nodeInfo.bootID) this.recorder.node('Warning', 'Rebooted', `Node ${this.name} has been rebooted, boot id: ${status.nodeInfo.bootID}`);
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

	/** A free address of the node's podCIDR (derived from the pod: see pod-ip.ts), or undefined. */
	private allocateIP(uid: string, keep?: string): string | undefined {
		const cidr = parseCidr(this.node?.spec?.podCIDR ?? '');
		if (!cidr) return undefined;
		const used = new Set(this.ips.values());
		const kept = keep ? parseIPv4(keep) : undefined;
		const keptOffset = kept === undefined ? -1 : kept - cidr.ip;
		const offset = keptOffset >= 2 && keptOffset < cidr.size - 1 && !used.has(keptOffset) ? keptOffset : podIPOffset(uid, cidr.size, used);
		if (offset === undefined) return undefined;
		this.ips.set(uid, offset);
		return formatIPv4(cidr.ip + offset);
	}

	private forget(uid: string): void {
		this.sims.get(uid)?.stop();
		this.sims.delete(uid);
		this.ips.delete(uid);
		this.written.delete(uid);
		for (const k of this.crashed) if (k.startsWith(`${uid}/`)) this.crashed.delete(k);
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
			const refused = this.admissionRefusal(pod);
			if (refused) return this.refuse(pod, refused);
			// A kubelet restarted under running pods keeps their addresses (the sandboxes still hold them).
			const podIP = this.allocateIP(uid, this.bootedAt === undefined ? pod.status?.podIP : undefined);
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
				unmountedVolumes: () => unboundClaimVolumes(pod, this.deps.claimPhase),
				pullFault: (ref) => ((this.deps.faults?.() ?? []).some((f) => imageMatches(f, ref.normalized)) ? unavailableFailure(ref) : undefined),
				crashAfterMs: (container, run) => {
					const f = (this.deps.faults?.() ?? []).find((x) => podMatches(x, pod) && crashes(x, uid, container, run));
					return f && (f.crashAfterSeconds ?? CRASH_AFTER_SECONDS) * 1000;
				}
			});
			this.sims.set(uid, sim);
			sim.onTerminated = () => this.deps.enqueuePod(key);
			// After a reboot, a pod that ran here restarts its containers; one that must not restart (Never) stays exited.
			const restored = this.bootedAt !== undefined && sim.restoreAfterReboot(this.bootedAt);
			const resumed = this.bootedAt === undefined && sim.resumeRunning();
			if (!resumed && (!restored || pod.spec?.restartPolicy !== 'Never')) sim.start();
		}
		if (deleting && !sim.isTerminating()) sim.terminate((pod.metadata as { deletionGracePeriodSeconds?: number }).deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30);
		await this.writeStatus(pod, sim);
		if (deleting && sim.isFinished()) await this.finishDeletion(pod);
	}

	/** Admission refused: the pod fails at once (`Evicted`), like the kubelet's eviction admit handler. */
	private async refuse(pod: Obj, message: string): Promise<void> {
		if (pod.status?.reason === 'Evicted') return;
		this.recorder.pod(pod, 'Warning', 'Evicted', message);
		const status = { ...pod.status, phase: 'Failed', reason: 'Evicted', message, hostIP: this.deps.ip, hostIPs: [{ ip: this.deps.ip }], startTime: rfc3339(this.deps.clock.now()) };
		await this.deps.client.updateStatus(PODS, { ...pod, apiVersion: 'v1', kind: 'Pod', status }).catch((e: Error) => {
			if (!isNotFound(e) && !isConflict(e)) throw e;
		});
	}

	/**
	 * The status manager's write: only when what the kubelet owns changed since its last write
	 * (isPodStatusByKubeletEqual), not when others' conditions or the server's rendering of ours
	 * differ, so one change of the pod is one write.
	 */
	private async writeStatus(pod: Obj, sim: PodSim): Promise<void> {
		const mine = sim.status();
		const ownJson = JSON.stringify(mine);
		if (ownJson === this.written.get(pod.metadata.uid!)) return;
		const own = new Set(mine.conditions.map((c: Obj) => c.type));
		const others = (pod.status?.conditions ?? []).filter((c: Obj) => !OWNED.has(c.type) && !own.has(c.type));
		// A pod bound by its spec (no scheduler) gets PodScheduled from the kubelet, like generateAPIPodStatus.
		if (!others.some((c: Obj) => c.type === 'PodScheduled')) others.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: mine.startTime });
		const status = { ...pod.status, ...mine, conditions: [...mine.conditions, ...others] };
		if (JSON.stringify(status) === JSON.stringify(pod.status)) return void this.written.set(pod.metadata.uid!, ownJson);
		try {
			await this.deps.client.updateStatus(PODS, { ...pod, apiVersion: 'v1', kind: 'Pod', status });
			this.written.set(pod.metadata.uid!, ownJson);
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

/** System-critical pods (priority ≥ 2000000000) are neither evicted nor refused. */
function isCritical(pod: Raw): boolean {
	return (pod.spec?.priority ?? 0) >= 2_000_000_000;
}

function keyOfPod(pod: Raw): string {
	return `${pod.metadata.namespace}/${pod.metadata.name}`;
}
