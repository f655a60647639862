import { describe, expect, it } from 'vitest';
import { desiredSlices, endpointSubsets, MAX_ENDPOINTS_PER_SLICE, podPorts } from './endpoints';
import type { KubeObject } from './types';

const svc = (extra: object = {}): KubeObject => ({
	metadata: { name: 'web', namespace: 'default', uid: 's1' },
	spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090 }], ...extra }
});

function pod(name: string, ip: string, ready: boolean, extra: Partial<KubeObject['metadata']> = {}, containerPort = 8080): KubeObject {
	return {
		metadata: { name, namespace: 'default', uid: `u-${name}`, labels: { app: 'web' }, ...extra },
		spec: { nodeName: 'n1', containers: [{ name: 'c', ports: [{ name: 'http', containerPort }] }] },
		status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] }
	};
}

describe('endpoints', () => {
	it('resolves named target ports per pod and leaves out a port the pod lacks', () => {
		expect(podPorts(svc(), pod('a', '10.0.0.1', true))).toEqual([
			{ name: 'http', port: 8080, protocol: 'TCP' },
			{ name: 'metrics', port: 9090, protocol: 'TCP' }
		]);
		const bare = { ...pod('b', '10.0.0.2', true), spec: { containers: [{ name: 'c' }] } };
		expect(podPorts(svc(), bare)).toEqual([{ name: 'metrics', port: 9090, protocol: 'TCP' }]);
	});

	it('splits subsets by port set and readiness; terminating pods and pods without IP are left out', () => {
		const pods = [pod('b', '10.0.0.10', false), pod('a', '10.0.0.9', true), pod('c', '10.0.0.3', true, { deletionTimestamp: '2026-01-01T00:00:00Z' }), { ...pod('d', '', true), status: { phase: 'Pending' } }, pod('e', '10.0.0.4', true, {}, 8081)];
		const subsets = endpointSubsets(svc(), pods);
		expect(subsets.map((s) => [s.addresses?.map((a) => a.ip), s.notReadyAddresses?.map((a) => a.ip), s.ports?.[0].port])).toEqual([
			[['10.0.0.9'], ['10.0.0.10'], 8080],
			[['10.0.0.4'], undefined, 8081]
		]);
	});

	it('keeps terminating pods in slices as serving but not ready, 100 per slice', () => {
		const many = Array.from({ length: MAX_ENDPOINTS_PER_SLICE + 1 }, (_, i) => pod(`p${String(i).padStart(3, '0')}`, `10.0.1.${i}`, true));
		const term = pod('t', '10.0.2.1', true, { deletionTimestamp: '2026-01-01T00:00:00Z' });
		const node = { metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } };
		const slices = desiredSlices(svc(), [...many, term], (n) => (n === 'n1' ? node : undefined));
		expect(slices.map((s) => s.endpoints.length)).toEqual([100, 2]);
		expect(slices[0].endpoints[0]).toEqual({
			addresses: ['10.0.1.0'],
			conditions: { ready: true, serving: true, terminating: false },
			targetRef: { kind: 'Pod', namespace: 'default', name: 'p000', uid: 'u-p000' },
			nodeName: 'n1',
			zone: 'zone-a'
		});
		expect(slices[1].endpoints.find((e) => e.targetRef.name === 't')?.conditions).toEqual({ ready: false, serving: true, terminating: true });
	});

	it('a Service without endpoints keeps one empty slice', () => {
		expect(desiredSlices(svc(), [], () => undefined)).toEqual([{ ports: [], endpoints: [] }]);
	});
});
