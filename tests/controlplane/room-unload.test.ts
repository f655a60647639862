/**
 * Rooms whose cluster is busy (the applier applying a starter, kubelets starting pods, the clock at
 * max speed) and that nobody uses any more must unload — control plane stopped, store and doc
 * closed — and load again on the next request with their cluster intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server';
import { internalKubeApi } from '../../server/controllers/runtime/loopback';
import { inProcessRequest } from '../../server/controllers/runtime/in-process';

let server: TestServer;

beforeAll(async () => {
	server = await startServer({ idleUnloadMs: 300 });
});

afterAll(async () => {
	await server?.stop();
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn().catch(() => undefined);
		if (v !== undefined) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

interface PodList {
	items: Array<{ metadata: { name: string }; status?: { phase?: string } }>;
}

describe('a busy room that nobody uses', () => {
	it('unloads while its control plane works, and loads again with its cluster', async () => {
		const rooms = await Promise.all([0, 1, 2].map(() => server.createRoom('web-app')));
		for (const r of rooms) {
			const token = r.tokens.facilitator;
			const res = await server.api(`/api/rooms/${r.id}/clock`, { method: 'POST', token, body: { action: 'speed', speed: 'max' } });
			expect(res.status).toBe(200);
		}
		// Busy: wait until the applier created the starter's pods in every room.
		for (const r of rooms) {
			await until('pods', async () => {
				const res = await server.api(`/rooms/${r.id}/k8s/api/v1/pods`, { token: r.tokens.editor });
				const list = (await res.json()) as PodList;
				return list.items?.length ? list : undefined;
			});
		}
		// Nobody uses them: each unloads within a few sweeps.
		for (const r of rooms) await until(`room ${r.id} to unload`, async () => (server.converge.rooms.isLoaded(r.id) ? undefined : true), 30_000);
		// The room's own control plane (a call still in flight, say) does not load it again: it is
		// told the room is going away, not that its token is wrong.
		const internal = internalKubeApi(server.converge.rooms, server.config);
		const answer = await new Promise<{ status: number; body: string }>((resolve) => {
			let status = 0;
			let body = '';
			inProcessRequest(internal, 'GET', `/rooms/${rooms[0].id}/k8s/api/v1/pods`, { authorization: `Bearer ${rooms[0].tokens.editor}` }, undefined, {
				head: (s) => (status = s),
				data: (c) => (body += c),
				end: () => resolve({ status, body })
			});
		});
		expect(answer.status).toBe(503);
		expect(JSON.parse(answer.body)).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable' });
		expect(server.converge.rooms.isLoaded(rooms[0].id)).toBe(false);
		// A request loads the room again, with the objects it had.
		for (const r of rooms) {
			const res = await server.api(`/rooms/${r.id}/k8s/api/v1/pods`, { token: r.tokens.editor });
			expect(res.status).toBe(200);
			expect(((await res.json()) as PodList).items.length).toBeGreaterThan(0);
		}
	});
});
