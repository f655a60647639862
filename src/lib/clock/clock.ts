/**
 * Time as components see it. Every timer in converge goes through a `Clock`: the room's simulated
 * clock in a room, a manual clock in tests, the wall clock where nothing is simulated.
 *
 * @module
 */

export interface Clock {
	/** Milliseconds since the epoch, on this clock. */
	now(): number;
	/** Calls `fn` once after `ms` on this clock; returns a function that cancels it. */
	setTimer(ms: number, fn: () => void): () => void;
}

/** The machine's clock. */
export const wallClock: Clock = {
	now: () => Date.now(),
	setTimer(ms, fn) {
		const t = setTimeout(fn, ms);
		(t as { unref?: () => void }).unref?.();
		return () => clearTimeout(t);
	}
};

/** A clock that moves only when told (tests): `advance(ms)` fires due timers in order. */
export class ManualClock implements Clock {
	private t: number;
	private timers: Array<{ at: number; seq: number; fn: () => void }> = [];
	private seq = 0;

	constructor(start = 0) {
		this.t = start;
	}

	now(): number {
		return this.t;
	}

	setTimer(ms: number, fn: () => void): () => void {
		const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
		this.timers.push(timer);
		return () => (this.timers = this.timers.filter((x) => x !== timer));
	}

	/** Moves time forward, firing every timer that comes due (timers set by timers included). */
	advance(ms: number): void {
		const end = this.t + ms;
		for (;;) {
			const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
			if (!due) break;
			this.timers = this.timers.filter((x) => x !== due);
			this.t = Math.max(this.t, due.at);
			due.fn();
		}
		this.t = end;
	}
}

/** Calls `fn` every `ms` on `clock` (the next run is set before `fn` runs); returns a function that stops it. */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
	let cancel: () => void;
	let stopped = false;
	const tick = () => {
		if (stopped) return;
		cancel = clock.setTimer(ms, tick);
		fn();
	};
	cancel = clock.setTimer(ms, tick);
	return () => {
		stopped = true;
		cancel();
	};
}

/**
 * A clock that reads time from `time` but runs its timers on `timers`. The kube API stamps objects
 * with the room's simulated time, while its transport timers (watch timeouts, bookmarks) stay on
 * the wall clock: at max speed a 30-minute watch timeout would otherwise end `kubectl get -w`
 * after a second.
 */
export function stampingClock(time: Clock, timers: Clock = wallClock): Clock {
	return { now: () => time.now(), setTimer: (ms, fn) => timers.setTimer(ms, fn) };
}
