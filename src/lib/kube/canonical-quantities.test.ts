import { describe, expect, it } from 'vitest';
import { canonicalizeQuantities } from './canonical-quantities';

describe('canonicalizeQuantities', () => {
	it('rewrites the Quantity fields of a Deployment and leaves everything else', () => {
		const d = canonicalizeQuantities({
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: { name: 'w', annotations: { cpu: '0.5' } },
			spec: {
				replicas: 2,
				template: { spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: 0.5, memory: '1.5Gi' }, limits: { cpu: '2000m' } } }], overhead: { cpu: '0.1' } } }
			}
		});
		expect(d.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '500m', memory: '1536Mi' }, limits: { cpu: '2' } });
		expect(d.spec.template.spec.overhead).toEqual({ cpu: '100m' });
		expect(d.metadata.annotations.cpu).toBe('0.5');
		expect(d.spec.replicas).toBe(2);
	});

	it('covers quota, node status and claims; leaves values that do not parse for validation', () => {
		const quota = canonicalizeQuantities({ apiVersion: 'v1', kind: 'ResourceQuota', spec: { hard: { 'requests.cpu': '1000m', pods: '10', bad: 'x' } } });
		expect(quota.spec.hard).toEqual({ 'requests.cpu': '1', pods: '10', bad: 'x' });
		const node = canonicalizeQuantities({ apiVersion: 'v1', kind: 'Node', status: { capacity: { memory: '8388608Ki' } } });
		expect(node.status.capacity.memory).toBe('8Gi');
		const pvc = canonicalizeQuantities({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', spec: { resources: { requests: { storage: '1024Mi' } } } });
		expect(pvc.spec.resources.requests.storage).toBe('1Gi');
	});

	it('leaves kinds it has no schema for', () => {
		const cr = { apiVersion: 'example.com/v1', kind: 'Widget', spec: { cpu: '0.5' } };
		expect(canonicalizeQuantities(cr).spec.cpu).toBe('0.5');
	});
});
