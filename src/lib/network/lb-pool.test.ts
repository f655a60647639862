import { describe, expect, it } from 'vitest';
import { allocateLbIP, parseLbPool, roomLbPool } from './lb-pool';

describe('LoadBalancer address pool', () => {
	it('defaults to kind/MetalLB\u2019s 172.18.255.200-172.18.255.250', () => {
		const { pool, error } = roomLbPool(undefined);
		expect(error).toBeUndefined();
		expect(allocateLbIP(pool, new Set())).toBe('172.18.255.200');
		expect(allocateLbIP(pool, new Set(['172.18.255.200']))).toBe('172.18.255.201');
	});

	it('reads ranges and CIDRs from the room\u2019s ConfigMap', () => {
		const cm = { metadata: { namespace: 'kube-system', name: 'converge-network' }, data: { loadBalancerAddresses: '10.0.0.10-10.0.0.11,\n192.168.5.0/31' } };
		const { pool } = roomLbPool([cm]);
		expect(pool.text).toBe('10.0.0.10-10.0.0.11,192.168.5.0-192.168.5.1');
		expect(allocateLbIP(pool, new Set(['10.0.0.10', '10.0.0.11']))).toBe('192.168.5.0');
	});

	it('an invalid pool keeps the default and says why', () => {
		const cm = { metadata: { namespace: 'kube-system', name: 'converge-network' }, data: { loadBalancerAddresses: '10.0.0.9-10.0.0.1' } };
		expect(roomLbPool([cm]).error).toBe('data.loadBalancerAddresses: Invalid value: "10.0.0.9-10.0.0.1": invalid address range "10.0.0.9-10.0.0.1"');
	});

	it('honours spec.loadBalancerIP inside the pool, refuses it outside or taken', () => {
		const pool = parseLbPool('10.0.0.10-10.0.0.12');
		expect(allocateLbIP(pool, new Set(), '10.0.0.12')).toBe('10.0.0.12');
		expect(() => allocateLbIP(pool, new Set(), '10.0.0.13')).toThrow('requested loadBalancerIP "10.0.0.13" is not in the pool 10.0.0.10-10.0.0.12');
		expect(() => allocateLbIP(pool, new Set(['10.0.0.12']), '10.0.0.12')).toThrow('requested loadBalancerIP "10.0.0.12" is already in use');
	});

	it('exhaustion names the pool', () => {
		const pool = parseLbPool('10.0.0.10');
		expect(() => allocateLbIP(pool, new Set(['10.0.0.10']))).toThrow('no available IPs in the pool 10.0.0.10');
	});
});
