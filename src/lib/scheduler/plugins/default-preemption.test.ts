import { describe, expect, it } from 'vitest';
import { defaultProfileConfig } from '../profile';
import { seededRng } from '../rng';
import { createFramework } from '../runtime';
import { scheduleOne } from '../schedule-one';
import { makeNode, makePod, snapshotOf } from '../test-fixtures';
import type { Pod, PodDisruptionBudget } from '../types';
import { MSG_POLICY_NEVER, pickOneNode, type Candidate, type PreemptionDetails } from './default-preemption';

const fw = () => createFramework(defaultProfileConfig());
const run = (nodes: ReturnType<typeof makeNode>[], pods: Pod[], pod: Pod, extra = {}) => scheduleOne(fw(), snapshotOf(nodes, pods, extra), pod, { rng: seededRng(3) });
const low = (name: string, node: string, priority: number, cpu = '1', extra: Partial<Parameters<typeof makePod>[1]> = {}) => makePod(name, { node, priority, requests: { cpu }, ...extra });

describe('DefaultPreemption', () => {
	it('nominates the node whose most important victim has the lowest priority', () => {
		const nodes = [makeNode('a', { cpu: '2' }), makeNode('b', { cpu: '2' })];
		const pods = [low('a1', 'a', 5, '2'), low('b1', 'b', 1, '2')];
		const d = run(nodes, pods, makePod('vip', { priority: 100, requests: { cpu: '2' } }));
		expect(d.result).toBe('unschedulable');
		// a successful preemption adds nothing to the message
		expect(d.message).toBe('0/2 nodes are available: 2 Insufficient cpu.');
		expect(d.postFilter?.nominatedNodeName).toBe('b');
		expect(d.writes).toEqual([
			{
				verb: 'preempt-pod',
				namespace: 'default',
				name: 'b1',
				uid: pods[1].metadata.uid,
				condition: { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting to accommodate a higher priority pod' },
				event: { reason: 'Preempted', message: expect.stringMatching(/^Preempted by pod uid-vip-\d+ on node b$/) }
			}
		]);
	});

	it('reprieves the most important pods first: only what must go is evicted', () => {
		const nodes = [makeNode('a', { cpu: '3' })];
		// three 1-cpu pods with priorities 1, 2, 3; the preemptor needs 1 cpu → only priority 1 goes
		const pods = [low('p1', 'a', 1), low('p2', 'a', 2), low('p3', 'a', 3)];
		const d = run(nodes, pods, makePod('vip', { priority: 10, requests: { cpu: '1' } }));
		const details = d.postFilter!.details as PreemptionDetails;
		expect(details.chosen!.victims.map((v) => v.metadata.name)).toEqual(['p1']);
	});

	it('does not touch pods of equal or higher priority and says why', () => {
		const nodes = [makeNode('a', { cpu: '1' }), makeNode('t', { taints: [{ key: 'x', effect: 'NoSchedule' }] })];
		const d = run(nodes, [low('same', 'a', 10)], makePod('p', { priority: 10, requests: { cpu: '1' } }));
		expect(d.message).toBe(
			'0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {x: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.'
		);
	});

	it('reports nodes where even evicting everyone lower would not help', () => {
		const d = run([makeNode('a', { cpu: '1' })], [low('x', 'a', 0, '500m')], makePod('p', { priority: 10, requests: { cpu: '2' } }));
		expect(d.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.');
	});

	it('anti-affinity conflicts are resolved by evicting the lower-priority pod that causes them', () => {
		const nodes = [makeNode('a'), makeNode('b')];
		const pods = [low('web-low', 'a', 1, '100m', { labels: { app: 'web' } }), low('web-high', 'b', 100, '100m', { labels: { app: 'web' } })];
		const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } };
		const d = run(nodes, pods, makePod('p', { priority: 10, spec: { affinity: anti } }));
		expect(d.message).toBe("0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.");
		expect(d.postFilter?.nominatedNodeName).toBe('a');
		expect((d.postFilter!.details as PreemptionDetails).nodeStatuses).toEqual({ b: ['No preemption victims found for incoming pod'] });
	});

	it('preemptionPolicy Never is not eligible', () => {
		const d = run([makeNode('a', { cpu: '1' })], [low('x', 'a', 0)], makePod('p', { priority: 10, requests: { cpu: '1' }, spec: { preemptionPolicy: 'Never' } }));
		expect(d.message).toBe(`0/1 nodes are available: 1 Insufficient cpu. preemption: ${MSG_POLICY_NEVER}`);
		expect(MSG_POLICY_NEVER).toBe('not eligible due to preemptionPolicy=Never.');
	});

	it('prefers a node whose victims violate no PodDisruptionBudget', () => {
		const nodes = [makeNode('a', { cpu: '1' }), makeNode('b', { cpu: '1' })];
		// a's victim has priority 1 (better by priority) but is protected by a PDB with 0 disruptions allowed
		const pods = [low('guarded', 'a', 1, '1', { labels: { app: 'db' } }), low('free', 'b', 5)];
		const pdb: PodDisruptionBudget = { metadata: { name: 'db', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'db' } } }, status: { disruptionsAllowed: 0 } };
		const d = run(nodes, pods, makePod('vip', { priority: 100, requests: { cpu: '1' } }), { pdbs: [pdb] });
		expect(d.postFilter?.nominatedNodeName).toBe('b');
		const details = d.postFilter!.details as PreemptionDetails;
		expect(details.candidates.find((c) => c.node === 'a')!.numPDBViolations).toBe(1);
	});

	it('pickOneNode: fewest victims, then the latest start among the top-priority victims', () => {
		const v = (name: string, priority: number, startTime: string) => makePod(name, { priority, startTime });
		const c = (node: string, victims: Pod[]): Candidate => ({ node, victims, numPDBViolations: 0 });
		// same highest victim priority (1); sums 2·(1 + 2^31) vs 1·(1 + 2^31) → the smaller sum, b
		expect(pickOneNode([c('a', [v('x', 1, '2026-01-01T00:00:00Z'), v('y', 1, '2026-01-01T00:00:00Z')]), c('b', [v('z', 1, '2026-01-01T00:00:00Z')])])!.node).toBe('b');
		// equal on everything but start time: the node whose victims started last loses less work
		expect(pickOneNode([c('a', [v('x', 1, '2026-01-01T00:00:00Z')]), c('b', [v('y', 1, '2026-01-02T00:00:00Z')])])!.node).toBe('b');
	});

	it('the preemptor is not bound in the same cycle; nominated pods hold their room', () => {
		const nodes = [makeNode('a', { cpu: '1' }), makeNode('b', { cpu: '1' })];
		const nominated = makePod('vip', { priority: 100, requests: { cpu: '1' } });
		nominated.status = { nominatedNodeName: 'a' };
		// b is full of a priority-50 pod; a is free but reserved for vip (priority 100 ≥ 10)
		const d = run(nodes, [low('mid', 'b', 50), nominated], makePod('small', { priority: 10, requests: { cpu: '1' } }));
		expect(d.nodes.find((n) => n.node === 'a')).toMatchObject({ verdict: 'failed', reasons: ['Insufficient cpu'] });
	});
});
