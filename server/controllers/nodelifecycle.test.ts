import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/lib/controllers/types';
import { desiredTaints, evictionTime, tolerates, TAINT_NOT_READY, TAINT_UNREACHABLE } from './nodelifecycle';

const T = Date.parse('2026-01-01T00:00:00Z');
const node = (status: string, taints?: object[]): KubeObject => ({ metadata: { name: 'n1' }, spec: { taints }, status: { conditions: [{ type: 'Ready', status }] } });
const pod = (tolerations: object[]): KubeObject => ({ metadata: { name: 'p' }, spec: { nodeName: 'n1', tolerations } });
const unreachable = { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' };

describe('node lifecycle taints', () => {
	it('maps Ready to taints: Unknown → unreachable, False → not-ready, True → none', () => {
		expect(desiredTaints(node('Unknown'), T)).toEqual([
			{ key: TAINT_UNREACHABLE, effect: 'NoSchedule' },
			{ key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' }
		]);
		expect(desiredTaints(node('False'), T).map((t) => t.key)).toEqual([TAINT_NOT_READY, TAINT_NOT_READY]);
		expect(desiredTaints(node('True'), T)).toEqual([]);
	});

	it('keeps the timeAdded of a NoExecute taint already there', () => {
		const kept = desiredTaints(node('Unknown', [{ ...unreachable, timeAdded: '2025-12-31T23:59:00Z' }]), T);
		expect(kept[1].timeAdded).toBe('2025-12-31T23:59:00Z');
	});

	it('taints a cordoned node unschedulable, keeping its timeAdded, next to pressure and Ready taints', () => {
		const cordoned: KubeObject = { metadata: { name: 'n1' }, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
		expect(desiredTaints(cordoned, T)).toEqual([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: '2026-01-01T00:00:00Z' }]);
		const later = { ...cordoned, spec: { unschedulable: true, taints: desiredTaints(cordoned, T) } };
		expect(desiredTaints(later, T + 60_000)[0].timeAdded).toBe('2026-01-01T00:00:00Z');
		const down: KubeObject = { ...cordoned, status: { conditions: [{ type: 'Ready', status: 'Unknown' }, { type: 'DiskPressure', status: 'True' }] } };
		expect(desiredTaints(down, T).map((t) => `${t.key}:${t.effect}`)).toEqual([
			`${TAINT_UNREACHABLE}:NoSchedule`,
			'node.kubernetes.io/disk-pressure:NoSchedule',
			'node.kubernetes.io/unschedulable:NoSchedule',
			`${TAINT_UNREACHABLE}:NoExecute`
		]);
	});
});

describe('taint eviction', () => {
	it('matches tolerations like v1helper (Exists, Equal, empty key, effect)', () => {
		expect(tolerates({ operator: 'Exists' }, unreachable)).toBe(true);
		expect(tolerates({ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoSchedule' }, unreachable)).toBe(false);
		expect(tolerates({ key: 'a', value: 'b' }, { key: 'a', value: 'b', effect: 'NoExecute' })).toBe(true);
		expect(tolerates({ key: 'a', value: 'c' }, { key: 'a', value: 'b', effect: 'NoExecute' })).toBe(false);
	});

	it('evicts at timeAdded + tolerationSeconds, at once without a toleration, never when tolerated forever', () => {
		const toleration = { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
		expect(evictionTime(pod([toleration]), [unreachable], T + 10_000)).toBe(T + 300_000);
		expect(evictionTime(pod([]), [unreachable], T + 10_000)).toBe(T + 10_000);
		expect(evictionTime(pod([{ operator: 'Exists' }]), [unreachable], T)).toBeUndefined();
		expect(evictionTime(pod([]), [{ key: 'x', effect: 'NoSchedule' }], T)).toBeUndefined();
	});
});
