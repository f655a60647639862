/**
 * Workshop roles: the facilitator (the room's creator) runs the room; editors change files and
 * the cluster; viewers read. Every facilitator-only action answers 403 with a Status naming who
 * may do it; a locked file refuses an editor's edit and keeps its content; the facilitator makes
 * a participant an editor or a viewer, live, on the socket, the rooms API and the kube API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { participantIdOf } from '../../server/rooms/meta';
import type { RoomClient } from '../../src/lib/collab/client';
import type { RoleEvent, RoomEvent, RolesEvent } from '../../src/lib/collab/protocol';
import { fileText, settled, startServer, waitUntil, type RoomInfo, type TestServer } from '../helpers/server';

let server: TestServer;
let room: RoomInfo;
beforeAll(async () => {
	server = await startServer();
	room = await server.createRoom('web-app');
});
afterAll(() => server.stop());

const json = (body: unknown) => body;
const newKey = () => randomBytes(16).toString('base64url');

/** Events a client received, latest per type. */
function events(c: RoomClient): Map<string, RoomEvent> {
	const seen = new Map<string, RoomEvent>();
	c.on('event', (e) => seen.set(e.type, e));
	return seen;
}

async function expectForbidden(res: Response, message: RegExp): Promise<void> {
	expect(res.status).toBe(403);
	const body = await res.json();
	expect(body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403 });
	expect(body.message).toMatch(message);
}

