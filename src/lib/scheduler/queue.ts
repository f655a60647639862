/**
 * The scheduling queue (internal/queue/scheduling_queue.go): activeQ ordered by the QueueSort
 * plugin, backoffQ ordered by backoff expiry (initial 1 s doubling per attempt up to 10 s),
 * and unschedulablePods, which go back when a cluster event one of their rejecting plugins
 * registered for happens, or after 5 minutes. A pod rejected while an interesting event arrived
 * during its cycle is requeued at once (in-flight events). Time comes from an injected Clock.
 *
 * @module
 */
import type { Clock } from '../clock/clock';
import type { ClusterEvent, QueuedPodInfo, Status } from './framework';
import { isPodUpdated } from './cluster-events';
import { podKey } from './node-info';
import type { Pod } from './types';

export const DEFAULT_POD_INITIAL_BACKOFF_MS = 1000;
export const DEFAULT_POD_MAX_BACKOFF_MS = 10_000;
/** podMaxInUnschedulablePodsDuration. */
export const DEFAULT_POD_MAX_IN_UNSCHEDULABLE_MS = 5 * 60 * 1000;
/** How often backoffQ and unschedulablePods are flushed (1 s and 30 s in the real queue). */
export const BACKOFF_FLUSH_MS = 1000;
export const UNSCHEDULABLE_FLUSH_MS = 30_000;

export interface QueueOptions {
	clock: Clock;
	/** The QueueSort plugin's less. */
	less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
	/** PreEnqueue plugins; a non-success keeps the pod gated in unschedulablePods. */
	preEnqueue?: (pod: Pod) => Status;
	/** Plugin name → events that may make pods it rejected schedulable. */
	pluginEvents?: ReadonlyMap<string, readonly ClusterEvent[]>;
	podInitialBackoffMs?: number;
	podMaxBackoffMs?: number;
	podMaxInUnschedulableMs?: number;
}

/**
 * A binary heap ordered by `less`, indexed by key like the real queue's heap.Heap (keyFunc plus
 * an items map): finding or removing a pod is O(log n), not a scan (20,000 pods backing off made
 * every pod update scan them all).
 */
class Heap<T> {
	private items: T[] = [];
	private keys: string[] = [];
	private pos = new Map<string, number>();
	constructor(
		private readonly less: (a: T, b: T) => boolean,
		private readonly keyOf: (x: T) => string
	) {}
	get size(): number {
		return this.items.length;
	}
	values(): readonly T[] {
		return this.items;
	}
	push(x: T): void {
		const key = this.keyOf(x);
		this.remove(key);
		this.items.push(x);
		this.keys.push(key);
		this.pos.set(key, this.items.length - 1);
		this.up(this.items.length - 1);
	}
	peek(): T | undefined {
		return this.items[0];
	}
	pop(): T | undefined {
		return this.items.length ? this.removeAt(0) : undefined;
	}
	/** Removes the item with `key`, if present. */
	remove(key: string): T | undefined {
		const i = this.pos.get(key);
		return i === undefined ? undefined : this.removeAt(i);
	}
	private removeAt(i: number): T {
		const a = this.items;
		const x = a[i];
		const last = a.length - 1;
		if (i !== last) this.swap(i, last);
		a.pop();
		this.pos.delete(this.keys.pop()!);
		if (i < a.length) {
			this.up(i);
			this.down(i);
		}
		return x;
	}
	private up(i: number): void {
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (!this.less(this.items[i], this.items[p])) break;
			this.swap(i, p);
			i = p;
		}
	}
	private down(i: number): void {
		const a = this.items;
		for (;;) {
			const l = 2 * i + 1;
			const r = l + 1;
			let m = i;
			if (l < a.length && this.less(a[l], a[m])) m = l;
			if (r < a.length && this.less(a[r], a[m])) m = r;
			if (m === i) return;
			this.swap(i, m);
			i = m;
		}
	}
	private swap(i: number, j: number): void {
		const a = this.items;
		const k = this.keys;
		[a[i], a[j]] = [a[j], a[i]];
		[k[i], k[j]] = [k[j], k[i]];
		this.pos.set(k[i], i);
		this.pos.set(k[j], j);
	}
}

