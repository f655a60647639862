import { describe, expect, test } from 'vitest';
import { ApiError, type KubeClient, type KubeObject } from '../controllers/types';
import { drainNode, planDrain } from './drain';

const pod = (name: string, extra: { owner?: string; emptyDir?: boolean; phase?: string; mirror?: boolean } = {}): KubeObject => ({
	metadata: {
		name,
		namespace: 'default',
		uid: `uid-${name}`,
		...(extra.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: extra.owner, name: 'o', uid: 'o', controller: true }] } : {}),
		...(extra.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'x' } } : {})
	},
	spec: { nodeName: 'n1', volumes: extra.emptyDir ? [{ name: 'tmp', emptyDir: {} }] : [] },
	status: { phase: extra.phase ?? 'Running' }
});

describe('planDrain', () => {
	test.each([
		{ name: 'ReplicaSet pods are evicted', pods: [pod('a', { owner: 'ReplicaSet' })], opts: {}, wantEvict: ['a'], wantWarnings: [], wantErrors: [] },
		{
			name: 'bare pods are refused without --force',
			pods: [pod('a'), pod('b')],
			opts: {},
			wantEvict: [],
			wantWarnings: [],
			wantErrors: ['cannot delete Pods that declare no controller (use --force to override): default/a, default/b']
		},
		{ name: 'bare pods with --force are deleted with a warning', pods: [pod('a')], opts: { force: true }, wantEvict: ['a'], wantWarnings: ['deleting Pods that declare no controller: default/a'], wantErrors: [] },
		{
			name: 'DaemonSet pods are refused unless ignored',
			pods: [pod('ds', { owner: 'DaemonSet' })],
			opts: {},
			wantEvict: [],
			wantWarnings: [],
			wantErrors: ['cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/ds']
		},
		{ name: 'ignored DaemonSet pods stay, with a warning', pods: [pod('ds', { owner: 'DaemonSet' })], opts: { ignoreDaemonSets: true }, wantEvict: [], wantWarnings: ['ignoring DaemonSet-managed Pods: default/ds'], wantErrors: [] },
		{
			name: 'emptyDir needs --delete-emptydir-data',
			pods: [pod('e', { owner: 'ReplicaSet', emptyDir: true })],
			opts: {},
			wantEvict: [],
			wantWarnings: [],
			wantErrors: ['cannot delete Pods with local storage (use --delete-emptydir-data to override): default/e']
		},
		{ name: 'finished bare pods and mirror pods need nothing', pods: [pod('done', { phase: 'Succeeded' }), pod('static', { mirror: true })], opts: {}, wantEvict: ['done'], wantWarnings: [], wantErrors: [] }
	])('$name', ({ pods, opts, wantEvict, wantWarnings, wantErrors }) => {
		const plan = planDrain(pods, opts);
		expect(plan.evict.map((p) => p.metadata.name)).toEqual(wantEvict);
		expect(plan.warnings).toEqual(wantWarnings);
		expect(plan.errors).toEqual(wantErrors);
	});
});

describe('drainNode', () => {
	test('cordons, retries an eviction the PDB refuses, waits for the pod to go, and says so like kubectl', async () => {
		const calls: string[] = [];
		let refusals = 1;
		let podGone = false;
		const client = {
			get: async (r: { resource: string }, _ns: string | undefined, name: string) => {
				calls.push(`get ${r.resource}/${name}`);
				if (r.resource === 'nodes') return { metadata: { name }, spec: {} };
				if (podGone) throw new ApiError(404, 'NotFound', `pods "${name}" not found`);
				podGone = true;
				return pod(name, { owner: 'ReplicaSet' });
			},
			list: async () => ({ items: [pod('web-1', { owner: 'ReplicaSet' }), pod('ds', { owner: 'DaemonSet' })], resourceVersion: '1' }),
			patch: async (_r: unknown, _ns: unknown, name: string, type: string, body: unknown) => {
				calls.push(`patch ${name} ${type} ${JSON.stringify(body)}`);
				return {};
			},
			post: async (_r: unknown, ns: string, name: string, sub: string) => {
				calls.push(`post ${ns}/${name}/${sub}`);
				if (refusals-- > 0) throw new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.");
				return {};
			}
		} as unknown as KubeClient;
		const lines: string[] = [];
		const slept: number[] = [];
		const ok = await drainNode(client, 'n1', { ignoreDaemonSets: true, log: (l) => lines.push(l), sleep: async (ms) => void slept.push(ms) });
		expect(ok).toBe(true);
		expect(lines).toEqual([
			'node/n1 cordoned',
			'Warning: ignoring DaemonSet-managed Pods: default/ds',
			'evicting pod default/web-1',
			`error when evicting pods/"web-1" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`,
			'pod/web-1 evicted',
			'node/n1 drained'
		]);
		expect(calls).toEqual([
			'get nodes/n1',
			'patch n1 strategic {"spec":{"unschedulable":true}}',
			'post default/web-1/eviction',
			'post default/web-1/eviction',
			'get pods/web-1',
			'get pods/web-1'
		]);
		expect(slept).toEqual([5000, 1000]);
	});
});
