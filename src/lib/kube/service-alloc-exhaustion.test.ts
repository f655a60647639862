/**
 * Service allocation at the edges (issue 9): a full range answers kube-apiserver's error
 * (pkg/registry/core/service/storage/alloc.go: `NewInternalError("failed to allocate a
 * serviceIP: range is full")`, the same for nodePorts), and what a deleted Service held is handed
 * out again. Small ranges stand in for 10.96.0.0/12 and 30000-32767.
 */
import { describe, expect, it } from 'vitest';
import { KubeError } from './api-errors';
import { allocateCreate, releaseService, type ServiceRanges } from './service-alloc';
import { IPRange, PortRange } from './service-alloc-range';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const svc = (name: string, spec: Obj = {}): Obj => ({ metadata: { name }, spec: { type: 'ClusterIP', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'], ports: [{ port: 80, protocol: 'TCP' }], ...spec } });
const create = (s: Obj, r: ServiceRanges) => (allocateCreate(s, r, { dryRun: false, random: Math.random }), s);

function failure(fn: () => void): KubeError {
	try {
		fn();
	} catch (e) {
		return e as KubeError;
	}
	throw new Error('no error');
}

describe('allocation exhaustion and reuse', () => {
	it('a full service range answers 500 "failed to allocate a serviceIP: range is full"; a deleted Service frees its address for the next', () => {
		// 10.96.0.0/29: network and broadcast are never handed out, leaving .1–.6 (no static band below 17 addresses).
		const r: ServiceRanges = { ips: new IPRange('10.96.0.0/29'), ports: new PortRange('30000-32767') };
		const made = Array.from({ length: 6 }, (_, i) => create(svc(`s${i}`), r));
		expect(made.map((s) => s.spec.clusterIP).sort()).toEqual(['10.96.0.1', '10.96.0.2', '10.96.0.3', '10.96.0.4', '10.96.0.5', '10.96.0.6']);
		const err = failure(() => create(svc('one-too-many'), r));
		expect([err.code, err.reason, err.message]).toEqual([500, 'InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full']);
		// A Service asking for a taken address is Invalid instead (a field error, 422).
		const taken = failure(() => create(svc('taken', { clusterIP: '10.96.0.3', clusterIPs: ['10.96.0.3'] }), r));
		expect([taken.code, taken.message]).toEqual([422, 'Service "taken" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.3"}: failed to allocate IP 10.96.0.3: provided IP is already allocated']);

		const gone = made[2];
		releaseService(gone, r);
		expect(create(svc('after-delete'), r).spec.clusterIP).toBe(gone.spec.clusterIP);
		expect(failure(() => create(svc('full-again'), r)).message).toBe('Internal error occurred: failed to allocate a serviceIP: range is full');
	});

	it('a full NodePort range answers "failed to allocate a nodePort: range is full"; deleting a NodePort Service frees its port', () => {
		const r: ServiceRanges = { ips: new IPRange('10.96.0.0/12'), ports: new PortRange('30000-30001') };
		const a = create(svc('a', { type: 'NodePort' }), r);
		const b = create(svc('b', { type: 'NodePort' }), r);
		expect([a.spec.ports[0].nodePort, b.spec.ports[0].nodePort].sort()).toEqual([30000, 30001]);
		const err = failure(() => create(svc('c', { type: 'NodePort' }), r));
		expect([err.code, err.message]).toEqual([500, 'Internal error occurred: failed to allocate a nodePort: range is full']);
		releaseService(a, r);
		expect(create(svc('d', { type: 'NodePort', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'] }), r).spec.ports[0].nodePort).toBe(a.spec.ports[0].nodePort);
	});

	it('the default NodePort range hands out the dynamic band (30086–32767) first, the static band (30000–30085) only when it is full', () => {
		const r: ServiceRanges = { ips: new IPRange('10.96.0.0/12'), ports: new PortRange('30000-32767') };
		const first = create(svc('first', { type: 'NodePort' }), r).spec.ports[0].nodePort;
		expect(first).toBeGreaterThanOrEqual(30086);
		expect(first).toBeLessThanOrEqual(32767);
		// A user may still ask for a port of the static band.
		expect(create(svc('static', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30007 }] }), r).spec.ports[0].nodePort).toBe(30007);
		for (let p = 30086; p <= 32767; p++) if (!r.ports.has(p)) r.ports.allocate(p);
		const fallback = create(svc('fallback', { type: 'NodePort' }), r).spec.ports[0].nodePort;
		expect(fallback).toBeGreaterThanOrEqual(30000);
		expect(fallback).toBeLessThanOrEqual(30085);
	});
});
