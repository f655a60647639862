import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/lib/controllers/types';
import { fixture } from './testing/fixture';
import { LB_FINALIZER, reconcileServiceLB } from './service-lb';

const svc = (name: string, spec: object = {}, extra: { finalizers?: string[]; ip?: string; deleting?: boolean } = {}): KubeObject => ({
	metadata: { namespace: 'default', name, uid: `uid-${name}`, resourceVersion: '7', finalizers: extra.finalizers, ...(extra.deleting ? { deletionTimestamp: '2030-01-01T00:00:00Z' } : {}) },
	spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }], ...spec },
	status: { loadBalancer: extra.ip ? { ingress: [{ ip: extra.ip, ipMode: 'VIP' }] } : {} }
});
const node: KubeObject = { metadata: { name: 'worker-1' } };

/** The fixture with patch bodies recorded too. */
function run(services: KubeObject[], configmaps: KubeObject[] = []) {
	const f = fixture({ services, nodes: [node], configmaps }, Date.UTC(2030, 0, 1));
	const patch = f.ctx.client.patch;
	f.ctx.client.patch = async (r, ns, name, type, body, sub) => {
		f.calls.push(`${sub ?? 'meta'} ${JSON.stringify(body)}`);
		return patch(r, ns, name, type, body, sub);
	};
	return f;
}

describe('service-lb-controller (cloud-controller-manager service controller)', () => {
	it('ensures a load balancer: finalizer, the pool\u2019s first address, the events', async () => {
		const f = run([svc('web')]);
		await reconcileServiceLB('default/web', f.ctx);
		expect(f.calls).toEqual([
			'event Normal EnsuringLoadBalancer Ensuring load balancer',
			`meta {"metadata":{"finalizers":["${LB_FINALIZER}"]}}`,
			'patch services web',
			'event Normal EnsuredLoadBalancer Ensured load balancer',
			'status {"status":{"loadBalancer":{"ingress":[{"ip":"172.18.255.200","ipMode":"VIP"}]}}}',
			'patch services web'
		]);
	});

	it('skips addresses other Services hold, honours the room\u2019s pool', async () => {
		const pool: KubeObject = { metadata: { namespace: 'kube-system', name: 'converge-network' }, data: { loadBalancerAddresses: '10.9.0.1-10.9.0.3' } };
		const f = run([svc('a', {}, { finalizers: [LB_FINALIZER], ip: '10.9.0.1' }), svc('b')], [pool]);
		await reconcileServiceLB('default/b', f.ctx);
		expect(f.calls).toContain('status {"status":{"loadBalancer":{"ingress":[{"ip":"10.9.0.2","ipMode":"VIP"}]}}}');
	});

	it('does nothing but the events when converged', async () => {
		const f = run([svc('web', {}, { finalizers: [LB_FINALIZER], ip: '172.18.255.200' })]);
		await reconcileServiceLB('default/web', f.ctx);
		expect(f.calls).toEqual(['event Normal EnsuringLoadBalancer Ensuring load balancer', 'event Normal EnsuredLoadBalancer Ensured load balancer']);
	});

	it('releases the address when the Service is deleted', async () => {
		const f = run([svc('web', {}, { finalizers: [LB_FINALIZER], ip: '172.18.255.200', deleting: true })]);
		await reconcileServiceLB('default/web', f.ctx);
		expect(f.calls).toEqual([
			'event Normal DeletingLoadBalancer Deleting load balancer',
			`meta {"metadata":{"$deleteFromPrimitiveList/finalizers":["${LB_FINALIZER}"]}}`,
			'patch services web',
			'event Normal DeletedLoadBalancer Deleted load balancer',
			'status {"status":{"loadBalancer":{"ingress":null}}}',
			'patch services web'
		]);
	});

	it('leaves a Service with another loadBalancerClass alone', async () => {
		const f = run([svc('web', { loadBalancerClass: 'example.com/other' })]);
		await reconcileServiceLB('default/web', f.ctx);
		expect(f.calls).toEqual([]);
	});

	it('an exhausted pool is a SyncLoadBalancerFailed warning and a retry', async () => {
		const pool: KubeObject = { metadata: { namespace: 'kube-system', name: 'converge-network' }, data: { loadBalancerAddresses: '10.9.0.1' } };
		const f = run([svc('a', {}, { finalizers: [LB_FINALIZER], ip: '10.9.0.1' }), svc('b', {}, { finalizers: [LB_FINALIZER] })], [pool]);
		await expect(reconcileServiceLB('default/b', f.ctx)).rejects.toThrow('failed to ensure load balancer: no available IPs in the pool 10.9.0.1');
		expect(f.calls.at(-1)).toBe('event Warning SyncLoadBalancerFailed Error syncing load balancer: failed to ensure load balancer: no available IPs in the pool 10.9.0.1');
	});
});
