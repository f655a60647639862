import { describe, expect, it } from 'vitest';
import { CycleState } from '../framework';
import { makeNode, makePod, runFilterPlugin, snapshotOf } from '../test-fixtures';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../types';
import * as volumeBinding from './volume-binding';
import * as volumeRestrictions from './volume-restrictions';
import * as volumeZone from './volume-zone';

const ZONE = 'topology.kubernetes.io/zone';
const nodes = [makeNode('a', { labels: { [ZONE]: 'z1' } }), makeNode('b', { labels: { [ZONE]: 'z2' } })];
const wffc: StorageClass = { metadata: { name: 'zonal' }, provisioner: 'csi.sim', volumeBindingMode: 'WaitForFirstConsumer', allowedTopologies: [{ matchLabelExpressions: [{ key: ZONE, values: ['z2'] }] }] };
const immediate: StorageClass = { metadata: { name: 'std' }, provisioner: 'csi.sim', volumeBindingMode: 'Immediate' };
// A claim with a volumeName is fully bound (the PV controller's bind-completed annotation).
const claim = (name: string, sc: string, volumeName?: string, modes = ['ReadWriteOnce']): PersistentVolumeClaim => ({
	metadata: { name, namespace: 'default', ...(volumeName ? { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } } : {}) },
	spec: { storageClassName: sc, accessModes: modes, resources: { requests: { storage: '1Gi' } }, ...(volumeName ? { volumeName } : {}) }
});
const zonalPv = (name: string, zone: string): PersistentVolume => ({
	metadata: { name, labels: { [ZONE]: zone } },
	spec: { storageClassName: 'std', capacity: { storage: '1Gi' }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: [zone] }] }] } } },
	status: { phase: 'Available' }
});
const waitWrite = (name: string, selectedNode?: string) => ({ verb: 'wait-volumes-bound', namespace: 'default', claims: [{ name, selectedNode }], timeoutMs: 600_000 });
const usingClaim = (c: string, node?: string) => makePod(node ? `user-${node}` : 'p', { node, spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: c } }] } });

