/**
 * client-go's default controller rate limiter on the room clock: the larger of a per-item
 * exponential backoff (5 ms doubling to 1000 s) and an overall token bucket (10 per second, burst
 * 100), as `workqueue.DefaultTypedControllerRateLimiter` builds it.
 *
 * @module
 */
import type { Clock } from '../clock/clock';

export interface RateLimiter {
	/** How long (ms) to wait before the item's next try; counts a failure. */
	when(item: string): number;
	/** Clears the item's failures (after a success). */
	forget(item: string): void;
	numRequeues(item: string): number;
}

/** Tunables, as client-go's defaults. */
export const RATE_LIMITS = { baseDelayMs: 5, maxDelayMs: 1_000_000, qps: 10, burst: 100 };

/** `base · 2^failures`, capped at `max`. */
export function itemExponentialLimiter(baseMs = RATE_LIMITS.baseDelayMs, maxMs = RATE_LIMITS.maxDelayMs): RateLimiter {
	const failures = new Map<string, number>();
	return {
		when(item) {
			const n = failures.get(item) ?? 0;
			failures.set(item, n + 1);
			return Math.min(baseMs * 2 ** n, maxMs);
		},
		forget: (item) => void failures.delete(item),
		numRequeues: (item) => failures.get(item) ?? 0
	};
}

/** A token bucket (golang.org/x/time/rate reservations: a wait when the bucket is empty). */
export function bucketLimiter(clock: Clock, qps = RATE_LIMITS.qps, burst = RATE_LIMITS.burst): RateLimiter {
	let tokens = burst;
	let last = clock.now();
	return {
		when() {
			const now = clock.now();
			tokens = Math.min(burst, tokens + ((now - last) / 1000) * qps);
			last = now;
			tokens -= 1;
			return tokens >= 0 ? 0 : (-tokens / qps) * 1000;
		},
		forget: () => {},
		numRequeues: () => 0
	};
}

/** The largest delay of several limiters. */
export function maxOfLimiters(...limiters: RateLimiter[]): RateLimiter {
	return {
		when: (item) => Math.max(...limiters.map((l) => l.when(item))),
		forget: (item) => limiters.forEach((l) => l.forget(item)),
		numRequeues: (item) => Math.max(...limiters.map((l) => l.numRequeues(item)))
	};
}

export function defaultControllerRateLimiter(clock: Clock): RateLimiter {
	return maxOfLimiters(itemExponentialLimiter(), bucketLimiter(clock));
}
