/**
 * A room for the kubelet and node lifecycle tests: the kube API as JSON, and its clock (paused,
 * then stepped, so simulated times are exact).
 *
 * @module
 */
import { startKubeRoom, type KubeRoom } from '../kubectl/harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export interface KubeletRoom {
	k: KubeRoom;
	/** GET on the room's kube API (`/api/v1/...`), the body whatever the status. */
	getJson(path: string): Promise<Obj>;
	/** Status of a GET (200, 404). */
	status(path: string): Promise<number>;
	/** A write that must succeed. */
	send(method: string, path: string, body: unknown): Promise<Obj>;
	clock(body: Obj): Promise<{ time: number }>;
	step(seconds: number): Promise<{ time: number }>;
	now(): Promise<number>;
}

/** Starts a room with its clock paused. */
export async function startKubeletRoom(): Promise<KubeletRoom> {
	const k = await startKubeRoom();
	const base = `/rooms/${k.roomId}/k8s`;
	const clockPath = `/api/rooms/${k.roomId}/clock`;
	const json = async (res: Response) => (await res.json()) as Obj;
	const room: KubeletRoom = {
		k,
		getJson: async (path) => json(await k.api(base + path)),
		status: async (path) => (await k.api(base + path)).status,
		async send(method, path, body) {
			const res = await k.api(base + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
			const out = await json(res);
			if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${out.message}`);
			return out;
		},
		clock: async (body) => (await json(await k.api(clockPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }))) as { time: number },
		step: (seconds) => room.clock({ action: 'step', seconds }),
		now: async () => ((await json(await k.api(clockPath))) as { time: number }).time
	};
	await room.clock({ action: 'pause' });
	return room;
}
