/**
 * The room's controller manager (kube-controller-manager): when a room loads it starts the
 * enabled controllers, each an API client of the room's kube API through shared informers; when
 * the room unloads it stops them. `CONTROLLERS` selects them like `--controllers`
 * (`*` = all, the default; `-name` disables one; `none` = no control plane).
 *
 * @module
 */
import { VERSION_INFO } from '../apiserver/discovery-routes';
import { Informer } from '../../src/lib/controllers/informer';
import type { Controller } from '../../src/lib/controllers/controller';
import type { ResourceRef } from '../../src/lib/controllers/types';
import type { Config } from '../config';
import type { Room } from '../rooms/room';
import type { RoomRegistry } from '../rooms/registry';
import type { ControllerDefinition } from './runtime/context';
import { HttpKubeClient, keepAliveAgent } from './runtime/http-client';
import { acquireLoopback, internalKubeApi } from './runtime/loopback';
import type { RequestHandler } from './runtime/in-process';
import { eventRecorder } from './runtime/recorder';
import { replicaSetController } from './replicaset';
import { deploymentController } from './deployment';
import { serviceAccountController, rootCaPublisher } from './serviceaccount';
import { garbageCollectorController } from './garbagecollector';
import { namespaceController } from './namespace';
import { endpointsController } from './endpoints';
import { endpointSliceController } from './endpointslice';
import { jobController } from './job';
import { cronJobController } from './cronjob';
import { disruptionController } from './disruption';
import { daemonSetController } from './daemonset';
import { statefulSetController } from './statefulset';
import { persistentVolumeBinderController } from './persistentvolume-binder';
import { csiProvisionerController } from './csi-provisioner';
import { pvcProtectionController, pvProtectionController } from './storage-protection';
import { kubeScheduler } from '../scheduler/component';
import { nodeIpamController } from './nodeipam';
import { podGcController } from './podgc';
import { nodeLifecycleController, taintEvictionController } from './nodelifecycle';
import { attachKubeletLogs, kubeletDefinition } from '../kubelet/manager';
import { serviceLbController } from './service-lb';
import { ingressStatusController } from './ingress-status';
import { kubeProxyDefinition } from '../proxy/component';
import { applierController } from '../applier';
import { faultsDefinition } from '../faults/runtime';

/** Every controller converge runs, by kube-controller-manager's names. */
export const CONTROLLERS: ControllerDefinition[] = [serviceAccountController, rootCaPublisher, replicaSetController, deploymentController, kubeScheduler, garbageCollectorController, namespaceController, endpointsController, endpointSliceController, jobController, cronJobController, disruptionController, daemonSetController, statefulSetController, persistentVolumeBinderController, pvcProtectionController, pvProtectionController, csiProvisionerController, nodeIpamController, nodeLifecycleController, taintEvictionController, podGcController, serviceLbController, ingressStatusController, kubeProxyDefinition, kubeletDefinition, applierController, faultsDefinition];

/** The User-Agent the real component sends (kube-controller-manager's controllers name their service account). */
export function userAgentOf(component: string): string {
	const platform = `${VERSION_INFO.gitVersion} (linux/amd64) kubernetes/converge`;
	if (component === 'kubelet' || component === 'kube-proxy') return `${component}/${platform}`;
	if (component === 'default-scheduler') return `kube-scheduler/${platform}/scheduler`;
	if (component.startsWith('converge-')) return component;
	// ingress-nginx's own binary (version.go: NAME/RELEASE (os/arch) ingress-nginx/COMMIT).
	if (component === 'nginx-ingress-controller') return `${component}/v1.12.1 (linux/amd64) ingress-nginx/converge`;
	return `kube-controller-manager/${platform}/system:serviceaccount:kube-system:${component}`;
}

/** The enabled controllers for a `--controllers`-style list. */
export function enabledControllers(spec: string): ControllerDefinition[] {
	const items = spec.split(',').map((s) => s.trim()).filter(Boolean);
	if (items.includes('none')) return [];
	const all = items.includes('*') || !items.some((i) => !i.startsWith('-'));
	return CONTROLLERS.filter((c) => (all ? !items.includes(`-${c.name}`) : items.includes(c.name)));
}

