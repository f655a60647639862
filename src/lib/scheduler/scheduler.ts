/**
 * The scheduler loop without I/O: a framework per profile built from the configuration (the
 * last good one stays in force when a new one is invalid), the scheduling queue, the rotating
 * node start index, and `scheduleNext` — pop, run one cycle, requeue on failure. The shell
 * feeds it cluster events and a fresh snapshot, and performs the returned writes and binding.
 *
 * @module
 */
import type { Clock } from '../clock/clock';
import type { ClusterEvent, QueuedPodInfo } from './framework';
import { loadSchedulerConfiguration, type LoadedConfiguration } from './config-validation';
import { defaultSchedulerConfig, DEFAULT_SCHEDULER_NAME, type ConfigError, type SchedulerConfig } from './profile';
import { SchedulingQueue } from './queue';
import type { Rng } from './rng';
import { createFramework, type Framework } from './runtime';
import { scheduleOne, type SchedulingDecision } from './schedule-one';
import type { Snapshot } from './snapshot';
import type { Pod } from './types';

export interface SchedulerOptions {
	clock: Clock;
	rng: Rng;
	config?: SchedulerConfig;
}

/** Builds every profile's framework; throws the first wiring error. */
function frameworksOf(config: SchedulerConfig): Map<string, Framework> {
	return new Map(config.profiles.map((p) => [p.schedulerName, createFramework(p)]));
}

export class Scheduler {
	config: SchedulerConfig;
	/** Bumped on every accepted configuration (decision records cite it). */
	configVersion = 1;
	frameworks: Map<string, Framework>;
	readonly queue: SchedulingQueue;
	nextStartNodeIndex = 0;
	/** Plugin → the events it registered (shared with the queue, refreshed with the config). */
	private readonly pluginEvents = new Map<string, readonly ClusterEvent[]>();

	constructor(private readonly opts: SchedulerOptions) {
		this.config = opts.config ?? defaultSchedulerConfig();
		this.frameworks = frameworksOf(this.config);
		const first = () => [...this.frameworks.values()][0];
		this.refreshPluginEvents();
		this.queue = new SchedulingQueue({
			clock: opts.clock,
			less: (a, b) => (this.frameworkFor(a.pod) ?? first()).queueSort.less!(a, b),
			preEnqueue: (pod) => (this.frameworkFor(pod) ?? first()).runPreEnqueue(pod),
			pluginEvents: this.pluginEvents,
			podInitialBackoffMs: this.config.podInitialBackoffSeconds * 1000,
			podMaxBackoffMs: this.config.podMaxBackoffSeconds * 1000
		});
	}

	/**
	 * Applies a KubeSchedulerConfiguration object from the room's files. Returns the errors; when
	 * there are any, the previous configuration stays in force. Takes effect next cycle (the
	 * backoff bounds at once; kube-scheduler reads its file only at start, a room's changes live).
	 */
	setConfiguration(obj: unknown): ConfigError[] {
		return this.useConfiguration(loadSchedulerConfiguration(obj));
	}

	/** Puts an already loaded configuration in force (or returns its errors). */
	useConfiguration(loaded: LoadedConfiguration): ConfigError[] {
		if (!loaded.config) return loaded.errors;
		this.frameworks = loaded.frameworks!;
		this.config = loaded.config;
		this.configVersion++;
		this.queue.setBackoff(this.config.podInitialBackoffSeconds * 1000, this.config.podMaxBackoffSeconds * 1000);
		this.refreshPluginEvents();
		return [];
	}

	private refreshPluginEvents(): void {
		this.pluginEvents.clear();
		for (const fw of this.frameworks.values()) for (const ps of Object.values(fw.points)) for (const p of ps) if (p.events) this.pluginEvents.set(p.name, p.events);
	}

	frameworkFor(pod: Pod): Framework | undefined {
		return this.frameworks.get(pod.spec.schedulerName || DEFAULT_SCHEDULER_NAME);
	}

	/** Whether this scheduler should queue the pod: unbound, not terminating, one of our profiles. */
	responsibleFor(pod: Pod): boolean {
		return !pod.spec.nodeName && !pod.metadata.deletionTimestamp && this.frameworkFor(pod) !== undefined;
	}

	onEvent(e: ClusterEvent): void {
		this.queue.onEvent(e);
	}

	/** Pops the next pod and runs one cycle against `snapshot`; undefined when activeQ is empty. */
	scheduleNext(snapshot: Snapshot): { queued: QueuedPodInfo; decision: SchedulingDecision; configVersion: number } | undefined {
		const queued = this.queue.pop();
		if (!queued) return undefined;
		const fw = this.frameworkFor(queued.pod);
		if (!fw) {
			this.queue.done(queued.pod);
			return undefined;
		}
		const decision = scheduleOne(fw, snapshot, queued.pod, {
			rng: this.opts.rng,
			percentageOfNodesToScore: this.config.percentageOfNodesToScore,
			nextStartNodeIndex: this.nextStartNodeIndex
		});
		this.nextStartNodeIndex = decision.nextStartNodeIndex;
		if (decision.result === 'scheduled') this.queue.done(queued.pod);
		else this.queue.addUnschedulable(queued, rejectorsOf(decision));
		return { queued, decision, configVersion: this.configVersion };
	}
}

/** Diagnosis.UnschedulablePlugins: the plugins whose statuses rejected the pod. */
export function rejectorsOf(d: SchedulingDecision): Set<string> {
	const out = new Set<string>();
	if (d.result === 'error') return out;
	if (d.preFilter.rejectedBy) out.add(d.preFilter.rejectedBy);
	for (const n of d.evaluated?.values() ?? d.nodes) if (n.verdict === 'failed' && n.plugin) out.add(n.plugin);
	return out;
}
