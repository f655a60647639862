/**
 * The Scheduler view's "why node A and not node B?": a pod's decision compared across two
 * nodes, with every number shown equal to the SchedulingDecision record read through the API;
 * a click on a filtered node compares it instead; the configuration panel shows the errors
 * kube-scheduler refuses the room's ConfigMap with; and a pod's details in the Cluster view link
 * to its decision.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { kubeCall, poll, useHarness, type CreatedRoom } from './harness';

const h = useHarness();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const must = (room: CreatedRoom, method: string, path: string, body?: unknown) => kubeCall(h.origin, room, method, path, body);

const node = (name: string, cpu: string, taints?: Obj[]) => ({
	apiVersion: 'v1',
	kind: 'Node',
	metadata: { name, labels: { 'kubernetes.io/hostname': name }, annotations: { 'sim.converge.dev/cpu': cpu, 'sim.converge.dev/memory': '4Gi' } },
	spec: { taints }
});

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '500m', memory: '256Mi' } } }] } };

const compareRows = (page: Page) =>
	page.getByTestId('compare-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-plugin'), e.getAttribute('data-a'), e.getAttribute('data-b'), e.getAttribute('data-diff')]));

describe('scheduler view: compare two nodes', () => {
	test('shows why the winner and not the runner-up with the record’s numbers, a filtered node’s reason, and a refused configuration', async () => {
		const room = await h.createRoom('blank', 'compare');
		await fetch(`${h.origin}/api/rooms/${room.id}/clock`, {
			method: 'POST',
			headers: { authorization: `Bearer ${room.tokens.editor}`, 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'speed', speed: 10 })
		});
		await must(room, 'POST', '/api/v1/nodes', node('worker-1', '4'));
		await must(room, 'POST', '/api/v1/nodes', node('worker-2', '2'));
		await must(room, 'POST', '/api/v1/nodes', node('gpu-1', '8', [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]));
		// Wait until the kubelets report allocatable (the scheduler sees the three nodes), then the pod.
		await poll(async () => (await must(room, 'GET', '/api/v1/nodes')).items.filter((n: Obj) => n.status?.allocatable?.cpu).length, 60_000).toBe(3);
		await must(room, 'POST', '/api/v1/namespaces/default/pods', pod);
		let record: Obj = {};
		await poll(async () => (record = await must(room, 'GET', '/apis/scheduling.converge.dev/v1/namespaces/default/schedulingdecisions/web').catch(() => ({}) as Obj)).result, 60_000).toBe(
			'Scheduled'
		);
		expect(record.node).toBe('worker-1');
		const rowOf = (n: string) => record.score.rows.find((r: Obj) => r.node === n);

		const a = await h.newUser('Alice', '#e6194b', { width: 1440, height: 900 });
		await h.openRoom(a, room.links.editor);
		const page = a.page;
		await page.getByTestId('view-tab-scheduler').click();
		await page.locator('[data-testid=decision-pod][data-pod="default/web"]').click();

		// Default pair: the winner against the runner-up; every cell is the record's weighted score.
		await poll(() => page.getByTestId('compare-a').inputValue(), 30_000).toBe('worker-1');
		expect(await page.getByTestId('compare-b').inputValue()).toBe('worker-2');
		const [w1, w2] = [rowOf('worker-1'), rowOf('worker-2')];
		const want = record.score.plugins
			.filter((p: Obj) => !record.score.skipped.includes(p.name))
			.map((p: Obj) => [p.name, String(w1.plugins[p.name].weighted), String(w2.plugins[p.name].weighted), String(w1.plugins[p.name].weighted - w2.plugins[p.name].weighted)]);
		expect(await compareRows(page)).toEqual(want);
		expect(await page.getByTestId('compare-total').getAttribute('data-diff')).toBe(String(w1.total - w2.total));
		expect(w1.total).toBeGreaterThan(w2.total);
		expect(await page.getByTestId('compare-why').textContent()).toContain(`worker-1 scores ${w1.total} and worker-2 ${w2.total}: worker-1 is ahead by ${w1.total - w2.total}`);
		// The plugin with the largest difference is the one highlighted.
		const decisive = want.reduce((m: string[], r: string[]) => (Math.abs(Number(r[3])) > Math.abs(Number(m[3])) ? r : m));
		expect(await page.locator('[data-testid=compare-row].decisive').getAttribute('data-plugin')).toBe(decisive[0]);

		// "Why not gpu-1?": a click on its row compares it with the winner.
		await page.locator('[data-testid=score-row][data-node=gpu-1]').click();
		await poll(() => page.getByTestId('compare-b').inputValue()).toBe('gpu-1');
		expect(await page.getByTestId('compare-why').textContent()).toBe('gpu-1 was filtered out by TaintToleration: node(s) had untolerated taint {dedicated: gpu}.');
		expect(await page.getByTestId('compare-filter').textContent()).toContain('TaintToleration: node(s) had untolerated taint {dedicated: gpu}');

		// A configuration kube-scheduler refuses: its errors in the view.
		await must(room, 'POST', '/api/v1/namespaces/kube-system/configmaps', {
			apiVersion: 'v1',
			kind: 'ConfigMap',
			metadata: { name: 'kube-scheduler-config', namespace: 'kube-system' },
			data: { 'config.yaml': 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\npercentageOfNodesToScore: 101\n' }
		});
		await poll(() => page.getByTestId('scheduler-config-errors').textContent(), 30_000).toContain('percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]');

		// From the pod in the Cluster view, its decision is one link away (the Scheduler view with the pod selected).
		await page.getByTestId('view-tab-cluster').click();
		await page.locator('.pod[data-key="default/web"]').click();
		await page.getByTestId('pod-decision-link').click();
		await poll(() => page.getByTestId('decision-details').getAttribute('data-pod'), 30_000).toBe('default/web');
		expect(await page.getByTestId('decision-details').getAttribute('data-result')).toBe('Scheduled');
	});
});
