import { describe, expect, it } from 'vitest';
import { makeNode, makePod, runFilterPlugin, runScorePlugin, snapshotOf } from '../test-fixtures';
import type { PodAffinityTerm } from '../types';
import { create, ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY } from './inter-pod-affinity';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const term = (app: string, key: string): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey: key });
const nodes = [makeNode('a', { labels: { [ZONE]: 'z1' } }), makeNode('b', { labels: { [ZONE]: 'z1' } }), makeNode('c', { labels: { [ZONE]: 'z2' } }), makeNode('nolabel')];
// nolabel has only the hostname label (from makeNode): no zone.

describe('InterPodAffinity filter', () => {
	it('required affinity: the node’s domain must hold a matching pod (U&U otherwise)', () => {
		const snap = snapshotOf(nodes, [makePod('db', { node: 'a', labels: { app: 'db' } })]);
		const pod = makePod('p', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', ZONE)] } } } });
		expect(runFilterPlugin(create(), snap, pod)).toEqual({ a: '', b: '', c: ERR_REASON_AFFINITY, nolabel: ERR_REASON_AFFINITY });
	});

	it('the first pod of a self-affine group may go anywhere with the topology key', () => {
		const snap = snapshotOf(nodes);
		const pod = makePod('p', { labels: { app: 'db' }, spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', ZONE)] } } } });
		expect(runFilterPlugin(create(), snap, pod)).toEqual({ a: '', b: '', c: '', nolabel: ERR_REASON_AFFINITY });
	});

	it('required anti-affinity of the pod, and of existing pods against it', () => {
		const snap = snapshotOf(nodes, [
			makePod('web', { node: 'a', labels: { app: 'web' } }),
			makePod('loner', { node: 'c', labels: { app: 'loner' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('p', ZONE)] } } } })
		]);
		const pod = makePod('p', { labels: { app: 'p' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', HOST)] } } } });
		expect(runFilterPlugin(create(), snap, pod)).toEqual({ a: ERR_REASON_ANTI_AFFINITY, b: '', c: ERR_REASON_EXISTING_ANTI_AFFINITY, nolabel: '' });
		expect([ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY]).toEqual([
			"node(s) didn't match pod affinity rules",
			"node(s) didn't match pod anti-affinity rules",
			"node(s) didn't satisfy existing pods anti-affinity rules"
		]);
	});

	it('namespaces: a term only sees its own namespace unless namespaces/namespaceSelector say otherwise', () => {
		const snap = snapshotOf(nodes, [makePod('db', { node: 'a', ns: 'other', labels: { app: 'db' } })], {
			namespaces: [{ metadata: { name: 'other', labels: { team: 'x' } } }]
		});
		const withTerm = (t: PodAffinityTerm) => makePod('p', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [t] } } } });
		expect(runFilterPlugin(create(), snap, withTerm(term('db', ZONE))).a).toBe(ERR_REASON_AFFINITY);
		expect(runFilterPlugin(create(), snap, withTerm({ ...term('db', ZONE), namespaces: ['other'] })).a).toBe('');
		expect(runFilterPlugin(create(), snap, withTerm({ ...term('db', ZONE), namespaceSelector: { matchLabels: { team: 'x' } } })).b).toBe('');
	});
});

describe('InterPodAffinity score', () => {
	it('preferred affinity and anti-affinity, normalized min–max', () => {
		const snap = snapshotOf(nodes.slice(0, 3), [makePod('db', { node: 'b', labels: { app: 'db' } }), makePod('web', { node: 'a', labels: { app: 'web' } })]);
		const pod = makePod('p', {
			spec: {
				affinity: {
					podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term('db', ZONE) }] },
					podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('web', HOST) }] }
				}
			}
		});
		// raw: a = +5 (zone z1 has db) −10 (web on a) = −5; b = +5; c = 0
		// min −5, max 5: a = 100·0/10 = 0, b = 100·10/10 = 100, c = 100·5/10 = 50
		expect(runScorePlugin(create(), snap, pod)).toEqual({ a: 0, b: 100, c: 50 });
	});

	it("existing pods' required affinity counts hardPodAffinityWeight (1 by default, configurable)", () => {
		const snap = snapshotOf(nodes.slice(0, 3), [
			makePod('fan', { node: 'c', spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('p', ZONE)] } } } })
		]);
		const pod = makePod('p', { labels: { app: 'p' } });
		// raw: c = 1 (z2), a = b = 0 → c 100, others 0
		expect(runScorePlugin(create(), snap, pod)).toEqual({ a: 0, b: 0, c: 100 });
		expect(runScorePlugin(create({ hardPodAffinityWeight: 0 }), snap, pod)).toBeUndefined();
	});

	it('skips when no term matches anything', () => {
		expect(runScorePlugin(create(), snapshotOf(nodes), makePod('p'))).toBeUndefined();
	});
});