/** Facilitator-only actions, each as [name, request, message]. */
function facilitatorActions(r: RoomInfo): Array<[string, string, { method: string; body?: unknown; query?: string }, RegExp]> {
	return [
		['clock', `/api/rooms/${r.id}/clock`, { method: 'POST', body: { action: 'pause' } }, /^only the facilitator can change the clock of room "/],
		['room settings', `/api/rooms/${r.id}`, { method: 'PATCH', body: { name: 'Renamed' } }, /^only the facilitator can change the settings of room "/],
		['lock files', `/api/rooms/${r.id}/locks`, { method: 'PUT', body: { path: 'app/service.yaml', locked: true } }, /^only the facilitator can lock or unlock files/],
		['roles', `/api/rooms/${r.id}/participants/${participantIdOf(newKey())}`, { method: 'PUT', body: { role: 'editor' } }, /^only the facilitator can change the role of a participant/],
		['follow', `/api/rooms/${r.id}/follow`, { method: 'POST', body: { leader: 1 } }, /^only the facilitator can ask everyone in room ".*" to follow$/],
		['reset', `/api/rooms/${r.id}/reset`, { method: 'POST' }, /^only the facilitator can reset the cluster of room "/]
	];
}

describe('roles on the rooms API', () => {
	it('creates rooms with three tokens; each role sees the tokens and links it may', async () => {
		expect(Object.keys(room.tokens).sort()).toEqual(['editor', 'facilitator', 'viewer']);
		expect(room.links.facilitator).toBe(`${server.origin}/r/${room.id}#token=${room.tokens.facilitator}`);
		const seen = async (token: string) => (await (await server.api(`/api/rooms/${room.id}`, { token })).json()) as RoomInfo;
		expect(await seen(room.tokens.facilitator)).toMatchObject({ role: 'facilitator', tokens: room.tokens });
		const editor = await seen(room.tokens.editor);
		expect(editor.role).toBe('editor');
		expect(editor.tokens).toEqual({ editor: room.tokens.editor, viewer: room.tokens.viewer });
		expect(Object.keys(editor.links).sort()).toEqual(['editor', 'viewer']);
		expect(JSON.stringify(editor)).not.toContain(room.tokens.facilitator);
		const viewer = await seen(room.tokens.viewer);
		expect(viewer.tokens).toEqual({ viewer: room.tokens.viewer });
		expect(JSON.stringify(viewer)).not.toContain(room.tokens.editor);
	});

	it('refuses every facilitator-only action to editors and viewers with 403, and allows it to the facilitator', async () => {
		const r = await server.createRoom('web-app');
		for (const [name, path, init, message] of facilitatorActions(r)) {
			for (const token of [r.tokens.editor, r.tokens.viewer]) await expectForbidden(await server.api(path, { ...init, token, body: json(init.body) }), message);
			const ok = await server.api(path, { ...init, token: r.tokens.facilitator, body: json(init.body) });
			expect(ok.status, `${name}: ${await ok.clone().text()}`).toBe(200);
		}
	});

	it('gives a room created before roles a facilitator token on load, shown to its editors', async () => {
		const r = await server.createRoom('blank');
		const { dataDir } = server;
		await server.stop({ keepData: true });
		const metaPath = join(dataDir, 'rooms', r.id, 'meta.json');
		const old = JSON.parse(await readFile(metaPath, 'utf8'));
		delete old.tokens.facilitator;
		await writeFile(metaPath, JSON.stringify(old));
		server = await startServer({ dataDir });
		const described = await (await server.api(`/api/rooms/${r.id}`, { token: r.tokens.editor })).json();
		const facilitator = described.tokens.facilitator as string;
		expect(facilitator).toMatch(/^[A-Za-z0-9_-]{32}$/);
		expect(JSON.parse(await readFile(metaPath, 'utf8')).tokens.facilitator).toBe(facilitator);
		expect((await (await server.api(`/api/rooms/${r.id}`, { token: facilitator })).json()).role).toBe('facilitator');
		expect((await (await server.api(`/api/rooms/${r.id}`, { token: r.tokens.viewer })).json()).tokens).toEqual({ viewer: r.tokens.viewer });
	});

	it('lets only the facilitator delete the room', async () => {
		const r = await server.createRoom('blank');
		await expectForbidden(await server.api(`/api/rooms/${r.id}`, { method: 'DELETE', token: r.tokens.editor }), /^only the facilitator can delete room "/);
		expect((await server.api(`/api/rooms/${r.id}`, { method: 'DELETE', token: r.tokens.facilitator })).status).toBe(200);
	});

	it('hands out the kubeconfig of the caller\'s role or a lesser one', async () => {
		const kc = (role: string, token: string) => server.api(`/api/rooms/${room.id}/kubeconfig?role=${role}`, { token });
		const fac = await kc('facilitator', room.tokens.facilitator);
		expect(fac.status).toBe(200);
		expect(await fac.text()).toContain(`token: ${room.tokens.facilitator}`);
		await expectForbidden(await kc('facilitator', room.tokens.editor), /the facilitator kubeconfig needs the facilitator token/);
		expect((await kc('editor', room.tokens.facilitator)).status).toBe(200);
	});
});

describe('the facilitator on the kube API and the etcd gateway', () => {
	it('writes like an editor', async () => {
		const res = await server.api(`/rooms/${room.id}/k8s/api/v1/namespaces/default/configmaps`, {
			method: 'POST',
			token: room.tokens.facilitator,
			body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'by-facilitator' } }
		});
		expect(res.status).toBe(201);
		const review = await server.api(`/rooms/${room.id}/k8s/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
			method: 'POST',
			token: room.tokens.facilitator,
			body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }
		});
		expect((await review.json()).status.userInfo.username).toBe('facilitator');
		const auth = await server.api('/v3/auth/authenticate', { method: 'POST', body: { name: room.id, password: room.tokens.facilitator } });
		const { token } = (await auth.json()) as { token: string };
		const put = await server.api('/v3/kv/put', { method: 'POST', headers: { authorization: token }, body: { key: Buffer.from('/facilitator').toString('base64'), value: 'eA==' } });
		expect(put.status).toBe(200);
	});
});

describe('locked files', () => {
	it('refuses an editor\'s edit of a locked file, keeps the content, and lets the facilitator edit it', async () => {
		const r = await server.createRoom('web-app');
		const lock = await server.api(`/api/rooms/${r.id}/locks`, { method: 'PUT', token: r.tokens.facilitator, body: { path: 'app/service.yaml', locked: true } });
		expect(await lock.json()).toEqual({ paths: ['app/service.yaml'] });
		const before = await (await server.api(`/api/rooms/${r.id}/files?path=app/service.yaml`, { token: r.tokens.viewer })).text();

		const editor = server.client(r.id, r.tokens.editor);
		const seen = events(editor);
		const notices: string[] = [];
		editor.on('notice', (n) => notices.push(n.code));
		const reset = new Promise((resolve) => editor.on('reset', resolve));
		await editor.when((s) => s.synced);
		expect(seen.get('locks')).toEqual({ type: 'locks', paths: ['app/service.yaml'] });
		fileText(editor.doc, 'app/service.yaml').insert(0, '# not allowed\n');
		await reset;
		expect(notices).toContain('file-locked');
		await editor.when((s) => s.synced);
		expect(fileText(editor.doc, 'app/service.yaml').toString()).toBe(before);
		expect(fileText(await server.serverDoc(r.id), 'app/service.yaml').toString()).toBe(before);

		// Other files stay editable; the locked one is editable by the facilitator.
		fileText(editor.doc, 'app/configmap.yaml').insert(0, '# fine\n');
		await settled(editor);
		const facilitator = server.client(r.id, r.tokens.facilitator);
		await facilitator.when((s) => s.synced);
		fileText(facilitator.doc, 'app/service.yaml').insert(0, '# the facilitator\n');
		await settled(facilitator);
		expect(fileText(await server.serverDoc(r.id), 'app/service.yaml').toString()).toBe('# the facilitator\n' + before);

		// The file API refuses renames and deletes of a locked file to an editor.
		await expectForbidden(await server.api(`/api/rooms/${r.id}/files?path=app/service.yaml`, { method: 'DELETE', token: r.tokens.editor }), /^app\/service.yaml is locked: only the facilitator can change it$/);
		await expectForbidden(await server.api(`/api/rooms/${r.id}/files`, { method: 'PATCH', token: r.tokens.editor, body: { from: 'app/service.yaml', to: 'x.yaml' } }), /is locked/);
		// A rename by the facilitator keeps the lock on the new path.
		expect((await server.api(`/api/rooms/${r.id}/files`, { method: 'PATCH', token: r.tokens.facilitator, body: { from: 'app', to: 'web' } })).status).toBe(200);
		expect(await (await server.api(`/api/rooms/${r.id}/locks`, { token: r.tokens.viewer })).json()).toEqual({ paths: ['web/service.yaml'] });
	});
});

describe('per-participant roles', () => {
	it('demotes an editor to viewer live: its edits are refused and its API writes are forbidden', async () => {
		const r = await server.createRoom('web-app');
		const key = newKey();
		const participant = participantIdOf(key);
		const session = `${r.tokens.editor}.${key}`;
		const editor = server.client(r.id, session);
		const seen = events(editor);
		await editor.when((s) => s.synced);
		await waitUntil(() => (seen.get('role') as RoleEvent | undefined)?.participant === participant, 'role event');
		expect(seen.get('role')).toEqual({ type: 'role', role: 'editor', base: 'editor', participant });
		fileText(editor.doc, 'app/service.yaml').insert(0, '# before\n');
		await settled(editor);

		// The facilitator sees the participant and demotes it.
		const facilitator = server.client(r.id, r.tokens.facilitator);
		const facSeen = events(facilitator);
		await facilitator.when((s) => s.synced);
		editor.awareness.setLocalStateField('user', { name: 'Erin', color: '#000', colorLight: '#0003' });
		await waitUntil(() => ((facSeen.get('roles') as RolesEvent | undefined)?.participants ?? []).some((p) => p.participant === participant && p.clientIds.length > 0), 'roles event');
		const list = await (await server.api(`/api/rooms/${r.id}/participants`, { token: r.tokens.viewer })).json();
		expect(list.items).toContainEqual(expect.objectContaining({ participant, role: 'editor', base: 'editor', name: 'Erin' }));
		const put = await server.api(`/api/rooms/${r.id}/participants/${participant}`, { method: 'PUT', token: r.tokens.facilitator, body: { role: 'viewer' } });
		expect(await put.json()).toEqual({ participant, role: 'viewer' });
		await waitUntil(() => (seen.get('role') as RoleEvent).role === 'viewer', 'demotion reaches the editor');
		expect(seen.get('role')).toEqual({ type: 'role', role: 'viewer', base: 'editor', participant });

		// Its next edit is refused (reset to the server's content); the room keeps what it had.
		const want = fileText(await server.serverDoc(r.id), 'app/service.yaml').toString();
		const reset = new Promise((resolve) => editor.on('reset', resolve));
		fileText(editor.doc, 'app/service.yaml').insert(0, '# after demotion\n');
		await reset;
		expect(fileText(await server.serverDoc(r.id), 'app/service.yaml').toString()).toBe(want);
		expect(want.startsWith('# before\n')).toBe(true);

		// With its participant key the rooms API and the kube API treat it as a viewer too.
		await expectForbidden(await server.api(`/api/rooms/${r.id}/files`, { method: 'POST', token: session, body: { path: 'x.yaml' } }), /^only the facilitator and editors can change the files of room "/);
		const cm = await server.api(`/rooms/${r.id}/k8s/api/v1/namespaces/default/configmaps`, { method: 'POST', token: session, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } });
		expect(cm.status).toBe(403);
		expect((await cm.json()).message).toContain('User "viewer" cannot create resource "configmaps"');
		expect((await (await server.api(`/api/rooms/${r.id}`, { token: session })).json()).role).toBe('viewer');
	});

	it('promotes a viewer to editor in its browser session only: never the editor token, link or kubeconfig', async () => {
		const r = await server.createRoom('web-app');
		const key = newKey();
		const participant = participantIdOf(key);
		const session = `${r.tokens.viewer}.${key}`;
		expect((await server.api(`/api/rooms/${r.id}/participants/${participant}`, { method: 'PUT', token: r.tokens.facilitator, body: { role: 'editor' } })).status).toBe(200);

		const viewer = server.client(r.id, session);
		await viewer.when((s) => s.synced);
		fileText(viewer.doc, 'app/service.yaml').insert(0, '# promoted\n');
		await settled(viewer);
		expect(fileText(await server.serverDoc(r.id), 'app/service.yaml').toString().startsWith('# promoted\n')).toBe(true);

		const described = await (await server.api(`/api/rooms/${r.id}`, { token: session })).json();
		expect(described.role).toBe('editor');
		expect(described.tokens).toEqual({ viewer: r.tokens.viewer });
		expect((await server.api(`/api/rooms/${r.id}/kubeconfig?role=editor`, { token: session })).status).toBe(403);
		const cm = await server.api(`/rooms/${r.id}/k8s/api/v1/namespaces/default/configmaps`, { method: 'POST', token: session, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'promoted' } } });
		expect(cm.status).toBe(201);
		// The same viewer token without that participant's key stays read-only; another key cannot borrow the role.
		expect((await server.api(`/api/rooms/${r.id}`, { token: r.tokens.viewer })).status).toBe(200);
		const other = await server.api(`/rooms/${r.id}/k8s/api/v1/namespaces/default/configmaps`, { method: 'POST', token: `${r.tokens.viewer}.${newKey()}`, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } } });
		expect(other.status).toBe(403);
		// The facilitator cannot be demoted: its token ignores per-participant roles.
		const facKey = newKey();
		expect((await server.api(`/api/rooms/${r.id}/participants/${participantIdOf(facKey)}`, { method: 'PUT', token: r.tokens.facilitator, body: { role: 'viewer' } })).status).toBe(200);
		expect((await (await server.api(`/api/rooms/${r.id}`, { token: `${r.tokens.facilitator}.${facKey}` })).json()).role).toBe('facilitator');
	});

	it('validates role changes', async () => {
		const bad = await server.api(`/api/rooms/${room.id}/participants/${participantIdOf(newKey())}`, { method: 'PUT', token: room.tokens.facilitator, body: { role: 'facilitator' } });
		expect(bad.status).toBe(422);
		expect((await server.api(`/api/rooms/${room.id}/participants/nope`, { method: 'PUT', token: room.tokens.facilitator, body: { role: 'editor' } })).status).toBe(404);
	});
});

describe('follow and reset', () => {
	it('publishes the facilitator\'s follow request to everyone, late joiners included', async () => {
		const r = await server.createRoom('blank');
		const res = await server.api(`/api/rooms/${r.id}/follow`, { method: 'POST', token: r.tokens.facilitator, body: { leader: 42 } });
		expect(await res.json()).toEqual({ type: 'follow', leader: 42 });
		const late = server.client(r.id, r.tokens.viewer);
		const seen = events(late);
		await late.when((s) => s.synced);
		await waitUntil(() => seen.has('follow'), 'follow event');
		expect(seen.get('follow')).toEqual({ type: 'follow', leader: 42 });
		expect((await server.api(`/api/rooms/${r.id}/follow`, { method: 'POST', token: r.tokens.facilitator, body: { leader: 'x' } })).status).toBe(422);
	});

	it('resets the cluster: objects gone, the bootstrap back', async () => {
		const r = await server.createRoom('blank');
		const k8s = (path: string, init: { method?: string; body?: unknown } = {}) => server.api(`/rooms/${r.id}/k8s${path}`, { ...init, token: r.tokens.editor });
		expect((await k8s('/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } })).status).toBe(201);
		expect((await k8s('/api/v1/namespaces/team/configmaps', { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } })).status).toBe(201);
		const reset = await server.api(`/api/rooms/${r.id}/reset`, { method: 'POST', token: r.tokens.facilitator });
		expect(reset.status).toBe(200);
		expect(await reset.json()).toMatchObject({ kind: 'Status', status: 'Success' });
		expect((await k8s('/api/v1/namespaces/team')).status).toBe(404);
		expect((await k8s('/api/v1/namespaces/team/configmaps/c')).status).toBe(404);
		const names = ((await (await k8s('/api/v1/namespaces')).json()).items as Array<{ metadata: { name: string } }>).map((n) => n.metadata.name).sort();
		expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
		expect((await k8s('/api/v1/namespaces/default/services/kubernetes')).status).toBe(200);
	});
});
