import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { findEntry, textsOf } from '../../src/lib/collab/files';
import type { AnalysisEvent, SyncEvent, SyncObjectState } from '../../src/lib/collab/protocol';
import { STARTERS } from '../../src/lib/rooms/starters';
import { eventually, startKubeRoom, type KubeRoom } from '../kubectl/harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** The applier against the whole cluster: a ConfigMap, a Deployment and a Service in three files (app/*.yaml). */
let k: KubeRoom;
const DEPLOY = 'apps/Deployment/default/web';
const SERVICE = '/Service/default/web';

const kube = async (path: string): Promise<{ status: number; body: Obj }> => {
	const res = await k.api(`/rooms/${k.roomId}/k8s${path}`);
	return { status: res.status, body: (await res.json()) as Obj };
};
const deployment = async () => (await kube('/apis/apps/v1/namespaces/default/deployments/web')).body;
const syncState = async () => (await (await k.api(`/api/rooms/${k.roomId}/sync`)).json()) as SyncEvent;
const objectState = async (key: string) => (await syncState()).objects.find((o) => o.key === key) as SyncObjectState;
const analysis = async () => (await (await k.api(`/api/rooms/${k.roomId}/analysis`)).json()) as AnalysisEvent;
const settings = (body: Obj) => k.api(`/api/rooms/${k.roomId}/sync/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Replaces a file's text in the room's document, as an editor's edit would. */
async function writeFile(path: string, text: string): Promise<void> {
	const room = (await k.converge.rooms.get(k.roomId))!;
	const id = findEntry(room.doc, path);
	if (id === undefined) {
		const res = await k.api(`/api/rooms/${k.roomId}/files`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path, content: text }) });
		expect(res.status).toBe(201);
		return;
	}
	const t = textsOf(room.doc).get(id) as Y.Text;
	room.doc.transact(() => {
		t.delete(0, t.length);
		t.insert(0, text);
	});
}

async function readFile(path: string): Promise<string> {
	return (await k.api(`/api/rooms/${k.roomId}/files?path=${encodeURIComponent(path)}`)).text();
}

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

beforeAll(async () => {
	k = await startKubeRoom();
	// The web-app starter's three app files (written again: the room may start blank).
	const starter = STARTERS.find((st) => st.id === 'web-app')!.files;
	for (const path of ['app/configmap.yaml', 'app/deployment.yaml', 'app/service.yaml']) await writeFile(path, starter[path]);
});

afterAll(async () => {
	await k?.stop();
});

describe('applier', () => {
	it('auto-syncs the 3-file document with server-side apply, one field manager per file, tracked by annotation', async () => {
		await eventually(async () => (await kube('/api/v1/namespaces/default/services/web')).status === 200, 'the Service applied');
		await eventually(async () => (await kube('/api/v1/namespaces/default/configmaps/web-config')).status === 200, 'the ConfigMap applied');
		await eventually(async () => (await kube('/apis/apps/v1/namespaces/default/deployments/web')).status === 200, 'the Deployment applied');
		const d = await deployment();
		expect(d.spec.replicas).toBe(3);
		expect(d.metadata.annotations['converge.dev/source']).toBe('app/deployment.yaml#0');
		expect(d.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: 'converge:app/deployment.yaml', operation: 'Apply' }));
		const cm = (await kube('/api/v1/namespaces/default/configmaps/web-config')).body;
		expect(cm.metadata.managedFields.map((m: Obj) => m.manager)).toContain('converge:app/configmap.yaml');
		await eventually(async () => (await objectState(DEPLOY))?.sync === 'Synced', 'the Deployment Synced');
		const s = await syncState();
		expect(s.settings).toEqual({ autoSync: true, prune: false, selfHeal: false });
		expect(s.objects.find((o) => o.key === SERVICE)).toMatchObject({ path: 'app/service.yaml', doc: 0, line: 1, sync: 'Synced' });
		await eventually(async () => !!(await syncState()).lastSync, 'the first sync finished');
		expect((await syncState()).lastSync).toMatchObject({ trigger: 'auto' });
	});

	it('keeps the last applied state of a file with a YAML error and says so', async () => {
		const good = await readFile('app/deployment.yaml');
		await writeFile('app/deployment.yaml', good.replace('replicas: 3', 'replicas: [5'));
		// Another file's edit syncs meanwhile: proof that a sync ran while the broken file was held.
		const cm = await readFile('app/configmap.yaml');
		await writeFile('app/configmap.yaml', cm.replace('hello from converge', 'hello again'));
		await eventually(async () => (await kube('/api/v1/namespaces/default/configmaps/web-config')).body.data?.GREETING === 'hello again', 'the ConfigMap edit applied');
		const diags = (await analysis()).diagnostics['app/deployment.yaml'];
		expect(diags.some((d) => d.source === 'yaml' && d.severity === 'error')).toBe(true);
		expect(diags.find((d) => d.source === 'apply')?.message).toContain('the cluster keeps its last applied state');
		expect((await deployment()).spec.replicas).toBe(3);
		await writeFile('app/deployment.yaml', good);
		await eventually(async () => !(await analysis()).diagnostics['app/deployment.yaml'].length, 'the held notice cleared');
	});

	it('turns an apply the API refuses into a diagnostic at the field, and changes nothing live', async () => {
		const good = await readFile('app/deployment.yaml');
		const bad = good.replace('replicas: 3', 'replicas: -1');
		await writeFile('app/deployment.yaml', bad);
		await eventually(async () => !!(await analysis()).diagnostics['app/deployment.yaml']?.some((d) => d.source === 'apply'), 'the apply diagnostic');
		const d = (await analysis()).diagnostics['app/deployment.yaml'].find((x) => x.source === 'apply')!;
		expect(d).toMatchObject({ severity: 'error', line: lineOf(bad, 'replicas: -1') });
		expect(d.message).toContain('spec.replicas: Invalid value: -1: must be greater than or equal to 0');
		expect((await objectState(DEPLOY)).applyError).toContain('must be greater than or equal to 0');
		expect((await deployment()).spec.replicas).toBe(3);
		await writeFile('app/deployment.yaml', good);
		await eventually(async () => !(await objectState(DEPLOY)).applyError, 'the error cleared');
	});

	it('creates a namespace only if declared: otherwise the NotFound is a diagnostic at metadata.namespace', async () => {
		const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lost\n  namespace: nowhere\ndata: {a: b}\n';
		await writeFile('extra/lost.yaml', text);
		await eventually(async () => !!(await analysis()).diagnostics['extra/lost.yaml']?.some((d) => d.source === 'apply'), 'the NotFound diagnostic');
		const d = (await analysis()).diagnostics['extra/lost.yaml'].find((x) => x.source === 'apply')!;
		expect(d.message).toBe('namespaces "nowhere" not found');
		expect(d.line).toBe(lineOf(text, 'namespace: nowhere'));
		await writeFile('extra/lost.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: nowhere\n---\n${text}`);
		await eventually(async () => (await kube('/api/v1/namespaces/nowhere/configmaps/lost')).status === 200, 'the ConfigMap in the declared Namespace');
	});

	it('shows an object no longer declared as "would prune", and deletes it once prune is on', async () => {
		const res = await k.api(`/api/rooms/${k.roomId}/files?path=app/service.yaml`, { method: 'DELETE' });
		expect(res.status).toBe(200);
		await eventually(async () => (await objectState(SERVICE))?.sync === 'Extraneous', 'the Service Extraneous');
		expect(await objectState(SERVICE)).toMatchObject({ wouldPrune: true, path: 'app/service.yaml' });
		const preview = (await (await k.api(`/api/rooms/${k.roomId}/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dryRun: true }) })).json()) as Obj;
		expect(preview.items).toContainEqual(expect.objectContaining({ key: SERVICE, action: 'would-prune' }));
		expect(preview.items).toContainEqual(expect.objectContaining({ key: DEPLOY, action: 'unchanged' }));
		expect((await kube('/api/v1/namespaces/default/services/web')).status).toBe(200);
		expect((await settings({ prune: true })).status).toBe(200);
		await eventually(async () => (await kube('/api/v1/namespaces/default/services/web')).status === 404, 'the Service pruned');
		await eventually(async () => !(await objectState(SERVICE)), 'the Service gone from the sync state');
		expect((await settings({ prune: false })).status).toBe(200);
	});

	it('without self-heal shows a kubectl scale as OutOfSync owned by kubectl; with it, reverts the scale', async () => {
		const scaled = await k.kubectl(['scale', 'deployment/web', '--replicas=5']);
		expect(scaled.stderr).toBe('');
		await eventually(async () => (await objectState(DEPLOY)).sync === 'OutOfSync', 'the Deployment OutOfSync');
		const state = await objectState(DEPLOY);
		const drift = state.differences.find((d) => d.path === 'spec.replicas')!;
		expect(drift).toMatchObject({ desired: 3, live: 5 });
		expect(drift.owners).toContainEqual(expect.objectContaining({ manager: expect.stringMatching(/^kubectl/), operation: 'Update' }));
		expect((await deployment()).spec.replicas).toBe(5);
		expect((await settings({ selfHeal: true })).status).toBe(200);
		await eventually(async () => (await deployment()).spec.replicas === 3, 'self-heal reverted the scale');
		expect((await k.kubectl(['scale', 'deployment/web', '--replicas=7'])).stderr).toBe('');
		await eventually(async () => (await deployment()).spec.replicas === 3, 'self-heal reverted the second scale');
		await eventually(async () => (await objectState(DEPLOY)).sync === 'Synced', 'Synced again');
		const before = (await kube('/api/v1/namespaces/default/configmaps/web-config')).body.metadata.uid;
		expect((await k.kubectl(['delete', 'configmap', 'web-config'])).code).toBe(0);
		await eventually(async () => {
			const cm = await kube('/api/v1/namespaces/default/configmaps/web-config');
			return cm.status === 200 && cm.body.metadata.uid !== before;
		}, 'self-heal recreated the deleted ConfigMap');
		expect((await settings({ selfHeal: false })).status).toBe(200);
	});

	it('shows both managers of an SSA conflict with a manual kubectl apply --server-side', async () => {
		const manifest = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec: {replicas: 4}\n';
		const refused = await k.kubectl(['apply', '--server-side', '-f', '-'], { input: manifest });
		expect(refused.code).not.toBe(0);
		expect(refused.stderr).toContain('conflict with "converge:app/deployment.yaml"');
		const forced = await k.kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], { input: manifest });
		expect(forced.stderr).toBe('');
		await eventually(async () => (await objectState(DEPLOY)).sync === 'OutOfSync', 'OutOfSync after the forced apply');
		const managers = (await objectState(DEPLOY)).liveManagers.filter((m) => m.operation === 'Apply').map((m) => m.manager);
		expect(managers).toEqual(expect.arrayContaining(['kubectl', 'converge:app/deployment.yaml']));
		// The next edit of the file conflicts with kubectl's ownership: an error naming kubectl, at the field.
		const text = (await readFile('app/deployment.yaml')).replace('replicas: 3', 'replicas: 2');
		await writeFile('app/deployment.yaml', text);
		await eventually(async () => !!(await objectState(DEPLOY)).applyError, 'the conflict');
		expect((await objectState(DEPLOY)).applyError).toContain('conflict with "kubectl"');
		const d = (await analysis()).diagnostics['app/deployment.yaml'].find((x) => x.source === 'apply')!;
		expect(d.line).toBe(lineOf(text, 'replicas: 2'));
		expect((await deployment()).spec.replicas).toBe(4);
	});

	it('keeps the applied revisions of an object', async () => {
		const res = await k.api(`/api/rooms/${k.roomId}/sync/history?object=${encodeURIComponent('/ConfigMap/default/web-config')}`);
		const h = (await res.json()) as { items: Array<{ manifest: Obj; path: string }> };
		expect(h.items.map((i) => i.manifest.data.GREETING)).toEqual(['hello from converge', 'hello again']);
		expect(h.items[0].path).toBe('app/configmap.yaml');
	});

	it('moves an object renamed into another file to that file\'s field manager, releasing the old one', async () => {
		const res = await k.api(`/api/rooms/${k.roomId}/files`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'app/configmap.yaml', to: 'config/web.yaml' }) });
		expect(res.status).toBe(200);
		const cm = async () => (await kube('/api/v1/namespaces/default/configmaps/web-config')).body;
		await eventually(async () => (await cm()).metadata.annotations['converge.dev/source'] === 'config/web.yaml#0', 'the annotation moved');
		await eventually(async () => !(await cm()).metadata.managedFields.some((m: Obj) => m.manager === 'converge:app/configmap.yaml'), 'the old manager released');
		const live = await cm();
		expect(live.data).toEqual({ GREETING: 'hello again' });
		expect(live.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: 'converge:config/web.yaml', operation: 'Apply' }));
		expect(await objectState('/ConfigMap/default/web-config')).toMatchObject({ path: 'config/web.yaml', sync: 'Synced' });
	});

	it('applies a CRD and its custom resources from one file: the resources wait for the CRD to be Established', async () => {
		const text = `apiVersion: example.com/v1
kind: Widget
metadata: {name: w1, namespace: default}
spec: {size: 3}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {size: {type: integer}}}
`;
		await writeFile('crd/widgets.yaml', text);
		await eventually(async () => (await kube('/apis/example.com/v1/namespaces/default/widgets/w1')).status === 200, 'the Widget applied');
		const w = (await kube('/apis/example.com/v1/namespaces/default/widgets/w1')).body;
		expect(w.spec).toEqual({ size: 3 });
		expect(w.metadata.annotations['converge.dev/source']).toBe('crd/widgets.yaml#0');
		expect((await objectState('example.com/Widget/default/w1')).applyError).toBeUndefined();
	});

	it('marks an object declared twice as an error at both declarations, and applies the first only', async () => {
		const first = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: twice}\ndata: {from: first}\n';
		const second = '# a copy\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: twice}\ndata: {from: second}\n';
		await writeFile('dup/first.yaml', first);
		await eventually(async () => (await kube('/api/v1/namespaces/default/configmaps/twice')).status === 200, 'the first declaration applied');
		await writeFile('dup/second.yaml', second);
		await eventually(async () => !!(await analysis()).diagnostics['dup/first.yaml']?.length, 'the error at the first declaration');
		const diags = (await analysis()).diagnostics;
		expect(diags['dup/second.yaml'].find((d) => d.severity === 'error')).toMatchObject({ line: 2, message: 'ConfigMap "twice" in namespace "default" is already declared in dup/first.yaml:1' });
		expect(diags['dup/first.yaml']).toEqual([expect.objectContaining({ line: 1, severity: 'error', message: 'ConfigMap "twice" in namespace "default" is also declared in dup/second.yaml:2; only this declaration is applied' })]);
		// One object in the sync state, from the first file; the second file's copy changed nothing live.
		const states = (await syncState()).objects.filter((o) => o.key === '/ConfigMap/default/twice');
		expect(states.map((o) => o.path)).toEqual(['dup/first.yaml']);
		expect((await kube('/api/v1/namespaces/default/configmaps/twice')).body.data).toEqual({ from: 'first' });
		expect((await k.api(`/api/rooms/${k.roomId}/files?path=dup/second.yaml`, { method: 'DELETE' })).status).toBe(200);
		await eventually(async () => !(await analysis()).diagnostics['dup/first.yaml']?.length, 'the error gone with the copy');
	});

	it('shows a live-only field added with kubectl label as drift owned by kubectl, without going OutOfSync', async () => {
		expect((await k.kubectl(['label', 'configmap', 'web-config', 'team=blue'])).code).toBe(0);
		const key = '/ConfigMap/default/web-config';
		await eventually(async () => (await objectState(key)).differences.some((d) => d.kind === 'extra' && d.path.includes('team')), 'the label as drift');
		const state = await objectState(key);
		expect(state.sync).toBe('Synced');
		expect(state.differences.find((d) => d.path.includes('team'))).toMatchObject({ live: 'blue', owners: [expect.objectContaining({ manager: expect.stringMatching(/^kubectl/), operation: 'Update' })] });
	});

	it('syncs on demand through the rooms API, for editors only', async () => {
		const post = (body: Obj, token?: string) =>
			k.api(`/api/rooms/${k.roomId}/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(token ? { token } : {}) });
		expect((await post({}, k.tokens.viewer)).status).toBe(403);
		expect((await post({ objects: 'all' })).status).toBe(422);
		const res = await post({ objects: ['/ConfigMap/default/web-config'] });
		expect(res.status).toBe(200);
		const state = (await res.json()) as SyncEvent;
		expect(state.lastSync).toMatchObject({ trigger: 'manual', result: 'Succeeded', applied: 1 });
		expect((await k.api(`/api/rooms/${k.roomId}/sync/settings`, { method: 'PUT', body: '{"prune":true}', token: k.tokens.viewer })).status).toBe(403);
		// The sync modes are room settings: the facilitator's (an editor may still sync now).
		const byEditor = await k.api(`/api/rooms/${k.roomId}/sync/settings`, { method: 'PUT', body: '{"prune":true}', token: k.tokens.editor });
		expect(byEditor.status).toBe(403);
		expect(((await byEditor.json()) as { message: string }).message).toBe(`only the facilitator can change the sync settings of room "${k.roomId}"`);
		expect((await post({ objects: ['/ConfigMap/default/web-config'] }, k.tokens.editor)).status).toBe(200);
		expect((await k.api(`/api/rooms/${k.roomId}/sync/history`)).status).toBe(422);
	});

	it('keeps its settings and history across a room reload, and does not re-apply what did not change', async () => {
		expect((await settings({ prune: true })).status).toBe(200);
		const cmPath = '/api/v1/namespaces/default/configmaps/web-config';
		const rv = (await kube(cmPath)).body.metadata.resourceVersion;
		const rooms = k.converge.rooms;
		(await rooms.get(k.roomId))!.lastUsed = 0;
		await rooms.sweep();
		expect(rooms.loadedCount).toBe(0);
		await eventually(async () => !!(await syncState()).lastSync, 'the first sync after the reload');
		const s = await syncState();
		expect(s.settings).toEqual({ autoSync: true, prune: true, selfHeal: false });
		expect((await kube(cmPath)).body.metadata.resourceVersion).toBe(rv);
		const h = (await (await k.api(`/api/rooms/${k.roomId}/sync/history?object=${encodeURIComponent('/ConfigMap/default/web-config')}`)).json()) as { items: unknown[] };
		expect(h.items.length).toBeGreaterThanOrEqual(3);
	});
});
