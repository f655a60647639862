import { describe, expect, it } from 'vitest';
import { externalProvisioningMessage, syncClaim, syncVolume, type BinderWorld, type BinderWrite } from './binder';
import { defaultClass } from './default-class';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from './types';

/** A little cluster: the writes are applied to it like the controller's executor does. */
function world(objs: { pvs?: PersistentVolume[]; pvcs?: PersistentVolumeClaim[]; classes?: StorageClass[]; pods?: string[] } = {}) {
	const pvs = new Map((objs.pvs ?? []).map((v) => [v.metadata.name, v]));
	const pvcs = new Map((objs.pvcs ?? []).map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c]));
	const classes = new Map((objs.classes ?? []).map((s) => [s.metadata.name, s]));
	const events: string[] = [];
	const w: BinderWorld = { pvs, pvcs, classes, now: '2026-01-01T00:00:00Z', unscheduledPodsUsing: () => objs.pods ?? [] };
	const run = (writes: BinderWrite[]) => {
		for (const x of writes) {
			if (x.op === 'event') events.push(`${x.type} ${x.reason} ${x.message}`);
			else if (x.op === 'pv') {
				const o = structuredClone(pvs.get(x.name)!);
				x.mutate(o);
				pvs.set(x.name, o);
			} else if (x.op === 'pvc') {
				const o = structuredClone(pvcs.get(x.key)!);
				x.mutate(o);
				pvcs.set(x.key, o);
			}
		}
		return writes;
	};
	return { w, pvs, pvcs, events, run };
}

