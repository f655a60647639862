import { describe, expect, it } from 'vitest';
import { SchedulerCache } from './cache';
import { create as interPodAffinity, ERR_REASON_EXISTING_ANTI_AFFINITY } from './plugins/inter-pod-affinity';
import { create as podTopologySpread, ERR_REASON_CONSTRAINTS_NOT_MATCH } from './plugins/pod-topology-spread';
import { createSnapshot } from './snapshot';
import { makeNode, makePod, runFilterPlugin, runScorePlugin } from './test-fixtures';
import type { Node, Pod } from './types';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const sel = { matchLabels: { app: 'web' } };
const nodes: Node[] = ['a', 'b', 'c', 'd'].map((n, i) => makeNode(n, { labels: { [ZONE]: `z${i % 2}` } }));

/** The incoming pod: zone spread (DoNotSchedule), preferred anti-affinity per host, preferred affinity per zone. */
const incoming = makePod('p', {
	labels: { app: 'web' },
	spec: {
		topologySpreadConstraints: [
			{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: sel },
			{ maxSkew: 1, topologyKey: HOST, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: sel }
		],
		affinity: {
			podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { topologyKey: HOST, labelSelector: sel } }] },
			podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 3, podAffinityTerm: { topologyKey: ZONE, labelSelector: { matchLabels: { app: 'db' } } } }] }
		}
	}
});

/** An existing pod; `guard` gives it required anti-affinity against app=web per zone. */
const pod = (name: string, app: string, node?: string, guard = false) =>
	makePod(name, {
		node,
		labels: { app },
		...(guard ? { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: ZONE, labelSelector: sel }] } } } } : {})
	});

/** Both plugins' verdicts and scores for the incoming pod. */
function outcome(snap: ReturnType<typeof createSnapshot>) {
	return {
		spread: runFilterPlugin(podTopologySpread(), snap, incoming),
		spreadScore: runScorePlugin(podTopologySpread(), snap, incoming),
		affinity: runFilterPlugin(interPodAffinity(), snap, incoming),
		affinityScore: runScorePlugin(interPodAffinity(), snap, incoming)
	};
}

describe('counts kept across cycles (topology-counts)', () => {
	it('follow pods placed, moved and removed exactly like a fresh count', () => {
		const cache = new SchedulerCache();
		for (const n of nodes) cache.setNode(n);
		const placed = new Map<string, Pod>();
		const put = (p: Pod) => {
			cache.setPod(p);
			placed.set(p.metadata.name, p);
		};
		const fresh = () => createSnapshot({ nodes, pods: [...placed.values()] });
		// Warm the counts on the cache's snapshot, then change pods between "cycles".
		expect(outcome(cache.snapshot())).toEqual(outcome(fresh()));
		put(pod('w1', 'web', 'a'));
		put(pod('w2', 'web', 'a'));
		put(pod('d1', 'db', 'b'));
		const before = outcome(cache.snapshot());
		// Hand-worked: zones z0 = {a, c}: 2 web, z1 = {b, d}: 0 web → z0: 2 + 1 − 0 = 3 > 1.
		expect(before.spread).toEqual({ a: ERR_REASON_CONSTRAINTS_NOT_MATCH, b: '', c: ERR_REASON_CONSTRAINTS_NOT_MATCH, d: '' });
		// InterPodAffinity raw: a −10·2 = −20; b +3 (db in z1); c 0; d +3 → min–max: a 0, b 100, c 86 (100·20/23), d 100.
		expect(before.affinityScore).toEqual({ a: 0, b: 100, c: 86, d: 100 });
		expect(before).toEqual(outcome(fresh()));
		// w2 moves from a to d (an update on another node), a guard arrives on c, w1 goes away.
		put(pod('w2', 'web', 'd'));
		cache.setPod(pod('g', 'guard', 'c', true));
		placed.set('g', pod('g', 'guard', 'c', true));
		const after1 = outcome(cache.snapshot());
		expect(after1).toEqual(outcome(createSnapshot({ nodes, pods: [...placed.values()] })));
		// The guard (z0) keeps app=web out of a and c.
		expect(after1.affinity).toEqual({ a: ERR_REASON_EXISTING_ANTI_AFFINITY, b: '', c: ERR_REASON_EXISTING_ANTI_AFFINITY, d: '' });
		cache.removePod(placed.get('w1')!);
		placed.delete('w1');
		const after2 = outcome(cache.snapshot());
		expect(after2).toEqual(outcome(fresh()));
		// z0 holds no web pod now, z1 one (w2 on d): z1 is 1 + 1 − 0 = 2 > 1.
		expect(after2.spread).toEqual({ a: '', b: ERR_REASON_CONSTRAINTS_NOT_MATCH, c: '', d: ERR_REASON_CONSTRAINTS_NOT_MATCH });
	});
});