const queuedKey = (pi: QueuedPodInfo) => podKey(pi.pod);

export class SchedulingQueue {
	private readonly active: Heap<QueuedPodInfo>;
	private backoff: Heap<QueuedPodInfo>;
	private readonly unschedulable = new Map<string, QueuedPodInfo>();
	/** Pods popped and not yet done → events seen meanwhile. */
	private readonly inFlight = new Map<string, ClusterEvent[]>();
	private initialMs: number;
	private maxMs: number;
	private readonly maxUnschedulableMs: number;
	schedulingCycle = 0;

	constructor(private readonly opts: QueueOptions) {
		this.initialMs = opts.podInitialBackoffMs ?? DEFAULT_POD_INITIAL_BACKOFF_MS;
		this.maxMs = opts.podMaxBackoffMs ?? DEFAULT_POD_MAX_BACKOFF_MS;
		this.maxUnschedulableMs = opts.podMaxInUnschedulableMs ?? DEFAULT_POD_MAX_IN_UNSCHEDULABLE_MS;
		this.active = new Heap(opts.less, queuedKey);
		this.backoff = new Heap((a, b) => this.backoffExpiry(a) < this.backoffExpiry(b), queuedKey);
	}

	/** New backoff bounds (a room's configuration changed): pods backing off are re-ordered by their new expiry. */
	setBackoff(initialMs: number, maxMs: number): void {
		if (initialMs === this.initialMs && maxMs === this.maxMs) return;
		this.initialMs = initialMs;
		this.maxMs = maxMs;
		const waiting = [...this.backoff.values()];
		this.backoff = new Heap((a, b) => this.backoffExpiry(a) < this.backoffExpiry(b), queuedKey);
		for (const pi of waiting) this.backoff.push(pi);
	}

	/** calculateBackoffDuration: initial × 2^(attempts−1), capped at the maximum. */
	backoffDuration(attempts: number): number {
		if (attempts === 0) return 0;
		let d = this.initialMs;
		for (let i = 1; i < attempts; i++) {
			if (d > this.maxMs - d) return this.maxMs;
			d += d;
		}
		return d;
	}

	backoffExpiry(pi: QueuedPodInfo): number {
		return pi.timestamp + this.backoffDuration(pi.attempts);
	}

	isBackingOff(pi: QueuedPodInfo): boolean {
		return this.backoffExpiry(pi) > this.opts.clock.now();
	}

	/** A new pending pod. */
	add(pod: Pod): void {
		const now = this.opts.clock.now();
		const pi: QueuedPodInfo = { pod, timestamp: now, attempts: 0, unschedulablePlugins: new Set() };
		this.enqueueNew(pi);
	}

	private enqueueNew(pi: QueuedPodInfo): void {
		const gate = this.opts.preEnqueue?.(pi.pod);
		if (gate && !gate.isSuccess()) {
			pi.gatedBy = gate.plugin || 'PreEnqueue';
			this.unschedulable.set(podKey(pi.pod), pi);
			return;
		}
		pi.gatedBy = undefined;
		this.active.push(pi);
	}

	/** The pod changed: refresh it wherever it waits; an ungated or updated unschedulable pod moves on. */
	update(pod: Pod): void {
		const key = podKey(pod);
		for (const h of [this.active, this.backoff]) {
			const pi = h.remove(key);
			if (pi) {
				pi.pod = pod;
				h.push(pi);
				return;
			}
		}
		const pi = this.unschedulable.get(key);
		if (!pi) return;
		// A status-only change (its own PodScheduled condition) refreshes the pod where it waits.
		if (!pi.gatedBy && !isPodUpdated(pi.pod, pod)) return void (pi.pod = pod);
		this.unschedulable.delete(key);
		pi.pod = pod;
		if (pi.gatedBy) return this.enqueueNew(pi);
		this.requeue(pi);
	}

