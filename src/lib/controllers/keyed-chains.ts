/**
 * Tasks run one at a time per key, in the order they were given, and concurrently across keys:
 * what an event sink needs (an Event's create before the patches counting its repeats) without
 * making every Event of a component wait for all the others.
 *
 * @module
 */
export class KeyedChains {
	private tails = new Map<string, Promise<void>>();

	/** Keys with a task queued or running. */
	get size(): number {
		return this.tails.size;
	}

	/** Runs `task` after the tasks already given for `key` (a failure of one does not stop the next). */
	run(key: string, task: () => Promise<unknown>): Promise<void> {
		const prev = this.tails.get(key);
		// The first task starts now, so requests leave in the order they were recorded.
		const started = prev ? prev.then(task) : start(task);
		const next: Promise<void> = started.then(
			() => this.settled(key, next),
			() => this.settled(key, next)
		);
		this.tails.set(key, next);
		return next;
	}

	private settled(key: string, p: Promise<void>): void {
		if (this.tails.get(key) === p) this.tails.delete(key);
	}
}

function start(task: () => Promise<unknown>): Promise<unknown> {
	try {
		return task();
	} catch (e) {
		return Promise.reject(e);
	}
}
