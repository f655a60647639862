import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import { MESSAGE_ROOM_EVENT, type ClockEvent } from '../../src/lib/collab/protocol';
import { startServer, waitUntil, type TestServer } from '../helpers/server';

let server: TestServer;

beforeAll(async () => {
	server = await startServer();
});

afterAll(async () => {
	await server?.stop();
});

/** The clock events a collab socket receives. */
function listen(roomId: string, token: string): { events: ClockEvent[]; close: () => void } {
	const events: ClockEvent[] = [];
	const ws = new WebSocket(`${server.origin.replace('http', 'ws')}/collab/${roomId}?token=${token}`);
	ws.on('message', (data: Buffer) => {
		const dec = decoding.createDecoder(new Uint8Array(data));
		if (decoding.readVarUint(dec) !== MESSAGE_ROOM_EVENT) return;
		const e = JSON.parse(decoding.readVarString(dec)) as { type: string };
		if (e.type === 'clock') events.push(e as ClockEvent);
	});
	return { events, close: () => ws.close() };
}

describe('clock room events', () => {
	it('sends the clock on connect and on every change, to viewers too', async () => {
		const room = await server.createRoom();
		const viewer = listen(room.id, room.tokens.viewer);
		await waitUntil(() => viewer.events.length === 1, 'the initial clock event');
		expect(viewer.events[0]).toMatchObject({ type: 'clock', paused: false, speed: 1, seed: expect.any(Number) });
		const res = await server.api(`/api/rooms/${room.id}/clock`, { method: 'POST', token: room.tokens.facilitator, body: { action: 'pause' } });
		const state = (await res.json()) as { time: number };
		await waitUntil(() => viewer.events.length === 2, 'the pause event');
		expect(viewer.events[1]).toMatchObject({ paused: true, time: state.time });
		await server.api(`/api/rooms/${room.id}/clock`, { method: 'POST', token: room.tokens.facilitator, body: { action: 'step', seconds: 1 } });
		await waitUntil(() => viewer.events.length === 3, 'the step event');
		expect(viewer.events[2].time).toBe(state.time + 1_000);
		viewer.close();
	});
});
