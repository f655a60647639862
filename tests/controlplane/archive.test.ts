import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { eventually, type KubeRoom } from '../kubectl/harness';
import { startKubeletRoom, type KubeletRoom, type Obj } from './kubelet-room';

let r: KubeletRoom;
let k: KubeRoom;
let archive: Uint8Array;
let imported: { id: string; tokens: Record<string, string> };

const tokens = () => k.tokens as unknown as Record<string, string>;
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Every key of a room's store at `revision` through the etcd JSON gateway, as `key → [value, create, mod, version]`. */
async function storeAt(roomId: string, token: string, revision: number): Promise<Record<string, unknown[]>> {
	const auth = (await (await k.api('/v3/auth/authenticate', { method: 'POST', token: null, body: JSON.stringify({ name: roomId, password: token }) })).json()) as Obj;
	const res = await k.api('/v3/kv/range', { method: 'POST', token: null, headers: { authorization: auth.token }, body: JSON.stringify({ key: b64('\0'), range_end: b64('\0'), revision: String(revision) }) });
	const body = (await res.json()) as Obj;
	expect(res.status, JSON.stringify(body)).toBe(200);
	return Object.fromEntries((body.kvs ?? []).map((kv: Obj) => [Buffer.from(kv.key, 'base64').toString(), [kv.value, kv.create_revision, kv.mod_revision, kv.version ?? '1']]));
}

async function importArchive(bytes: Uint8Array): Promise<Response> {
	return k.api('/api/rooms/import', { method: 'POST', token: null, headers: { 'content-type': 'application/zip' }, body: Buffer.from(bytes) });
}

/** A lesson imported into the room and run before the export: its progress travels in the archive. */
const LESSON = {
	'lesson.yaml': `title: Replicas
summary: Run web, then scale it.
steps:
  - id: available
    title: web runs 2 replicas
    markdown: steps/1.md
    checks:
      - { id: two, title: 2 replicas of web are available, kind: Deployment, name: web, expect: { status.availableReplicas: 2 } }
  - id: scale
    title: Scale web to 3
    markdown: steps/2.md
    checks:
      - { id: three, title: web asks for 3 replicas, kind: Deployment, name: web, expect: { spec.replicas: 3 } }
      - { id: pods, title: 3 web pods run, kind: Pod, selector: app=web, where: { status.phase: Running }, count: 3 }
`,
	'steps/1.md': 'Wait for **web**.',
	'steps/2.md': 'Scale `web` to 3 replicas.'
};

