import { describe, expect, it } from 'vitest';
import { findBestMatchForClaim, findMatchingVolume, volumeUnsatisfiedReason } from './matching';
import type { PersistentVolume, PersistentVolumeClaim } from './types';

// kube's own cases: pkg/controller/volume/persistentvolume/index_test.go (createTestVolumes,
// TestMatchVolume, TestFindingVolumeWithDifferentAccessModes, TestFindingPreboundVolumes). The
// volumes are Available, as the controller requires; `name` carries the test's UID.
const RWO = 'ReadWriteOnce';
const ROX = 'ReadOnlyMany';
const RWX = 'ReadWriteMany';
const vol = (name: string, size: string, modes: string[], extra: { claimRef?: object; labels?: Record<string, string>; cls?: string } = {}): PersistentVolume => ({
	metadata: { name, labels: extra.labels, annotations: extra.cls ? { 'volume.beta.kubernetes.io/storage-class': extra.cls } : undefined },
	spec: { capacity: { storage: size }, accessModes: modes, ...(extra.claimRef ? { claimRef: extra.claimRef } : {}) },
	status: { phase: 'Available' }
});
const testVolumes = (): PersistentVolume[] => [
	vol('gce-pd-10', '10G', [RWO, ROX]),
	vol('gce-pd-20', '20G', [RWO, ROX], { claimRef: { uid: 'def456' } }),
	vol('nfs-5', '5G', [RWO, ROX, RWX]),
	vol('gce-pd-1', '1G', [RWO, ROX], { claimRef: { uid: 'abc123' } }),
	vol('nfs-10', '10G', [RWO, ROX, RWX]),
	vol('gce-pd-5', '5G', [RWO, ROX]),
	vol('nfs-1', '1G', [RWO, ROX, RWX]),
	vol('gce-pd-2', '20000G', [RWO], { labels: { 'should-exist': 'true' } }),
	vol('gce-pd-silver1', '10000G', [RWO], { labels: { 'should-exist': 'true' }, cls: 'silver' }),
	vol('gce-pd-silver2', '100G', [RWO], { cls: 'silver' }),
	vol('gce-pd-gold', '50G', [RWO], { cls: 'gold' })
];
const claim = (size: string, mod: (c: PersistentVolumeClaim) => void = () => {}): PersistentVolumeClaim => {
	const c: PersistentVolumeClaim = { metadata: { name: 'claim01', namespace: 'myns', uid: 'claim-uid' }, spec: { accessModes: [ROX, RWO], resources: { requests: { storage: size } } } };
	mod(c);
	return c;
};
const best = (c: PersistentVolumeClaim, vols = testVolumes()) => findBestMatchForClaim(c, vols, false)?.metadata.name ?? '';

describe('findBestMatchForClaim (TestMatchVolume)', () => {
	it.each([
		['successful-match-gce-10', 'gce-pd-10', claim('8G')],
		['successful-match-nfs-5', 'nfs-5', claim('5G', (c) => (c.spec.accessModes = [ROX, RWO, RWX]))],
		['successful-skip-1g-bound-volume', 'gce-pd-5', claim('1G')],
		['successful-no-match', '', claim('999G')],
		['successful-no-match-due-to-label', '', claim('999G', (c) => (c.spec.selector = { matchLabels: { 'should-not-exist': 'true' } }))],
		[
			'successful-no-match-due-to-size-constraint-with-label-selector',
			'',
			claim('20000G', (c) => {
				c.spec.selector = { matchLabels: { 'should-exist': 'true' } };
				c.spec.accessModes = [ROX, RWO];
			})
		],
		[
			'successful-match-due-with-constraint-and-label-selector',
			'gce-pd-2',
			claim('20000G', (c) => {
				c.spec.selector = { matchLabels: { 'should-exist': 'true' } };
				c.spec.accessModes = [RWO];
			})
		],
		[
			'successful-match-with-class',
			'gce-pd-silver1',
			claim('1G', (c) => {
				c.metadata.annotations = { 'volume.beta.kubernetes.io/storage-class': 'silver' };
				c.spec.selector = { matchLabels: { 'should-exist': 'true' } };
				c.spec.accessModes = [RWO];
			})
		],
		[
			'successful-match-with-class-and-labels',
			'gce-pd-silver2',
			claim('1G', (c) => {
				c.metadata.annotations = { 'volume.beta.kubernetes.io/storage-class': 'silver' };
				c.spec.accessModes = [RWO];
			})
		]
	])('%s', (_name, want, c) => expect(best(c)).toBe(want));
});

