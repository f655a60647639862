/**
 * A room's simulated clock. Time runs at a speed (×1, ×10, ...) relative to the host's clock, or
 * at "max": then it moves only by jumps to the next due timer, once everything is idle, like a
 * discrete-event simulation. Paused, it moves only when stepped. Stepping (+N ms, or to the next
 * timer) also fires timers one due time at a time, letting the async work each one starts settle
 * before the next, so a scenario replays the same way however fast the machine is.
 *
 * "Idle" means: no `hold()` is open (components hold the clock while a request or a reconcile is
 * in flight) and a few host turns passed with nothing new starting. A hold that never ends would
 * stall "max", so settling gives up after `maxSettleMs` of host time in which nothing moved.
 *
 * Worked example (paused at t=0, timers A at 5 s, B at 12 s; A's callback sets C at +1 s):
 * `step(10_000)` fires A at t=5 s, settles, fires C at t=6 s, settles, stops at t=10 s; B stays.
 *
 * @module
 */
import type { Clock } from './clock';

/** `max` = jump to the next timer as soon as everything is idle. */
export type Speed = number | 'max';

/** What a room persists and shows of its clock. */
export interface ClockState {
	/** Simulated time, ms since the epoch. */
	time: number;
	paused: boolean;
	speed: Speed;
}

/** The host's clock and a way to yield one turn of its event loop (setImmediate in Node). */
export interface ClockHost extends Clock {
	defer(fn: () => void): void;
}

/** Tunables (exported so tests can override them). */
export const ROOM_CLOCK = {
	/** Host turns with nothing held before the clock counts as idle. */
	settleTurns: 3,
	/**
	 * Give up waiting for holds after this long (host ms) without any hold or timer changing: a
	 * stuck request must not stall the room, but a busy one (10,000 pods) is waited for, up to
	 * `maxSettleTotalMs`.
	 */
	maxSettleMs: 2_000,
	maxSettleTotalMs: 60_000,
	/** Largest speed factor accepted. */
	maxSpeed: 1_000
};

interface Timer {
	at: number;
	seq: number;
	fn: () => void;
}

export class RoomClock implements Clock {
	private base: number;
	private anchor: number;
	private paused: boolean;
	private speed: Speed;
	/** Pending timers, kept sorted by (at, seq). */
	private timers: Timer[] = [];
	private seq = 0;
	private holds = 0;
	/** Bumped on every hold and timer change: settling waits for it to stay still. */
	private activity = 0;
	private hostTimer: (() => void) | undefined;
	/** Steps and the max-speed loop run one at a time. */
	private driving: Promise<void> = Promise.resolve();
	private driverBusy = false;
	private wake: (() => void) | undefined;
	private disposed = false;
	private listeners = new Set<(s: ClockState) => void>();
	private idleWaiters = new Set<() => void>();
	private maxLooping = false;

	constructor(
		private readonly host: ClockHost,
		state: ClockState
	) {
		this.base = state.time;
		this.anchor = host.now();
		this.paused = state.paused;
		this.speed = state.speed;
		this.reschedule();
	}

	now(): number {
		if (this.paused || this.speed === 'max' || this.driverBusy) return this.base;
		return this.base + Math.max(0, this.host.now() - this.anchor) * this.speed;
	}

