import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock';
import { WorkQueue } from './workqueue';
import { bucketLimiter, defaultControllerRateLimiter, itemExponentialLimiter } from './rate-limiter';

describe('WorkQueue', () => {
	it('deduplicates keys while they wait', async () => {
		const q = new WorkQueue(new ManualClock(0));
		q.add('a');
		q.add('b');
		q.add('a');
		expect(q.length).toBe(2);
		expect(await q.get()).toBe('a');
		expect(await q.get()).toBe('b');
	});

	it('never hands out a key being processed; re-adds it when done', async () => {
		const q = new WorkQueue(new ManualClock(0));
		q.add('a');
		const key = await q.get();
		q.add('a');
		expect(q.length).toBe(0);
		q.done(key!);
		expect(q.length).toBe(1);
		expect(await q.get()).toBe('a');
	});

	it('retries with per-item exponential backoff on the clock and forgets on success', () => {
		const clock = new ManualClock(0);
		const q = new WorkQueue(clock, itemExponentialLimiter(5, 1_000_000));
		q.addRateLimited('a');
		q.addRateLimited('a');
		expect(q.numRequeues('a')).toBe(2);
		clock.advance(4);
		expect(q.length).toBe(0);
		clock.advance(1);
		expect(q.length).toBe(1);
		q.forget('a');
		expect(q.numRequeues('a')).toBe(0);
	});

	it('holds the clock while it has work', async () => {
		let holds = 0;
		const clock = Object.assign(new ManualClock(0), { hold: () => (holds++, () => void holds--) });
		const q = new WorkQueue(clock);
		q.add('a');
		expect(holds).toBe(1);
		const key = await q.get();
		expect(holds).toBe(1);
		q.done(key!);
		expect(holds).toBe(0);
	});

	it('shutDown wakes waiting workers with undefined', async () => {
		const q = new WorkQueue(new ManualClock(0));
		const p = q.get();
		q.shutDown();
		expect(await p).toBeUndefined();
	});
});

describe('rate limiters', () => {
	it('doubles from 5 ms to the 1000 s cap, like client-go', () => {
		const l = itemExponentialLimiter();
		const delays = Array.from({ length: 30 }, () => l.when('x'));
		expect(delays.slice(0, 4)).toEqual([5, 10, 20, 40]);
		expect(delays.at(-1)).toBe(1_000_000);
	});

	it('the bucket allows a burst of 100 then 10 per second', () => {
		const clock = new ManualClock(0);
		const b = bucketLimiter(clock);
		const delays = Array.from({ length: 102 }, () => b.when('x'));
		expect(delays.slice(0, 100).every((d) => d === 0)).toBe(true);
		expect(delays[100]).toBeCloseTo(100);
		expect(delays[101]).toBeCloseTo(200);
		expect(defaultControllerRateLimiter(clock).when('y')).toBe(5);
	});
});
