/**
 * `kubectl auth can-i` (SelfSubjectAccessReview), `kubectl auth can-i --list`
 * (SelfSubjectRulesReview) and `kubectl auth whoami` (SelfSubjectReview) for the editor and the
 * viewer; the reviews are create-only and never stored, and listed in discovery like kube's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeRoom, tableRows, type KubeRoom } from './harness';

let room: KubeRoom;

beforeAll(async () => {
	room = await startKubeRoom();
});
afterAll(async () => {
	await room?.stop();
});

describe('kubectl auth can-i', () => {
	it('answers yes to the editor and no to the viewer for writes', async () => {
		const editor = await room.kubectl(['auth', 'can-i', 'create', 'pods']);
		expect([editor.code, editor.stdout.trim()]).toEqual([0, 'yes']);
		const viewer = await room.kubectl(['auth', 'can-i', 'create', 'pods'], { viewer: true });
		expect([viewer.code, viewer.stdout.trim()]).toEqual([1, 'no']);
		const del = await room.kubectl(['auth', 'can-i', 'delete', 'deployments.apps', '-n', 'kube-system'], { viewer: true });
		expect(del.stdout.trim()).toBe('no');
	});

	it('answers yes to the viewer for reads, logs and non-resource GETs', async () => {
		for (const args of [['get', 'pods'], ['list', 'secrets', '-A'], ['get', 'pods', '--subresource=log'], ['get', '/healthz']]) {
			const r = await room.kubectl(['auth', 'can-i', ...args], { viewer: true });
			expect(`${args.join(' ')}: ${r.stdout.trim()}`).toBe(`${args.join(' ')}: yes`);
		}
		expect((await room.kubectl(['auth', 'can-i', 'post', '/healthz'], { viewer: true })).stdout.trim()).toBe('no');
	});

	it('lists the rules of each role', async () => {
		const editor = tableRows((await room.kubectl(['auth', 'can-i', '--list'])).stdout);
		expect(editor[0]).toEqual(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
		expect(editor).toContainEqual(['*.*', '[]', '[]', '[*]']);
		expect(editor).toContainEqual(['selfsubjectaccessreviews.authorization.k8s.io', '[]', '[]', '[create]']);
		const viewer = tableRows((await room.kubectl(['auth', 'can-i', '--list'], { viewer: true })).stdout);
		expect(viewer).toContainEqual(['*.*', '[]', '[]', '[get list watch]']);
		expect(viewer).not.toContainEqual(['*.*', '[]', '[]', '[*]']);
	});
});

describe('kubectl auth whoami', () => {
	it('names the user of each kubeconfig', async () => {
		expect(tableRows((await room.kubectl(['auth', 'whoami'])).stdout)).toEqual([
			['ATTRIBUTE', 'VALUE'],
			['Username', 'editor'],
			['Groups', '[system:authenticated]']
		]);
		expect((await room.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { viewer: true })).stdout).toBe('viewer');
	});
});

describe('the review endpoints', () => {
	it('are create-only, listed in discovery, and answer a raw review without storing it', async () => {
		const res = (await room.kubectl(['api-resources', '--api-group=authorization.k8s.io', '--no-headers'])).stdout;
		expect(tableRows(res).map((r) => r[0])).toEqual(['selfsubjectaccessreviews', 'selfsubjectrulesreviews']);
		const path = `/rooms/${room.roomId}/k8s/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`;
		const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'delete', resource: 'nodes' } } };
		const post = await room.api(path, { method: 'POST', token: room.tokens.viewer, headers: { 'content-type': 'application/json' }, body: JSON.stringify(review) });
		expect(post.status).toBe(201);
		expect(await post.json()).toEqual({ ...review, metadata: { creationTimestamp: null }, status: { allowed: false } });
		expect((await room.api(path)).status).toBe(405);
		const bad = await room.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...review, spec: {} }) });
		expect(((await bad.json()) as { message: string }).message).toBe(
			'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified'
		);
	});

	it('still forbids the viewer any write elsewhere', async () => {
		const r = await room.kubectl(['create', 'configmap', 'x'], { viewer: true });
		expect(r.stderr.trim()).toBe('error: failed to create configmap: configmaps is forbidden: User "viewer" cannot create resource "configmaps" in API group "" in the namespace "default"');
	});
});
