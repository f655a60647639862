import { describe, expect, test } from 'vitest';
import type { KubeObject } from '$lib/controllers/types';
import { parseLabelSelector } from '$lib/kube/label-selector';
import { clusterModel, formatCpu, formatMemory, toneOf } from './cluster-model';

const node = (name: string, ready: string, extra: { unschedulable?: boolean; stopped?: boolean; taints?: unknown[] } = {}): KubeObject => ({
	metadata: { name, ...(extra.stopped ? { annotations: { 'sim.converge.dev/kubelet': 'stopped' } } : {}) },
	spec: { unschedulable: extra.unschedulable, taints: extra.taints },
	status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: ready }] }
});

const pod = (name: string, nodeName: string | undefined, status: Record<string, unknown>, cpu = '250m', memory = '256Mi'): KubeObject => ({
	metadata: { name, namespace: 'default' },
	spec: { nodeName, containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu, memory } } }] },
	status
});

const running = { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }], conditions: [{ type: 'Ready', status: 'True' }] };
const creating = { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] };
const crashing = { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] };
const done = { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } }] };

describe('clusterModel', () => {
	test('nodes carry kubectl STATUS, taints, allocated requests of active pods; unbound pods are apart', () => {
		const m = clusterModel(
			[
				node('n2', 'Unknown', { stopped: true, taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }),
				node('n1', 'True', { unschedulable: true })
			],
			[pod('a', 'n1', running), pod('b', 'n1', creating, '1', '1Gi'), pod('c', 'n1', done), pod('d', 'n2', crashing), pod('e', undefined, { phase: 'Pending' }), pod('f', 'gone', running)]
		);
		expect(m.nodes.map((n) => [n.name, n.status, n.ready, n.cordoned, n.kubeletStopped, n.taints])).toEqual([
			['n1', 'Ready,SchedulingDisabled', 'True', true, false, []],
			['n2', 'NotReady', 'Unknown', false, true, ['node.kubernetes.io/unreachable:NoExecute']]
		]);
		const n1 = m.nodes[0];
		expect(n1.pods.map((p) => [p.name, p.status, p.tone])).toEqual([
			['a', 'Running', 'ok'],
			['b', 'ContainerCreating', 'progress'],
			['c', 'Completed', 'done']
		]);
		// 250m + 1 (the Succeeded pod does not count), of 4 cores; 256Mi + 1Gi of 8Gi.
		expect([n1.cpu, n1.memory.requested, n1.memory.allocatable, n1.podCapacity]).toEqual([{ requested: 1250, allocatable: 4000 }, 1280 * 2 ** 20, 8 * 2 ** 30, 110]);
		expect(m.nodes[1].pods.map((p) => p.status)).toEqual(['CrashLoopBackOff']);
		expect(m.unscheduled.map((p) => [p.name, p.status])).toEqual([
			['e', 'Pending'],
			['f', 'Running']
		]);
		expect(m.counts).toEqual({ nodes: 2, ready: 1, pods: 6, running: 2, pending: 2, failing: 1 });
	});

	test('the text filter keeps nodes by name or by one of their pods', () => {
		const m = clusterModel([node('alpha', 'True'), node('beta', 'True')], [pod('web-1', 'beta', running)], { text: 'web' });
		expect(m.nodes.map((n) => n.name)).toEqual(['beta']);
	});

	test('the label selector keeps matching pods, like kubectl get pods -l', () => {
		const labelled = (name: string, labels: Record<string, string>) => ({ ...pod(name, 'n1', running), metadata: { name, namespace: 'default', labels } });
		const m = clusterModel([node('n1', 'True')], [labelled('a', { app: 'web' }), labelled('b', { app: 'db' })], { labels: parseLabelSelector('app in (web)') });
		expect(m.nodes[0].pods.map((p) => p.name)).toEqual(['a']);
	});

	test.each([
		['Running', 'ok'],
		['Pending', 'progress'],
		['ContainerCreating', 'progress'],
		['Init:0/1', 'progress'],
		['CrashLoopBackOff', 'error'],
		['ImagePullBackOff', 'error'],
		['ErrImagePull', 'error'],
		['OOMKilled', 'error'],
		['Init:Error', 'error'],
		['Terminating', 'terminating'],
		['Completed', 'done']
	])('%s reads as %s', (status, tone) => expect(toneOf(status)).toBe(tone));

	test('formats like kubectl describe', () => {
		expect([formatCpu(1250), formatCpu(2000), formatMemory(1280 * 2 ** 20), formatMemory(8 * 2 ** 30)]).toEqual(['1250m', '2', '1.3Gi', '8Gi']);
	});
});
