/**
 * Time travel in the browser: the scrubber loads the room's store as a replica, the Cluster view
 * shows the cluster at an earlier revision, the changes panel diffs two revisions, the Store
 * view shows a key's history with a diff, the Network view diffs a node's rules across
 * revisions, and write actions are gone while scrubbed.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { kubeCall, poll, ROOT, useHarness, type CreatedRoom } from './harness';

const h = useHarness();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const kube = (room: CreatedRoom, method: string, path: string, body?: unknown) => kubeCall(h.origin, room, method, path, body);

const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, annotations: { 'sim.converge.dev/cpu': '2', 'sim.converge.dev/memory': '4Gi' } } });
const tab = (page: Page, id: string) => page.getByTestId(`view-tab-${id}`).click();
const nodeRows = (page: Page) => page.getByTestId('node-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-node')));

describe('time travel', () => {
	test('the scrubber shows the cluster at an earlier revision and what changed; the Store view shows a key history', async () => {
		const room = await h.createRoom('blank', 'time travel');
		await kube(room, 'POST', '/api/v1/nodes', node('worker-1'));
		await kube(room, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { level: 'one' } });
		const before = (await (await fetch(`${h.origin}/api/rooms/${room.id}/store`, { headers: { authorization: `Bearer ${room.tokens.viewer}` } })).json()) as Obj;
		const rev1 = before.revision as number;
		await kube(room, 'POST', '/api/v1/nodes', node('worker-2'));
		await kube(room, 'PATCH', '/api/v1/namespaces/default/configmaps/settings', { data: { level: 'two' } }).catch(async () => {
			const cm = await kube(room, 'GET', '/api/v1/namespaces/default/configmaps/settings');
			await kube(room, 'PUT', '/api/v1/namespaces/default/configmaps/settings', { ...cm, data: { level: 'two' } });
		});

		const a = await h.newUser('Ana', '#3cb44b', { width: 1440, height: 900 });
		await h.openRoom(a, room.links.viewer);
		const page = a.page;
		await tab(page, 'cluster');
		await poll(() => nodeRows(page), 30_000).toEqual(['worker-1', 'worker-2']);

		// Load the history, scrub to the revision before worker-2 existed.
		await page.getByTestId('tt-open').click();
		await poll(() => page.getByTestId('time-travel').getAttribute('data-state'), 30_000).toBe('ready');
		await page.getByTestId('tt-slider').fill(String(rev1));
		await poll(() => page.getByTestId('view-cluster').getAttribute('data-revision')).toBe(String(rev1));
		await poll(() => nodeRows(page)).toEqual(['worker-1']);
		await poll(() => page.getByTestId('tt-where').textContent()).toMatch(new RegExp(`rev ${rev1} of \\d+ · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d`));

		// One revision later and onwards: the views follow the scrubber.
		const last = Number(await page.getByTestId('tt-slider').getAttribute('max'));
		await page.getByTestId('tt-slider').fill(String(last));
		await poll(() => nodeRows(page)).toEqual(['worker-1', 'worker-2']);

		// What changed since rev1: worker-2 created, the configmap updated, with its diff.
		await page.getByTestId('tt-changes-toggle').click();
		await page.getByTestId('tt-from').fill(String(rev1));
		const change = (key: string) => page.locator(`[data-testid=tt-change][data-key="${key}"]`);
		await poll(() => change('/registry/minions/worker-2').getAttribute('data-type')).toBe('created');
		await poll(() => change('/registry/configmaps/default/settings').getAttribute('data-type')).toBe('updated');
		await change('/registry/configmaps/default/settings').click();
		await poll(() => page.getByTestId('tt-changes').getByTestId('tt-diff').textContent()).toMatch(/level: one[\s\S]*level: two/);
		await page.screenshot({ path: join(ROOT, 'docs', 'time-travel.png') });

		// Back to live: the cluster is the live one again.
		await page.getByTestId('tt-live').click();
		await poll(() => page.getByTestId('view-cluster').getAttribute('data-revision')).toBe('live');
		await poll(() => page.getByTestId('time-travel').getAttribute('data-revision')).toBe('live');

		// Store view: the key tree, the configmap's revisions, its history with a diff.
		await tab(page, 'store');
		await page.locator('[data-testid=store-branch][data-path="/registry/configmaps"]').click();
		await page.locator('[data-testid=store-branch][data-path="/registry/configmaps/default"]').click();
		await page.locator('[data-testid=store-key][data-key="/registry/configmaps/default/settings"]').click();
		await poll(() => page.getByTestId('store-version').textContent()).toBe('2');
		const items = page.getByTestId('store-history-item');
		await poll(() => items.count()).toBe(2);
		await poll(() => page.getByTestId('store-view').getByTestId('tt-diff').textContent()).toMatch(/"level": "one"[\s\S]*"level": "two"/);
		const create = Number(await page.getByTestId('store-create').textContent());
		const mod = Number(await page.getByTestId('store-mod').textContent());
		expect(create).toBeLessThanOrEqual(rev1);
		expect(mod).toBeGreaterThan(rev1);
		// The watch feed shows revisions as they arrive (kubelets renew their leases).
		await poll(() => page.locator('[data-testid=store-feed] .ev').count(), 30_000).toBeGreaterThan(0);
		await page.screenshot({ path: join(ROOT, 'docs', 'store-view.png') });
	});

	test('the Network view diffs a node’s rules between the scrubbed revision and now; the Sync view is read-only while scrubbed', async () => {
		const room = await h.createRoom('blank', 'rules diff');
		await kube(room, 'POST', '/api/v1/nodes', node('worker-1'));
		await kube(room, 'POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] } });
		const status = async () => (await (await fetch(`${h.origin}/api/rooms/${room.id}/store`, { headers: { authorization: `Bearer ${room.tokens.viewer}` } })).json()) as Obj;
		const rev1 = (await status()).revision as number;
		// The Service gains a port: every node's rules gain its VIP:443 entries.
		const svc = await kube(room, 'GET', '/api/v1/namespaces/default/services/web');
		svc.spec.ports = [...svc.spec.ports, { name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }];
		await kube(room, 'PUT', '/api/v1/namespaces/default/services/web', svc);
		const vip = svc.spec.clusterIP as string;

		const a = await h.newUser('Eli', '#4363d8', { width: 1440, height: 900 });
		await h.openRoom(a, room.links.editor);
		const page = a.page;
		await tab(page, 'network');
		await poll(() => page.getByTestId('proxy-rules').textContent(), 30_000).toContain(`${vip}/32`);
		await expect(page.getByTestId('proxy-rules-diff').count()).resolves.toBe(0);

		await page.getByTestId('tt-open').click();
		await poll(() => page.getByTestId('time-travel').getAttribute('data-state'), 30_000).toBe('ready');
		await page.getByTestId('tt-slider').fill(String(rev1));
		await poll(() => page.getByTestId('view-network').getAttribute('data-revision')).toBe(String(rev1));
		// The rules as they were (no :443 yet), and the diff to now: the added lines for port 443.
		await poll(() => page.getByTestId('proxy-rules').textContent()).not.toMatch(new RegExp(`-d ${vip.replaceAll('.', '\\.')}/32[^\\n]*--dport 443`));
		const diff = page.getByTestId('proxy-rules-diff');
		await poll(() => diff.getAttribute('data-from')).toBe(String(rev1));
		const added = () => page.getByTestId('proxy-rules-diff-line').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
		await poll(async () => (await added()).some((l) => l.startsWith('+') && l.includes(`-d ${vip}/32`) && l.includes('--dport 443'))).toBe(true);
		await poll(async () => (await added()).every((l) => !l.includes('--dport 80 '))).toBe(true);

		// Sync while scrubbed: no Sync button; back to live, the editor can sync again.
		await tab(page, 'sync');
		await poll(() => page.getByTestId('view-sync').getAttribute('data-revision')).toBe(String(rev1));
		await page.getByTestId('sync-summary').waitFor({ timeout: 60_000 });
		await poll(() => page.getByTestId('sync-button').count()).toBe(0);
		await page.getByTestId('tt-live').click();
		await poll(() => page.getByTestId('view-sync').getAttribute('data-revision')).toBe('live');
		await poll(() => page.getByTestId('sync-button').count(), 30_000).toBe(1);

		// Live again, "compare with" a past revision diffs it against now.
		await tab(page, 'network');
		await page.getByTestId('proxy-compare-rev').fill(String(rev1));
		await poll(async () => (await added()).some((l) => l.startsWith('+') && l.includes(`-d ${vip}/32`) && l.includes('--dport 443'))).toBe(true);
	});
});
