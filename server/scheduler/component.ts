/**
 * kube-scheduler for one room: the pure scheduler core (src/lib/scheduler) fed by the room's
 * shared informers, with its I/O. Informer events update the cache (assumed pods confirmed,
 * nominations tracked) and the queue (pending pods added; cluster events move unschedulable
 * ones). The loop runs cycles in batches on the host event loop, holding the room clock while it
 * has work, so backoff and flush timers are room timers. A scheduled pod is assumed in the cache
 * at once and bound asynchronously (POST pods/<name>/binding, then the `Scheduled` event); a
 * failed binding forgets it and requeues it with backoff. A failed cycle makes the cycle's writes
 * (preemption victims, nominations), sets PodScheduled=False and records `FailedScheduling`.
 * Every attempt's decision record is written as a SchedulingDecision.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import type { Informer } from '../../src/lib/controllers/informer';
import { isConflict, isNotFound, type KubeClient, type KubeObject, type ResourceRef } from '../../src/lib/controllers/types';
import { SchedulerCache } from '../../src/lib/scheduler/cache';
import { isPodUpdated, nodeUpdateEvents, withPriority, type PriorityClass } from '../../src/lib/scheduler/cluster-events';
import { decisionRecord } from '../../src/lib/scheduler/decision-record';
import type { ClusterEvent, QueuedPodInfo } from '../../src/lib/scheduler/framework';
import { podKey } from '../../src/lib/scheduler/node-info';
import { BACKOFF_FLUSH_MS, UNSCHEDULABLE_FLUSH_MS } from '../../src/lib/scheduler/queue';
import type { SchedulingDecision } from '../../src/lib/scheduler/schedule-one';
import { Scheduler } from '../../src/lib/scheduler/scheduler';
import type { Node, Pod } from '../../src/lib/scheduler/types';
import type { ControllerContext, ControllerDefinition } from '../controllers/runtime/context';
import { HttpKubeClient } from '../controllers/runtime/http-client';
import { eventRecorder, type EventRecorder } from '../controllers/runtime/recorder';
import { ConfigSource, isConfigMap, REASON_APPLIED, REASON_INVALID } from './config-source';
import { DecisionWriter } from './decisions';
import { R } from './resources';
import { SchedulerWrites } from './writes';
import { wireObjectInformers } from './informers';
import { PreBindError, waitVolumesBound } from './volume-wait';

export const FIELD_MANAGER = 'default-scheduler';

/** Tunables (exported so tests and benchmarks can change them). */
export const SCHEDULER_LOOP = {
	/** Host ms of cycles per event-loop turn before yielding to informer events and replies. */
	batchMs: 20,
	/** Bindings in flight before the loop waits for one to finish. */
	maxBindsInFlight: 64
};

const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

export class SchedulerComponent extends Controller {
	readonly core: Scheduler;
	readonly cache = new SchedulerCache();
	readonly decisions: DecisionWriter;
	private readonly client: KubeClient;
	private readonly writes: SchedulerWrites;
	private readonly config: ConfigSource;
	/** events.k8s.io's broadcaster: repeated FailedScheduling events are counted as a series, not written each time. */
	private readonly recorder: EventRecorder & { stop(): void };
	private readonly priorityClasses = new Map<string, PriorityClass>();
	private readonly informers: Informer[] = [];
	/** Pods whose binding we sent and whose bound copy the informer has not shown yet. */
	private readonly binding = new Set<string>();
	private readonly binds = new Set<Promise<void>>();
	/** Aborted by stop(): binds waiting on the room clock give up at once. */
	private readonly stopping = new AbortController();
	private timers: { backoff?: () => void; leftover?: () => void } = {};
	private kicked = false;
	private ready = false;
	private stopped = false;
	private release: (() => void) | undefined;
	/** Pods bound by this scheduler (benchmarks, tests). */
	bound = 0;

	constructor(private readonly ctx: ControllerContext) {
		super(ctx.clock, { name: 'kube-scheduler', sync: async () => {} });
		this.client = ctx.client instanceof HttpKubeClient ? ctx.client.as(FIELD_MANAGER) : ctx.client;
		const rng = ctx.rng;
		this.core = new Scheduler({ clock: ctx.clock, rng: () => rng.next() });
		const lookups = { pvc: (ns: string, n: string) => ctx.informer(R.pvcs).store.get(`${ns}/${n}`), pv: (n: string) => ctx.informer(R.pvs).store.get(n) };
		this.recorder = eventRecorder(ctx.client, ctx.clock, FIELD_MANAGER, ctx.log, { series: true });
		this.writes = new SchedulerWrites(this.client, this.recorder, ctx.clock, (w) => waitVolumesBound(w, lookups, ctx.clock, this.stopping.signal));
		this.decisions = new DecisionWriter(this.client, ctx.log);
		this.config = new ConfigSource(this.core);
		this.wire();
	}

	private inform(r: ResourceRef): Informer {
		const inf = this.ctx.informer(r);
		this.informers.push(inf);
		return inf;
	}

