import { describe, expect, it } from 'vitest';
import { authorize, rulesOf } from './authorizer';

describe('authorize', () => {
	it('lets the editor do anything and names the binding', () => {
		expect(authorize('editor', { verb: 'delete', group: 'apps', resource: 'deployments', namespace: 'x' })).toEqual({
			allowed: true,
			reason: 'RBAC: allowed by ClusterRoleBinding "converge:editor" of ClusterRole "cluster-admin" to User "editor"'
		});
		expect(authorize('editor', { verb: 'post', path: '/anything' }).allowed).toBe(true);
	});

	it('lets the viewer read, including subresources, and create only the self reviews', () => {
		expect(authorize('viewer', { verb: 'get', group: '', resource: 'pods', subresource: 'log' }).allowed).toBe(true);
		expect(authorize('viewer', { verb: 'create', group: '', resource: 'pods', subresource: 'eviction' })).toEqual({ allowed: false, reason: '' });
		expect(authorize('viewer', { verb: 'update', group: '', resource: 'namespaces', subresource: 'finalize' }).allowed).toBe(false);
		expect(authorize('viewer', { verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' }).reason).toBe(
			'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"'
		);
		expect(authorize('viewer', { verb: 'create', group: 'authorization.k8s.io', resource: 'subjectaccessreviews' }).allowed).toBe(false);
		expect(authorize('viewer', { verb: 'get', path: '/version' }).allowed).toBe(true);
		expect(authorize('viewer', { verb: 'post', path: '/version' }).allowed).toBe(false);
	});

	it('knows nobody else', () => {
		expect(authorize('system:anonymous', { verb: 'get', path: '/version' }).allowed).toBe(false);
		expect(rulesOf('nobody')).toEqual({ resourceRules: [], nonResourceRules: [] });
	});

	it('reports rules split into resource and non-resource ones', () => {
		const r = rulesOf('viewer');
		expect(r.resourceRules[0]).toEqual({ verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'] });
		expect(r.nonResourceRules.every((n) => (n.nonResourceURLs ?? []).length > 0)).toBe(true);
	});
});
