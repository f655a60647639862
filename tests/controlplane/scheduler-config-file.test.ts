import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { findEntry, textsOf } from '../../src/lib/collab/files';
import type { AnalysisEvent } from '../../src/lib/collab/protocol';
import { eventually } from '../kubectl/harness';
import { podYaml, schedulerRoom } from './scheduler-helpers';

/**
 * Two nodes: LeastAllocated spreads a pod to `big`; MostAllocated without BalancedAllocation (the
 * docs' bin-packing profile) packs it on `small`: Fit (cpu 1000/2000 → 50, memory 200Mi/4Gi → 4)
 * / 2 = 27 against big's (2000/8000 → 25, 400Mi/4Gi → 9) / 2 = 17.
 */
const room = schedulerRoom(async (a) => {
	await a.node('small', '2');
	await a.node('big', '8');
});

const PATH = 'cluster/scheduler.yaml';
const file = (strategy: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-scheduler-config
  namespace: kube-system
data:
  config.yaml: |
    apiVersion: kubescheduler.config.k8s.io/v1
    kind: KubeSchedulerConfiguration
    profiles:
    - schedulerName: default-scheduler
      plugins:
        score:
          disabled:
          - name: NodeResourcesBalancedAllocation
      pluginConfig:
      - name: NodeResourcesFit
        args:
          scoringStrategy:
            type: ${strategy}
`;

/** Creates the room file through the rooms API, or replaces its text in the shared document as an editor's edit would. */
async function writeFile(text: string): Promise<void> {
	const k = room.k;
	const r = (await k.converge.rooms.get(k.roomId))!;
	const id = findEntry(r.doc, PATH);
	if (id === undefined) {
		const res = await k.api(`/api/rooms/${k.roomId}/files`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: PATH, content: text }) });
		expect(res.status).toBe(201);
		return;
	}
	const t = textsOf(r.doc).get(id) as Y.Text;
	r.doc.transact(() => {
		t.delete(0, t.length);
		t.insert(0, text);
	});
}

const configEvents = async (reason: string) => (await room.a.events('kube-scheduler-config', 'kube-system')).filter((e) => e.reason === reason);
const analysis = async () => (await (await room.k.api(`/api/rooms/${room.k.roomId}/analysis`)).json()) as AnalysisEvent;

describe('kube-scheduler configuration from a room file', () => {
	it('a ConfigMap in a room file reconfigures the scheduler; an invalid one is a warning at its line and an event, the last good one stays', async () => {
		await room.a.apply(podYaml('spread', '1'));
		expect(await room.a.boundNode('spread')).toBe('big');

		await writeFile(file('MostAllocated'));
		await eventually(async () => (await configEvents('ConfigurationApplied')).length === 1, 'ConfigurationApplied event');
		await room.a.apply(podYaml('packed', '1'));
		expect(await room.a.boundNode('packed')).toBe('small');

		await writeFile(file('Packed'));
		await eventually(async () => (await configEvents('InvalidConfiguration')).length === 1, 'InvalidConfiguration event');
		const [bad] = await configEvents('InvalidConfiguration');
		expect(bad.message).toContain(
			'initializing profiles: creating profile for scheduler name default-scheduler: initializing plugin "NodeResourcesFit": scoringStrategy.type: Unsupported value: "Packed": supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"'
		);
		// The editor shows it on the line of `type: Packed` (20), column of `type`.
		const diags = (await analysis()).diagnostics[PATH] ?? [];
		expect(diags).toContainEqual(expect.objectContaining({ line: 20, col: 13, severity: 'warning', message: expect.stringContaining('scoringStrategy.type: Unsupported value: "Packed"') }));

		await room.a.apply(podYaml('still', '100m'));
		expect(await room.a.boundNode('still')).toBe('small');
		const still = JSON.parse((await room.k.kubectl(['get', 'schedulingdecision', 'still', '-o', 'json'])).stdout);
		expect(still.configVersion).toBe(2);
	});
});
