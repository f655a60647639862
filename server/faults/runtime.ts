/**
 * The room's fault runtime (a component of its control plane, an API client like the others):
 * it runs the FaultSchedules of the room's files on the room clock, injects and recovers faults
 * (from schedules and from the rooms API), and keeps its state in the ConfigMap
 * `kube-system/converge-faults`, so the state survives unloads and travels in exports.
 *
 * How faults act, all through the API:
 * - NodeFailure / NetworkPartition: the Node's `sim.converge.dev/kubelet` annotation (`down` /
 *   `partitioned`): the kubelet stops heartbeating; the node lifecycle controller does the rest;
 * - NodeFull: `sim.converge.dev/pressure` (pressure condition, taint, kubelet evictions);
 * - ImageUnavailable, PodCrashRate: the kubelets read the ConfigMap.
 * Every injection and recovery is an Event (`FaultInjected`, `FaultRecovered`) reported by
 * `converge.dev/faults`.
 *
 * @module
 */
import { fileTexts } from '../../src/lib/collab/files';
import { Controller } from '../../src/lib/controllers/controller';
import { isConflict, isNotFound, RESOURCES, type KubeObject } from '../../src/lib/controllers/types';
import { describeFault, dueSteps, FAULT_STATE_CONFIGMAP, faultStateOf, inject, KUBELET_DOWN, KUBELET_PARTITIONED, KUBELET_STATE_ANNOTATION, kubeletStateOf, markFired, nextDue, PRESSURE_ANNOTATION, pressureOf, recover, scheduleView, schedulesOfFiles, syncSchedules, type ActiveFault, type FaultSchedule, type FaultSpec, type FaultState, type FaultsEvent } from '../../src/lib/faults';
import { NODES } from '../../src/lib/kubelet/refs';
import type { Room } from '../rooms/room';
import type { ControllerContext, ControllerDefinition } from '../controllers/runtime/context';
import { eventRecorder, type EventRecorder } from '../controllers/runtime/recorder';

/** reportingController of the fault Events. */
export const FAULTS_COMPONENT = 'converge.dev/faults';
const CONFIGMAPS = RESOURCES.configmaps;
const NAMESPACES = RESOURCES.namespaces;
const TICK = 'tick';

const runtimes = new WeakMap<Room, FaultRuntime>();

/** The room's fault runtime, while its control plane runs one. */
export function faultRuntimeOf(room: Room): FaultRuntime | undefined {
	return runtimes.get(room);
}

/** A problem with a request to inject or recover (the API answers it as a Status). */
export class FaultRequestError extends Error {
	constructor(
		readonly code: number,
		readonly reason: string,
		message: string
	) {
		super(message);
	}
}

export class FaultRuntime extends Controller {
	private schedules: FaultSchedule[] = [];
	private state: FaultState | undefined;
	private lock: Promise<unknown> = Promise.resolve();
	/** What the room was last told (without the time), so a restart or a schedule edit is told too. */
	private published = '';
	private readonly events: EventRecorder;
	private readonly unsubscribe: () => void;

	constructor(
		private readonly ctx: ControllerContext,
		private readonly room: Room | undefined
	) {
		super(ctx.clock, { name: 'faults', workers: 1, sync: () => this.exclusive(() => this.tick()), log: ctx.log });
		this.events = eventRecorder(ctx.client, ctx.clock, FAULTS_COMPONENT, ctx.log);
		ctx.informer(CONFIGMAPS);
		ctx.informer(NODES);
		this.schedules = room ? schedulesOfFiles(fileTexts(room.doc)) : [];
		this.unsubscribe = room?.onAnalysis(() => this.filesChanged()) ?? (() => {});
		if (room) runtimes.set(room, this);
		this.queue.add(TICK);
	}

	async stop(): Promise<void> {
		this.unsubscribe();
		if (this.room && runtimes.get(this.room) === this) runtimes.delete(this.room);
		await super.stop();
	}

	/** What the API and the room event show: schedules with their entries' fate, active and recent faults. */
	view(): Omit<FaultsEvent, 'type'> {
		const state = this.current();
		return { now: this.ctx.clock.now(), schedules: this.schedules.map((s) => scheduleView(state, s)), active: state.active, recovered: state.recovered.slice(-20) };
	}

	/** Injects a fault now (the rooms API, one-click faults). */
	injectNow(spec: FaultSpec): Promise<ActiveFault> {
		return this.exclusive(async () => {
			if (spec.node && !this.ctx.informer(NODES).store.get(spec.node)) throw new FaultRequestError(404, 'NotFound', `nodes "${spec.node}" not found`);
			const { state, fault } = inject(this.current(), spec, this.ctx.clock.now(), 'api');
			await this.commit(state, [{ fault, injected: true }]);
			this.queue.add(TICK); // arms its recovery
			return fault;
		});
	}

	/** Recovers an active fault now. */
	recoverNow(id: string): Promise<ActiveFault> {
		return this.exclusive(async () => {
			const r = recover(this.current(), id, this.ctx.clock.now());
			if (!r) throw new FaultRequestError(404, 'NotFound', `fault "${id}" is not active`);
			await this.commit(r.state, [{ fault: r.fault, injected: false }]);
			return r.fault;
		});
	}

	private filesChanged(): void {
		const next = schedulesOfFiles(fileTexts(this.room!.doc));
		if (JSON.stringify(next) === JSON.stringify(this.schedules)) return;
		this.schedules = next;
		this.queue.add(TICK);
	}

	/** Runs `fn` after every earlier one (ticks and API calls never interleave). */
	private exclusive<T>(fn: () => Promise<T>): Promise<T> {
		const run = this.lock.then(fn);
		this.lock = run.catch(() => {});
		return run;
	}

