import { describe, expect, it } from 'vitest';
import type { ClockEvent } from '../collab/protocol';
import { formatSimulated, simulatedNow, speedLabel } from './display';

const event = (over: Partial<ClockEvent>): ClockEvent => ({ type: 'clock', time: 1_000_000, paused: false, speed: 1, wall: 5, seed: 1, ...over });

describe('simulated time in the browser', () => {
	it('runs at the clock speed from when the event arrived, not from the server wall time', () => {
		expect(simulatedNow({ event: event({ speed: 10 }), receivedAt: 2_000 }, 2_500)).toBe(1_000_000 + 5_000);
		expect(simulatedNow({ event: event({ speed: 1 }), receivedAt: 2_000 }, 1_000)).toBe(1_000_000);
	});

	it('stands still when paused or at max speed (the server sends each jump)', () => {
		expect(simulatedNow({ event: event({ paused: true, speed: 10 }), receivedAt: 0 }, 9_000)).toBe(1_000_000);
		expect(simulatedNow({ event: event({ speed: 'max' }), receivedAt: 0 }, 9_000)).toBe(1_000_000);
	});

	it('formats UTC time and the speed', () => {
		expect(formatSimulated(Date.UTC(2026, 10, 25, 4, 3, 7))).toBe('2026-11-25 04:03:07');
		expect(speedLabel(event({ paused: true }))).toBe('paused');
		expect(speedLabel(event({ speed: 'max' }))).toBe('max');
		expect(speedLabel(event({ speed: 5 }))).toBe('×5');
	});
});
