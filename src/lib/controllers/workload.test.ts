import { describe, expect, it } from 'vitest';
import { newControllerRef, podFromTemplate, replicaSetStatus, sameReplicaSetStatus, slowStartBatch } from './workload';
import { RESOURCES, type KubeObject } from './types';

const NOW = Date.UTC(2026, 0, 1, 12);

const rs: KubeObject = {
	metadata: { name: 'web-5d4f', namespace: 'default', uid: 'rs-uid', generation: 4 },
	spec: {
		replicas: 3,
		minReadySeconds: 10,
		selector: { matchLabels: { app: 'web' } },
		template: { metadata: { labels: { app: 'web', 'pod-template-hash': '5d4f' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }
	}
};

const readyPod = (name: string, readyAgoMs: number, labels: Record<string, string> = { app: 'web', 'pod-template-hash': '5d4f' }): KubeObject => ({
	metadata: { name, labels },
	status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(NOW - readyAgoMs).toISOString() }] }
});

describe('podFromTemplate', () => {
	it('copies labels, annotations and spec, with <owner>- as generateName and the controller ref', () => {
		const ref = newControllerRef(rs, RESOURCES.replicasets);
		const pod = podFromTemplate(rs.spec.template, rs, ref);
		expect(pod.metadata).toEqual({
			generateName: 'web-5d4f-',
			namespace: 'default',
			labels: { app: 'web', 'pod-template-hash': '5d4f' },
			annotations: { a: 'b' },
			ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }]
		});
		expect(pod.spec).toEqual(rs.spec.template.spec);
		expect(pod.spec).not.toBe(rs.spec.template.spec);
	});

	it('refuses a template without labels, like the real pod control', () => {
		expect(() => podFromTemplate({ metadata: {} }, rs, newControllerRef(rs, RESOURCES.replicasets))).toThrow('unable to create pods, no labels');
	});
});

describe('slowStartBatch', () => {
	it('runs batches of 1, 2, 4, ... and stops after the first failing batch', async () => {
		let calls = 0;
		const r = await slowStartBatch(10, 1, async () => {
			if (++calls > 4) throw new Error('quota');
		});
		// Batches 1, 2 succeed (3 calls); the batch of 4 has 3 failures; nothing after it.
		expect(calls).toBe(7);
		expect(r.successes).toBe(4);
		expect((r.error as Error).message).toBe('quota');
		let n = 0;
		expect(await slowStartBatch(10, 1, async () => void n++)).toEqual({ successes: 10 });
		expect(n).toBe(10);
	});
});

describe('replicaSetStatus', () => {
	it('counts fully labeled, ready and available pods (minReadySeconds on the clock)', () => {
		const pods = [readyPod('a', 60_000), readyPod('b', 5_000), { metadata: { name: 'c', labels: { app: 'web' } }, status: { phase: 'Pending' } }];
		expect(replicaSetStatus(rs, pods, undefined, NOW)).toEqual({ replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 4 });
	});

	it('adds ReplicaFailure while manage fails and removes it after', () => {
		const failing = replicaSetStatus(rs, [], { message: 'pods "x" is forbidden: exceeded quota', creating: true }, NOW);
		expect(failing).toEqual({
			replicas: 0,
			observedGeneration: 4,
			conditions: [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2026-01-01T12:00:00Z', reason: 'FailedCreate', message: 'pods "x" is forbidden: exceeded quota' }]
		});
		expect(replicaSetStatus({ ...rs, status: failing }, [], undefined, NOW)).toEqual({ replicas: 0, observedGeneration: 4 });
	});

	it('compares statuses with omitted zeros as zeros', () => {
		expect(sameReplicaSetStatus({ replicas: 0, readyReplicas: 0 }, { replicas: 0 })).toBe(true);
		expect(sameReplicaSetStatus({ replicas: 1 }, { replicas: 1, observedGeneration: 2 })).toBe(false);
		expect(sameReplicaSetStatus(undefined, { replicas: 0 })).toBe(false);
	});
});
