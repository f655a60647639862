/**
 * Keep-alive connections to the kube API stay usable after the server was busy for longer than
 * node's 5 s keep-alive default (kube-apiserver keeps idle connections 90 s): a request sent on
 * the idle connection right after such a stretch is answered, not cut with ECONNRESET.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Agent, request } from 'node:http';
import { startKubeRoom, type KubeRoom } from '../kubectl/harness';

let room: KubeRoom;
beforeAll(async () => {
	room = await startKubeRoom({ controllers: 'none' });
}, 60_000);
afterAll(() => room?.stop());

function get(agent: Agent, path: string): Promise<{ status: number; reused: boolean }> {
	const url = new URL(room.origin);
	return new Promise((resolve, reject) => {
		const req = request({ host: url.hostname, port: url.port, path, agent, headers: { authorization: `Bearer ${room.tokens.editor}` } }, (res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
		});
		req.on('error', reject);
		req.end();
	});
}

it('answers a request on a keep-alive connection after the event loop was blocked past the keep-alive timeout', async () => {
	const agent = new Agent({ keepAlive: true, maxSockets: 1 });
	const path = `/rooms/${room.roomId}/k8s/api/v1/namespaces/default`;
	expect((await get(agent, path)).status).toBe(200);
	// Once the response's end armed the idle timer, block this process (the server's too) for
	// longer than node's keepAliveTimeout (5 s, plus its 1 s buffer); the next request goes out in
	// the timers phase that follows, like one that arrived while the server was busy.
	setTimeout(() => {
		const until = Date.now() + 7_000;
		while (Date.now() < until);
	}, 20);
	await new Promise((r) => setTimeout(r, 50));
	const next = await get(agent, path);
	expect(next).toEqual({ status: 200, reused: true });
	agent.destroy();
}, 30_000);
