import { describe, expect, it } from 'vitest';
import { csiNodeWithDriver, placement, provisionDelayMs, provisionedVolume, shouldDelete, shouldProvision } from './provisioner';
import type { PersistentVolumeClaim, StorageClass } from './types';

const ZONE = 'topology.kubernetes.io/zone';
const node = (name: string, zone?: string) => ({ metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...(zone ? { [ZONE]: zone } : {}) } } });
const nodes = [node('a1', 'a'), node('a2', 'a'), node('b1', 'b')];
const cls = (extra: Partial<StorageClass> = {}): StorageClass => ({ metadata: { name: 'fast' }, provisioner: 'hostpath.csi.converge.dev', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete', ...extra });
const claim = (ann: Record<string, string> = {}): PersistentVolumeClaim => ({
	metadata: { name: 'data', namespace: 'default', uid: 'u1', resourceVersion: '9', annotations: { 'volume.kubernetes.io/storage-provisioner': 'hostpath.csi.converge.dev', ...ann } },
	spec: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }
});
const first = () => 0;

describe('external-provisioner decisions', () => {
	it('provisions only claims handed to this driver, WFFC ones once a node is selected', () => {
		const classes = new Map([['fast', cls()]]);
		expect(shouldProvision(claim(), classes)).toBeUndefined();
		expect(shouldProvision(claim({ 'volume.kubernetes.io/selected-node': 'a1' }), classes)?.metadata.name).toBe('fast');
		expect(shouldProvision(claim({ 'volume.kubernetes.io/storage-provisioner': 'other', 'volume.kubernetes.io/selected-node': 'a1' }), classes)).toBeUndefined();
		const bound = claim({ 'volume.kubernetes.io/selected-node': 'a1' });
		bound.spec.volumeName = 'pv';
		expect(shouldProvision(bound, classes)).toBeUndefined();
	});

	it('places a node-local volume on the selected node, a zonal one in its zone', () => {
		const c = claim({ 'volume.kubernetes.io/selected-node': 'b1' });
		expect(placement(c, cls(), nodes, first).affinity).toEqual({ nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['b1'] }] }] });
		expect(placement(c, cls({ parameters: { topology: 'zone' } }), nodes, first).affinity).toEqual({ nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['b'] }] }] });
		expect(placement(c, cls({ parameters: { topology: 'none' } }), nodes, first)).toEqual({});
		expect(placement(claim({ 'volume.kubernetes.io/selected-node': 'gone' }), cls(), nodes, first).error).toBe('failed to get target node: node "gone" not found');
	});

	it('Immediate: picks among the nodes allowedTopologies admit', () => {
		const zonal = cls({ volumeBindingMode: 'Immediate', parameters: { topology: 'zone' }, allowedTopologies: [{ matchLabelExpressions: [{ key: ZONE, values: ['b'] }] }] });
		expect(placement(claim(), zonal, nodes, (n) => n - 1).affinity?.nodeSelectorTerms[0].matchExpressions?.[0].values).toEqual(['b']);
	});

	it('the PV: pvc-<uid>, the class reclaim policy, the claimRef, the CSI source and the finalizer', () => {
		const pv = provisionedVolume(claim(), cls(), undefined, 'h-1', 'id-1');
		expect(pv.metadata.name).toBe('pvc-u1');
		expect(pv.metadata.finalizers).toEqual(['external-provisioner.volume.kubernetes.io/finalizer']);
		expect(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by']).toBe('hostpath.csi.converge.dev');
		expect(pv.spec).toMatchObject({
			accessModes: ['ReadWriteOnce'],
			capacity: { storage: '1Gi' },
			claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: 'u1', resourceVersion: '9' },
			csi: { driver: 'hostpath.csi.converge.dev', volumeHandle: 'h-1', fsType: 'ext4' },
			persistentVolumeReclaimPolicy: 'Delete',
			storageClassName: 'fast',
			volumeMode: 'Filesystem'
		});
		expect(provisionedVolume(claim(), cls({ reclaimPolicy: 'Retain' }), undefined, 'h', 'i').metadata.finalizers).toBeUndefined();
		expect(shouldDelete({ ...pv, status: { phase: 'Released' } })).toBe(true);
		expect(shouldDelete({ ...pv, status: { phase: 'Bound' } })).toBe(false);
	});

	it('provisioning time and attach limits are knobs', () => {
		expect(provisionDelayMs(cls())).toBe(2000);
		expect(provisionDelayMs(cls({ metadata: { name: 'x', annotations: { 'sim.converge.dev/provision-seconds': '30' } } }))).toBe(30_000);
		const limited = { metadata: { ...node('a1').metadata, annotations: { 'sim.converge.dev/max-volumes': '2' } } };
		expect(csiNodeWithDriver(limited, undefined).spec.drivers[0].allocatable).toEqual({ count: 2 });
		const other = { metadata: { name: 'a1' }, spec: { drivers: [{ name: 'ebs.csi.aws.com', nodeID: 'i-1' }] } };
		expect(csiNodeWithDriver(node('a1'), other).spec.drivers.map((d) => d.name)).toEqual(['ebs.csi.aws.com', 'hostpath.csi.converge.dev']);
	});
});
