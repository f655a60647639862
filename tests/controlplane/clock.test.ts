import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeRoom, type KubeRoom } from '../kubectl/harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

let k: KubeRoom;

async function clock(body?: unknown, token?: string): Promise<{ status: number; json: Obj }> {
	const res = await k.api(`/api/rooms/${k.roomId}/clock`, body === undefined ? { token } : { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	return { status: res.status, json: (await res.json()) as Obj };
}

beforeAll(async () => {
	k = await startKubeRoom();
});

afterAll(async () => {
	await k?.stop();
});

describe('room clock API', () => {
	it('starts running at ×1 from the wall time of creation', async () => {
		const { status, json } = await clock();
		expect(status).toBe(200);
		expect(json).toMatchObject({ paused: false, speed: 1 });
		expect(Math.abs(json.time - Date.now())).toBeLessThan(60_000);
		expect(json.timestamp).toBe(new Date(json.time).toISOString());
		expect(Number.isInteger(json.seed)).toBe(true);
	});

	it('pauses (time stops), steps exactly, resumes and changes speed', async () => {
		const paused = await clock({ action: 'pause' });
		expect(paused.json.paused).toBe(true);
		await new Promise((r) => setTimeout(r, 50));
		expect((await clock()).json.time).toBe(paused.json.time);

		const stepped = await clock({ action: 'step', seconds: 10 });
		expect(stepped.json.time).toBe(paused.json.time + 10_000);
		expect((await clock()).json.time).toBe(paused.json.time + 10_000);

		// The kube API stamps objects with the room's simulated time.
		const cm = await k.kubectl(['create', 'configmap', 'stamp', '-o', 'jsonpath={.metadata.creationTimestamp}']);
		expect(cm.stdout).toBe(new Date(stepped.json.time).toISOString().replace(/\.\d{3}Z$/, 'Z'));

		expect((await clock({ action: 'speed', speed: 'max' })).json).toMatchObject({ speed: 'max', paused: true });
		expect((await clock({ action: 'speed', speed: 5 })).json.speed).toBe(5);
		const resumed = await clock({ action: 'resume' });
		expect(resumed.json.paused).toBe(false);
	});

	it('refuses viewers (403) and bad actions (422) with Status errors', async () => {
		const viewer = await clock({ action: 'pause' }, k.tokens.viewer);
		expect(viewer.status).toBe(403);
		expect(viewer.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403 });
		expect((await clock(undefined, k.tokens.viewer)).status).toBe(200);
		expect((await clock({ action: 'rewind' })).status).toBe(422);
		expect((await clock({ action: 'speed', speed: 0 })).json.message).toMatch(/^speed must be/);
		expect((await clock({ action: 'step', seconds: -1 })).status).toBe(422);
		expect((await clock(undefined, '')).status).toBe(401);
	});

	it('continues where it was after the room unloads and reloads', async () => {
		const paused = await clock({ action: 'pause' });
		// The idle sweeper unloads it: its own control plane (informer watches) does not hold it.
		const idle = k.config.idleUnloadMs;
		k.config.idleUnloadMs = 0;
		await k.converge.rooms.sweep();
		k.config.idleUnloadMs = idle;
		expect(k.converge.rooms.loadedCount).toBe(0);
		const after = await clock();
		expect(after.json).toMatchObject({ time: paused.json.time, paused: true, speed: 5, seed: paused.json.seed });
	});
});
