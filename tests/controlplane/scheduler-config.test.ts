import { describe, expect, it } from 'vitest';
import { eventually } from '../kubectl/harness';
import { podYaml, schedulerRoom } from './scheduler-helpers';

const room = schedulerRoom(async (a) => {
	for (const n of ['node-1', 'node-2', 'node-3']) await a.node(n, '2');
	// node-1 carries a big pod, so it scores low on free resources.
	await a.apply(podYaml('filler', '1500m', '  nodeSelector: { kubernetes.io/hostname: node-1 }\n'));
	await a.boundNode('filler');
});

/** A pod preferring node-1 (preferred node affinity, weight 1). */
const preferring = (name: string) =>
	podYaml(
		name,
		'100m',
		`  affinity:
    nodeAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 1
        preference: { matchExpressions: [{ key: kubernetes.io/hostname, operator: In, values: [node-1] }] }
`
	);

const configMap = (fitWeight: number | string) => `apiVersion: v1
kind: ConfigMap
metadata: { name: kube-scheduler-config, namespace: kube-system }
data:
  config.yaml: |
    apiVersion: kubescheduler.config.k8s.io/v1
    kind: KubeSchedulerConfiguration
    profiles:
    - schedulerName: default-scheduler
      plugins:
        multiPoint:
          enabled:
          - name: NodeResourcesFit
            weight: ${fitWeight}
`;

async function configEvents(reason: string) {
	return (await room.a.events('kube-scheduler-config', 'kube-system')).filter((e) => e.reason === reason);
}

describe('kube-scheduler configuration from kube-system/kube-scheduler-config', () => {
	it('flips a placement when a weight changes, and keeps the last good configuration when the new one is invalid', async () => {
		// Defaults: node-1 = NodeAffinity 2×100 + LeastAllocated 55 + Balanced 60 = 315; node-2/3 = 0 + 95 + 97 = 192.
		await room.a.apply(preferring('before'));
		expect(await room.a.boundNode('before')).toBe('node-1');
		const before = JSON.parse((await room.k.kubectl(['get', 'schedulingdecision', 'before', '-o', 'json'])).stdout);
		expect(before.configVersion).toBe(1);
		const row1 = before.score.rows.find((r: { node: string }) => r.node === 'node-1');
		expect(row1.plugins.NodeAffinity).toEqual({ raw: 1, normalized: 100, weighted: 200 });
		expect(row1.plugins.NodeResourcesFit).toEqual({ raw: 55, normalized: 55, weighted: 55 });

		// NodeResourcesFit ×10: node-1 = 200 + 550 + 60 = 810; node-2/3 = 950 + 97 = 1047.
		await room.a.apply(configMap(10));
		await eventually(async () => (await configEvents('ConfigurationApplied')).length === 1, 'ConfigurationApplied event');
		await room.a.apply(preferring('after'));
		expect(await room.a.boundNode('after')).not.toBe('node-1');
		const after = JSON.parse((await room.k.kubectl(['get', 'schedulingdecision', 'after', '-o', 'json'])).stdout);
		expect(after.configVersion).toBe(2);
		expect(after.score.plugins).toContainEqual({ name: 'NodeResourcesFit', weight: 10 });

		// A fractional weight fails decoding (weights are int32; kube-scheduler sets no range on them).
		await room.a.apply(configMap('2.5'));
		await eventually(async () => (await configEvents('InvalidConfiguration')).length === 1, 'InvalidConfiguration event');
		const [bad] = await configEvents('InvalidConfiguration');
		expect(bad.type).toBe('Warning');
		expect(bad.message).toContain('json: cannot unmarshal number 2.5 into Go struct field Plugin.profiles.plugins.multiPoint.enabled.weight of type int32');
		await room.a.apply(preferring('still'));
		expect(await room.a.boundNode('still')).not.toBe('node-1');
		const still = JSON.parse((await room.k.kubectl(['get', 'schedulingdecision', 'still', '-o', 'json'])).stdout);
		expect(still.configVersion).toBe(2);
	});
});
