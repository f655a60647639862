/**
 * The sample-controller loop: informers feed keys into a rate-limited queue; workers take a key,
 * run `sync(key)` (idempotent: it reads the cache and writes the difference), forget the key's
 * backoff on success, and retry it with backoff when `sync` throws (a 409 conflict included).
 *
 * @module
 */
import { WorkQueue, type HoldableClock } from './workqueue';

export interface ControllerOptions {
	name: string;
	/** Parallel workers (kube-controller-manager's --concurrent-*-syncs; 5 for ReplicaSets). */
	workers?: number;
	sync(key: string): Promise<void>;
	log?(msg: string): void;
}

export class Controller {
	readonly queue: WorkQueue;
	readonly name: string;
	private running: Promise<void>[] = [];
	/** Reconciles run (successes and failures), for the control-plane view. */
	syncs = 0;
	failures = 0;

	constructor(
		clock: HoldableClock,
		private readonly opts: ControllerOptions
	) {
		this.name = opts.name;
		this.queue = new WorkQueue(clock);
	}

	/** Starts the workers; call after the informers synced. */
	run(): void {
		for (let i = 0; i < (this.opts.workers ?? 1); i++) this.running.push(this.worker());
	}

	/** Stops taking keys; resolves when the workers are idle. */
	async stop(): Promise<void> {
		this.queue.shutDown();
		await Promise.all(this.running);
	}

	private async worker(): Promise<void> {
		for (;;) {
			const key = await this.queue.get();
			if (key === undefined) return;
			try {
				await this.opts.sync(key);
				this.syncs++;
				this.queue.forget(key);
			} catch (e) {
				this.failures++;
				this.opts.log?.(`${this.name}: error syncing "${key}": ${(e as Error).message}, requeuing`);
				this.queue.addRateLimited(key);
			} finally {
				this.queue.done(key);
			}
		}
	}
}
