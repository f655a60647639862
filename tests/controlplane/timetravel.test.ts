/**
 * The time-travel API of a room (server/timetravel): the replica snapshot holds every retained
 * revision, the stream brings new ones, the retention compacts, and every role may read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startKubeRoom, type KubeRoom } from '../kubectl/harness';
import { readSnapshotBody, ReplicaConnection } from '../../src/lib/timetravel/connection';
import { Replica } from '../../src/lib/timetravel/replica';
import { createWasmEngine } from '../../src/lib/store/wasm-engine-node';
import { fromUtf8 } from '../../src/lib/store/bytes';
import { decodeMessage } from '../../src/lib/timetravel/wire';

let k: KubeRoom;
let facilitator: string;

const cmPath = (name = '') => `/rooms/${k.roomId}/k8s/api/v1/namespaces/default/configmaps${name ? '/' + name : ''}`;

async function putConfigMap(name: string, data: Record<string, string>): Promise<void> {
	const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
	const existing = await k.api(cmPath(name));
	const res = existing.ok
		? await k.api(cmPath(name), { method: 'PUT', headers: { 'content-type': 'application/json' }, body })
		: await k.api(cmPath(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
	if (!res.ok) throw new Error(`configmap ${name}: ${res.status} ${await res.text()}`);
}

async function snapshotReplica(token = k.tokens.viewer): Promise<Replica> {
	const res = await k.api(`/api/rooms/${k.roomId}/store/snapshot`, { token });
	expect(res.status).toBe(200);
	expect(res.headers.get('content-type')).toBe('application/gzip');
	const replica = new Replica(createWasmEngine());
	replica.load(await readSnapshotBody(res));
	return replica;
}

beforeAll(async () => {
	k = await startKubeRoom({ controllers: 'none' });
	facilitator = (k.tokens as { facilitator?: string }).facilitator ?? k.tokens.editor;
});

afterAll(async () => {
	await k?.stop();
});

describe('time travel API', () => {
	it('serves every retained revision in the snapshot, readable by a viewer', async () => {
		await putConfigMap('tt', { v: '1' });
		await putConfigMap('tt', { v: '2' });
		expect((await k.api(cmPath('tt'), { method: 'DELETE' })).status).toBe(200);
		const status = (await (await k.api(`/api/rooms/${k.roomId}/store`, { token: k.tokens.viewer })).json()) as Record<string, number>;
		const replica = await snapshotReplica();
		expect(replica.revision).toBe(status.revision);
		const history = replica.history('/registry/configmaps/default/tt');
		expect(history.map((h) => (h.kv ? JSON.parse(fromUtf8(h.kv.value)).data.v : 'deleted'))).toEqual(['1', '2', 'deleted']);
		// The cluster at the revision of the first version: the configmap as it was then.
		const first = history[0].revision;
		expect(JSON.parse(fromUtf8(replica.get('/registry/configmaps/default/tt', first)!.value)).data).toEqual({ v: '1' });
		// Room times are known for the revisions and never go backwards.
		const t1 = replica.times.timeAt(first);
		expect(t1).toBeGreaterThan(0);
		expect(replica.times.timeAt(history[2].revision)).toBeGreaterThanOrEqual(t1!);
	});

	it('streams new revisions to a replica that follows', async () => {
		const conn = new ReplicaConnection({ roomId: k.roomId, token: k.tokens.viewer, origin: k.origin, createEngine: async () => createWasmEngine() });
		const replica = await conn.start();
		try {
			await putConfigMap('streamed', { a: 'b' });
			await eventually(() => replica.get('/registry/configmaps/default/streamed') !== undefined, 'the streamed configmap in the replica');
			const status = (await (await k.api(`/api/rooms/${k.roomId}/store`)).json()) as Record<string, number>;
			await eventually(() => replica.revision === status.revision, 'the replica at the store revision');
			const change = replica.changes(replica.revision - 1, replica.revision);
			expect(change.map((c) => [c.key, c.type])).toEqual([['/registry/configmaps/default/streamed', 'created']]);
		} finally {
			conn.stop();
		}
	});

	it('answers the stream from a compacted revision with a 410 line, and bad input with 400', async () => {
		const bad = await k.api(`/api/rooms/${k.roomId}/store/watch?revision=abc`);
		expect(bad.status).toBe(400);
		expect(((await bad.json()) as { message: string }).message).toMatch(/revision must be a non-negative integer/);
		const future = await k.api(`/api/rooms/${k.roomId}/store/watch?revision=999999999`);
		expect(future.status).toBe(400);
		expect((await k.api(`/api/rooms/${k.roomId}/store/snapshot`, { token: null })).status).toBe(401);
		expect((await k.api(`/api/rooms/${k.roomId}/store/snapshot`, { method: 'POST' })).status).toBe(405);

	});

	it('compacts nothing while the history fits the default retention (no time-based compaction)', async () => {
		const s = (await (await k.api(`/api/rooms/${k.roomId}/store`)).json()) as { compactRevision: number; retention: { revisions: number } };
		expect(s.retention.revisions).toBe(100_000);
		expect(s.compactRevision).toBe(0);
		// Every revision since the first is in the replica.
		expect((await snapshotReplica()).firstRevision).toBe(1);
	});

	it('keeps the retention the facilitator sets, and compacts past it', async () => {
		const viewer = await k.api(`/api/rooms/${k.roomId}/store/retention`, { method: 'PUT', token: k.tokens.viewer, headers: { 'content-type': 'application/json' }, body: '{"revisions":100}' });
		expect(viewer.status).toBe(403);
		expect(((await viewer.json()) as { message: string }).message).toMatch(/only the facilitator/);
		const invalid = await k.api(`/api/rooms/${k.roomId}/store/retention`, { method: 'PUT', token: facilitator, headers: { 'content-type': 'application/json' }, body: '{"revisions":5}' });
		expect(invalid.status).toBe(422);
		const set = await k.api(`/api/rooms/${k.roomId}/store/retention`, { method: 'PUT', token: facilitator, headers: { 'content-type': 'application/json' }, body: '{"revisions":100}' });
		expect(set.status).toBe(200);
		expect(await set.json()).toMatchObject({ revisions: 100 });
		expect(await (await k.api(`/api/rooms/${k.roomId}/store/retention`, { token: k.tokens.viewer })).json()).toMatchObject({ revisions: 100 });

		for (let i = 0; i < 130; i++) await putConfigMap('churn', { i: String(i) });
		await eventually(
			async () => {
				const s = (await (await k.api(`/api/rooms/${k.roomId}/store`)).json()) as Record<string, number>;
				return s.compactRevision > 0 && s.revision - s.compactRevision <= 100 + 10;
			},
			'a compaction that keeps at most 100 revisions (+ slack)',
			20_000
		);
		// Retention is the compaction policy: nothing inside the window was compacted.
		const after = (await (await k.api(`/api/rooms/${k.roomId}/store`)).json()) as Record<string, number>;
		expect(after.revision - after.compactRevision).toBeGreaterThanOrEqual(100);
		// The replica starts at the compaction revision; older revisions cannot be read.
		const replica = await snapshotReplica();
		expect(replica.firstRevision).toBeGreaterThan(1);
		expect(replica.history('/registry/configmaps/default/churn').length).toBeLessThanOrEqual(111);
		// A stream from before the compaction cannot continue: the client must reload.
		const line = (await (await k.api(`/api/rooms/${k.roomId}/store/watch?revision=1`)).text()).trim().split('\n')[0];
		expect(decodeMessage(line)).toMatchObject({ type: 'error', code: 410 });
	});
});
