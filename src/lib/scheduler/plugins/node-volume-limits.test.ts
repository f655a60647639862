import { describe, expect, it } from 'vitest';
import { makeNode, makePod, runFilterPlugin, snapshotOf } from '../test-fixtures';
import type { CSINode, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../types';
import * as nodeVolumeLimits from './node-volume-limits';

// The shape of nodevolumelimits/csi_test.go: a CSINode limit per driver, volumes counted by
// driver/handle from bound PVs or, for unbound claims, from the class's provisioner.
const DRIVER = 'hostpath.csi.converge.dev';
const csiNode = (name: string, count: number): CSINode => ({ metadata: { name }, spec: { drivers: [{ name: DRIVER, nodeID: name, allocatable: { count } }] } });
const pv = (name: string): PersistentVolume => ({ metadata: { name }, spec: { csi: { driver: DRIVER, volumeHandle: `h-${name}` } } as PersistentVolume['spec'] });
const claim = (name: string, volumeName?: string): PersistentVolumeClaim => ({ metadata: { name, namespace: 'default' }, spec: { storageClassName: 'csi', ...(volumeName ? { volumeName } : {}) } });
const sc: StorageClass = { metadata: { name: 'csi' }, provisioner: DRIVER };
const using = (name: string, claims: string[], node?: string): Pod => makePod(name, { node, spec: { volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })) } });

describe('NodeVolumeLimits', () => {
	const nodes = [makeNode('a'), makeNode('b')];
	const objects = {
		pvcs: [claim('c1', 'pv1'), claim('c2', 'pv2'), claim('new1'), claim('new2')],
		pvs: [pv('pv1'), pv('pv2')],
		storageClasses: [sc],
		csiNodes: [csiNode('a', 2), csiNode('b', 3)]
	};

	it('counts attached volumes plus the new ones against the CSINode limit', () => {
		const snap = snapshotOf(nodes, [using('x', ['c1', 'c2'], 'a')], objects);
		expect(runFilterPlugin(nodeVolumeLimits.create(), snap, using('p', ['new1']))).toEqual({ a: 'node(s) exceed max volume count', b: '' });
		expect(runFilterPlugin(nodeVolumeLimits.create(), snap, using('p', ['new1', 'new2']))).toEqual({ a: 'node(s) exceed max volume count', b: '' });
	});

	it('a volume already attached to the node does not count twice', () => {
		const snap = snapshotOf(nodes, [using('x', ['c1', 'c2'], 'a')], objects);
		expect(runFilterPlugin(nodeVolumeLimits.create(), snap, using('p', ['c1']))).toEqual({ a: '', b: '' });
	});

	it('no CSINode limit: no restriction; pods without claims are skipped', () => {
		const snap = snapshotOf(nodes, [using('x', ['c1', 'c2'], 'a')], { ...objects, csiNodes: [] });
		expect(runFilterPlugin(nodeVolumeLimits.create(), snap, using('p', ['new1', 'new2']))).toEqual({ a: '', b: '' });
		expect(runFilterPlugin(nodeVolumeLimits.create(), snap, makePod('plain'))).toEqual({ a: '', b: '' });
	});
});
