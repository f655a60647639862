import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock/clock';
import { EmbeddedStore, memoryJournal } from '../../src/lib/store/embedded-store';
import { ModelEngine } from '../../src/lib/store/model';
import { findResource } from '../../src/lib/kube/resources';
import { prepareCreate } from '../../src/lib/kube/strategy';
import { IPRange, PortRange, type RangeAllocation } from '../../src/lib/kube/service-alloc-range';
import { bootstrapRoom } from './bootstrap';
import { makeTarget } from './context';
import { NODE_PORTS_KEY, SERVICE_IPS_KEY, serviceAllocations } from './service-alloc';
import { ObjectStorage } from './storage';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const services = findResource('', 'v1', 'services')!;
const clock = new ManualClock(1_000_000);
let uid = 0;
const newUid = () => `uid-${++uid}`;

function storage(): ObjectStorage {
	return new ObjectStorage(EmbeddedStore.open({ engine: new ModelEngine(), journal: memoryJournal(), clock, quotaBytes: 64 << 20 }));
}

const service = (name: string, spec: Obj, namespace = 'default') => prepareCreate(services, { metadata: { name }, spec }, { now: clock.now(), uid: newUid(), namespace });
const key = (name: string, ns = 'default') => `/registry/services/specs/${ns}/${name}`;
const allocations = (s: ObjectStorage, ns = 'default') => serviceAllocations(s, makeTarget(services, ns, undefined))!;

async function ranges(s: ObjectStorage) {
	const ips = await s.get(SERVICE_IPS_KEY);
	const ports = await s.get(NODE_PORTS_KEY);
	return {
		ips: new IPRange('10.96.0.0/12', ips?.object as RangeAllocation),
		ports: new PortRange('30000-32767', ports?.object as RangeAllocation),
		revs: [ips?.modRevision, ports?.modRevision]
	};
}

describe('bootstrap', () => {
	it('creates the kubernetes Service at the first address and stores the ranges', async () => {
		const s = storage();
		await bootstrapRoom(s, clock, newUid);
		const svc = (await s.get(key('kubernetes')))!.object;
		expect(svc.spec).toMatchObject({ clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, targetPort: 6443 }] });
		const r = await ranges(s);
		expect([...r.ips.map]).toEqual([0]);
		expect((await s.get('/registry/services/endpoints/default/kubernetes'))!.object.subsets[0].addresses).toEqual([{ ip: '172.18.0.2' }]);
	});

	it('rebuilds missing ranges from the stored Services (kube repair controllers)', async () => {
		const s = storage();
		await s.create('/registry/namespaces/default', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
		await s.create(key('old'), service('old', { type: 'NodePort', clusterIP: '10.96.5.5', clusterIPs: ['10.96.5.5'], ports: [{ port: 80, nodePort: 30500 }] }));
		await bootstrapRoom(s, clock, newUid);
		const r = await ranges(s);
		expect(r.ips.has('10.96.5.5') && r.ips.has('10.96.0.1')).toBe(true);
		expect([...r.ports.map].map((o) => o + 30000)).toEqual([30500]);
	});
});

describe('allocating writes', () => {
	it('store nothing when the Service exists or the namespace is missing', async () => {
		const s = storage();
		await bootstrapRoom(s, clock, newUid);
		const before = await ranges(s);
		const dup = await allocations(s).create(key('kubernetes'), service('kubernetes', { ports: [{ port: 80 }] }), '/registry/namespaces/default');
		expect(dup).toEqual({ failed: 'exists' });
		const orphan = await allocations(s, 'nowhere').create(key('x', 'nowhere'), service('x', { ports: [{ port: 80 }] }, 'nowhere'), '/registry/namespaces/nowhere');
		expect(orphan).toEqual({ failed: 'missing' });
		expect((await ranges(s)).revs).toEqual(before.revs);
	});

	it('release on delete, and leave the ranges alone for Services that hold nothing', async () => {
		const s = storage();
		await bootstrapRoom(s, clock, newUid);
		const a = allocations(s);
		const svc = service('np', { type: 'NodePort', ports: [{ port: 80 }] });
		const created = await a.create(key('np'), svc, '/registry/namespaces/default');
		expect('revision' in created).toBe(true);
		expect((await ranges(s)).ips.has(svc.spec.clusterIP)).toBe(true);
		const stored = (await s.get(key('np')))!;
		expect(await a.delete(key('np'), stored.object, stored.modRevision)).toBeGreaterThan(0);
		const after = await ranges(s);
		expect([after.ips.has(svc.spec.clusterIP), after.ports.has(svc.spec.ports[0].nodePort)]).toEqual([false, false]);
		const revs = after.revs;
		await a.create(key('ext'), service('ext', { type: 'ExternalName', externalName: 'example.com' }), '/registry/namespaces/default');
		expect((await ranges(s)).revs).toEqual(revs);
	});
});
