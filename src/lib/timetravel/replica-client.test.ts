import { describe, expect, it } from 'vitest';
import { ApiError, RESOURCES } from '../controllers/types';
import { UI_RESOURCES } from '../kube-client/resources';
import { utf8 } from '../store/bytes';
import { createWasmEngine } from '../store/wasm-engine-node';
import { objectDiff, roomChanges } from './diff';
import { Replica } from './replica';
import { ReplicaKubeClient } from './replica-client';
import { encodeReplicaSnapshot, engineSnapshot } from './snapshot';

const ALL = new Uint8Array([0]);
const pod = (name: string, app: string, phase: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app } }, spec: { nodeName: 'n1' }, status: { phase } });

function replicaOf(): Replica {
	const server = createWasmEngine();
	const put = (k: string, o: unknown) => server.put({ key: utf8(k), value: utf8(JSON.stringify(o)) });
	put('/registry/minions/n1', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }); // 2
	put('/registry/pods/default/web', pod('web', 'web', 'Pending')); // 3
	put('/registry/pods/default/db', pod('db', 'db', 'Running')); // 4
	put('/registry/pods/default/web', pod('web', 'web', 'Running')); // 5
	server.deleteRange({ key: utf8('/registry/pods/default/db') }); // 6
	const engine = engineSnapshot({ revision: server.revision, compactRevision: 0, base: [], events: server.eventsSince(1, ALL, ALL) });
	const replica = new Replica(createWasmEngine());
	replica.load(encodeReplicaSnapshot({ revision: server.revision, compactRevision: 0, times: [], engine }));
	return replica;
}

describe('ReplicaKubeClient', () => {
	it('lists and gets objects as they were at its revision, with resourceVersion = mod revision', async () => {
		const c = new ReplicaKubeClient(replicaOf(), 4);
		const list = await c.list(RESOURCES.pods);
		expect(list.resourceVersion).toBe('4');
		expect(list.items.map((p) => [p.metadata.name, p.status.phase, p.metadata.resourceVersion])).toEqual([
			['db', 'Running', '4'],
			['web', 'Pending', '3']
		]);
		expect((await c.list(RESOURCES.pods, { labelSelector: 'app=web' })).items.map((p) => p.metadata.name)).toEqual(['web']);
		expect((await c.list(RESOURCES.pods, { fieldSelector: 'status.phase=Running' })).items.map((p) => p.metadata.name)).toEqual(['db']);
		expect((await c.get(UI_RESOURCES.nodes, undefined, 'n1')).metadata.name).toBe('n1');
		c.setRevision(6);
		expect((await c.list(RESOURCES.pods)).items.map((p) => [p.metadata.name, p.status.phase])).toEqual([['web', 'Running']]);
		await expect(c.get(RESOURCES.pods, 'default', 'db')).rejects.toMatchObject({ code: 404, message: 'pods "db" not found' });
	});

	it('refuses writes and ends watches with 410 when the revision moves', async () => {
		const c = new ReplicaKubeClient(replicaOf(), 4);
		await expect(c.create(RESOURCES.pods, pod('x', 'x', 'Pending'))).rejects.toMatchObject({ code: 405 });
		let ended: Error | undefined;
		c.watch(RESOURCES.pods, { resourceVersion: '4' }, () => {}, (err) => (ended = err));
		c.setRevision(4);
		expect(ended).toBeUndefined();
		c.setRevision(5);
		expect(ended).toBeInstanceOf(ApiError);
		expect((ended as ApiError).code).toBe(410);
	});
});

describe('diffs', () => {
	it('lists what changed in the room with field-level changes', () => {
		const changes = roomChanges(replicaOf(), 3, 6);
		expect(changes.map((c) => [c.kind, c.resource, c.namespace, c.name, c.type])).toEqual([
			['Pod', 'pods', 'default', 'db', 'transient'],
			['Pod', 'pods', 'default', 'web', 'updated']
		]);
		expect(changes[1].fields).toEqual([{ path: 'status.phase', before: 'Pending', after: 'Running' }]);
	});

	it('diffs two versions of an object as YAML, without resourceVersion and managedFields', () => {
		const a = { ...pod('web', 'web', 'Pending'), metadata: { ...pod('web', 'web', 'Pending').metadata, resourceVersion: '3', managedFields: [{ manager: 'x' }] } };
		const b = { ...pod('web', 'web', 'Running'), metadata: { ...pod('web', 'web', 'Running').metadata, resourceVersion: '5' } };
		const d = objectDiff(a, b);
		expect(d.changes).toEqual([{ path: 'status.phase', before: 'Pending', after: 'Running' }]);
		expect(d.before).toContain('phase: Pending');
		expect(d.before).not.toContain('managedFields');
		expect(objectDiff(undefined, b).before).toBe('');
	});
});
