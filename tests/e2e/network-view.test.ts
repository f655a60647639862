/**
 * The Network view in the browser, over a cluster made through the room's kube API (as kubectl
 * would make it): a node's VIP table with its endpoints, the rules rendered as iptables-save,
 * ipvsadm and nft, one Service side by side across nodes (externalTrafficPolicy Local makes them
 * differ), and a packet trace from a pod through DNS and the node's rules to a backend. Writes
 * the README screenshot docs/network-view.png.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { poll, ROOT, useHarness, type CreatedRoom } from './harness';

const h = useHarness();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** A write to the room's kube API with the editor token (what kubectl does). */
async function create(room: CreatedRoom, path: string, body: Obj): Promise<void> {
	const res = await fetch(`${h.origin}/rooms/${room.id}/k8s${path}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${room.tokens.editor}`, 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${((await res.json()) as Obj).message}`);
}

const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });

// Two replicas pinned to worker-1, so externalTrafficPolicy Local leaves worker-2 without local endpoints.
const deployment = {
	apiVersion: 'apps/v1',
	kind: 'Deployment',
	metadata: { name: 'web', namespace: 'default' },
	spec: {
		replicas: 2,
		selector: { matchLabels: { app: 'web' } },
		template: {
			metadata: { labels: { app: 'web' } },
			spec: { nodeSelector: { 'kubernetes.io/hostname': 'worker-1' }, containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }] }
		}
	}
};
const service = {
	apiVersion: 'v1',
	kind: 'Service',
	metadata: { name: 'web', namespace: 'default' },
	spec: { type: 'NodePort', externalTrafficPolicy: 'Local', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }
};
const client = {
	apiVersion: 'v1',
	kind: 'Pod',
	metadata: { name: 'client', namespace: 'default', labels: { app: 'client' } },
	spec: { nodeSelector: { 'kubernetes.io/hostname': 'worker-2' }, containers: [{ name: 'sh', image: 'busybox:1.36' }] }
};

const rules = (page: Page) => page.getByTestId('proxy-rules').textContent();
const webRows = (page: Page) =>
	page.locator('[data-testid=vip-row][data-service="default/web:http"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-kind'), e.getAttribute('data-verdict')]));

describe('network view', () => {
	test('shows VIP tables per node in three renderings, a Service across nodes, and a trace', async () => {
		const room = await h.createRoom('blank', 'network');
		await fetch(`${h.origin}/api/rooms/${room.id}/clock`, {
			method: 'POST',
			headers: { authorization: `Bearer ${room.tokens.facilitator}`, 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'speed', speed: 10 })
		});
		for (const n of ['worker-1', 'worker-2']) await create(room, '/api/v1/nodes', node(n));
		await create(room, '/apis/apps/v1/namespaces/default/deployments', deployment);
		await create(room, '/api/v1/namespaces/default/services', service);
		await create(room, '/api/v1/namespaces/default/pods', client);

		const a = await h.newUser('Alice', '#e6194b', { width: 1440, height: 900 });
		await h.openRoom(a, room.links.editor);
		const page = a.page;
		await page.getByTestId('view-tab-network').click();
		expect(new URL(page.url()).hash).toMatch(/&view=network$/);

		// worker-1's table: the ClusterIP and the NodePort forward to the two local endpoints, once Ready.
		await poll(() => page.getByTestId('proxy-node').inputValue()).toBe('worker-1');
		await poll(() => webRows(page), 90_000).toEqual([
			['ClusterIP', 'forward'],
			['NodePort', 'forward']
		]);
		const clusterRow = page.locator('[data-testid=vip-row][data-service="default/web:http"][data-kind=ClusterIP]');
		await poll(() => clusterRow.locator('.ep').count()).toBe(2);
		await expect(clusterRow.locator('.where').allTextContents()).resolves.toEqual(['local', 'local']);
		await expect(clusterRow.locator('.pct').allTextContents()).resolves.toEqual(['50%', '50%']);

		// The renderings: iptables-save (the room's mode), then ipvsadm and nft.
		await poll(() => rules(page)).toMatch(/-A KUBE-SERVICES -d 10\.\d+\.\d+\.\d+\/32 -p tcp -m comment --comment "default\/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-[A-Z2-7]{16}/);
		expect(await rules(page)).toMatch(/-m statistic --mode random --probability 0\.50000000000 -j KUBE-SEP-[A-Z2-7]{16}/);
		await page.getByTestId('proxy-format').selectOption('ipvs');
		await poll(() => rules(page)).toContain('IP Virtual Server version 1.2.1 (size=4096)');
		expect(await rules(page)).toMatch(/TCP {2}10\.\d+\.\d+\.\d+:80 rr/);
		await page.getByTestId('proxy-format').selectOption('nft');
		await poll(() => rules(page)).toContain('table ip kube-proxy {');
		expect(await rules(page)).toMatch(/numgen random mod 2 vmap \{ 0 : goto endpoint-[A-Z2-7]{8}-default\/web\/tcp\/http__10\.244\.\d+\.\d+\/8080, 1 : goto endpoint-/);
		await page.getByTestId('proxy-search').fill('numgen');
		await poll(() => page.locator('[data-testid=proxy-rules] .ln').count()).toBeGreaterThan(0);
		expect((await rules(page))!.split('\n').filter(Boolean).every((l) => l.includes('numgen'))).toBe(true);
		await page.getByTestId('proxy-search').fill('');
		await page.getByTestId('proxy-format').selectOption('iptables');

		// worker-2 has no local endpoint: its NodePort drops off-node traffic (filter DROP).
		await page.getByTestId('proxy-node').selectOption('worker-2');
		await poll(() => webRows(page)).toEqual([
			['ClusterIP', 'forward'],
			['NodePort', 'drop']
		]);
		await poll(() => rules(page)).toContain('"default/web:http has no local endpoints"');

		// The Service across nodes, side by side.
		await page.getByTestId('proxy-tab-service').click();
		await page.getByTestId('proxy-service').selectOption('default/web');
		const across = () =>
			page.locator('[data-testid=service-across] tr[data-kind=NodePort]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-node'), e.getAttribute('data-verdict')]));
		await poll(across).toEqual([
			['worker-1', 'forward'],
			['worker-2', 'drop']
		]);

		// A trace from the client pod on worker-2 to the Service by name: DNS, worker-2's rules, DNAT to worker-1.
		await poll(() => page.locator('[data-testid=trace-from] option[value="default/client"]').count(), 60_000).toBe(1);
		await page.getByTestId('trace-from').selectOption('default/client');
		await page.getByTestId('trace-to').fill('web:80');
		await page.getByTestId('trace-run').click();
		const result = page.getByTestId('trace-result');
		await poll(() => result.getAttribute('data-outcome')).toBe('delivered');
		await expect(page.getByTestId('trace-path').textContent()).resolves.toBe('worker-2 → worker-1');
		expect(await result.textContent()).toContain('web.default.svc.cluster.local: NOERROR A 10.');
		expect(await result.textContent()).toMatch(/-A KUBE-SERVICES -d 10\.\d+\.\d+\.\d+\/32 -p tcp -m comment --comment "default\/web:http cluster IP"/);

		await page.getByTestId('proxy-tab-node').click();
		await page.getByTestId('proxy-node').selectOption('worker-1');
		await poll(() => webRows(page)).toEqual([
			['ClusterIP', 'forward'],
			['NodePort', 'forward']
		]);
		await page.screenshot({ path: join(ROOT, 'docs', 'network-view.png') });
	});
});