describe('VolumeBinding', () => {
	it('unbound Immediate claims and missing claims fail at PreFilter', () => {
		const snap = snapshotOf(nodes, [], { pvcs: [claim('data', 'std')], storageClasses: [immediate] });
		expect(runFilterPlugin(volumeBinding.create(), snap, usingClaim('data'))).toEqual({ prefilter: 'pod has unbound immediate PersistentVolumeClaims' });
		expect(runFilterPlugin(volumeBinding.create(), snap, usingClaim('nope'))).toEqual({ prefilter: 'persistentvolumeclaim "nope" not found' });
	});

	it('a claim with a volumeName the PV controller has not completed is an unbound immediate claim', () => {
		const half = { ...claim('data', 'std', 'pv1'), metadata: { name: 'data', namespace: 'default' } };
		const snap = snapshotOf(nodes, [], { pvcs: [half], pvs: [zonalPv('pv1', 'z1')], storageClasses: [immediate] });
		expect(runFilterPlugin(volumeBinding.create(), snap, usingClaim('data'))).toEqual({ prefilter: 'pod has unbound immediate PersistentVolumeClaims' });
	});

	it('WaitForFirstConsumer without a provisioner (local volumes): only nodes with an available PV fit', () => {
		const local: StorageClass = { metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' };
		const pv: PersistentVolume = { ...zonalPv('pv1', 'z2'), spec: { ...zonalPv('pv1', 'z2').spec, storageClassName: 'local', accessModes: ['ReadWriteOnce'] } };
		const snap = snapshotOf(nodes, [], { pvcs: [claim('data', 'local')], pvs: [pv], storageClasses: [local] });
		expect(runFilterPlugin(volumeBinding.create(), snap, usingClaim('data'))).toEqual({ a: volumeBinding.ERR_REASON_BIND_CONFLICT, b: '' });
	});

	it("a bound PV's node affinity restricts nodes; a missing PV is reported", () => {
		const snap = snapshotOf(nodes, [], { pvcs: [claim('data', 'std', 'pv1'), claim('lost', 'std', 'gone')], pvs: [zonalPv('pv1', 'z1')], storageClasses: [immediate] });
		expect(runFilterPlugin(volumeBinding.create(), snap, usingClaim('data'))).toEqual({ a: '', b: volumeBinding.ERR_REASON_NODE_CONFLICT });
		expect(runFilterPlugin(volumeBinding.create(), snap, usingClaim('lost')).a).toBe(volumeBinding.ERR_REASON_PV_NOT_EXIST);
	});

	it('WaitForFirstConsumer: provisioning follows allowedTopologies; PreBind selects the node', () => {
		const snap = snapshotOf(nodes, [], { pvcs: [claim('data', 'zonal')], storageClasses: [wffc] });
		const plugin = volumeBinding.create();
		expect(runFilterPlugin(plugin, snap, usingClaim('data'))).toEqual({ a: volumeBinding.ERR_REASON_BIND_CONFLICT, b: '' });
		const state = new CycleState(snap);
		const pod = usingClaim('data');
		plugin.preFilter!(state, pod);
		expect(plugin.filter!(state, pod, snap.get('b')!).isSuccess()).toBe(true);
		plugin.reserve!(state, pod, 'b');
		expect(plugin.preBind!(state, pod, 'b').writes).toEqual([
			{ verb: 'patch-pvc-annotation', namespace: 'default', name: 'data', annotation: 'volume.kubernetes.io/selected-node', value: 'b' },
			waitWrite('data', 'b')
		]);
	});

	it('WaitForFirstConsumer: an available static PV is bound through its claimRef', () => {
		const pv: PersistentVolume = { ...zonalPv('pv1', 'z1'), spec: { ...zonalPv('pv1', 'z1').spec, storageClassName: 'zonal', accessModes: ['ReadWriteOnce'] } };
		const snap = snapshotOf(nodes, [], { pvcs: [claim('data', 'zonal')], pvs: [pv], storageClasses: [{ ...wffc, allowedTopologies: [] }] });
		const plugin = volumeBinding.create();
		const state = new CycleState(snap);
		const pod = usingClaim('data');
		plugin.preFilter!(state, pod);
		plugin.filter!(state, pod, snap.get('a')!);
		plugin.reserve!(state, pod, 'a');
		expect(plugin.preBind!(state, pod, 'a').writes).toEqual([{ verb: 'bind-pv', pv: 'pv1', claim: { namespace: 'default', name: 'data', uid: undefined } }, waitWrite('data')]);
	});
});

describe('VolumeZone', () => {
	it("a zonal PV keeps the pod in the PV's zone", () => {
		const snap = snapshotOf([...nodes, makeNode('nozone')], [], { pvcs: [claim('data', 'std', 'pv1')], pvs: [zonalPv('pv1', 'z1')], storageClasses: [immediate] });
		expect(runFilterPlugin(volumeZone.create(), snap, usingClaim('data'))).toEqual({ a: '', b: volumeZone.ERR_REASON_CONFLICT, nozone: '' });
		expect(volumeZone.ERR_REASON_CONFLICT).toBe('node(s) had no available volume zone');
	});
});

describe('VolumeRestrictions', () => {
	it('a ReadWriteOncePod claim in use blocks every node', () => {
		const snap = snapshotOf(nodes, [usingClaim('solo', 'a')], { pvcs: [claim('solo', 'std', 'pv1', ['ReadWriteOncePod'])] });
		expect(runFilterPlugin(volumeRestrictions.create(), snap, usingClaim('solo'))).toEqual({ a: volumeRestrictions.ERR_REASON_RWOP_CONFLICT, b: volumeRestrictions.ERR_REASON_RWOP_CONFLICT });
	});

	it('the same inline GCE PD conflicts unless both are read-only', () => {
		const pd = (name: string, readOnly: boolean, node?: string) => makePod(name, { node, spec: { volumes: [{ name: 'd', gcePersistentDisk: { pdName: 'disk1', readOnly } }] } });
		const snap = snapshotOf(nodes, [pd('x', true, 'a')]);
		expect(runFilterPlugin(volumeRestrictions.create(), snap, pd('p', false))).toEqual({ a: volumeRestrictions.ERR_REASON_DISK_CONFLICT, b: '' });
		expect(runFilterPlugin(volumeRestrictions.create(), snap, pd('p', true))).toEqual({ a: '', b: '' });
	});
});
