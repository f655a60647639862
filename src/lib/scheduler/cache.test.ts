import { describe, expect, it } from 'vitest';
import { SchedulerCache } from './cache';
import { createSnapshot } from './snapshot';
import { makeNode, makePod } from './test-fixtures';

const summary = (c: SchedulerCache) =>
	Object.fromEntries(c.snapshot().nodes.map((n) => [n.name, { pods: n.pods.map((p) => p.pod.metadata.name).sort(), cpu: n.requested.get('cpu') ?? 0 }]));

describe('SchedulerCache', () => {
	it('assumes a pod at once, keeps it assumed while the informer still shows it unbound, confirms it when bound', () => {
		const c = new SchedulerCache();
		c.setNode(makeNode('a'));
		const pod = makePod('p', { requests: { cpu: '500m' } });
		c.setPod(pod);
		c.assume(pod, 'a');
		expect(summary(c)).toEqual({ a: { pods: ['p'], cpu: 500 } });
		expect(c.isAssumed(pod)).toBe(true);
		c.setPod({ ...pod, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } });
		expect(summary(c).a.pods).toEqual(['p']);
		c.setPod({ ...pod, spec: { ...pod.spec, nodeName: 'a' } });
		expect(c.isAssumed(pod)).toBe(false);
		expect(summary(c)).toEqual({ a: { pods: ['p'], cpu: 500 } });
	});

	it('forgets an assumed pod whose binding failed, but never a confirmed one', () => {
		const c = new SchedulerCache();
		c.setNode(makeNode('a'));
		const p = makePod('p', { requests: { cpu: '1' } });
		c.assume(p, 'a');
		c.forget(p);
		expect(summary(c).a).toEqual({ pods: [], cpu: 0 });
		const q = makePod('q', { node: 'a', requests: { cpu: '1' } });
		c.setPod(q);
		c.forget(q);
		expect(summary(c).a.pods).toEqual(['q']);
	});

	it('counts pods bound to a node it has not seen once the node arrives, and frees terminal and deleted pods', () => {
		const c = new SchedulerCache();
		c.setPod(makePod('early', { node: 'b', requests: { cpu: '1' } }));
		c.setNode(makeNode('b'));
		expect(summary(c).b).toEqual({ pods: ['early'], cpu: 1000 });
		c.setPod({ ...makePod('early', { node: 'b' }), status: { phase: 'Succeeded' } });
		expect(summary(c).b.pods).toEqual([]);
		const other = makePod('x', { node: 'b' });
		c.setPod(other);
		c.removePod(other);
		expect(summary(c).b.pods).toEqual([]);
	});

	it('keeps pods across a node update and tracks nominations of unbound pods', () => {
		const c = new SchedulerCache();
		c.setNode(makeNode('a', { cpu: '2' }));
		c.setPod(makePod('p', { node: 'a', requests: { cpu: '1' } }));
		c.setNode(makeNode('a', { cpu: '4', labels: { zone: 'z' } }));
		expect(summary(c).a).toEqual({ pods: ['p'], cpu: 1000 });
		expect(c.snapshot().get('a')!.allocatable.get('cpu')).toBe(4000);
		const nom = { ...makePod('n'), status: { phase: 'Pending', nominatedNodeName: 'a' } };
		c.setPod(nom);
		expect(c.snapshot().nominated.get('a')!.map((p) => p.pod.metadata.name)).toEqual(['n']);
		c.setPod({ ...nom, status: { phase: 'Pending' } });
		expect(c.snapshot().nominated.size).toBe(0);
	});

	it('builds the same snapshot as createSnapshot from the full state, and reuses it until something changes', () => {
		const nodes = [makeNode('a', { labels: { 'topology.kubernetes.io/zone': 'z1' }, images: [{ names: ['img:1'], sizeBytes: 100 }] }), makeNode('b', { labels: { 'topology.kubernetes.io/zone': 'z2' }, images: [{ names: ['img:1'], sizeBytes: 100 }] }), makeNode('c', { labels: { 'topology.kubernetes.io/zone': 'z1' } })];
		const pods = [makePod('p1', { node: 'a', requests: { cpu: '1' } }), makePod('p2', { node: 'c' })];
		const c = new SchedulerCache();
		for (const n of nodes) c.setNode(n);
		for (const p of pods) c.setPod(p);
		const want = createSnapshot({ nodes, pods });
		const got = c.snapshot();
		expect(got.nodes.map((n) => n.name)).toEqual(want.nodes.map((n) => n.name));
		expect(got.nodes.map((n) => [n.requested, n.nonZeroCpu, [...n.imageStates]])).toEqual(want.nodes.map((n) => [n.requested, n.nonZeroCpu, [...n.imageStates]]));
		expect(c.snapshot()).toBe(got);
		c.removeNode('b');
		expect(c.snapshot()).not.toBe(got);
		expect(c.snapshot().get('a')!.imageStates.get('img:1')).toEqual({ size: 100, numNodes: 1 });
	});
});