describe('access-mode levels (TestFindingVolumeWithDifferentAccessModes)', () => {
	it('prefers the volume with the fewest modes that cover the request', () => {
		const gce = vol('gce', '10G', [RWO, ROX]);
		const ebs = vol('ebs', '10G', [RWO]);
		const nfs = vol('nfs', '10G', [RWO, ROX, RWX]);
		const c = claim('1G', (x) => (x.spec.accessModes = [RWO]));
		expect(best(c, [gce, ebs, nfs])).toBe('ebs');
		c.spec.accessModes = [RWO, ROX];
		expect(best(c, [gce, ebs, nfs])).toBe('gce');
		c.spec.accessModes = [RWX, RWO, ROX];
		expect(best(c, [gce, ebs, nfs])).toBe('nfs');
		c.spec.accessModes = [RWX];
		expect(best(c, [gce, ebs, nfs])).toBe('nfs');
		// The exact match is taken: the next level up.
		ebs.spec.claimRef = {};
		c.spec.accessModes = [RWO];
		expect(best(c, [gce, ebs, nfs])).toBe('gce');
		gce.spec.claimRef = {};
		expect(best(c, [gce, ebs, nfs])).toBe('nfs');
		gce.spec.claimRef = null;
		c.spec.accessModes = [ROX];
		expect(best(c, [gce, ebs, nfs])).toBe('gce');
	});
});

describe('pre-bound volumes (TestFindingPreboundVolumes)', () => {
	it('a volume pre-bound to the claim wins when big enough and with the right modes', () => {
		const c = claim('1Gi', (x) => (x.spec.accessModes = [RWO]));
		const ref = { kind: 'PersistentVolumeClaim', namespace: 'myns', name: 'claim01', uid: 'claim-uid' };
		const pv1 = vol('pv1', '1Gi', [RWO]);
		const pv5 = vol('pv5', '5Gi', [RWO]);
		const pv8 = vol('pv8', '8Gi', [RWO]);
		const bad = vol('pvBadSize', '1Mi', [RWO]);
		const badMode = vol('pvBadMode', '1Gi', [ROX]);
		const all = [pv1, pv5, pv8, bad, badMode];
		expect(best(c, all)).toBe('pv1');
		pv1.spec.claimRef = { name: 'foo', namespace: 'bar' };
		expect(best(c, all)).toBe('pv5');
		pv1.spec.claimRef = null;
		pv8.spec.claimRef = ref;
		expect(best(c, all)).toBe('pv8');
		pv8.spec.claimRef = null;
		bad.spec.claimRef = ref;
		expect(best(c, all)).toBe('pv1');
		bad.spec.claimRef = null;
		badMode.spec.claimRef = ref;
		expect(best(c, all)).toBe('pv1');
	});
});

describe('findMatchingVolume (the scheduler path)', () => {
	const zonal = (name: string, host: string): PersistentVolume => ({
		...vol(name, '10Gi', [RWO]),
		spec: { ...vol(name, '10Gi', [RWO]).spec, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [host] }] }] } } }
	});
	const node = (name: string) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
	const c = claim('1Gi', (x) => (x.spec.accessModes = [RWO]));

	it('without a node, delay-binding claims match only pre-bound volumes', () => {
		expect(findMatchingVolume(c, [zonal('a', 'n1')], { delayBinding: true })).toBeUndefined();
		expect(findMatchingVolume(c, [zonal('a', 'n1')], { delayBinding: false })?.metadata.name).toBe('a');
	});

	it("with a node, the PV's node affinity must allow it; chosen volumes are excluded", () => {
		const vols = [zonal('a', 'n1'), zonal('b', 'n2')];
		expect(findMatchingVolume(c, vols, { delayBinding: true, node: node('n2') })?.metadata.name).toBe('b');
		expect(findMatchingVolume(c, vols, { delayBinding: true, node: node('n2'), excluded: new Set(['b']) })).toBeUndefined();
	});

	it('volumes not Available, being deleted or of another volumeMode are skipped', () => {
		expect(findMatchingVolume(c, [{ ...vol('x', '1Gi', [RWO]), status: { phase: 'Released' } }], { delayBinding: false })).toBeUndefined();
		expect(findMatchingVolume(c, [{ ...vol('x', '1Gi', [RWO]), spec: { ...vol('x', '1Gi', [RWO]).spec, volumeMode: 'Block' } }], { delayBinding: false })).toBeUndefined();
	});
});

describe('volumeUnsatisfiedReason (checkVolumeSatisfyClaim)', () => {
	it('names the first mismatch', () => {
		const c = claim('5Gi', (x) => (x.spec.accessModes = [RWO]));
		expect(volumeUnsatisfiedReason(vol('v', '1Gi', [RWO]), c)).toBe('requested PV is too small');
		expect(volumeUnsatisfiedReason(vol('v', '5Gi', [RWO], { cls: 'gold' }), c)).toBe('storageClassName does not match');
		expect(volumeUnsatisfiedReason(vol('v', '5Gi', [ROX]), c)).toBe('incompatible accessMode');
		expect(volumeUnsatisfiedReason(vol('v', '5Gi', [RWO]), c)).toBe('');
	});
});
