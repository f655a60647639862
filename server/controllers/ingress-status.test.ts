import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/lib/controllers/types';
import { ingressStatusAddresses } from '../../src/lib/network/ingress';
import { reconcileIngressStatus } from './ingress-status';
import { fixture } from './testing/fixture';

const node = (name: string, internal: string, external?: string, deleting = false): KubeObject => ({
	metadata: { name, ...(deleting ? { deletionTimestamp: '2030-01-01T00:00:00Z' } : {}) },
	status: { addresses: [{ type: 'InternalIP', address: internal }, ...(external ? [{ type: 'ExternalIP', address: external }] : []), { type: 'Hostname', address: name }] }
});
const ing = (name: string, spec: object = {}, status: object = { loadBalancer: {} }): KubeObject => ({
	metadata: { namespace: 'default', name, generation: 1 },
	spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }], ...spec },
	status
});
const nginx: KubeObject = { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } };
const nodes = [node('worker-2', '172.18.0.10'), node('worker-1', '172.18.0.9'), node('edge', '172.18.0.4', '203.0.113.4'), node('gone', '172.18.0.5', undefined, true)];

function run(ingresses: KubeObject[], classes: KubeObject[] = [nginx]) {
	const f = fixture({ ingresses, ingressclasses: classes, nodes }, Date.UTC(2030, 0, 1));
	const patch = f.ctx.client.patch;
	f.ctx.client.patch = async (r, ns, name, type, body, sub) => {
		f.calls.push(`${sub ?? 'meta'} ${JSON.stringify(body)}`);
		return patch(r, ns, name, type, body, sub);
	};
	return f;
}

describe('ingress status (ingress-nginx on every node, host network)', () => {
	it('reports every node\u2019s address, ExternalIP first, sorted numerically, skipping deleted nodes', () => {
		expect(ingressStatusAddresses(nodes)).toEqual([{ ip: '172.18.0.9' }, { ip: '172.18.0.10' }, { ip: '203.0.113.4' }]);
	});

	it('writes status.loadBalancer.ingress of a served Ingress', async () => {
		const f = run([ing('shop', { ingressClassName: 'nginx' })]);
		await reconcileIngressStatus('default/shop', f.ctx);
		expect(f.calls).toEqual(['status {"status":{"loadBalancer":{"ingress":[{"ip":"172.18.0.9"},{"ip":"172.18.0.10"},{"ip":"203.0.113.4"}]}}}', 'patch ingresses shop']);
	});

	it('serves an Ingress without a class through the default IngressClass', async () => {
		const f = run([ing('shop')], [{ ...nginx, metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } }]);
		await reconcileIngressStatus('default/shop', f.ctx);
		expect(f.calls).toHaveLength(2);
	});

	it('leaves alone Ingresses of a missing class, without a class and no default, and converged ones', async () => {
		const converged = { loadBalancer: { ingress: [{ ip: '172.18.0.9' }, { ip: '172.18.0.10' }, { ip: '203.0.113.4' }] } };
		const f = run([ing('other', { ingressClassName: 'traefik' }), ing('plain'), ing('done', { ingressClassName: 'nginx' }, converged)]);
		for (const key of ['default/other', 'default/plain', 'default/done', 'default/missing']) await reconcileIngressStatus(key, f.ctx);
		expect(f.calls).toEqual([]);
	});
});
