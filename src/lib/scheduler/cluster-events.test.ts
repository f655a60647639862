import { describe, expect, it } from 'vitest';
import { isPodUpdated, nodeUpdateEvents, withPriority, type PriorityClass } from './cluster-events';
import { SchedulingQueue } from './queue';
import { ManualClock } from '../clock/clock';
import { makeNode, makePod } from './test-fixtures';

describe('cluster events', () => {
	it('names the node changes the queue cares about', () => {
		const n = makeNode('a', { cpu: '2' });
		expect(nodeUpdateEvents(n, { ...n, metadata: { ...n.metadata, resourceVersion: '9' } })).toEqual([]);
		expect(nodeUpdateEvents(n, makeNode('a', { cpu: '4' }))).toEqual(['NodeUpdateAllocatable']);
		expect(nodeUpdateEvents(n, makeNode('a', { cpu: '2', labels: { zone: 'z' }, taints: [{ key: 'k', effect: 'NoSchedule' }] }))).toEqual(['NodeUpdateLabel', 'NodeUpdateTaint']);
		expect(nodeUpdateEvents(n, makeNode('a', { cpu: '2', unschedulable: true }))).toEqual(['NodeUpdateUnschedulable']);
	});

	it('isPodUpdated ignores status and bookkeeping, sees spec and label changes', () => {
		const p = makePod('p');
		expect(isPodUpdated(p, { ...p, metadata: { ...p.metadata, resourceVersion: '7' }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } })).toBe(false);
		expect(isPodUpdated(p, { ...p, metadata: { ...p.metadata, labels: { a: 'b' } } })).toBe(true);
	});

	it("an unschedulable pod's own status update refreshes it in place instead of retrying it", () => {
		const clock = new ManualClock(0);
		const q = new SchedulingQueue({ clock, less: (a, b) => a.timestamp < b.timestamp });
		const p = makePod('p');
		q.add(p);
		q.addUnschedulable(q.pop()!, ['NodeResourcesFit']);
		const withStatus = { ...p, status: { phase: 'Pending', nominatedNodeName: 'n1' } };
		q.update(withStatus);
		expect(q.pending().unschedulable.map((x) => x.pod)).toEqual([withStatus]);
		q.update({ ...withStatus, metadata: { ...p.metadata, labels: { x: 'y' } } });
		expect(q.pending().unschedulable).toEqual([]);
	});

	it('withPriority resolves a PriorityClass name like Priority admission', () => {
		const classes = new Map<string, PriorityClass>([['high', { metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' }]]);
		const p = makePod('p', { spec: { priorityClassName: 'high' } });
		expect(withPriority(p, classes).spec).toMatchObject({ priority: 1000, preemptionPolicy: 'Never' });
		expect(withPriority(makePod('q', { spec: { priorityClassName: 'nope' } }), classes).spec.priority).toBe(0);
		const set = makePod('r', { priority: 5 });
		expect(withPriority(set, classes)).toBe(set);
	});
});
