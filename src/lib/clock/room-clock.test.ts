import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { RoomClock, type ClockHost } from './room-clock';

/** Host time moves only when the test says; host turns are real (setImmediate). */
function manualHost(start = 0): ClockHost & { wall: ManualClock } {
	const wall = new ManualClock(start);
	return { wall, now: () => wall.now(), setTimer: (ms, fn) => wall.setTimer(ms, fn), defer: (fn) => void setImmediate(fn) };
}

const T0 = Date.UTC(2026, 0, 1);

describe('RoomClock', () => {
	it('runs at its speed relative to the host and stops while paused', () => {
		const host = manualHost();
		const clock = new RoomClock(host, { time: T0, paused: false, speed: 10 });
		host.wall.advance(1_000);
		expect(clock.now()).toBe(T0 + 10_000);
		clock.pause();
		host.wall.advance(5_000);
		expect(clock.now()).toBe(T0 + 10_000);
		clock.resume();
		clock.setSpeed(1);
		host.wall.advance(500);
		expect(clock.now()).toBe(T0 + 10_500);
	});

	it('fires timers on simulated time, ordered by due time then insertion', () => {
		const host = manualHost();
		const clock = new RoomClock(host, { time: T0, paused: false, speed: 2 });
		const fired: string[] = [];
		clock.setTimer(4_000, () => fired.push('b'));
		clock.setTimer(2_000, () => fired.push('a1'));
		clock.setTimer(2_000, () => fired.push('a2'));
		host.wall.advance(1_000);
		expect(fired).toEqual(['a1', 'a2']);
		host.wall.advance(999);
		expect(fired).toEqual(['a1', 'a2']);
		host.wall.advance(1);
		expect(fired).toEqual(['a1', 'a2', 'b']);
	});

	it('steps exactly, firing timers (and the timers they set) at their own times', async () => {
		const host = manualHost();
		const clock = new RoomClock(host, { time: T0, paused: true, speed: 1 });
		const fired: Array<[string, number]> = [];
		clock.setTimer(5_000, () => {
			fired.push(['A', clock.now() - T0]);
			// Async work started by a timer settles before the next due time.
			void Promise.resolve().then(() => clock.setTimer(1_000, () => fired.push(['C', clock.now() - T0])));
		});
		clock.setTimer(12_000, () => fired.push(['B', clock.now() - T0]));
		expect(await clock.step(10_000)).toBe(T0 + 10_000);
		expect(fired).toEqual([
			['A', 5_000],
			['C', 6_000]
		]);
		expect(clock.now()).toBe(T0 + 10_000);
		expect(await clock.step('next')).toBe(T0 + 12_000);
		expect(fired.at(-1)).toEqual(['B', 12_000]);
		host.wall.advance(60_000);
		expect(clock.now()).toBe(T0 + 12_000);
	});

	it('does not jump while work is held', async () => {
		const host = manualHost();
		const clock = new RoomClock(host, { time: T0, paused: true, speed: 1 });
		const seen: number[] = [];
		clock.setTimer(1_000, () => {
			const release = clock.hold();
			setTimeout(() => {
				clock.setTimer(500, () => seen.push(clock.now() - T0));
				release();
			}, 20);
		});
		clock.setTimer(3_000, () => seen.push(clock.now() - T0));
		await clock.step(5_000);
		expect(seen).toEqual([1_500, 3_000]);
	});

	it('waits for held work as long as it makes progress, and gives up on a hold where nothing moves', async () => {
		const host = manualHost();
		const clock = new RoomClock(host, { time: T0, paused: true, speed: 1 });
		const busy = clock.hold();
		let settled = false;
		void clock.settle().then(() => (settled = true));
		// 5 s of host time with work going on (holds opening and closing): still waiting.
		for (let i = 0; i < 10; i++) {
			clock.hold()();
			host.wall.advance(500);
			await new Promise((r) => setImmediate(r));
		}
		expect(settled).toBe(false);
		busy();
		await new Promise((r) => setImmediate(r));
		await clock.settle();
		// A hold nobody releases and nothing else happening: given up after maxSettleMs.
		clock.hold();
		let gaveUp = false;
		void clock.settle().then(() => (gaveUp = true));
		host.wall.advance(1_999);
		await new Promise((r) => setImmediate(r));
		expect(gaveUp).toBe(false);
		host.wall.advance(1);
		await new Promise((r) => setImmediate(r));
		expect(gaveUp).toBe(true);
		clock.dispose();
	});

	it('at max speed jumps from timer to timer without waiting for the host clock', async () => {
		const host = manualHost();
		const clock = new RoomClock(host, { time: T0, paused: false, speed: 'max' });
		const fired: number[] = [];
		const done = new Promise<void>((resolve) => {
			let n = 0;
			const tick = () => {
				fired.push(clock.now() - T0);
				if (++n < 5) clock.setTimer(60_000, tick);
				else resolve();
			};
			clock.setTimer(60_000, tick);
		});
		await done;
		expect(fired).toEqual([60_000, 120_000, 180_000, 240_000, 300_000]);
		expect(host.wall.now()).toBe(0);
		clock.pause();
		clock.setTimer(1, () => fired.push(-1));
		await clock.settle();
		expect(fired).not.toContain(-1);
		clock.dispose();
	});

	it('reports changes and its state', async () => {
		const host = manualHost();
		const clock = new RoomClock(host, { time: T0, paused: false, speed: 1 });
		const states: unknown[] = [];
		clock.onChange((s) => states.push(s));
		clock.pause();
		await clock.step(1_000);
		clock.setSpeed('max');
		expect(states).toEqual([
			{ time: T0, paused: true, speed: 1 },
			{ time: T0 + 1_000, paused: true, speed: 1 },
			{ time: T0 + 1_000, paused: true, speed: 'max' }
		]);
		expect(() => clock.setSpeed(0)).toThrow(RangeError);
		clock.dispose();
	});
});