	setTimer(ms: number, fn: () => void): () => void {
		const timer = { at: this.now() + Math.max(0, ms || 0), seq: this.seq++, fn };
		// Binary search: timers are many (one per pod probe) and mostly appended.
		let lo = 0;
		let hi = this.timers.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (this.timers[mid].at <= timer.at) lo = mid + 1;
			else hi = mid;
		}
		this.timers.splice(lo, 0, timer);
		this.touch();
		if (lo === 0) this.reschedule();
		return () => {
			const i = this.timers.indexOf(timer);
			if (i >= 0) this.timers.splice(i, 1);
		};
	}

	/** Marks work in flight (a request, a reconcile): the clock does not jump while any is open. */
	hold(): () => void {
		this.holds++;
		this.touch();
		let done = false;
		return () => {
			if (done) return;
			done = true;
			this.holds--;
			this.touch();
			if (this.holds === 0) for (const w of this.idleWaiters) this.host.defer(w);
			if (this.holds === 0) this.idleWaiters.clear();
		};
	}

	state(): ClockState {
		return { time: this.now(), paused: this.paused, speed: this.speed };
	}

	/** Due time of the earliest pending timer. */
	nextDue(): number | undefined {
		return this.timers[0]?.at;
	}

	/** Calls `fn` after every change of pause, speed or step (not on every tick); returns an unsubscribe. */
	onChange(fn: (s: ClockState) => void): () => void {
		this.listeners.add(fn);
		return () => this.listeners.delete(fn);
	}

	pause(): void {
		if (this.paused) return;
		this.rebase();
		this.paused = true;
		this.changed();
	}

	resume(): void {
		if (!this.paused) return;
		this.rebase();
		this.paused = false;
		this.changed();
	}

	setSpeed(speed: Speed): void {
		if (speed !== 'max' && !(Number.isFinite(speed) && speed > 0 && speed <= ROOM_CLOCK.maxSpeed))
			throw new RangeError(`speed must be a number in (0, ${ROOM_CLOCK.maxSpeed}] or "max"`);
		this.rebase();
		this.speed = speed;
		this.changed();
	}

	/**
	 * Advances simulated time by `ms` (or to the next timer's due time with `'next'`), firing the
	 * timers that come due one due time at a time with the work they start settled in between.
	 * Resolves with the new time. Works paused or running (running continues afterwards).
	 */
	step(by: number | 'next'): Promise<number> {
		if (by !== 'next' && !(Number.isFinite(by) && by >= 0)) throw new RangeError('step must be a number of ms ≥ 0 or "next"');
		return this.drive(async () => {
			await this.settle();
			const target = by === 'next' ? (this.timers[0]?.at ?? this.base) : this.base + by;
			await this.runUntil(target);
			this.base = Math.max(this.base, target);
		}).then(() => {
			this.changed();
			return this.base;
		});
	}

	/** Resolves once nothing is held, no timer is due now, and a few host turns passed quietly. */
	settle(): Promise<void> {
		return new Promise((resolve) => {
			let seen = -1;
			let quiet = 0;
			let done = false;
			const finish = () => {
				if (done) return;
				done = true;
				this.idleWaiters.delete(check);
				cancelDeadline();
				resolve();
			};
			const check = () => {
				if (done) return;
				if (this.disposed) return finish();
				this.fireDue();
				// Holds are waited for (woken when the last one ends), never spun on.
				if (this.holds > 0) return void ((quiet = 0), this.idleWaiters.add(check));
				if (this.activity === seen) quiet++;
				else [seen, quiet] = [this.activity, 0];
				if (quiet >= ROOM_CLOCK.settleTurns) return finish();
				this.host.defer(check);
			};
			// The deadline moves while work makes progress (any hold or timer change), up to the total.
			const giveUpAt = this.host.now() + ROOM_CLOCK.maxSettleTotalMs;
			let cancelDeadline = () => {};
			const arm = (mark: number) => {
				cancelDeadline = this.host.setTimer(Math.min(ROOM_CLOCK.maxSettleMs, Math.max(0, giveUpAt - this.host.now())), () => {
					if (this.activity !== mark && this.host.now() < giveUpAt) return arm(this.activity);
					finish();
				});
			};
			arm(this.activity);
			check();
		});
	}

	/** Stops every timer and the max loop. */
	dispose(): void {
		this.disposed = true;
		this.hostTimer?.();
		this.timers = [];
		this.wake?.();
	}

	/** Folds the time elapsed since the anchor into `base` (before a change of mode). */
	private rebase(): void {
		this.base = this.now();
		this.anchor = this.host.now();
	}

	private changed(): void {
		this.reschedule();
		const s = this.state();
		for (const fn of this.listeners) fn(s);
	}

	private touch(): void {
		this.activity++;
		this.wake?.();
	}

	/** Runs `fn` exclusively (steps and max-speed jumps never interleave); time is frozen meanwhile. */
	private drive(fn: () => Promise<void>): Promise<void> {
		const run = async () => {
			this.rebase();
			this.driverBusy = true;
			try {
				await fn();
			} finally {
				this.driverBusy = false;
				this.anchor = this.host.now();
				this.reschedule();
			}
		};
		const p = this.driving.then(run, run);
		this.driving = p.catch(() => {});
		return p;
	}

	/** Fires timers due at or before `target`, one due time at a time, settling in between. */
	private async runUntil(target: number): Promise<void> {
		while (!this.disposed) {
			const next = this.timers[0];
			if (!next || next.at > target) return;
			this.base = Math.max(this.base, next.at);
			this.fireDue();
			await this.settle();
		}
	}

	/** Fires every timer due at the current time, in (due, insertion) order, new ones included. */
	private fireDue(): void {
		const now = this.now();
		while (this.timers.length && this.timers[0].at <= now) {
			const t = this.timers.shift()!;
			t.fn();
		}
	}

	/** Arms the host timer (running at a factor) or starts the max loop. */
	private reschedule(): void {
		this.hostTimer?.();
		this.hostTimer = undefined;
		if (this.disposed || this.paused || this.driverBusy) return;
		if (this.speed === 'max') return void this.maxLoop();
		const next = this.timers[0];
		if (!next) return;
		const wait = Math.max(0, (next.at - this.now()) / this.speed);
		this.hostTimer = this.host.setTimer(Math.ceil(wait), () => {
			this.hostTimer = undefined;
			this.fireDue();
			this.reschedule();
		});
	}

	/** At max speed: settle, jump to the next timer, fire it; sleep while there is no timer. */
	private maxLoop(): void {
		if (this.maxLooping) return;
		this.maxLooping = true;
		const running = () => !this.disposed && !this.paused && this.speed === 'max';
		void (async () => {
			try {
				while (running()) {
					if (!this.timers.length) {
						await new Promise<void>((r) => (this.wake = r));
						this.wake = undefined;
						continue;
					}
					await this.drive(async () => {
						await this.settle();
						if (!running() || !this.timers.length) return;
						this.base = Math.max(this.base, this.timers[0].at);
						this.fireDue();
					});
				}
			} finally {
				this.maxLooping = false;
			}
		})();
	}
}
