/**
 * The room's kubelets: one simulated kubelet (`NodeAgent`) per Node object, started and stopped
 * as Nodes come and go, all API clients of the room's kube API like real kubelets (they write as
 * field manager `kubelet`). The manager runs as a component of the ControlPlane: a `Controller`
 * whose keys are nodes (`node:<name>`) and pods (`pod:<namespace>/<name>`), fed by the shared
 * informers. It also serves `kubectl logs` for the room (the kubelet's containerLogs).
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { keyOf, RESOURCES, type KubeObject } from '../../src/lib/controllers/types';
import { checkContainerLogStatus, type PodLogSource } from '../../src/lib/kube/pod-logs';
import { formatLogs, runLogLines } from '../../src/lib/kubelet/logs';
import { nodeIP } from '../../src/lib/kubelet/node-status';
import { NODES } from '../../src/lib/kubelet/refs';
import { setPodLogSource } from '../apiserver/pod-subresources';
import type { Room } from '../rooms/room';
import type { ControllerContext, ControllerDefinition } from '../controllers/runtime/context';
import { HttpKubeClient } from '../controllers/runtime/http-client';
import { NodeAgent } from './node-agent';
import { fnv1a32 } from '../../src/lib/clock/rng';
import { FAULT_STATE_CONFIGMAP, faultStateOf, type ActiveFault } from '../../src/lib/faults/types';

const PODS = RESOURCES.pods;
/** Pod and node syncs in flight for all the room's kubelets (each real kubelet has its own workers). */
export const KUBELET_WORKERS = 16;
const PVCS = { group: '', version: 'v1', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true };

export class KubeletManager extends Controller {
	readonly agents = new Map<string, NodeAgent>();
	/** Pods a kubelet runs: key → node and uid (to stop the right one when the key is reused). */
	private bound = new Map<string, { node: string; uid: string }>();
	private ips = new Map<string, number>();

	constructor(private readonly ctx: ControllerContext) {
		super(ctx.clock, { name: 'kubelet', workers: KUBELET_WORKERS, sync: (key) => this.syncKey(key), log: ctx.log });
		this.seedBase = ctx.rng.int(2 ** 32);
		const nodes = ctx.informer(NODES);
		const pods = ctx.informer(PODS);
		const node = (n: KubeObject) => this.queue.add(`node:${n.metadata.name}`);
		nodes.addEventHandler({ add: node, update: (_, n) => node(n), delete: node });
		const pod = (p: KubeObject) => {
			if (p.spec?.nodeName || this.bound.has(keyOf(p))) this.queue.add(`pod:${keyOf(p)}`);
		};
		pods.addEventHandler({ add: pod, update: (_, p) => pod(p), delete: pod });
		ctx.informer(PVCS);
		// The room's faults (server/faults) live in a ConfigMap: image and crash faults act on every kubelet.
		const { namespace, name } = FAULT_STATE_CONFIGMAP;
		const faultsChanged = (cm: KubeObject, gone = false) => {
			if (cm.metadata.namespace !== namespace || cm.metadata.name !== name) return;
			this.faults = gone ? [] : faultStateOf(cm as { data?: Record<string, string> }).active;
			for (const a of this.agents.values()) a.applyFaults();
		};
		ctx.informer(RESOURCES.configmaps).addEventHandler({ add: (cm) => faultsChanged(cm), update: (_, cm) => faultsChanged(cm), delete: (cm) => faultsChanged(cm, true) });
	}

	/** Drawn once, when the control plane creates its components in their fixed order. */
	private readonly seedBase: number;

	/** Active faults, as of the last change of their ConfigMap. */
	private faults: ActiveFault[] = [];

	async stop(): Promise<void> {
		await super.stop();
		for (const a of this.agents.values()) a.shutdown();
		this.agents.clear();
	}

	private async syncKey(key: string): Promise<void> {
		if (key.startsWith('node:')) return this.syncNode(key.slice(5));
		return this.syncPod(key.slice(4));
	}

	private async syncNode(name: string): Promise<void> {
		const node = this.ctx.informer(NODES).store.get(name);
		let agent = this.agents.get(name);
		if (!node) {
			agent?.shutdown();
			this.agents.delete(name);
			this.ips.delete(name);
			return;
		}
		if (!agent) {
			const client = this.ctx.client instanceof HttpKubeClient ? this.ctx.client.as('kubelet') : this.ctx.client;
			agent = new NodeAgent(name, {
				client,
				clock: this.ctx.clock,
				ip: nodeIP(this.ipIndex(node)),
				// From the node's name, not the next draw: nodes sync in any order (4 workers), ids must not depend on it.
				seed: fnv1a32(`kubelet/${name}`, this.seedBase),
				enqueuePod: (k) => this.queue.add(`pod:${k}`),
				enqueueNodePods: (n) => {
					for (const p of this.ctx.informer(PODS).store.list()) if (p.spec?.nodeName === n) this.queue.add(`pod:${keyOf(p)}`);
				},
				claimPhase: (ns, claim) => this.ctx.informer(PVCS).store.get(`${ns}/${claim}`)?.status?.phase,
				faults: () => this.faults,
				log: this.ctx.log
			});
			this.agents.set(name, agent);
		}
		await agent.observe(node);
	}

	/** The node's N in 172.18.0.N: the address it already has, else the lowest free one from 2. */
	private ipIndex(node: KubeObject): number {
		const had = (node.status?.addresses ?? []).find((a: { type: string }) => a.type === 'InternalIP')?.address as string | undefined;
		const m = had && /^172\.18\.0\.(\d+)$/.exec(had);
		const used = new Set(this.ips.values());
		let n = m ? Number(m[1]) : 2;
		if (!m) while (used.has(n)) n++;
		this.ips.set(node.metadata.name!, n);
		return n;
	}

	private async syncPod(key: string): Promise<void> {
		const pod = this.ctx.informer(PODS).store.get(key);
		const prev = this.bound.get(key);
		if (prev && (!pod || pod.metadata.uid !== prev.uid || pod.spec?.nodeName !== prev.node)) {
			this.agents.get(prev.node)?.podGone(prev.uid);
			this.bound.delete(key);
		}
		const nodeName = pod?.spec?.nodeName;
		if (!pod || !nodeName) return;
		const agent = this.agents.get(nodeName);
		if (!agent?.running) return;
		this.bound.set(key, { node: nodeName, uid: pod.metadata.uid! });
		await agent.syncPod(pod);
	}

	/** containerLogs: the simulated lines of the container's current (or previous) run. */
	readonly logs: PodLogSource = {
		logs: async (pod, opts) => {
			checkContainerLogStatus(pod, opts.container, opts.previous);
			const sim = this.agents.get(pod.spec?.nodeName)?.sims.get(pod.metadata?.uid);
			const found = sim?.run(opts.container, opts.previous);
			if (!found) return '';
			const now = this.ctx.clock.now();
			return formatLogs(runLogLines(found.spec, found.run, now), opts, now);
		}
	};
}

export const kubeletDefinition: ControllerDefinition = {
	name: 'kubelet',
	component: 'kubelet',
	create: (ctx) => new KubeletManager(ctx)
};

/** Lets the room's `pods/log` read from its kubelets. */
export function attachKubeletLogs(room: Room, controllers: Controller[]): void {
	for (const c of controllers) if (c instanceof KubeletManager) setPodLogSource(room, c.logs);
}
