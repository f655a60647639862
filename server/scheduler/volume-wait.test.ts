import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock/clock';
import type { KubeObject } from '../../src/lib/controllers/types';
import { checkBindings, waitVolumesBound } from './volume-wait';

const wait = { verb: 'wait-volumes-bound' as const, namespace: 'default', claims: [{ name: 'data', selectedNode: 'n1' }], timeoutMs: 600_000 };

function objects() {
	const pvc: KubeObject = { metadata: { name: 'data', namespace: 'default', uid: 'c1', annotations: { 'volume.kubernetes.io/selected-node': 'n1' } }, spec: {} };
	const pv: KubeObject = { metadata: { name: 'pvc-c1' }, spec: { claimRef: { uid: 'c1' } } };
	const look = { pvc: () => pvc, pv: (n: string) => (n === 'pvc-c1' ? pv : undefined) };
	return { pvc, look };
}

describe("VolumeBinding's PreBind wait (checkBindings)", () => {
	it('waits until the claim is fully bound (volumeName + bind-completed) to a PV that points back', () => {
		const { pvc, look } = objects();
		expect(checkBindings(wait, look)).toBe(false);
		pvc.spec.volumeName = 'pvc-c1';
		expect(checkBindings(wait, look)).toBe(false);
		pvc.metadata.annotations!['pv.kubernetes.io/bind-completed'] = 'yes';
		expect(checkBindings(wait, look)).toBe(true);
	});

	it('fails at once when the provisioner reset the node choice', () => {
		const { pvc, look } = objects();
		delete pvc.metadata.annotations!['volume.kubernetes.io/selected-node'];
		expect(() => checkBindings(wait, look)).toThrow('selectedNode annotation reset for PVC "data"');
	});

	it('gives up after bindTimeoutSeconds of room time with the real error', async () => {
		const { look } = objects();
		const clock = new ManualClock(0);
		const p = waitVolumesBound(wait, look, clock, new AbortController().signal);
		clock.advance(599_000);
		let settled = false;
		void p.catch(() => (settled = true));
		await Promise.resolve();
		expect(settled).toBe(false);
		clock.advance(1_000);
		await expect(p).rejects.toThrow('binding volumes: context deadline exceeded');
	});

	it('gives up at once when the scheduler stops, even with the room clock paused', async () => {
		const { look } = objects();
		const stop = new AbortController();
		const p = waitVolumesBound(wait, look, new ManualClock(0), stop.signal);
		stop.abort();
		await expect(p).rejects.toThrow('scheduler stopped');
	});
});
