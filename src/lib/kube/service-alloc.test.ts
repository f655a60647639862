import { describe, expect, it } from 'vitest';
import { parseCidr } from './ip-range';
import { AllocationBitmap, IPRange, PortRange, rangeOffset } from './service-alloc-range';
import { allocateCreate, allocateUpdate, prepareServiceUpdate, releaseService, type ServiceRanges } from './service-alloc';
import { KubeError } from './api-errors';

const seq = (...vals: number[]) => {
	let i = 0;
	return () => vals[i++ % vals.length];
};
const fresh = (): ServiceRanges => ({ ips: new IPRange('10.96.0.0/12'), ports: new PortRange('30000-32767') });
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const svc = (spec: Obj, name = 'web'): Obj => ({ metadata: { name }, spec: { type: 'ClusterIP', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'], ...spec } });
const msg = (fn: () => void) => {
	try {
		fn();
	} catch (e) {
		return (e as KubeError).message;
	}
	return 'no error';
};

describe('ip-range', () => {
	it('parses CIDRs and clears host bits', () => {
		expect(parseCidr('10.96.0.5/12')).toEqual({ ip: 0x0a600000, prefix: 12, size: 1048576, text: '10.96.0.0/12' });
		expect(parseCidr('10.96.0.0')).toBeUndefined();
		expect(parseCidr('300.1.1.1/8')).toBeUndefined();
	});
});

describe('AllocationBitmap', () => {
	it('computes kube static band sizes', () => {
		expect(rangeOffset(1048576, 16, 256, 16)).toBe(256); // 10.96.0.0/12
		expect(rangeOffset(256, 16, 256, 16)).toBe(16); // /24
		expect(rangeOffset(16, 16, 256, 16)).toBe(0); // /28
		expect(rangeOffset(2768, 16, 128, 32)).toBe(86); // 30000-32767
	});

	it('allocates the upper band first, then the lower, then reports full', () => {
		const m = new AllocationBitmap(20, 16);
		const got = [0, 1, 2, 3].map(() => m.allocateNext(() => 0));
		expect(got).toEqual([16, 17, 18, 19]);
		expect(m.allocateNext(() => 0.99)).toBe(15);
		for (let i = 0; i < 15; i++) expect(m.allocateNext(() => 0)).toBeLessThan(16);
		expect(m.free).toBe(0);
		expect(m.allocateNext(() => 0)).toBeUndefined();
	});

	it('snapshots as big-endian big.Int bytes and restores', () => {
		const m = new AllocationBitmap(20, 0);
		m.allocate(0);
		m.allocate(9);
		expect([...m.snapshot()]).toEqual([0x02, 0x01]);
		const n = new AllocationBitmap(20, 0);
		n.restore(m.snapshot());
		expect([...n]).toEqual([0, 9]);
		expect(n.free).toBe(18);
	});
});

describe('IPRange and PortRange', () => {
	it('words refusals like kube', () => {
		const r = fresh();
		r.ips.allocate('10.96.0.10');
		expect(() => r.ips.allocate('10.96.0.10')).toThrow('provided IP is already allocated');
		expect(() => r.ips.allocate('10.96.0.0')).toThrow('the provided IP (10.96.0.0) is not in the valid range. The range of valid IPs is 10.96.0.0/12');
		r.ports.allocate(30080);
		expect(() => r.ports.allocate(30080)).toThrow('provided port is already allocated');
		expect(() => r.ports.allocate(80)).toThrow('provided port is not in the valid range. The range of valid ports is 30000-32767');
	});

	it('hands out dynamic addresses above the static band and survives a snapshot', () => {
		const r = fresh();
		expect(r.ips.allocateNext(() => 0)).toBe('10.96.1.1');
		const again = new IPRange('10.96.0.0/12', r.ips.snapshot());
		expect(again.has('10.96.1.1')).toBe(true);
		expect(again.allocateNext(() => 0)).toBe('10.96.1.2');
	});

	it('says range is full', () => {
		const r = new IPRange('10.0.0.0/30');
		r.allocateNext(Math.random);
		r.allocateNext(Math.random);
		expect(() => r.allocateNext(Math.random)).toThrow('range is full');
	});
});

describe('Service allocation', () => {
	it('gives a ClusterIP, and NodePorts that equal port numbers share', () => {
		const r = fresh();
		const s = svc({ type: 'NodePort', ports: [{ name: 'a', port: 80, protocol: 'TCP' }, { name: 'b', port: 80, protocol: 'UDP' }] });
		allocateCreate(s, r, { dryRun: false, random: seq(0) });
		expect(s.spec).toMatchObject({ clusterIP: '10.96.1.1', clusterIPs: ['10.96.1.1'] });
		expect((s.spec.ports as Array<{ nodePort: number }>).map((p) => p.nodePort)).toEqual([30086, 30086]);
	});

	it('rejects a taken ClusterIP and NodePort with kube messages', () => {
		const r = fresh();
		allocateCreate(svc({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] }), r, { dryRun: false, random: Math.random });
		expect(msg(() => allocateCreate(svc({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] }, 'b'), r, { dryRun: false, random: Math.random }))).toBe(
			'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated'
		);
		allocateCreate(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, 'c'), r, { dryRun: false, random: Math.random });
		expect(msg(() => allocateCreate(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, 'd'), r, { dryRun: false, random: Math.random }))).toBe(
			'Service "d" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated'
		);
	});

	it('gives headless and ExternalName Services no IP', () => {
		const r = fresh();
		const headless = svc({ clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'x' } });
		allocateCreate(headless, r, { dryRun: false, random: Math.random });
		expect(headless.spec.clusterIPs).toEqual(['None']);
		const ext: { metadata: object; spec: Record<string, unknown> } = { metadata: { name: 'e' }, spec: { type: 'ExternalName', externalName: 'example.com' } };
		allocateCreate(ext, r, { dryRun: false, random: Math.random });
		expect(ext.spec.clusterIP).toBeUndefined();
		expect(r.ips.map.free).toBe(r.ips.map.max);
	});

	it('allocates a healthCheckNodePort for Local load balancers', () => {
		const r = fresh();
		const lb = svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 443 }] });
		allocateCreate(lb, r, { dryRun: false, random: Math.random });
		expect(lb.spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
		expect(r.ports.has(lb.spec.healthCheckNodePort as number)).toBe(true);
		releaseService(lb, r);
		expect(r.ports.map.free).toBe(r.ports.map.max);
		expect(r.ips.map.free).toBe(r.ips.map.max);
	});

	it('releases NodePorts when the type changes back to ClusterIP', () => {
		const r = fresh();
		const old = svc({ type: 'NodePort', externalTrafficPolicy: 'Cluster', ports: [{ port: 80, nodePort: 30080 }] });
		allocateCreate(old, r, { dryRun: false, random: Math.random });
		const next = structuredClone(old);
		next.spec.type = 'ClusterIP';
		prepareServiceUpdate(next, old);
		expect(next.spec).not.toHaveProperty('externalTrafficPolicy');
		expect((next.spec.ports as object[])[0]).not.toHaveProperty('nodePort');
		allocateUpdate(next, old, r, { dryRun: false, random: Math.random });
		expect(r.ports.has(30080)).toBe(false);
		expect(next.spec.clusterIP).toBe(old.spec.clusterIP);
	});

	it('dry runs allocate nothing and show what kube shows', () => {
		const r = fresh();
		const s = svc({ type: 'NodePort', ports: [{ port: 80 }] });
		allocateCreate(s, r, { dryRun: true, random: Math.random });
		expect(s.spec.clusterIP).toBe('10.96.0.0');
		expect((s.spec.ports as Array<{ nodePort: number }>)[0].nodePort).toBe(32769);
		expect(r.ips.map.free).toBe(r.ips.map.max);
		expect(r.ports.map.free).toBe(r.ports.map.max);
	});
});