/** The lessons API of a room (`POST` with a body, else `GET`). */
async function lesson(roomId: string, token: string, body?: unknown): Promise<Obj> {
	const res = await k.api(`/api/rooms/${roomId}/lesson`, { method: body ? 'POST' : 'GET', token, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
	const out = (await res.json()) as Obj;
	expect(res.status, JSON.stringify(out)).toBe(200);
	return out;
}

const facilitator = () => tokens().facilitator ?? tokens().editor;
let lessonBefore: Obj;

const roomCount = async () => ((await (await k.api('/api/health')).json()) as Obj).rooms as number;

beforeAll(async () => {
	r = await startKubeletRoom();
	k = r.k;
	await r.send('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
	await r.send('POST', '/apis/apps/v1/namespaces/default/deployments', {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: { name: 'web' },
		spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } }
	});
	for (let i = 0; i < 60 && (await r.getJson('/apis/apps/v1/namespaces/default/deployments/web')).status?.availableReplicas !== 2; i++) await r.step(1);
	expect((await r.getJson('/apis/apps/v1/namespaces/default/deployments/web')).status.availableReplicas).toBe(2);
	// Run a lesson: step 1 passes, the facilitator moves to step 2, whose checks fail.
	await lesson(k.roomId, facilitator(), { action: 'import', id: 'replicas', files: LESSON });
	await lesson(k.roomId, facilitator(), { action: 'start', lesson: 'replicas' });
	await eventually(async () => (await lesson(k.roomId, facilitator())).completed.includes('available'), 'step 1 passed');
	await lesson(k.roomId, facilitator(), { action: 'next' });
	lessonBefore = await lesson(k.roomId, tokens().viewer);
	expect(lessonBefore).toMatchObject({ lesson: { id: 'replicas', source: 'room' }, step: 1, completed: ['available'] });
	expect(lessonBefore.checks).toEqual([
		{ id: 'three', title: 'web asks for 3 replicas', passed: false, message: 'expected spec.replicas = 3, found 2 (Deployment default/web)' },
		{ id: 'pods', title: '3 web pods run', passed: false, message: 'expected 3 Pod objects with app=web in default matching, found 2' }
	]);
}, 60_000);

afterAll(async () => {
	await k?.stop();
});

describe('export', () => {
	it('is the facilitator\'s: a viewer gets 403', async () => {
		const res = await k.api(`/api/rooms/${k.roomId}/export`, { token: tokens().viewer });
		expect(res.status).toBe(403);
		expect(((await res.json()) as Obj).kind).toBe('Status');
	});

	it('gives one zip: files, meta without tokens, the store journal', async () => {
		const res = await k.api(`/api/rooms/${k.roomId}/export`, { token: tokens().facilitator ?? tokens().editor });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/zip');
		archive = new Uint8Array(await res.arrayBuffer());
		const entries = unzipSync(archive);
		const manifest = JSON.parse(strFromU8(entries['converge-room.json']));
		expect(manifest).toMatchObject({ format: 'converge-room', version: 1, room: { name: 'kubectl test', clock: { paused: true } } });
		expect(JSON.stringify(manifest)).not.toContain(tokens().editor);
		expect(manifest.room.tokens).toBeUndefined();
		expect(manifest.store.revision).toBeGreaterThan(20);
		expect(entries['store/store.wal'].length).toBeGreaterThan(0);
		// The lesson's progress, and the lesson itself (imported into the room), travel with it.
		const progress = JSON.parse(strFromU8(entries['room/lesson.json']));
		expect(progress).toMatchObject({ lesson: { id: 'replicas', source: 'room' }, step: 1, completed: ['available'], imported: { replicas: LESSON } });
	});
});

describe('import', () => {
	it('refuses bad archives (400/422) and stores nothing', async () => {
		const before = await roomCount();
		expect((await importArchive(new Uint8Array())).status).toBe(400);
		const garbage = await importArchive(strToU8('this is not a zip'));
		expect(garbage.status).toBe(422);
		expect(((await garbage.json()) as Obj).message).toMatch(/^invalid room archive: not a room archive/);
		const entries = unzipSync(archive);
		const noManifest = zipSync({ 'store/store.wal': entries['store/store.wal'] });
		expect(((await (await importArchive(noManifest)).json()) as Obj).message).toBe('invalid room archive: the archive has no converge-room.json');
		const wal = entries['store/store.wal'].slice();
		wal[wal.length - 3] ^= 0xff;
		const corrupt = await importArchive(zipSync({ ...entries, 'store/store.wal': wal }));
		expect(corrupt.status).toBe(422);
		expect(((await corrupt.json()) as Obj).message).toMatch(/store\/store\.wal is corrupt after record \d+/);
		const escape = await importArchive(zipSync({ ...entries, 'room/meta.json': strToU8('{}') }));
		expect(escape.status).toBe(422);
		expect(await roomCount()).toBe(before);
	});

	it('makes a new room with new tokens, the same files and a paused clock', async () => {
		const res = await importArchive(archive);
		const body = (await res.json()) as Obj;
		expect(res.status, JSON.stringify(body)).toBe(201);
		imported = body as typeof imported;
		expect(imported.id).not.toBe(k.roomId);
		expect(imported.tokens.editor).not.toBe(tokens().editor);
		const original = (await (await k.api(`/api/rooms/${k.roomId}`)).json()) as Obj;
		const copy = (await (await k.api(`/api/rooms/${imported.id}`, { token: imported.tokens.editor })).json()) as Obj;
		expect(copy.files).toEqual(original.files);
		const clock = (await (await k.api(`/api/rooms/${imported.id}/clock`, { token: imported.tokens.editor })).json()) as Obj;
		expect(clock.paused).toBe(true);
		expect(clock.time).toBe(await r.now());
	});

	it('shows the same lesson, at the same step, with the same results of its checks', async () => {
		const st = await lesson(imported.id, imported.tokens.viewer);
		expect(st).toMatchObject({ lesson: lessonBefore.lesson, step: 1, completed: ['available'], markdown: LESSON['steps/2.md'] });
		expect(st.checks).toEqual(lessonBefore.checks);
		expect(st.available.filter((l: Obj) => l.source === 'room').map((l: Obj) => l.id)).toEqual(['replicas']);
	});

	it('replays the recorded revisions: every key identical at the last and at earlier revisions', async () => {
		const last = JSON.parse(strFromU8(unzipSync(archive)['converge-room.json'])).store.revision as number;
		for (const rev of [last, last - 1, Math.floor((last * 3) / 4), Math.floor(last / 2), 10, 2]) {
			const want = await storeAt(k.roomId, tokens().viewer, rev);
			const got = await storeAt(imported.id, imported.tokens.viewer, rev);
			expect(Object.keys(got).length, `keys at revision ${rev}`).toBe(Object.keys(want).length);
			expect(got, `revision ${rev}`).toEqual(want);
		}
		expect(Object.keys(await storeAt(imported.id, imported.tokens.viewer, last)).some((key) => key.startsWith('/registry/deployments/default/web'))).toBe(true);
	});

	it('resumes the control plane from the imported state', async () => {
		const base = `/rooms/${imported.id}/k8s`;
		const get = async (p: string) => (await (await k.api(base + p, { token: imported.tokens.editor })).json()) as Obj;
		const renew = async () => Date.parse((await get('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1')).spec.renewTime);
		const before = await renew();
		await k.api(`/api/rooms/${imported.id}/clock`, { method: 'POST', token: tokens().facilitator ? imported.tokens.facilitator : imported.tokens.editor, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'step', seconds: 20 }) });
		await eventually(async () => (await renew()) > before, 'the imported kubelet heartbeats');
		expect((await get('/apis/apps/v1/namespaces/default/deployments/web')).status.availableReplicas).toBe(2);
		const pods = (await get('/api/v1/namespaces/default/pods')).items as Obj[];
		expect(pods.map((p) => p.status.phase)).toEqual(['Running', 'Running']);
	});

	it('goes on with the lesson in the imported room: its step passes on the imported cluster', async () => {
		const res = await k.api(`/rooms/${imported.id}/k8s/apis/apps/v1/namespaces/default/deployments/web`, {
			method: 'PATCH',
			token: imported.tokens.editor,
			headers: { 'content-type': 'application/merge-patch+json' },
			body: JSON.stringify({ spec: { replicas: 3 } })
		});
		expect(res.status).toBe(200);
		const step = () => k.api(`/api/rooms/${imported.id}/clock`, { method: 'POST', token: imported.tokens.facilitator ?? imported.tokens.editor, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'step', seconds: 1 }) });
		for (let i = 0; i < 60 && !(await lesson(imported.id, imported.tokens.viewer)).completed.includes('scale'); i++) await step();
		const st = await lesson(imported.id, imported.tokens.viewer);
		expect(st).toMatchObject({ step: 1, completed: ['available', 'scale'] });
		expect(st.checks.map((c: Obj) => c.passed)).toEqual([true, true]);
		// The original room's lesson is its own: still at the failing step.
		expect((await lesson(k.roomId, tokens().viewer)).completed).toEqual(['available']);
	});
});
