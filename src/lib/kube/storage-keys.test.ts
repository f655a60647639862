import { describe, expect, it } from 'vitest';
import { collectionKey, decodeContinue, encodeContinue, objectKey, parseObjectKey, resourcePrefix } from './storage-keys';
import { BUILTIN_RESOURCES } from './resources';

describe('kube-apiserver key layout', () => {
	it.each([
		{ group: '', resource: 'pods', want: 'pods' },
		{ group: '', resource: 'nodes', want: 'minions' },
		{ group: '', resource: 'services', want: 'services/specs' },
		{ group: '', resource: 'endpoints', want: 'services/endpoints' },
		{ group: 'networking.k8s.io', resource: 'ingresses', want: 'ingress' },
		{ group: 'apps', resource: 'deployments', want: 'deployments' },
		{ group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', want: 'apiextensions.k8s.io/customresourcedefinitions' }
	])('$group/$resource → $want', ({ group, resource, want }) => {
		expect(resourcePrefix(group, resource)).toBe(want);
	});

	it('places objects and collections', () => {
		expect(objectKey('pods', 'default', 'web')).toBe('/registry/pods/default/web');
		expect(objectKey('minions', undefined, 'node-1')).toBe('/registry/minions/node-1');
		expect(collectionKey('pods', 'default')).toBe('/registry/pods/default/');
		expect(collectionKey('pods')).toBe('/registry/pods/');
		expect(parseObjectKey('pods', '/registry/pods/default/web', true)).toEqual({ namespace: 'default', name: 'web' });
		expect(parseObjectKey('minions', '/registry/minions/n1', false)).toEqual({ name: 'n1' });
	});

	it('stores both Event resources under /registry/events/', () => {
		const events = BUILTIN_RESOURCES.filter((r) => r.kind === 'Event');
		expect(events.map((r) => r.storagePrefix)).toEqual(['events', 'events']);
	});
});

describe('continue tokens', () => {
	it('round-trips like kube (base64url JSON relative to the prefix)', () => {
		const token = encodeContinue('/registry/pods/default/web-2\0', '/registry/pods/', 42);
		expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: 42, start: 'default/web-2\0' });
		expect(decodeContinue(token, '/registry/pods/')).toEqual({ fromKey: '/registry/pods/default/web-2\0', revision: 42 });
	});

	it.each([
		{ name: 'not base64', token: 'a$b', want: 'continue key is not valid: illegal base64 data at input byte 1' },
		{ name: 'unknown version', token: Buffer.from(JSON.stringify({ v: 'x', rv: 1, start: 'a' })).toString('base64url'), want: 'server does not recognize this encoded version "x"' },
		{ name: 'no revision', token: Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' })).toString('base64url'), want: 'incorrect encoded start resourceVersion' },
		{ name: 'path traversal', token: Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: '../secrets/x' })).toString('base64url'), want: 'continue key is not valid: ../secrets/x' }
	])('rejects $name', ({ token, want }) => {
		expect(() => decodeContinue(token, '/registry/pods/')).toThrow(want);
	});
});
