/**
 * The room's simulated time as a browser shows it between clock events: the server sends the
 * time it read and how fast it runs; the browser extrapolates from when the event arrived on its
 * own clock (so skew between the two machines' clocks does not matter).
 *
 * @module
 */
import type { ClockEvent } from '../collab/protocol';

export interface ReceivedClock {
	event: ClockEvent;
	/** The browser's `Date.now()` when the event arrived. */
	receivedAt: number;
}

/** Simulated time now; a paused clock or one at max speed shows the last time it sent. */
export function simulatedNow(c: ReceivedClock, wallNow: number): number {
	const { event } = c;
	if (event.paused || event.speed === 'max') return event.time;
	return event.time + Math.max(0, wallNow - c.receivedAt) * event.speed;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-25 14:03:07` in UTC, like the timestamps kubectl prints. */
export function formatSimulated(ms: number): string {
	const d = new Date(ms);
	return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `×1`, `×10`, `max`, `paused`. */
export function speedLabel(event: ClockEvent): string {
	if (event.paused) return 'paused';
	return event.speed === 'max' ? 'max' : `×${event.speed}`;
}
