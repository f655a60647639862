/**
 * A rate-limited work queue of keys, with client-go's guarantees: a key queued twice is processed
 * once (dedup while waiting), a key is never processed by two workers at once (added while
 * processing, it is queued again when `done`), and retries wait on the room clock.
 *
 * While it has work (queued or processing), the queue holds the clock: at max speed simulated
 * time does not jump past work that is due now.
 *
 * @module
 */
import type { Clock } from '../clock/clock';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter';

/** A clock that may be held while work is in flight (the room clock); plain clocks need not. */
export type HoldableClock = Clock & { hold?(): () => void };

export class WorkQueue {
	private queue: string[] = [];
	private dirty = new Set<string>();
	private processing = new Set<string>();
	private waiting = new Map<string, { at: number; cancel: () => void }>();
	private getters: Array<(key: string | undefined) => void> = [];
	private shuttingDown = false;
	private release: (() => void) | undefined;
	readonly limiter: RateLimiter;

	constructor(
		private readonly clock: HoldableClock,
		limiter?: RateLimiter
	) {
		this.limiter = limiter ?? defaultControllerRateLimiter(clock);
	}

	/** Keys waiting to be processed (not those in backoff). */
	get length(): number {
		return this.queue.length;
	}

	add(key: string): void {
		if (this.shuttingDown || this.dirty.has(key)) return;
		this.dirty.add(key);
		if (this.processing.has(key)) return;
		this.push(key);
	}

	/** Adds `key` after `ms` on the clock; an earlier pending add wins. */
	addAfter(key: string, ms: number): void {
		if (this.shuttingDown) return;
		if (ms <= 0) return this.add(key);
		const at = this.clock.now() + ms;
		const w = this.waiting.get(key);
		if (w && w.at <= at) return;
		w?.cancel();
		const cancel = this.clock.setTimer(ms, () => {
			this.waiting.delete(key);
			this.add(key);
		});
		this.waiting.set(key, { at, cancel });
	}

	/** Adds `key` after its rate limiter's delay (a retry). */
	addRateLimited(key: string): void {
		this.addAfter(key, this.limiter.when(key));
	}

	/** Stops retrying `key` with backoff (after a success). */
	forget(key: string): void {
		this.limiter.forget(key);
	}

	numRequeues(key: string): number {
		return this.limiter.numRequeues(key);
	}

	/** The next key to process (waits for one); undefined once shut down. Call `done(key)` after. */
	get(): Promise<string | undefined> {
		const key = this.queue.shift();
		if (key !== undefined) return Promise.resolve(this.take(key));
		if (this.shuttingDown) return Promise.resolve(undefined);
		return new Promise((resolve) => this.getters.push((k) => resolve(k === undefined ? undefined : this.take(k))));
	}

	/** Marks `key` processed; if it was added meanwhile, it is queued again. */
	done(key: string): void {
		this.processing.delete(key);
		if (this.dirty.has(key)) this.push(key);
		this.updateHold();
	}

	shutDown(): void {
		this.shuttingDown = true;
		for (const w of this.waiting.values()) w.cancel();
		this.waiting.clear();
		for (const g of this.getters.splice(0)) g(undefined);
		this.queue = [];
		this.dirty.clear();
		this.release?.();
		this.release = undefined;
	}

	private push(key: string): void {
		const getter = this.getters.shift();
		if (getter) getter(key);
		else this.queue.push(key);
		this.updateHold();
	}

	private take(key: string): string {
		this.dirty.delete(key);
		this.processing.add(key);
		return key;
	}

	private updateHold(): void {
		const busy = !this.shuttingDown && (this.queue.length > 0 || this.processing.size > 0);
		if (busy && !this.release) this.release = this.clock.hold?.();
		else if (!busy && this.release) {
			this.release();
			this.release = undefined;
		}
	}
}
