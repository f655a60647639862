/**
 * Controller expectations (client-go's `UIDTrackingControllerExpectations`): after asking for N
 * creations and some deletions, a controller waits until its informer has seen them before it
 * acts again, so a stale cache never makes it create twice. Expectations older than
 * `EXPECTATIONS_TTL_MS` (5 minutes on the room clock) count as met, so a lost event never wedges it.
 *
 * @module
 */
import type { Clock } from '../clock/clock';

export const EXPECTATIONS = { ttlMs: 5 * 60_000 };

interface Expectation {
	add: number;
	/** Keys of objects whose deletion is awaited. */
	deletes: Set<string>;
	timestamp: number;
}

export class Expectations {
	private items = new Map<string, Expectation>();

	constructor(private readonly clock: Clock) {}

	/** True when nothing is awaited (or the expectation expired, or none was ever set). */
	satisfied(key: string): boolean {
		const e = this.items.get(key);
		if (!e) return true;
		if (e.add <= 0 && e.deletes.size === 0) return true;
		return this.clock.now() - e.timestamp > EXPECTATIONS.ttlMs;
	}

	/** Replaces the expectations of `key`: `adds` creations and the deletion of `deleteKeys`. */
	expect(key: string, adds: number, deleteKeys: string[] = []): void {
		this.items.set(key, { add: adds, deletes: new Set(deleteKeys), timestamp: this.clock.now() });
	}

	creationObserved(key: string): void {
		const e = this.items.get(key);
		if (e) e.add--;
	}

	deletionObserved(key: string, objectKey: string): void {
		this.items.get(key)?.deletes.delete(objectKey);
	}

	delete(key: string): void {
		this.items.delete(key);
	}
}
