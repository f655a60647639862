/**
 * Service ClusterIP and NodePort allocation through real kubectl: the `kubernetes` Service,
 * dynamic and requested addresses, kube-apiserver's errors for taken ones, release on delete and
 * on type change, headless and ExternalName Services, immutability, dry runs, and rejected
 * requests leaving the store as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeRoom, tableRows, type KubeRoom } from './harness';
import { ObjectStorage } from '../../server/apiserver/storage';
import { IPRange, PortRange, type RangeAllocation } from '../../src/lib/kube/service-alloc-range';

let room: KubeRoom;
const jsonpath = async (args: string[], path: string) => (await room.kubectl([...args, '-o', `jsonpath=${path}`])).stdout;
/** The store's revision, as a list reports it. */
const revision = () => jsonpath(['get', 'services', '-A'], '{.metadata.resourceVersion}');
const ipNumber = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

beforeAll(async () => {
	room = await startKubeRoom();
});
afterAll(async () => {
	await room?.stop();
});

describe('the kubernetes Service', () => {
	it('sits at 10.96.0.1 with the API server as its endpoint', async () => {
		const rows = tableRows((await room.kubectl(['get', 'svc', 'kubernetes'])).stdout);
		expect(rows[1].slice(0, 5)).toEqual(['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
		expect(await jsonpath(['get', 'svc', 'kubernetes'], '{.spec.ports[0].targetPort} {.metadata.labels.component}')).toBe('6443 apiserver');
		expect(tableRows((await room.kubectl(['get', 'endpoints', 'kubernetes'])).stdout)[1].slice(0, 2)).toEqual(['kubernetes', '172.18.0.2:6443']);
		expect(await jsonpath(['get', 'endpointslice', 'kubernetes'], '{.endpoints[0].addresses[0]} {.ports[0].port}')).toBe('172.18.0.2 6443');
	});
});

describe('ClusterIP allocation', () => {
	it('gives created and exposed Services a dynamic address in 10.96.0.0/12, above the static band', async () => {
		expect((await room.kubectl(['create', 'service', 'clusterip', 'api', '--tcp=80:8080'])).stdout.trim()).toBe('service/api created');
		expect((await room.kubectl(['create', 'deployment', 'web', '--image=nginx'])).code).toBe(0);
		expect((await room.kubectl(['expose', 'deployment', 'web', '--port=80'])).code).toBe(0);
		for (const name of ['api', 'web']) {
			const [ip, ips, fam, policy] = (await jsonpath(['get', 'svc', name], '{.spec.clusterIP} {.spec.clusterIPs[0]} {.spec.ipFamilies[0]} {.spec.ipFamilyPolicy}')).split(' ');
			expect(ips).toBe(ip);
			expect([fam, policy]).toEqual(['IPv4', 'SingleStack']);
			expect(ipNumber(ip)).toBeGreaterThan(ipNumber('10.96.1.0'));
			expect(ipNumber(ip)).toBeLessThan(ipNumber('10.111.255.255'));
		}
	});

	it('refuses an address already taken, changing nothing, and frees it on delete', async () => {
		const create = (name: string) => room.kubectl(['create', 'service', 'clusterip', name, '--clusterip=10.96.0.10', '--tcp=80:80']);
		expect((await create('first')).code).toBe(0);
		const before = await revision();
		const r = await create('second');
		expect(r.code).toBe(1);
		expect(r.stderr.trim()).toBe(
			'error: failed to create ClusterIP service: Service "second" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated'
		);
		expect(await revision()).toBe(before);
		expect((await room.kubectl(['delete', 'svc', 'first'])).code).toBe(0);
		expect((await create('second')).code).toBe(0);
		expect(await jsonpath(['get', 'svc', 'second'], '{.spec.clusterIP}')).toBe('10.96.0.10');
	});

	it('refuses an address outside the range', async () => {
		const r = await room.kubectl(['create', 'service', 'clusterip', 'far', '--clusterip=1.1.1.1', '--tcp=80:80']);
		expect(r.stderr.trim()).toBe(
			'error: failed to create ClusterIP service: Service "far" is invalid: spec.clusterIPs: Invalid value: []string{"1.1.1.1"}: failed to allocate IP 1.1.1.1: the provided IP (1.1.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12'
		);
	});

	it('keeps the address immutable', async () => {
		const r = await room.kubectl(['patch', 'svc', 'second', '-p', '{"spec":{"clusterIP":"10.96.0.11","clusterIPs":["10.96.0.11"]}}']);
		expect(r.stderr.trim()).toBe('The Service "second" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set');
	});

	it('gives headless and ExternalName Services no address', async () => {
		expect((await room.kubectl(['create', 'service', 'clusterip', 'headless', '--clusterip=None'])).code).toBe(0);
		expect((await room.kubectl(['create', 'service', 'externalname', 'ext', '--external-name=example.com'])).code).toBe(0);
		const rows = tableRows((await room.kubectl(['get', 'svc', 'headless', 'ext'])).stdout);
		expect(rows.slice(1).map((r) => r.slice(0, 4))).toEqual([
			['headless', 'ClusterIP', 'None', '<none>'],
			['ext', 'ExternalName', '<none>', 'example.com']
		]);
	});

	it('allocates nothing in a server-side dry run', async () => {
		const before = await revision();
		const r = await room.kubectl(['create', 'service', 'nodeport', 'dry', '--tcp=80:80', '--dry-run=server', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}']);
		expect(r.stdout).toBe('10.96.0.0 32769');
		expect(await revision()).toBe(before);
	});
});

describe('NodePort allocation', () => {
	it('refuses a taken NodePort and releases ports when the type changes back', async () => {
		const create = (name: string) => room.kubectl(['create', 'service', 'nodeport', name, '--tcp=80:80', '--node-port=30080']);
		expect((await create('np1')).code).toBe(0);
		const before = await revision();
		const r = await create('np2');
		expect(r.stderr.trim()).toBe(
			'error: failed to create NodePort service: Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated'
		);
		expect(await revision()).toBe(before);
		expect((await room.kubectl(['patch', 'svc', 'np1', '-p', '{"spec":{"type":"ClusterIP"}}'])).code).toBe(0);
		expect(await jsonpath(['get', 'svc', 'np1'], '{.spec.type} {.spec.ports[0].nodePort}|{.spec.externalTrafficPolicy}')).toBe('ClusterIP |');
		expect((await create('np2')).code).toBe(0);
	});

	it('allocates dynamic NodePorts and a healthCheckNodePort for Local load balancers', async () => {
		const lb = {
			apiVersion: 'v1',
			kind: 'Service',
			metadata: { name: 'lb' },
			spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }
		};
		expect((await room.kubectl(['create', '-f', '-'], { input: JSON.stringify(lb) })).code).toBe(0);
		const ports = (await jsonpath(['get', 'svc', 'lb'], '{.spec.ports[0].nodePort} {.spec.ports[1].nodePort} {.spec.healthCheckNodePort}')).split(' ').map(Number);
		expect(new Set(ports).size).toBe(3);
		for (const p of ports) expect(p >= 30000 && p <= 32767).toBe(true);
		// Switching to Cluster frees the health check port: a Service may now ask for it.
		expect((await room.kubectl(['patch', 'svc', 'lb', '-p', '{"spec":{"externalTrafficPolicy":"Cluster"}}'])).code).toBe(0);
		expect(await jsonpath(['get', 'svc', 'lb'], '{.spec.healthCheckNodePort}')).toBe('');
		expect((await room.kubectl(['create', 'service', 'nodeport', 'reuse', '--tcp=80:80', `--node-port=${ports[2]}`])).code).toBe(0);
	});
});

describe('the stored allocator state', () => {
	it('gives concurrent creates distinct addresses', async () => {
		const path = `/rooms/${room.roomId}/k8s/api/v1/namespaces/default/services`;
		const body = (i: number) => JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: `burst-${i}` }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });
		const created = await Promise.all(
			Array.from({ length: 12 }, (_, i) => room.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i) }).then((r) => r.json()))
		);
		const ips = created.map((s) => (s as { spec: { clusterIP: string } }).spec.clusterIP);
		const ports = created.map((s) => (s as { spec: { ports: Array<{ nodePort: number }> } }).spec.ports[0].nodePort);
		expect(new Set(ips).size).toBe(12);
		expect(new Set(ports).size).toBe(12);
	});

	it('holds exactly what the stored Services hold, at kube-apiserver\'s keys', async () => {
		const store = new ObjectStorage((await room.converge.rooms.get(room.roomId))!.store);
		const ipSnap = (await store.get('/registry/ranges/serviceips'))!.object as RangeAllocation;
		const portSnap = (await store.get('/registry/ranges/servicenodeports'))!.object as RangeAllocation;
		expect([ipSnap.kind, ipSnap.range, portSnap.range]).toEqual(['RangeAllocation', '10.96.0.0/12', '30000-32767']);
		const ips = new IPRange('10.96.0.0/12', ipSnap);
		const ports = new PortRange('30000-32767', portSnap);
		const services = JSON.parse((await room.kubectl(['get', 'svc', '-A', '-o', 'json'])).stdout).items as Array<{ spec: Record<string, any> }>; // eslint-disable-line @typescript-eslint/no-explicit-any
		const wantIPs = services.flatMap((s) => (s.spec.clusterIPs ?? []).filter((ip: string) => ip !== 'None')).sort();
		const wantPorts = services.flatMap((s) => [...(s.spec.ports ?? []).map((p: { nodePort?: number }) => p.nodePort), s.spec.healthCheckNodePort].filter(Boolean)).sort();
		const base = 0x0a600001;
		const heldIPs = [...ips.map].map((off) => [base + off].map((n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'))[0]).sort();
		expect(heldIPs).toEqual(wantIPs);
		expect([...ports.map].map((off) => 30000 + off).sort()).toEqual(wantPorts);
	});
});
