import { describe, expect, it } from 'vitest';
import { podTemplateHash } from '../../src/lib/controllers/deployment-util';
import { Expectations } from '../../src/lib/controllers/expectations';
import type { KubeObject } from '../../src/lib/controllers/types';
import { reconcileDaemonSet, type DaemonSetDeps } from './daemonset';
import { fixture } from './testing/fixture';

const NOW = Date.UTC(2026, 0, 1, 12);

const template = (image: string) => ({ metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { role: 'worker' }, containers: [{ name: 'a', image }] } });

const ds = (image = 'agent:1', status?: object): KubeObject => ({
	metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds', generation: 1 },
	spec: { selector: { matchLabels: { app: 'agent' } }, template: template(image) },
	...(status ? { status } : {})
});

const node = (name: string, labels: Record<string, string> = { role: 'worker' }, taints?: object[]): KubeObject => ({ metadata: { name, labels }, spec: taints ? { taints } : {} });

function pod(name: string, nodeName: string, image = 'agent:1', ready = true): KubeObject {
	return {
		metadata: {
			name,
			namespace: 'kube-system',
			uid: `u-${name}`,
			creationTimestamp: '2026-01-01T11:00:00Z',
			labels: { app: 'agent', 'controller-revision-hash': podTemplateHash(template(image)) },
			ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'ds', controller: true }]
		},
		spec: { nodeName },
		status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] }
	};
}

/** ControllerRevision writes (history has its own tests); these tests look at pods. */
const history = (call: string) => call.includes('controllerrevisions');

function setup(d: KubeObject, nodes: KubeObject[], pods: KubeObject[]) {
	const { ctx, calls, clock } = fixture({ daemonsets: [d], nodes, pods }, NOW);
	const created: KubeObject[] = [];
	const create = ctx.client.create;
	ctx.client.create = async (r, o) => (r.resource !== 'controllerrevisions' && created.push(o), create(r, o));
	const deps: DaemonSetDeps = { ctx, expectations: new Expectations(clock), enqueueAfter: (k, ms) => calls.push(`requeue ${k} +${ms}`) };
	return { deps, calls, created };
}

describe('reconcileDaemonSet', () => {
	it('creates one pod per eligible node, pinned by node affinity, with the daemon tolerations', async () => {
		const nodes = [node('a'), node('b', { role: 'db' }), node('c', { role: 'worker' }, [{ key: 'gpu', effect: 'NoSchedule' }]), node('d', { role: 'worker' }, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }])];
		const { deps, calls, created } = setup(ds(), nodes, []);
		await reconcileDaemonSet('kube-system/agent', deps);
		expect(calls.filter((c) => !c.startsWith('status') && !history(c))).toEqual(['create pods agent-', 'event Normal SuccessfulCreate Created pod: agent-0', 'create pods agent-', 'event Normal SuccessfulCreate Created pod: agent-1']);
		expect(calls.filter(history)).toEqual([`create controllerrevisions agent-${podTemplateHash(template('agent:1'))}`]);
		expect(created.map((p) => p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0])).toEqual(['a', 'd']);
		expect(created[0].spec.tolerations.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`)).toEqual([
			'node.kubernetes.io/not-ready:NoExecute',
			'node.kubernetes.io/unreachable:NoExecute',
			'node.kubernetes.io/disk-pressure:NoSchedule',
			'node.kubernetes.io/memory-pressure:NoSchedule',
			'node.kubernetes.io/pid-pressure:NoSchedule',
			'node.kubernetes.io/unschedulable:NoSchedule'
		]);
		expect(created[0].metadata.labels).toMatchObject({ 'pod-template-generation': '1' });
		expect(calls.at(-1)).toBe('status daemonsets {"currentNumberScheduled":0,"numberMisscheduled":0,"desiredNumberScheduled":2,"numberReady":0,"observedGeneration":1,"numberUnavailable":2}');
	});

	it('does nothing when converged', async () => {
		const status = { currentNumberScheduled: 1, numberMisscheduled: 0, desiredNumberScheduled: 1, numberReady: 1, observedGeneration: 1, updatedNumberScheduled: 1, numberAvailable: 1 };
		const { deps, calls } = setup(ds('agent:1', status), [node('a')], [pod('p1', 'a')]);
		await reconcileDaemonSet('kube-system/agent', deps);
		expect(calls.filter((c) => !history(c))).toEqual([]);
	});

	it('rolls a new template one unavailable pod at a time (maxUnavailable 1)', async () => {
		const { deps, calls } = setup(ds('agent:2'), [node('a'), node('b')], [pod('p1', 'a'), pod('p2', 'b')]);
		await reconcileDaemonSet('kube-system/agent', deps);
		expect(calls.filter((c) => !c.startsWith('status') && !history(c))).toEqual(['delete pods p1', 'event Normal SuccessfulDelete Deleted pod: p1']);
	});

	it('removes pods from nodes that no longer qualify', async () => {
		const { deps, calls } = setup(ds(), [node('a', { role: 'db' })], [pod('p1', 'a')]);
		await reconcileDaemonSet('kube-system/agent', deps);
		expect(calls.filter((c) => !c.startsWith('status') && !history(c))).toEqual(['delete pods p1', 'event Normal SuccessfulDelete Deleted pod: p1']);
	});
});