	/** The state: ours once written, else the ConfigMap's as the informer has it. */
	private current(): FaultState {
		return (this.state ??= faultStateOf(this.configMap() as { data?: Record<string, string> } | undefined));
	}

	private configMap(): KubeObject | undefined {
		return this.ctx.informer(CONFIGMAPS).store.get(`${FAULT_STATE_CONFIGMAP.namespace}/${FAULT_STATE_CONFIGMAP.name}`);
	}

	/** Fires what is due, then sleeps until the next due time. */
	private async tick(): Promise<void> {
		const now = this.ctx.clock.now();
		let state = syncSchedules(this.current(), this.schedules, now);
		const changes: Array<{ fault: ActiveFault; injected: boolean }> = [];
		for (const step of dueSteps(state, this.schedules, now)) {
			if (step.kind === 'recover') {
				const r = recover(state, step.id, now);
				if (!r) continue;
				state = r.state;
				changes.push({ fault: r.fault, injected: false });
			} else {
				const r = inject(state, step.spec, now, step.source);
				state = markFired(r.state, step.schedule, step.index);
				changes.push({ fault: r.fault, injected: true });
			}
		}
		if (JSON.stringify(state) !== JSON.stringify(this.current()) || changes.length) await this.commit(state, changes);
		else await this.effects(state, []); // re-applies annotations after a restart; no-op when in place
		this.publish();
		const next = nextDue(state, this.schedules);
		if (next !== undefined) this.queue.addAfter(TICK, Math.max(0, next - this.ctx.clock.now()));
	}

	/** Tells the room the current view when it changed (the first tick after a load always does). */
	private publish(): void {
		const { now, ...rest } = this.view();
		const text = JSON.stringify(rest);
		if (text === this.published) return;
		this.published = text;
		this.room?.publish({ type: 'faults', now, ...rest });
	}

	/** Stores the state, applies its effects, records the Events and tells the room. */
	private async commit(state: FaultState, changes: Array<{ fault: ActiveFault; injected: boolean }>): Promise<void> {
		await this.save(state);
		this.state = state;
		await this.effects(state, changes.map((c) => c.fault));
		for (const c of changes) this.record(c.fault, c.injected);
		this.publish();
	}

	private async save(state: FaultState): Promise<void> {
		const { namespace, name, key } = FAULT_STATE_CONFIGMAP;
		const data = { [key]: JSON.stringify(state) };
		const have = this.configMap();
		try {
			if (!have) await this.ctx.client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'converge-faults' } }, data });
			else await this.ctx.client.update(CONFIGMAPS, { ...have, apiVersion: 'v1', kind: 'ConfigMap', data });
		} catch (e) {
			// Our informer was behind (or someone edited it): read it again and write ours over it.
			if (!isConflict(e) && !isNotFound(e) && (e as { code?: number }).code !== 409) throw e;
			const fresh = await this.ctx.client.get(CONFIGMAPS, namespace, name).catch(() => undefined);
			if (fresh) await this.ctx.client.update(CONFIGMAPS, { ...fresh, apiVersion: 'v1', kind: 'ConfigMap', data });
			else await this.ctx.client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });
		}
	}

	/** The node annotations the active faults ask for, on the nodes `touched` faults concern (all with node faults when undefined). */
	private async effects(state: FaultState, touched: ActiveFault[]): Promise<void> {
		const nodes = new Set<string>([...touched, ...(touched.length ? [] : state.active)].map((f) => f.node).filter((n): n is string => !!n));
		for (const name of [...nodes].sort()) {
			const node = this.ctx.informer(NODES).store.get(name);
			if (!node) continue;
			const have = node.metadata.annotations ?? {};
			const kubelet = kubeletStateOf(state.active, name);
			const pressure = pressureOf(state.active, name);
			const patch: Record<string, string | null> = {};
			// A kubelet stopped by hand (`stopped`) is left alone; only the states faults set are undone.
			if (kubelet !== undefined ? have[KUBELET_STATE_ANNOTATION] !== kubelet : [KUBELET_DOWN, KUBELET_PARTITIONED].includes(have[KUBELET_STATE_ANNOTATION])) patch[KUBELET_STATE_ANNOTATION] = kubelet ?? null;
			if ((have[PRESSURE_ANNOTATION] ?? undefined) !== pressure) patch[PRESSURE_ANNOTATION] = pressure ?? null;
			if (!Object.keys(patch).length) continue;
			await this.ctx.client.patch(NODES, undefined, name, 'merge', { metadata: { annotations: patch } }).catch((e: Error) => {
				if (!isNotFound(e)) throw e;
			});
		}
	}

	private record(f: ActiveFault, injected: boolean): void {
		const from = f.source === 'api' ? '' : ` (${f.source.replace(/^schedule\/([^/]+)\/(\d+)$/, 'schedule $1, entry $2')})`;
		const message = `${injected ? 'Injected' : 'Recovered from'} ${describeFault(f)}${from}`;
		const reason = injected ? 'FaultInjected' : 'FaultRecovered';
		const type = injected ? 'Warning' : 'Normal';
		if (f.node) {
			const node = this.ctx.informer(NODES).store.get(f.node) ?? { metadata: { name: f.node } };
			this.events.event(NODES, node, type, reason, message);
			return;
		}
		// Cluster-wide faults regard the namespace they concern (ImageUnavailable: default).
		this.events.event(NAMESPACES, { metadata: { name: f.namespace ?? 'default' } }, type, reason, message);
	}
}

export const faultsDefinition: ControllerDefinition = {
	name: 'faults',
	component: 'converge-faults',
	create: (ctx) => new FaultRuntime(ctx, ctx.room)
};