const claim = (name: string, cls: string | undefined, extra: Partial<PersistentVolumeClaim['metadata']> = {}): PersistentVolumeClaim => ({
	metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7', ...extra },
	spec: { ...(cls !== undefined ? { storageClassName: cls } : {}), accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
	status: { phase: 'Pending' }
});
const volume = (name: string, cls: string, size = '2Gi'): PersistentVolume => ({
	metadata: { name },
	spec: { storageClassName: cls, capacity: { storage: size }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain' },
	status: { phase: 'Available' }
});
const sc = (name: string, provisioner: string, mode = 'Immediate', ann?: Record<string, string>): StorageClass => ({ metadata: { name, annotations: ann }, provisioner, volumeBindingMode: mode });

describe('persistentvolume-binder: claims', () => {
	it('binds an Immediate claim to the smallest matching volume: claimRef, phases, bind-completed and bound-by-controller', () => {
		const t = world({ pvs: [volume('big', 'manual', '10Gi'), volume('small', 'manual', '2Gi')], pvcs: [claim('data', 'manual')] });
		t.run(syncClaim(t.pvcs.get('default/data')!, t.w));
		const pv = t.pvs.get('small')!;
		const pvc = t.pvcs.get('default/data')!;
		expect(pv.spec.claimRef).toEqual({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: 'uid-data', apiVersion: 'v1', resourceVersion: '7' });
		expect(pv.metadata.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
		expect(pv.status).toEqual({ phase: 'Bound', lastPhaseTransitionTime: '2026-01-01T00:00:00Z' });
		expect(pvc.spec.volumeName).toBe('small');
		expect(pvc.metadata.annotations).toEqual({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
		expect(pvc.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
		expect(t.pvs.get('big')!.spec.claimRef).toBeUndefined();
		// Syncing again changes nothing.
		const again = structuredClone([...t.pvs.values(), ...t.pvcs.values()]);
		t.run(syncClaim(pvc, t.w));
		t.run(syncVolume(t.pvs.get('small')!, t.w));
		expect([...t.pvs.values(), ...t.pvcs.values()]).toEqual(again);
	});

	it('WaitForFirstConsumer: no binding without a node, with the real event (pods named when they wait)', () => {
		const t = world({ pvs: [volume('pv', 'local')], pvcs: [claim('data', 'local')], classes: [sc('local', 'kubernetes.io/no-provisioner', 'WaitForFirstConsumer')] });
		t.run(syncClaim(t.pvcs.get('default/data')!, t.w));
		expect(t.events).toEqual(['Normal WaitForFirstConsumer waiting for first consumer to be created before binding']);
		expect(t.pvs.get('pv')!.spec.claimRef).toBeUndefined();
		const p = world({ pvcs: [claim('data', 'local')], classes: [sc('local', 'x', 'WaitForFirstConsumer')], pods: ['web-0'] });
		p.run(syncClaim(p.pvcs.get('default/data')!, p.w));
		expect(p.events).toEqual(['Normal WaitForPodScheduled waiting for pod web-0 to be scheduled']);
	});

	it('hands a claim to its external provisioner (Immediate, or WFFC once a node is selected)', () => {
		for (const [mode, ann] of [
			['Immediate', {}],
			['WaitForFirstConsumer', { 'volume.kubernetes.io/selected-node': 'n1' }]
		] as const) {
			const t = world({ pvcs: [claim('data', 'fast', { annotations: { ...ann } })], classes: [sc('fast', 'hostpath.csi.converge.dev', mode)] });
			t.run(syncClaim(t.pvcs.get('default/data')!, t.w));
			expect(t.pvcs.get('default/data')!.metadata.annotations).toMatchObject({
				'volume.beta.kubernetes.io/storage-provisioner': 'hostpath.csi.converge.dev',
				'volume.kubernetes.io/storage-provisioner': 'hostpath.csi.converge.dev'
			});
			expect(t.events).toEqual([`Normal ExternalProvisioning ${externalProvisioningMessage('hostpath.csi.converge.dev')}`]);
		}
	});

	it('no class and no volume; a missing class; an in-tree provisioner name', () => {
		const none = world({ pvcs: [claim('a', '')] });
		none.run(syncClaim(none.pvcs.get('default/a')!, none.w));
		expect(none.events).toEqual(['Normal FailedBinding no persistent volumes available for this claim and no storage class is set']);
		const missing = world({ pvcs: [claim('a', 'gold')] });
		missing.run(syncClaim(missing.pvcs.get('default/a')!, missing.w));
		expect(missing.events).toEqual(['Warning ProvisioningFailed storageclass.storage.k8s.io "gold" not found']);
		const intree = world({ pvcs: [claim('a', 'local')], classes: [sc('local', 'kubernetes.io/no-provisioner')] });
		intree.run(syncClaim(intree.pvcs.get('default/a')!, intree.w));
		expect(intree.events).toEqual(['Warning ProvisioningFailed no volume plugin matched name: kubernetes.io/no-provisioner']);
	});

	it('a provisioned PV (claimRef set by the provisioner) is bound without bound-by-controller on the PV', () => {
		const pv = { ...volume('pvc-uid-data', 'fast'), metadata: { name: 'pvc-uid-data', annotations: { 'pv.kubernetes.io/provisioned-by': 'd' } }, spec: { ...volume('x', 'fast').spec, claimRef: { namespace: 'default', name: 'data', uid: 'uid-data' } } };
		const t = world({ pvs: [pv], pvcs: [claim('data', 'fast')], classes: [sc('fast', 'd')] });
		expect(syncVolume(pv, t.w)).toEqual([{ op: 'sync-claim', key: 'default/data' }]);
		t.run(syncClaim(t.pvcs.get('default/data')!, t.w));
		expect(t.pvs.get('pvc-uid-data')!.metadata.annotations).toEqual({ 'pv.kubernetes.io/provisioned-by': 'd' });
		expect(t.pvcs.get('default/data')!.status!.phase).toBe('Bound');
	});

	it('a user pre-binding to a volume that cannot serve the claim: VolumeMismatch', () => {
		const c = claim('data', 'manual');
		c.spec.volumeName = 'tiny';
		const t = world({ pvs: [volume('tiny', 'manual', '10Mi')], pvcs: [c] });
		t.run(syncClaim(c, t.w));
		expect(t.events).toEqual(['Warning VolumeMismatch Cannot bind to requested volume "tiny": requested PV is too small']);
	});

	it('a bound claim whose volume is gone is Lost', () => {
		const c = claim('data', 'manual', { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } });
		c.spec.volumeName = 'gone';
		const t = world({ pvcs: [c] });
		t.run(syncClaim(c, t.w));
		expect(t.pvcs.get('default/data')!.status!.phase).toBe('Lost');
		expect(t.events).toEqual(['Warning ClaimLost Bound claim has lost its PersistentVolume. Data on the volume is lost!']);
	});

	it('RetroactiveDefaultStorageClass: a claim without a class gets the default one', () => {
		const t = world({ pvcs: [claim('data', undefined)], classes: [sc('standard', 'd', 'WaitForFirstConsumer', { 'storageclass.kubernetes.io/is-default-class': 'true' })] });
		t.run(syncClaim(t.pvcs.get('default/data')!, t.w));
		expect(t.pvcs.get('default/data')!.spec.storageClassName).toBe('standard');
	});
});

describe('persistentvolume-binder: volumes', () => {
	const boundPv = (policy: string, provisionedBy?: string): PersistentVolume => ({
		metadata: { name: 'v', annotations: provisionedBy ? { 'pv.kubernetes.io/provisioned-by': provisionedBy } : {} },
		spec: { ...volume('v', 'x').spec, persistentVolumeReclaimPolicy: policy, claimRef: { namespace: 'default', name: 'gone', uid: 'uid-gone' } },
		status: { phase: 'Bound' }
	});

	it('a volume without a claimRef becomes Available', () => {
		const pv = { ...volume('v', 'x'), status: { phase: 'Pending' } };
		const t = world({ pvs: [pv] });
		t.run(syncVolume(pv, t.w));
		expect(t.pvs.get('v')!.status!.phase).toBe('Available');
	});

	it('the claim is gone: Retain → Released and kept', () => {
		const t = world({ pvs: [boundPv('Retain')] });
		t.run(syncVolume(t.pvs.get('v')!, t.w));
		expect(t.pvs.get('v')!.status!.phase).toBe('Released');
		expect(t.events).toEqual([]);
	});

	it('the claim is gone: Delete of an external provisioner\'s volume → Released, left to that provisioner', () => {
		const t = world({ pvs: [boundPv('Delete', 'hostpath.csi.converge.dev')] });
		t.run(syncVolume(t.pvs.get('v')!, t.w));
		expect(t.pvs.get('v')!.status!.phase).toBe('Released');
		expect(t.events).toEqual([]);
	});

	it('the claim is gone: Delete of a static volume → Failed, no deleter plugin', () => {
		const t = world({ pvs: [boundPv('Delete')] });
		t.run(syncVolume(t.pvs.get('v')!, t.w));
		expect(t.pvs.get('v')!.status).toMatchObject({ phase: 'Failed', message: 'error getting deleter volume plugin for volume "v": no deletable volume plugin matched' });
		expect(t.events).toEqual(['Warning VolumeFailedDelete error getting deleter volume plugin for volume "v": no deletable volume plugin matched']);
	});

	it("a claim recreated with the same name (new uid) does not own the old volume", () => {
		const t = world({ pvs: [boundPv('Retain')], pvcs: [claim('gone', 'x', { uid: 'uid-new' })] });
		t.run(syncVolume(t.pvs.get('v')!, t.w));
		expect(t.pvs.get('v')!.status!.phase).toBe('Released');
	});
});

describe('default class (GetDefaultClass)', () => {
	it('the newest annotated class, then the name', () => {
		const mk = (name: string, ts: string, def = true) => ({ metadata: { name, creationTimestamp: ts, annotations: def ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : ({} as Record<string, string>) } });
		expect(defaultClass([mk('a', '2026-01-01T00:00:00Z'), mk('b', '2026-01-02T00:00:00Z'), mk('c', '2026-01-03T00:00:00Z', false)])?.metadata.name).toBe('b');
		expect(defaultClass([mk('z', '2026-01-01T00:00:00Z'), mk('y', '2026-01-01T00:00:00Z')])?.metadata.name).toBe('y');
		expect(defaultClass([mk('c', '2026-01-03T00:00:00Z', false)])).toBeUndefined();
	});
});
