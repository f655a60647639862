import { describe, expect, it } from 'vitest';
import { podUsesClaim, volumeInUse } from './protection';
import type { PersistentVolumeClaim } from './types';

const claim: PersistentVolumeClaim = { metadata: { name: 'data', namespace: 'default' }, spec: {} };
const pod = (nodeName: string | undefined, volumes: object[], phase = 'Running', namespace = 'default') => ({ metadata: { name: 'web', namespace }, spec: { nodeName, volumes }, status: { phase } }) as never;

describe('pvc-protection / pv-protection', () => {
	it('a scheduled pod naming the claim keeps it; unscheduled pods and other namespaces do not', () => {
		const vol = [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }];
		expect(podUsesClaim(pod('n1', vol), claim)).toBe(true);
		expect(podUsesClaim(pod(undefined, vol), claim)).toBe(false);
		expect(podUsesClaim(pod('n1', vol, 'Running', 'other'), claim)).toBe(false);
	});

	it('a generic ephemeral volume (<pod>-<volume>) holds its claim only while the pod runs', () => {
		const eph = { metadata: { name: 'web-scratch', namespace: 'default' }, spec: {} };
		const vol = [{ name: 'scratch', ephemeral: {} }];
		expect(podUsesClaim(pod('n1', vol), eph)).toBe(true);
		expect(podUsesClaim(pod('n1', vol, 'Succeeded'), eph)).toBe(false);
	});

	it('a volume is in use while Bound', () => {
		expect(volumeInUse({ metadata: { name: 'v' }, spec: {}, status: { phase: 'Bound' } })).toBe(true);
		expect(volumeInUse({ metadata: { name: 'v' }, spec: {}, status: { phase: 'Released' } })).toBe(false);
	});
});
