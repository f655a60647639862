import { describe, expect, it } from 'vitest';
import { candidates, query, resolve } from './dns';
import type { ClusterObjects, KubeObject } from './types';

const svc = (namespace: string, name: string, spec: object): KubeObject => ({ metadata: { namespace, name }, spec });
const slice = (namespace: string, service: string, endpoints: object[]): KubeObject => ({ metadata: { namespace, name: `${service}-abcde`, labels: { 'kubernetes.io/service-name': service } }, endpoints });

const cluster: ClusterObjects = {
	namespaces: ['default', 'kube-system', 'shop'].map((name) => ({ metadata: { name } })),
	services: [
		svc('shop', 'web', { clusterIP: '10.96.45.10', ports: [{ port: 80 }] }),
		svc('shop', 'db', { clusterIP: 'None', ports: [{ port: 5432 }] }),
		svc('shop', 'empty', { clusterIP: 'None' }),
		svc('shop', 'search', { type: 'ExternalName', externalName: 'search.example.com' }),
		svc('shop', 'alias', { type: 'ExternalName', externalName: 'web.shop.svc.cluster.local' }),
		svc('default', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ port: 443 }] })
	],
	endpointSlices: [
		slice('shop', 'db', [
			{ addresses: ['10.244.1.5'], hostname: 'db-0', conditions: { ready: true } },
			{ addresses: ['10.244.2.7'], hostname: 'db-1', conditions: { ready: true } },
			{ addresses: ['10.244.2.9'], hostname: 'db-2', conditions: { ready: false } }
		]),
		slice('shop', 'web', [{ addresses: ['10.244.1.6'], conditions: { ready: true } }])
	]
};

describe('cluster DNS (CoreDNS kubernetes plugin)', () => {
	it('tries the search path first when the name has fewer than 5 dots', () => {
		expect(candidates('web', 'shop')).toEqual(['web.shop.svc.cluster.local', 'web.svc.cluster.local', 'web.cluster.local', 'web']);
		expect(candidates('web.shop.svc.cluster.local.', 'shop')).toEqual(['web.shop.svc.cluster.local']);
		expect(candidates('a.b.c.d.e.f', 'shop')[0]).toBe('a.b.c.d.e.f');
	});

	const cases: Array<{ name: string; from: string; want: string[]; wantTried?: number }> = [
		{ name: 'web', from: 'shop', want: ['10.96.45.10'], wantTried: 1 },
		{ name: 'web.shop', from: 'default', want: ['10.96.45.10'], wantTried: 2 },
		{ name: 'web.shop.svc', from: 'default', want: ['10.96.45.10'], wantTried: 3 },
		{ name: 'web.shop.svc.cluster.local', from: 'default', want: ['10.96.45.10'], wantTried: 4 },
		{ name: 'kubernetes.default', from: 'shop', want: ['10.96.0.1'] },
		{ name: 'web', from: 'default', want: [] },
		{ name: 'db', from: 'shop', want: ['10.244.1.5', '10.244.2.7'] },
		{ name: 'db-1.db.shop.svc.cluster.local', from: 'default', want: ['10.244.2.7'] },
		{ name: 'db-2.db', from: 'shop', want: [] },
		{ name: '10-244-1-6.web.shop.svc.cluster.local', from: 'shop', want: ['10.244.1.6'] },
		{ name: 'empty', from: 'shop', want: [] },
		{ name: 'alias', from: 'shop', want: ['10.96.45.10'] },
		{ name: '10-244-1-5.shop.pod.cluster.local', from: 'default', want: ['10.244.1.5'] }
	];
	for (const tc of cases) {
		it(`${tc.name} from namespace ${tc.from} → ${tc.want.join(', ') || 'NXDOMAIN'}`, () => {
			const r = resolve(tc.name, tc.from, cluster);
			expect(r.addresses).toEqual(tc.want);
			if (tc.wantTried) expect(r.queries.length).toBe(tc.wantTried);
		});
	}

	it('ExternalName answers a CNAME (the target is outside the cluster)', () => {
		const r = resolve('search', 'shop', cluster);
		expect(r.answer?.records).toEqual([{ name: 'search.shop.svc.cluster.local', type: 'CNAME', value: 'search.example.com' }]);
		expect(r.queries.at(-1)?.note).toBe('outside cluster.local: CoreDNS forwards it upstream (no upstream in the simulation)');
	});

	it('explains NXDOMAIN and NODATA', () => {
		expect(query('nope.shop.svc.cluster.local', cluster)).toMatchObject({ rcode: 'NXDOMAIN', note: 'no Service shop/nope' });
		expect(query('web.ghost.svc.cluster.local', cluster)).toMatchObject({ rcode: 'NXDOMAIN', note: 'namespace ghost does not exist' });
		expect(query('shop.svc.cluster.local', cluster)).toMatchObject({ rcode: 'NOERROR', records: [] });
		expect(query('empty.shop.svc.cluster.local', cluster)).toMatchObject({ rcode: 'NXDOMAIN', note: 'headless Service shop/empty has no ready endpoints' });
		expect(query('WEB.Shop.svc.cluster.local', cluster).records[0].value).toBe('10.96.45.10');
	});
});
