/**
 * The Sync view in the browser, two users: A changes `replicas: 3` to `5` in the shared file;
 * both see the Deployment Synced and Healthy, then (clock paused, so the new pods cannot start)
 * Synced and Progressing, then Healthy once the clock runs again; B labels the Deployment live
 * through the kube API as `kubectl label` does (field manager `kubectl-label`), and both see the
 * live-only label attributed to it in the diff.
 * The editor shows the object's badge in its gutter. A screenshot goes to docs/ for the README.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { poll, ROOT, useHarness, yText } from './harness';

const h = useHarness();

/** The row of an object in the resource tree as `Kind ns/name sync health`. */
async function row(page: Page, key: string): Promise<string> {
	return page.evaluate((k) => {
		const r = document.querySelector(`[data-testid=sync-row][data-key="${k}"]`);
		if (!r) return '';
		const sync = r.querySelector('[data-testid=sync-badge]')?.getAttribute('data-status') ?? '';
		const health = r.querySelector('[data-testid=health-badge]')?.getAttribute('data-status') ?? '';
		return `${sync} ${health}`.trim();
	}, key);
}

/** Replaces `from` by `to` in a file of the room's shared document, as an edit in the editor does. */
async function edit(page: Page, path: string, from: string, to: string): Promise<void> {
	await page.evaluate(
		([p, a, b]) => {
			const doc = (window as unknown as { converge: { session: { doc: import('yjs').Doc } } }).converge.session.doc;
			let id: string | undefined;
			doc.getMap<{ path: string }>('tree').forEach((e, k) => {
				if (e.path === p) id = k;
			});
			const text = doc.getMap<import('yjs').Text>('texts').get(id!)!;
			const at = text.toString().indexOf(a);
			if (at < 0) throw new Error(`${a} is not in ${p}`);
			doc.transact(() => {
				text.delete(at, a.length);
				text.insert(at, b);
			});
		},
		[path, from, to]
	);
}

const DEPLOY = 'apps/Deployment/default/web';

describe('Sync view', () => {
	test('an edit goes OutOfSync then Synced for both users; a live label shows as drift owned by kubectl-label', async () => {
		const room = await h.createRoom('web-app');
		const a = await h.newUser('Alice', '#e6194b', { width: 1500, height: 950 });
		const b = await h.newUser('Bob', '#4363d8', { width: 1500, height: 950 });
		// Open on the editor (the harness waits for the file tree), then switch to the Sync view.
		for (const u of [a, b]) {
			await h.openRoom(u, room.links.editor);
			await u.page.getByTestId('view-tab-sync').click();
		}

		// The starter is applied: the Deployment is Synced for both.
		for (const u of [a, b]) await poll(() => row(u.page, DEPLOY), 60_000).toMatch(/^Synced /);

		for (const u of [a, b]) await poll(() => row(u.page, DEPLOY), 60_000).toBe('Synced Healthy');
		// With the room clock paused the two new pods cannot start, so the rollout is visibly in progress.
		const clock = (action: string) =>
			fetch(`${h.origin}/api/rooms/${room.id}/clock`, { method: 'POST', headers: { authorization: `Bearer ${room.tokens.facilitator}`, 'content-type': 'application/json' }, body: JSON.stringify({ action }) });
		expect((await clock('pause')).status).toBe(200);
		expect(await yText(a.page, 'app/deployment.yaml')).toContain('replicas: 3');
		await edit(a.page, 'app/deployment.yaml', 'replicas: 3', 'replicas: 5');
		// Applied after the edit pause: 5 replicas live, and Synced again for both.
		const replicas = async () => {
			const r = await fetch(`${h.origin}/rooms/${room.id}/k8s/apis/apps/v1/namespaces/default/deployments/web`, { headers: { authorization: `Bearer ${room.tokens.editor}` } });
			return ((await r.json()) as { spec?: { replicas?: number } }).spec?.replicas;
		};
		await poll(replicas, 60_000).toBe(5);
		for (const u of [a, b]) await poll(() => row(u.page, DEPLOY), 60_000).toBe('Synced Progressing');
		expect((await clock('resume')).status).toBe(200);
		for (const u of [a, b]) await poll(() => row(u.page, DEPLOY), 60_000).toBe('Synced Healthy');

		// B labels the Deployment the way `kubectl label deployment web team=blue` does.
		const res = await fetch(`${h.origin}/rooms/${room.id}/k8s/apis/apps/v1/namespaces/default/deployments/web?fieldManager=kubectl-label`, {
			method: 'PATCH',
			headers: { authorization: `Bearer ${room.tokens.editor}`, 'content-type': 'application/merge-patch+json' },
			body: JSON.stringify({ metadata: { labels: { team: 'blue' } } })
		});
		expect(res.status).toBe(200);

		for (const u of [a, b]) {
			await u.page.locator(`[data-testid=sync-row][data-key="${DEPLOY}"] .name`).click();
			const drift = u.page.locator('[data-testid=drift-field][data-path="metadata.labels.team"]');
			await drift.waitFor({ timeout: 30_000 });
			expect(await drift.locator('[data-testid=drift-owner]').innerText()).toMatch(/^kubectl-label \(Update\)/);
			// The live side of the diff marks the label's line.
			await poll(() => u.page.locator('[data-testid=diff-editor] .cm-drift-mark').count()).toBeGreaterThan(0);
		}
		await a.page.screenshot({ path: join(ROOT, 'docs', 'sync-view.png') });

		// The editor shows the Deployment's badge at its first line.
		await a.page.locator(`[data-testid=sync-row][data-key="${DEPLOY}"] [data-testid=sync-source]`).click();
		await a.page.locator('[data-testid=editor] .cm-sync-badge').first().waitFor({ timeout: 15_000 });
		expect(await a.page.locator('[data-testid=editor] .cm-sync-badge').first().getAttribute('data-sync')).toBe('Synced');
	});
});
