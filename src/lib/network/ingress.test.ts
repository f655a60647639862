import { describe, expect, it } from 'vitest';
import { hostMatches, pathMatches, routeRequest, servedIngresses, type PathType } from './ingress';
import type { ClusterObjects, KubeObject } from './types';

// The tables of kubernetes.io/docs/concepts/services-networking/ingress ("Examples", "Hostname wildcards").

describe('Ingress path matching (the documentation\u2019s examples table)', () => {
	const cases: Array<[PathType, string, string, boolean]> = [
		['Prefix', '/', '/anything/at/all', true],
		['Exact', '/foo', '/foo', true],
		['Exact', '/foo', '/bar', false],
		['Exact', '/foo', '/foo/', false],
		['Exact', '/foo/', '/foo', false],
		['Prefix', '/foo', '/foo', true],
		['Prefix', '/foo', '/foo/', true],
		['Prefix', '/foo/', '/foo', true],
		['Prefix', '/foo/', '/foo/', true],
		['Prefix', '/aaa/bb', '/aaa/bbb', false],
		['Prefix', '/aaa/bbb', '/aaa/bbb', true],
		['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
		['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
		['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
		['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
		['ImplementationSpecific', '/aaa', '/aaa/ccc', true]
	];
	for (const [type, rule, path, want] of cases) it(`${type} ${rule} ${want ? 'matches' : 'does not match'} ${path}`, () => expect(pathMatches(type, rule, path)).toBe(want));
});

describe('Ingress hostname wildcards', () => {
	it('a wildcard covers exactly one DNS label', () => {
		expect(hostMatches('*.foo.com', 'bar.foo.com')).toBe(true);
		expect(hostMatches('*.foo.com', 'baz.bar.foo.com')).toBe(false);
		expect(hostMatches('*.foo.com', 'foo.com')).toBe(false);
		expect(hostMatches('Foo.com', 'foo.COM')).toBe(true);
	});
});

const ing = (name: string, spec: object, created = '2030-01-01T00:00:00Z', annotations?: Record<string, string>): KubeObject => ({ metadata: { namespace: 'shop', name, creationTimestamp: created, annotations }, spec });
const backend = (name: string, number = 80) => ({ service: { name, port: { number } } });
const path = (p: string, pathType: PathType, svc: string) => ({ path: p, pathType, backend: backend(svc) });
const nginx: KubeObject = { metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'k8s.io/ingress-nginx' } };

describe('Ingress routing', () => {
	const cluster: ClusterObjects = {
		ingressClasses: [nginx],
		ingresses: [
			ing('multi', {
				ingressClassName: 'nginx',
				defaultBackend: backend('fallback'),
				rules: [{ http: { paths: [path('/', 'Prefix', 'root'), path('/aaa', 'Prefix', 'aaa'), path('/aaa/bbb', 'Prefix', 'bbb'), path('/foo', 'Prefix', 'foo-prefix'), path('/foo', 'Exact', 'foo-exact')] } }]
			}),
			ing('hosts', {
				rules: [
					{ host: 'shop.example.com', http: { paths: [path('/cart', 'Prefix', 'cart')] } },
					{ host: '*.example.com', http: { paths: [path('/', 'Prefix', 'wild')] } }
				]
			}, '2030-01-02T00:00:00Z'),
			ing('orphan', { ingressClassName: 'traefik', rules: [{ host: 'orphan.test', http: { paths: [path('/', 'Prefix', 'orphan')] } }] })
		]
	};
	const to = (host: string, p: string) => routeRequest(host, p, cluster).service?.name;

	it('longest matching prefix wins', () => {
		expect(to('any.host', '/aaa/ccc')).toBe('aaa');
		expect(to('any.host', '/aaa/bbb')).toBe('bbb');
		expect(to('any.host', '/ccc')).toBe('root');
	});

	it('Exact beats Prefix on an equal path', () => expect(to('any.host', '/foo')).toBe('foo-exact'));

	it('an exact host beats a wildcard, which beats host-less rules', () => {
		expect(to('shop.example.com', '/cart/1')).toBe('cart');
		expect(to('api.example.com', '/x')).toBe('wild');
		expect(to('other.org', '/x')).toBe('root');
	});

	it('an exact host without a matching path goes to the default backend', () => {
		const r = routeRequest('shop.example.com', '/login', cluster);
		expect(r.rule).toBe('spec.defaultBackend');
		expect(r.service?.name).toBe('fallback');
	});

	it('the default IngressClass serves Ingresses without a class; a missing class is not served', () => {
		const { served, ignored } = servedIngresses(cluster);
		expect(served.map((i) => i.metadata.name)).toEqual(['multi', 'hosts']);
		expect(ignored).toEqual([{ ingress: cluster.ingresses![2], reason: 'IngressClass "traefik" does not exist' }]);
		expect(to('orphan.test', '/')).toBe('root');
	});

	it('says why, with the deciding rule', () => {
		expect(routeRequest('shop.example.com', '/cart', cluster)).toMatchObject({
			rule: 'spec.rules[0].http.paths[0]',
			service: { namespace: 'shop', name: 'cart', port: 80 },
			reason: 'shop.example.com Prefix /cart matches shop.example.com/cart → Ingress shop/hosts (spec.rules[0].http.paths[0]) → Service cart:80'
		});
	});

	it('no class at all: nothing is served and the controller answers 404', () => {
		const r = routeRequest('x', '/', { ingresses: [ing('a', { rules: [{ http: { paths: [path('/', 'Prefix', 'a')] } }] })] });
		expect(r.service).toBeUndefined();
		expect(r.reason).toBe('no rule matches x/ and no defaultBackend: the ingress controller answers 404');
	});
});