/** How long stopping waits for reconciles in flight (wall time). */
const STOP_GRACE_MS = 5_000;

/**
 * How the components reach the room's kube API: `in-process` hands each request to the API's
 * handler without a socket (the same requests, headers and bytes, see runtime/in-process.ts);
 * `http` goes over the loopback port like an out-of-process component. `CONTROL_PLANE_HTTP=1`
 * picks http.
 */
export const CONTROL_PLANE = { transport: (process.env.CONTROL_PLANE_HTTP === '1' ? 'http' : 'in-process') as 'http' | 'in-process' };

export class ControlPlane {
	readonly controllers: Controller[] = [];
	private informers = new Map<string, Informer>();
	private stopped = false;
	private started: Promise<void> | undefined;
	private agent = keepAliveAgent();
	private loopback: { origin: Promise<string>; release: () => void };
	private inProcess: RequestHandler | undefined;

	constructor(
		private readonly room: Room,
		rooms: RoomRegistry,
		private readonly config: Config,
		private readonly defs: ControllerDefinition[]
	) {
		if (CONTROL_PLANE.transport === 'in-process') {
			this.inProcess = internalKubeApi(rooms, config);
			this.loopback = { origin: Promise.resolve('in-process:'), release: () => {} };
		} else this.loopback = acquireLoopback(rooms, config);
	}

	start(): Promise<void> {
		return (this.started ??= this.run());
	}

	async stop(): Promise<void> {
		this.stopped = true;
		for (const inf of this.informers.values()) inf.stop();
		// A reconcile waiting on the room clock (paused) or on a request must not keep the room from
		// unloading forever: after the grace period its connections are cut, like a process exiting.
		const busy = new Set(this.controllers.map((c) => c.name));
		const stopped = Promise.all(this.controllers.map((c) => c.stop().finally(() => busy.delete(c.name))));
		let timer: ReturnType<typeof setTimeout> | undefined;
		const grace = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), STOP_GRACE_MS)));
		if ((await Promise.race([stopped, grace])) === 'timeout')
			this.config.log(`room ${this.room.id}: control plane stopped after ${STOP_GRACE_MS / 1000}s grace; still busy: ${[...busy].join(', ')}`);
		clearTimeout(timer);
		this.agent.destroy();
		this.loopback.release();
	}

	private async run(): Promise<void> {
		const origin = await this.loopback.origin;
		if (this.stopped) return;
		const { clock, rng } = this.room.time;
		const log = (m: string) => this.config.log(`room ${this.room.id}: ${m}`);
		const base = new HttpKubeClient({ origin, roomId: this.room.id, token: this.room.meta.tokens.editor, agent: this.agent, fieldManager: 'kube-controller-manager', hold: () => clock.hold(), inProcess: this.inProcess });
		const informer = (r: ResourceRef) => {
			const key = `${r.group}/${r.resource}`;
			let inf = this.informers.get(key);
			if (!inf) this.informers.set(key, (inf = new Informer(base, r, clock, log)));
			return inf;
		};
		for (const def of this.defs) {
			// Every controller writes as kube-controller-manager, like the real one's managedFields,
			// and says which component it is in its User-Agent (the Control-plane view's edges).
			const client = base.withUserAgent(userAgentOf(def.component));
			const recorder = eventRecorder(client, clock, def.component, log);
			this.controllers.push(def.create({ client, informer, clock, rng: rng.fork(def.name), recorder, config: this.config, log, room: this.room }));
		}
		for (const inf of this.informers.values()) inf.start();
		await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
		if (this.stopped) return;
		attachKubeletLogs(this.room, this.controllers);
		for (const c of this.controllers) c.run();
	}
}

/** Starts the room's control plane (unless disabled) and hangs it on the room for unload. */
export function startControlPlane(room: Room, rooms: RoomRegistry, config: Config): void {
	const defs = enabledControllers(config.controllers);
	if (!defs.length) return;
	const plane = new ControlPlane(room, rooms, config, defs);
	room.controlPlane = plane;
	plane.start().catch((e: Error) => config.log(`room ${room.id}: control plane failed to start: ${e.stack}`));
}
