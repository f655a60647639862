import { describe, expect, it } from 'vitest';
import { parseRequestInfo } from './request-info';

const parse = (method: string, path: string) => {
	const url = new URL(path, 'http://x');
	return parseRequestInfo(method, url.pathname.split('/').filter(Boolean), url.searchParams);
};

describe('parseRequestInfo', () => {
	it.each([
		{ method: 'GET', path: '/api/v1/namespaces/default/pods', want: { verb: 'list', group: '', version: 'v1', namespace: 'default', resource: 'pods' } },
		{ method: 'GET', path: '/api/v1/pods?watch=true', want: { verb: 'watch', resource: 'pods', namespace: undefined } },
		{ method: 'GET', path: '/api/v1/watch/namespaces/a/pods', want: { verb: 'watch', namespace: 'a', resource: 'pods' } },
		{ method: 'GET', path: '/api/v1/namespaces/default/pods/web', want: { verb: 'get', name: 'web' } },
		{ method: 'PATCH', path: '/apis/apps/v1/namespaces/d/deployments/web/scale', want: { verb: 'patch', group: 'apps', resource: 'deployments', name: 'web', subresource: 'scale' } },
		{ method: 'DELETE', path: '/api/v1/namespaces/d/configmaps', want: { verb: 'deletecollection' } },
		{ method: 'GET', path: '/api/v1/namespaces/shop', want: { verb: 'get', resource: 'namespaces', name: 'shop' } },
		{ method: 'PUT', path: '/api/v1/namespaces/shop/status', want: { verb: 'update', resource: 'namespaces', name: 'shop', subresource: 'status' } },
		{ method: 'POST', path: '/api/v1/nodes', want: { verb: 'create', resource: 'nodes' } }
	])('$method $path', ({ method, path, want }) => {
		expect(parse(method, path)).toMatchObject({ kind: 'resource', ...want });
	});

	it.each([
		{ path: '/api', want: { kind: 'discovery', prefix: 'api' } },
		{ path: '/apis', want: { kind: 'discovery', prefix: 'apis' } },
		{ path: '/apis/apps', want: { kind: 'discovery', group: 'apps' } },
		{ path: '/apis/apps/v1', want: { kind: 'discovery', group: 'apps', version: 'v1' } },
		{ path: '/version', want: { kind: 'other', path: ['version'] } }
	])('$path', ({ path, want }) => {
		expect(parse('GET', path)).toMatchObject(want);
	});
});
