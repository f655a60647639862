import { describe, expect, it } from 'vitest';
import { excessTerminated, missingNodes, outOfServiceTerminating, unscheduledTerminating } from './podgc';
import type { KubeObject } from './types';

const pod = (name: string, o: { phase?: string; created?: string; node?: string; deleting?: boolean } = {}): KubeObject => ({
	metadata: { name, namespace: 'default', creationTimestamp: o.created ?? '2026-01-01T00:00:00Z', ...(o.deleting ? { deletionTimestamp: '2026-01-01T01:00:00Z' } : {}) },
	spec: { nodeName: o.node },
	status: { phase: o.phase ?? 'Running' }
});
const node = (name: string, ready: string, taints: object[] = []): KubeObject => ({ metadata: { name }, spec: { taints }, status: { conditions: [{ type: 'Ready', status: ready }] } });

describe('pod GC decisions', () => {
	it('deletes the oldest terminated pods beyond the threshold, never running ones', () => {
		const pods = [
			pod('new', { phase: 'Succeeded', created: '2026-01-03T00:00:00Z' }),
			pod('old', { phase: 'Failed', created: '2026-01-01T00:00:00Z' }),
			pod('mid', { phase: 'Succeeded', created: '2026-01-02T00:00:00Z' }),
			pod('running', { created: '2025-01-01T00:00:00Z' })
		];
		expect(excessTerminated(pods, 1).map((p) => p.metadata.name)).toEqual(['old', 'mid']);
		expect(excessTerminated(pods, 3)).toEqual([]);
		expect(excessTerminated(pods, 0)).toEqual([]);
	});

	it('finds nodes that pods are bound to but the cache does not know', () => {
		const pods = [pod('a', { node: 'n1' }), pod('b', { node: 'gone' }), pod('c')];
		expect([...missingNodes(pods, new Set(['n1']))]).toEqual(['gone']);
	});

	it('finds terminating pods nobody will finish: unscheduled, or on an out-of-service NotReady node', () => {
		const oos = { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' };
		const nodes = new Map([
			['down', node('down', 'False', [oos])],
			['up', node('up', 'True', [oos])],
			['plain', node('plain', 'Unknown')]
		]);
		const pods = [pod('u', { deleting: true }), pod('d', { node: 'down', deleting: true }), pod('x', { node: 'up', deleting: true }), pod('p', { node: 'plain', deleting: true }), pod('live', { node: 'down' })];
		expect(unscheduledTerminating(pods).map((p) => p.metadata.name)).toEqual(['u']);
		expect(outOfServiceTerminating(pods, nodes).map((p) => p.metadata.name)).toEqual(['d']);
	});
});