	private wire(): void {
		const view = (o: KubeObject) => withPriority(o as unknown as Pod, this.priorityClasses);
		this.inform(R.pods).addEventHandler({
			add: (o) => this.podAdded(view(o)),
			update: (o, n) => this.podUpdated(view(o), view(n)),
			delete: (o) => this.podDeleted(view(o))
		});
		this.inform(R.nodes).addEventHandler({
			add: (n) => this.changed(() => this.cache.setNode(n as unknown as Node), 'NodeAdd'),
			update: (o, n) => this.changed(() => this.cache.setNode(n as unknown as Node), ...nodeUpdateEvents(o as unknown as Node, n as unknown as Node)),
			delete: (n) => this.changed(() => this.cache.removeNode(n.metadata.name!), 'NodeDelete')
		});
		this.inform(R.priorityClasses).addEventHandler({
			add: (pc) => void this.priorityClasses.set(pc.metadata.name!, pc as unknown as PriorityClass),
			update: (_o, pc) => void this.priorityClasses.set(pc.metadata.name!, pc as unknown as PriorityClass),
			delete: (pc) => void this.priorityClasses.delete(pc.metadata.name!)
		});
		this.inform(R.configmaps).addEventHandler({
			add: (cm) => isConfigMap(cm) && this.applyConfig(cm),
			update: (_o, cm) => isConfigMap(cm) && this.applyConfig(cm),
			delete: (cm) => isConfigMap(cm) && this.applyConfig(undefined, cm)
		});
		wireObjectInformers((r) => this.inform(r), this.cache, (e) => this.changed(() => {}, ...e));
	}

	/** A cache change, then the cluster events it means for the queue. */
	private changed(update: () => void, ...events: ClusterEvent[]): void {
		update();
		for (const e of events) this.core.onEvent(e);
		if (events.length) this.kick();
	}

	private podAdded(p: Pod): void {
		this.cache.setPod(p);
		if (p.spec.nodeName) return this.changed(() => {}, ...(isTerminal(p) ? [] : (['PodAdd'] as const)));
		if (this.core.responsibleFor(p)) {
			this.core.queue.add(p);
			this.kick();
		}
	}

	private podUpdated(o: Pod, n: Pod): void {
		this.cache.setPod(n);
		const key = podKey(n);
		if (n.spec.nodeName) {
			if (!o.spec.nodeName) {
				// Bound by us (already out of the queue) or by someone else.
				if (!this.binding.delete(key)) this.core.queue.delete(n);
				return this.changed(() => {}, 'PodAdd');
			}
			if (isTerminal(n) && !isTerminal(o)) return this.changed(() => {}, 'PodDelete');
			if (isPodUpdated(o, n)) this.changed(() => {}, 'PodUpdate');
			return;
		}
		if (!this.core.responsibleFor(n)) return this.core.queue.delete(n);
		if (this.core.responsibleFor(o)) this.core.queue.update(n);
		else this.core.queue.add(n);
		this.kick();
	}

	private podDeleted(p: Pod): void {
		this.cache.removePod(p);
		this.binding.delete(podKey(p));
		this.decisions.forget(p.metadata.namespace ?? 'default', p.metadata.name);
		if (!p.spec.nodeName) return this.core.queue.delete(p);
		this.changed(() => {}, 'PodDelete');
	}

	private applyConfig(cm: KubeObject | undefined, deleted?: KubeObject): void {
		const { errors, changed } = this.config.apply(cm);
		if (!changed) return;
		const about = cm ?? deleted!;
		if (errors.length) {
			const text = errors.map((e) => e.message).join('; ');
			this.ctx.log(`kube-scheduler: invalid configuration, keeping the last good one: ${text}`);
			if (cm) this.recorder.event(R.configmaps, about, 'Warning', REASON_INVALID, `invalid KubeSchedulerConfiguration, the previous one stays in force: ${text}`);
			return;
		}
		if (cm) this.recorder.event(R.configmaps, about, 'Normal', REASON_APPLIED, `KubeSchedulerConfiguration version ${this.core.configVersion} in force from the next scheduling cycle`);
	}

	run(): void {
		this.ready = true;
		void this.decisions.install().catch((e: Error) => this.ctx.log(`kube-scheduler: ${e.message}`));
		this.kick();
	}

	async stop(): Promise<void> {
		this.stopped = true;
		this.stopping.abort();
		this.timers.backoff?.();
		this.timers.leftover?.();
		this.decisions.stop();
		this.recorder.stop();
		this.release?.();
		this.release = undefined;
		await Promise.all([...this.binds]);
		await super.stop();
	}

	/** Schedules a drain on the next host turn (one at a time), holding the room clock meanwhile. */
	private kick(): void {
		if (this.kicked || !this.ready || this.stopped) return;
		this.kicked = true;
		this.release ??= this.ctx.clock.hold?.();
		setImmediate(() => this.drain());
	}

