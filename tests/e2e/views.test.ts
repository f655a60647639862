/**
 * The room's cluster views in the browser, over a cluster made through the room's kube API (as
 * kubectl would make it): nodes and Running pods in the Cluster view, an unschedulable pod's
 * per-node reasons in the Scheduler view (equal to its SchedulingDecision), events in the Events
 * view, and a node failed in one click from its details turning NotReady on the room clock, then
 * recovered (a viewer sees the button disabled, with the reason).
 * Screenshots of the Cluster and Scheduler views go to docs/ for the README.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { poll, roomClock, ROOT, useHarness, type CreatedRoom } from './harness';

const h = useHarness();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** The room's kube API with the editor token (what kubectl with the room's kubeconfig does). */
function kubeApi(room: CreatedRoom) {
	const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Obj }> => {
		const res = await fetch(`${h.origin}/rooms/${room.id}/k8s${path}`, {
			method,
			headers: { authorization: `Bearer ${room.tokens.editor}`, ...(body ? { 'content-type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined
		});
		return { status: res.status, body: (await res.json()) as Obj };
	};
	const must = async (method: string, path: string, body?: unknown) => {
		const r = await call(method, path, body);
		if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.body.message}`);
		return r.body;
	};
	return { call, must };
}

const clock = (room: CreatedRoom, body: Obj) => roomClock(h.origin, room, body);

const node = (name: string, zone: string) => ({
	apiVersion: 'v1',
	kind: 'Node',
	metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone }, annotations: { 'sim.converge.dev/cpu': '2', 'sim.converge.dev/memory': '4Gi' } }
});

const deployment = {
	apiVersion: 'apps/v1',
	kind: 'Deployment',
	metadata: { name: 'shop', namespace: 'default' },
	spec: {
		replicas: 3,
		selector: { matchLabels: { app: 'shop' } },
		template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '200m', memory: '128Mi' } } }] } }
	}
};

const hugePod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'huge', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '8' } } }] } };

const tab = (page: Page, id: string) => page.getByTestId(`view-tab-${id}`).click();

describe('cluster, scheduler and events views', () => {
	test('show nodes and pods, explain an unschedulable pod, list events, and fail a node from the UI', async () => {
		const room = await h.createRoom('blank', 'views');
		const api = kubeApi(room);
		await clock(room, { action: 'speed', speed: 10 });
		for (const [n, z] of [
			['worker-1', 'zone-a'],
			['worker-2', 'zone-b']
		]) await api.must('POST', '/api/v1/nodes', node(n, z));
		await api.must('POST', '/apis/apps/v1/namespaces/default/deployments', deployment);
		await api.must('POST', '/api/v1/namespaces/default/pods', hugePod);

		const a = await h.newUser('Alice', '#e6194b', { width: 1440, height: 900 });
		await h.openRoom(a, room.links.editor);
		const page = a.page;

		// Cluster view: both nodes Ready, the three replicas Running on them, the huge pod unscheduled.
		await tab(page, 'cluster');
		expect(new URL(page.url()).hash).toMatch(/^#token=[\w-]+&view=cluster$/);
		const rows = page.getByTestId('node-row');
		await poll(() => rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-node'), e.getAttribute('data-ready')])), 60_000).toEqual([
			['worker-1', 'True'],
			['worker-2', 'True']
		]);
		await poll(() => page.locator('[data-testid=node-row] .pod[data-status=Running]').count(), 60_000).toBe(3);
		await poll(() => page.getByTestId('unscheduled-pod').allTextContents()).toEqual(['default/huge']);
		await page.getByTestId('cluster-layout').selectOption('grid');
		await poll(() => page.getByTestId('node-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-node')))).toEqual(['worker-1', 'worker-2']);
		await page.getByTestId('cluster-layout').selectOption('list');
		await page.locator('[data-testid=node-row][data-node=worker-1] .head').click();
		await expect(page.getByTestId('node-details').getAttribute('data-node')).resolves.toBe('worker-1');
		await page.locator('[data-testid=node-details] [data-condition=Ready][data-status=True]').waitFor();
		await page.screenshot({ path: join(ROOT, 'docs', 'cluster-view.png') });
		// A replica's details: its owner chain up to the Deployment, read through the API.
		await page.locator('[data-testid=node-row][data-node=worker-1] .pod[data-status=Running]').first().click();
		await poll(() => page.getByTestId('owner-chain').textContent()).toMatch(/^ReplicaSet\/shop-[a-z0-9]+ ← Deployment\/shop$/);

		// Scheduler view: the huge pod's decision, per node, with NodeResourcesFit's exact reason.
		await tab(page, 'scheduler');
		await page.locator('[data-testid=decision-pod][data-pod="default/huge"]').click();
		const message = '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.';
		await poll(() => page.getByTestId('decision-message').textContent(), 30_000).toBe(message);
		const verdicts = () =>
			page.getByTestId('score-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-node'), e.getAttribute('data-verdict'), e.querySelector('.verdict')?.textContent?.trim()]));
		await poll(verdicts).toEqual([
			['worker-1', 'failed', 'NodeResourcesFit: Insufficient cpu'],
			['worker-2', 'failed', 'NodeResourcesFit: Insufficient cpu']
		]);
		// A scheduled replica: the totals shown are the record's, the winner is its node.
		const record = (await api.must('GET', '/apis/scheduling.converge.dev/v1/namespaces/default/schedulingdecisions')).items.find(
			(d: Obj) => d.result === 'Scheduled' && d.score
		);
		expect(record, 'a replica scored on both nodes').toBeDefined();
		await page.locator(`[data-testid=decision-pod][data-pod="default/${record.metadata.name}"]`).click();
		await poll(() => page.locator('[data-testid=score-row].winner').getAttribute('data-node')).toBe(record.node);
		const shown = await page.getByTestId('score-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-node'), Number(e.getAttribute('data-total'))]));
		const want = [...record.score.rows].sort((x: Obj, y: Obj) => y.total - x.total || x.node.localeCompare(y.node)).map((r: Obj) => [r.node, r.total]);
		expect(shown).toEqual(want);
		await page.screenshot({ path: join(ROOT, 'docs', 'scheduler-view.png') });

		// Events view: the scheduler's events, newest first, filterable.
		await tab(page, 'events');
		await poll(() => page.locator('[data-testid=event-row][data-reason=FailedScheduling][data-object="pod/huge"]').count()).toBeGreaterThan(0);
		await page.getByTestId('events-type').selectOption('Warning');
		await poll(async () => (await page.getByTestId('event-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')))).every((r) => r !== 'Scheduled')).toBe(true);
		await page.getByTestId('events-type').selectOption('');
		await page.getByTestId('events-object').fill('pod/shop');
		await poll(() => page.locator('[data-testid=event-row][data-reason=Scheduled]').count()).toBe(3);

		// A viewer sees the node's actions disabled, with the reason.
		const v = await h.newUser('Vic', '#4363d8');
		await h.openRoom(v, room.links.viewer);
		await tab(v.page, 'cluster');
		await v.page.locator('[data-testid=node-row][data-node=worker-2] .head').click();
		expect(await v.page.getByTestId('node-fail').isDisabled()).toBe(true);
		expect(await v.page.getByTestId('node-actions-readonly').textContent()).toBe('only the facilitator and editors can change the cluster');

		// Fail worker-2 in one click from its details (the fault menu's NodeFailure): the clock paused,
		// it stays Ready; 60 s of room time later it is NotReady.
		await tab(page, 'cluster');
		await page.locator('[data-testid=node-row][data-node=worker-2] .head').click();
		await clock(room, { action: 'pause' });
		await page.getByTestId('node-fail').click();
		await poll(() => page.getByTestId('node-failure').textContent()).toMatch(/^NodeFailure of node worker-2 \(f\d+, api\)/);
		await poll(async () => ((await api.must('GET', '/api/v1/events?fieldSelector=reason%3DFaultInjected')).items as Obj[]).map((e) => [e.involvedObject.name, e.message])).toEqual([
			['worker-2', 'Injected NodeFailure of node worker-2']
		]);
		expect(await v.page.getByTestId('node-recover').isDisabled()).toBe(true);
		expect(await page.locator('[data-testid=node-row][data-node=worker-2]').getAttribute('data-ready')).toBe('True');
		await clock(room, { action: 'step', seconds: 60 });
		await poll(() => page.locator('[data-testid=node-row][data-node=worker-2]').getAttribute('data-ready'), 30_000).toBe('Unknown');
		expect(await page.locator('[data-testid=node-row][data-node=worker-2]').getAttribute('data-status')).toBe('NotReady');
		await poll(() => page.getByTestId('node-status').getAttribute('data-ready')).toBe('Unknown');

		// Recover, in one click too: the machine boots again and the node is Ready.
		await page.getByTestId('node-recover').click();
		await poll(() => page.getByTestId('node-fail').count()).toBe(1);
		expect(await page.getByTestId('node-failure').count()).toBe(0);
		await clock(room, { action: 'step', seconds: 10 });
		await poll(() => page.locator('[data-testid=node-row][data-node=worker-2]').getAttribute('data-ready'), 30_000).toBe('True');
	});
});
