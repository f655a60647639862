/**
 * A room's time and randomness on the server: the simulated clock driven by the wall clock, the
 * seeded RNG, both restored from and saved to the room's meta (so a reload continues where the
 * room was), and the `clock` room event browsers use to show simulated time.
 *
 * @module
 */
import { wallClock, type Clock } from '../../src/lib/clock/clock';
import { RoomClock, type ClockHost, type ClockState } from '../../src/lib/clock/room-clock';
import { createRng, newSeed, type Rng } from '../../src/lib/clock/rng';
import type { ClockEvent } from '../../src/lib/collab/protocol';
import type { RoomMeta } from '../rooms/meta';

/** While at max speed, browsers get the jumping time at most this often (wall ms). */
export const CLOCK_BROADCAST_MS = 1_000;

/** The host of a server-side room clock: wall time, setImmediate turns. */
export function nodeHost(wall: Clock = wallClock): ClockHost {
	return { now: () => wall.now(), setTimer: (ms, fn) => wall.setTimer(ms, fn), defer: (fn) => void setImmediate(fn) };
}

export interface RoomTime {
	clock: RoomClock;
	/** The room's seeded RNG; components take their own stream with `rng.fork(name)`. */
	rng: Rng;
	/** The clock as a room event (time now, with the wall time it was read at). */
	event(): ClockEvent;
	/** Folds the current simulated time into `meta` (before it is written). */
	save(): void;
	/** Calls `fn` with every clock event to broadcast; returns an unsubscribe. */
	onEvent(fn: (e: ClockEvent) => void): () => void;
	dispose(): void;
}

/** A new room's clock: running at ×1 from the wall time of its creation. */
export function defaultClockState(wallNow = Date.now()): ClockState {
	return { time: wallNow, paused: false, speed: 1 };
}

/** Opens the room's time from its meta, filling in a seed and a clock for rooms that have none. */
export function openRoomTime(meta: RoomMeta, host: ClockHost = nodeHost()): RoomTime {
	meta.seed ??= newSeed();
	meta.clock ??= defaultClockState(host.now());
	const clock = new RoomClock(host, meta.clock);
	const rng = createRng(meta.seed);
	const listeners = new Set<(e: ClockEvent) => void>();
	const event = (): ClockEvent => ({ type: 'clock', ...clock.state(), wall: host.now(), seed: meta.seed! });
	const save = () => void (meta.clock = clock.state());
	const emit = () => {
		const e = event();
		for (const fn of listeners) fn(e);
	};
	// At max speed time moves by jumps the browsers cannot extrapolate: resend it now and then.
	let last = -1;
	const ticker = setInterval(() => {
		const s = clock.state();
		if (s.speed === 'max' && !s.paused && s.time !== last) emit();
		last = s.time;
	}, CLOCK_BROADCAST_MS);
	ticker.unref();
	const off = clock.onChange(() => {
		save();
		emit();
	});
	return {
		clock,
		rng,
		event,
		save,
		onEvent(fn) {
			listeners.add(fn);
			return () => listeners.delete(fn);
		},
		dispose() {
			save();
			off();
			clearInterval(ticker);
			clock.dispose();
		}
	};
}