	private drain(): void {
		this.kicked = false;
		if (this.stopped) return;
		const until = performance.now() + SCHEDULER_LOOP.batchMs;
		for (;;) {
			// Too many bindings in flight: the next one to finish kicks the loop again.
			if (this.binds.size >= SCHEDULER_LOOP.maxBindsInFlight) return this.idle();
			const out = this.core.scheduleNext(this.cache.snapshot());
			if (!out) {
				if (this.core.queue.pending().active.length === 0) return this.idle();
				continue;
			}
			this.handle(out.queued, out.decision, out.configVersion);
			if (performance.now() > until) return this.kick();
		}
	}

	/** Nothing to do now: let the clock move and arm the queue's flush timers while pods wait. */
	private idle(): void {
		this.release?.();
		this.release = undefined;
		const { backoff, unschedulable } = this.core.queue.pending();
		const clock = this.ctx.clock;
		if (backoff.length && !this.timers.backoff)
			this.timers.backoff = clock.setTimer(BACKOFF_FLUSH_MS, () => {
				this.timers.backoff = undefined;
				this.core.queue.flushBackoff();
				this.kick();
				if (!this.kicked) this.idle();
			});
		if (unschedulable.some((p) => !p.gatedBy) && !this.timers.leftover)
			this.timers.leftover = clock.setTimer(UNSCHEDULABLE_FLUSH_MS, () => {
				this.timers.leftover = undefined;
				this.core.queue.flushUnschedulableLeftover();
				this.kick();
				if (!this.kicked) this.idle();
			});
	}

	private handle(queued: QueuedPodInfo, d: SchedulingDecision, configVersion: number): void {
		const { namespace = 'default', name } = queued.pod.metadata;
		const outcome = d.result === 'scheduled' ? undefined : `${d.result}\n${configVersion}\n${d.postFilter?.nominatedNodeName ?? ''}\n${d.message}`;
		if (!this.decisions.repeats(namespace, name, outcome)) {
			const assumed = this.cache.assumedPods();
			this.decisions.write(decisionRecord(d, { attempt: queued.attempts, configVersion, revision: this.revision(), time: new Date(this.ctx.clock.now()).toISOString(), assumed }));
		}
		if (d.result === 'scheduled') {
			this.cache.assume(queued.pod, d.winner!);
			this.binding.add(podKey(queued.pod));
			const p: Promise<void> = this.bind(queued, d).finally(() => {
				this.binds.delete(p);
				this.kick();
			});
			this.binds.add(p);
			return;
		}
		void this.failed(queued.pod, d).catch((e: Error) => this.ctx.log(`kube-scheduler: ${podKey(queued.pod)}: ${e.message}`));
	}

	/** The binding cycle: PreBind writes, POST the Binding, the `Scheduled` event. */
	private async bind(queued: QueuedPodInfo, d: SchedulingDecision): Promise<void> {
		const pod = queued.pod;
		try {
			// PreBind: only VolumeBinding makes writes in a binding cycle.
			for (const w of d.writes)
				await this.writes.apply(w).catch((e: Error) => {
					throw new PreBindError('VolumeBinding', e);
				});
			await this.client.post(R.pods, pod.metadata.namespace, pod.metadata.name, 'binding', d.binding);
			this.bound++;
			this.recorder.event(R.pods, pod as unknown as KubeObject, 'Normal', 'Scheduled', d.eventMessage!);
		} catch (e) {
			// handleBindingCycleError: forget the assumed pod, free its room for others, retry it with backoff.
			this.cache.forget(pod);
			this.binding.delete(podKey(pod));
			this.core.onEvent('PodDelete');
			if (this.stopped || isNotFound(e)) return;
			this.recorder.event(R.pods, pod as unknown as KubeObject, 'Warning', 'FailedScheduling', e instanceof PreBindError ? e.message : `Binding rejected: ${(e as Error).message}`);
			// Someone else bound it (409 "already assigned"): the informer update takes it from here.
			if (isConflict(e) && /already assigned/.test((e as Error).message)) return;
			this.core.queue.addUnschedulable(queued, []);
			this.kick();
		}
	}

	/** handleSchedulingFailure: the cycle's writes, the event, then PodScheduled=False. */
	private async failed(pod: Pod, d: SchedulingDecision): Promise<void> {
		for (const w of d.writes) await this.writes.apply(w).catch((e: Error) => this.ctx.log(`kube-scheduler: ${w.verb} failed: ${e.message}`));
		this.recorder.event(R.pods, pod as unknown as KubeObject, 'Warning', 'FailedScheduling', d.eventMessage!);
		await this.writes.podScheduledFalse(pod, d.reason!, d.message!, d.postFilter?.nominatedNodeName).catch((e) => {
			if (!isNotFound(e)) throw e;
		});
	}

	/** The newest store revision the informers reflect (decision records cite it). */
	private revision(): string {
		let max = 0;
		for (const inf of this.informers) max = Math.max(max, Number(inf.lastSyncResourceVersion()) || 0);
		return String(max);
	}
}

export const kubeScheduler: ControllerDefinition = {
	name: 'kube-scheduler',
	component: 'default-scheduler',
	create: (ctx) => new SchedulerComponent(ctx)
};