	delete(pod: Pod): void {
		const key = podKey(pod);
		this.active.remove(key);
		this.backoff.remove(key);
		this.unschedulable.delete(key);
		this.inFlight.delete(key);
	}

	/** The next pod to schedule (attempts counted), or undefined when activeQ is empty. */
	pop(): QueuedPodInfo | undefined {
		const pi = this.active.pop();
		if (!pi) return undefined;
		pi.attempts++;
		pi.initialAttemptTimestamp ??= this.opts.clock.now();
		this.schedulingCycle++;
		this.inFlight.set(podKey(pi.pod), []);
		return pi;
	}

	/** The cycle ended with the pod bound (or gone): forget its in-flight events. */
	done(pod: Pod): void {
		this.inFlight.delete(podKey(pod));
	}

	/**
	 * AddUnschedulableIfNotPresent: after a failed attempt. With no rejecting plugins (an error),
	 * or when an event its rejectors care about arrived during the attempt, the pod is requeued
	 * (backoffQ while backing off); otherwise it waits in unschedulablePods.
	 */
	addUnschedulable(pi: QueuedPodInfo, rejectors: Iterable<string>): void {
		const key = podKey(pi.pod);
		const events = this.inFlight.get(key) ?? [];
		this.inFlight.delete(key);
		pi.timestamp = this.opts.clock.now();
		pi.unschedulablePlugins = new Set(rejectors);
		if (pi.unschedulablePlugins.size === 0 || events.some((e) => this.interested(pi, e))) return this.requeue(pi);
		this.unschedulable.set(key, pi);
	}

	private interested(pi: QueuedPodInfo, e: ClusterEvent): boolean {
		if (pi.unschedulablePlugins.size === 0) return true;
		for (const p of pi.unschedulablePlugins) if (this.opts.pluginEvents?.get(p)?.includes(e)) return true;
		return false;
	}

	private requeue(pi: QueuedPodInfo): void {
		if (this.isBackingOff(pi)) this.backoff.push(pi);
		else this.active.push(pi);
	}

	/** MoveAllToActiveOrBackoffQueue for one cluster event. */
	onEvent(e: ClusterEvent): void {
		for (const events of this.inFlight.values()) events.push(e);
		for (const [key, pi] of this.unschedulable) {
			if (pi.gatedBy || !this.interested(pi, e)) continue;
			this.unschedulable.delete(key);
			this.requeue(pi);
		}
	}

	/** flushBackoffQCompleted: pods whose backoff expired go to activeQ. */
	flushBackoff(): void {
		for (let pi = this.backoff.peek(); pi && !this.isBackingOff(pi); pi = this.backoff.peek()) this.active.push(this.backoff.pop()!);
	}

	/** flushUnschedulablePodsLeftover: pods stuck longer than 5 minutes are retried. */
	flushUnschedulableLeftover(): void {
		const now = this.opts.clock.now();
		for (const [key, pi] of this.unschedulable) {
			if (pi.gatedBy || now - pi.timestamp <= this.maxUnschedulableMs) continue;
			this.unschedulable.delete(key);
			this.requeue(pi);
		}
	}

	/** Starts the periodic flushes on the clock; returns a stop function. */
	run(): () => void {
		const cancels = new Map<string, () => void>();
		const every = (id: string, ms: number, fn: () => void) => {
			const tick = () => {
				fn();
				cancels.set(id, this.opts.clock.setTimer(ms, tick));
			};
			cancels.set(id, this.opts.clock.setTimer(ms, tick));
		};
		every('backoff', BACKOFF_FLUSH_MS, () => this.flushBackoff());
		every('unschedulable', UNSCHEDULABLE_FLUSH_MS, () => this.flushUnschedulableLeftover());
		return () => {
			for (const c of cancels.values()) c();
		};
	}

	/** What waits where (the Scheduler view's pending list). */
	pending(): { active: QueuedPodInfo[]; backoff: QueuedPodInfo[]; unschedulable: QueuedPodInfo[] } {
		return { active: [...this.active.values()], backoff: [...this.backoff.values()], unschedulable: [...this.unschedulable.values()] };
	}
}
