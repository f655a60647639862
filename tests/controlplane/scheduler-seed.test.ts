import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schedulerRoom } from './scheduler-helpers';

const room = schedulerRoom(async (a) => {
	for (const n of ['node-1', 'node-2', 'node-3', 'node-4']) await a.node(n, '4');
});

/** Unloads the room, sets its seed in meta.json and loads it again (a fresh control plane on that seed). */
async function reloadWithSeed(seed: number): Promise<void> {
	const rooms = room.k.converge.rooms;
	(await rooms.get(room.k.roomId))!.lastUsed = 0;
	await rooms.sweep();
	expect(rooms.loadedCount).toBe(0);
	const file = join(rooms.roomsDir, room.k.roomId, 'meta.json');
	const meta = JSON.parse(await readFile(file, 'utf8'));
	await writeFile(file, JSON.stringify({ ...meta, seed }));
	await rooms.get(room.k.roomId);
}

/** Six identical pods, one at a time, on four identical empty nodes: ties broken by the room's RNG. */
async function placements(): Promise<string[]> {
	const out: string[] = [];
	const pods = '/api/v1/namespaces/default/pods';
	for (let i = 0; i < 6; i++) {
		await room.a.send('POST', pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}` }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '100m' } } }] } });
		out.push(await room.a.boundNode(`p-${i}`));
	}
	for (let i = 0; i < 6; i++) await room.a.send('DELETE', `${pods}/p-${i}`, { gracePeriodSeconds: 0 });
	return out;
}

describe('kube-scheduler determinism', () => {
	it('places pods identically for the same room seed, and breaks ties differently for other seeds', async () => {
		await reloadWithSeed(42);
		const first = await placements();
		// Spreading is exact (least allocated): every node gets one pod before any gets a second.
		expect(new Set(first.slice(0, 4)).size).toBe(4);
		await reloadWithSeed(42);
		expect(await placements()).toEqual(first);
		const others: string[][] = [];
		for (const seed of [7, 1234]) {
			await reloadWithSeed(seed);
			others.push(await placements());
		}
		expect(others.some((o) => o.join() !== first.join())).toBe(true);
	});
});
