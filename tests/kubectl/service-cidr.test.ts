/**
 * A room's service range (kube-apiserver's --service-cluster-ip-range), chosen when the room is
 * created: the `kubernetes` Service takes its first address, Services get addresses from it until
 * it is full (kube-apiserver's error), and a freed address is handed out again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeRoom, type KubeRoom } from './harness';

let k: KubeRoom;

beforeAll(async () => {
	// A /29: 6 addresses, .1 for `kubernetes`, 5 for Services.
	k = await startKubeRoom({ serviceCIDR: '10.100.0.0/29' });
});

afterAll(async () => {
	await k?.stop();
});

const clusterIP = async (name: string): Promise<string> => {
	const r = await k.kubectl(['get', 'service', name, '-o', 'jsonpath={.spec.clusterIP}']);
	expect(r.code, r.stderr).toBe(0);
	return r.stdout;
};

describe('a room with its own service range', () => {
	it('says its range, and puts the kubernetes Service at its first address', async () => {
		const info = (await (await k.api(`/api/rooms/${k.roomId}`)).json()) as { serviceCIDR: string };
		expect(info.serviceCIDR).toBe('10.100.0.0/29');
		expect(await clusterIP('kubernetes')).toBe('10.100.0.1');
	});

	it('allocates from it until it is full, with kube-apiserver error, and reuses a freed address', async () => {
		const ips: string[] = [];
		for (let i = 0; i < 5; i++) {
			const r = await k.kubectl(['create', 'service', 'clusterip', `s${i}`, '--tcp=80:80']);
			expect(r.code, r.stderr).toBe(0);
			ips.push(await clusterIP(`s${i}`));
		}
		expect(new Set(ips).size).toBe(5);
		for (const ip of ips) expect(ip).toMatch(/^10\.100\.0\.[2-6]$/);
		const full = await k.kubectl(['create', 'service', 'clusterip', 'one-too-many', '--tcp=80:80']);
		expect(full.code).toBe(1);
		expect(full.stderr).toContain('Internal error occurred: failed to allocate a serviceIP: range is full');
		expect((await k.kubectl(['delete', 'service', 's2'])).code).toBe(0);
		const again = await k.kubectl(['create', 'service', 'clusterip', 'again', '--tcp=80:80']);
		expect(again.code, again.stderr).toBe(0);
		expect(await clusterIP('again')).toBe(ips[2]);
	});

	it('refuses an address outside the range with kube-apiserver message', async () => {
		const r = await k.kubectl(['create', 'service', 'clusterip', 'outside', '--tcp=80:80', '--clusterip=10.96.0.50']);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('the provided IP (10.96.0.50) is not in the valid range. The range of valid IPs is 10.100.0.0/29');
	});
});

describe('creating a room with a bad service range', () => {
	it('answers 422 with the flag validation message, and creates nothing', async () => {
		const before = ((await (await k.api('/api/health')).json()) as { rooms: number }).rooms;
		for (const [cidr, message] of [
			['10.0.0.0/8', 'specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12'],
			['10.1.2.0/30', 'specified --service-cluster-ip-range is too small; for 32-bit addresses, the mask must be <= 29'],
			['nonsense', 'invalid CIDR address: nonsense']
		]) {
			const res = await k.api('/api/rooms', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serviceCIDR: cidr }) });
			expect(res.status).toBe(422);
			expect(((await res.json()) as { message: string }).message).toBe(`serviceCIDR: Invalid value: "${cidr}": ${message}`);
		}
		expect(((await (await k.api('/api/health')).json()) as { rooms: number }).rooms).toBe(before);
	});
});
