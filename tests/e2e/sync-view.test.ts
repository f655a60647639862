/**
 * The Sync view in the browser, two users.
 *
 * 1. A changes `replicas: 3` to `5` in the shared file (auto-sync, the room clock paused so the new
 *    pods cannot start): both see the Deployment go OutOfSync, then Synced and Progressing, then
 *    Healthy once the clock runs again; both see that Alice last edited its source. B runs the real
 *    `kubectl label` (with the room's kubeconfig): both see the live-only label attributed to
 *    `kubectl-label` in the diff and among the managers that changed it live. A compares the two
 *    applied revisions (replicas 3 → 5), the unified diff with status shown, and the object's
 *    events. A screenshot goes to docs/.
 * 2. Auto-sync off: A's edit leaves the Deployment OutOfSync for both; A syncs the one object with
 *    a preview first (update of spec.replicas), and both see it Synced. A file removed while prune
 *    is off leaves its Service as "would prune". The editor shows the object's gutter badge.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { kubeCall, poll, ROOT, roomClock, useHarness, yText, type CreatedRoom, type User } from './harness';

const h = useHarness();
const DEPLOY = 'apps/Deployment/default/web';
const SERVICE = '/Service/default/web';
/** Generous: the machine running these may be shared. */
const SLOW = 60_000;

/** The row of an object in the resource tree as `sync health`. */
async function row(page: Page, key: string): Promise<string> {
	return page.evaluate((k) => {
		const r = document.querySelector(`[data-testid=sync-row][data-key="${k}"]`);
		if (!r) return '';
		const sync = r.querySelector('[data-testid=sync-badge]')?.getAttribute('data-status') ?? '';
		const health = r.querySelector('[data-testid=health-badge]')?.getAttribute('data-status') ?? '';
		return `${sync} ${health}`.trim();
	}, key);
}

/** Starts recording every sync status the row of `key` shows (a MutationObserver), read back by `seen`. */
async function recordSync(page: Page, key: string): Promise<void> {
	await page.evaluate((k) => {
		const w = window as unknown as { syncSeen: string[] };
		w.syncSeen = [];
		const push = () => {
			const v = document.querySelector(`[data-testid=sync-row][data-key="${k}"] [data-testid=sync-badge]`)?.getAttribute('data-status');
			if (v && w.syncSeen.at(-1) !== v) w.syncSeen.push(v);
		};
		push();
		new MutationObserver(push).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
	}, key);
}
const seen = (page: Page) => page.evaluate(() => (window as unknown as { syncSeen: string[] }).syncSeen.join(' '));

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

const replicas = async (room: CreatedRoom) => ((await kubeCall(h.origin, room, 'GET', '/apis/apps/v1/namespaces/default/deployments/web')) as { spec?: { replicas?: number } }).spec?.replicas;

/** Opens the room for Alice and Bob on the Sync view, once the starter is applied and healthy. */
async function twoUsers(room: CreatedRoom): Promise<[User, User]> {
	const a = await h.newUser('Alice', '#e6194b', { width: 1500, height: 950 });
	const b = await h.newUser('Bob', '#4363d8', { width: 1500, height: 950 });
	// Open on the editor (the harness waits for the file tree), then switch to the Sync view.
	for (const u of [a, b]) {
		await h.openRoom(u, room.links.editor);
		await u.page.getByTestId('view-tab-sync').click();
	}
	for (const u of [a, b]) await poll(() => row(u.page, DEPLOY), SLOW).toBe('Synced Healthy');
	return [a, b];
}

const select = (page: Page, key: string) => page.locator(`[data-testid=sync-row][data-key="${key}"] .name`).click();

/** The real `kubectl` with the room's editor kubeconfig, as a participant runs it on their machine. */
async function kubectl(room: CreatedRoom, args: string[]): Promise<string> {
	const res = await fetch(`${h.origin}/api/rooms/${room.id}/kubeconfig?role=editor`, { headers: { authorization: `Bearer ${room.tokens.editor}` } });
	expect(res.status).toBe(200);
	const dir = mkdtempSync(join(tmpdir(), 'converge-kubeconfig-'));
	try {
		writeFileSync(join(dir, 'config'), await res.text());
		const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', join(dir, 'config'), ...args]);
		return stdout;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

describe('Sync view', () => {
	test('an edit goes OutOfSync then Synced for both, attributed to its author; a kubectl label shows as drift owned by kubectl-label; two revisions diff', { timeout: 240_000 }, async () => {
		const room = await h.createRoom('web-app');
		const [a, b] = await twoUsers(room);

		// With the room clock paused the two new pods cannot start, so the rollout is visibly in progress.
		await roomClock(h.origin, room, { action: 'pause' });
		expect(await yText(a.page, 'app/deployment.yaml')).toContain('replicas: 3');
		for (const u of [a, b]) await recordSync(u.page, DEPLOY);
		await edit(a.page, 'app/deployment.yaml', 'replicas: 3', 'replicas: 5');
		// Applied after the edit pause: 5 replicas live, and Synced again for both.
		await poll(() => replicas(room), SLOW).toBe(5);
		for (const u of [a, b]) await poll(() => row(u.page, DEPLOY), SLOW).toBe('Synced Progressing');
		// Both saw the declared 5 differ from the live 3 before the sync applied it.
		for (const u of [a, b]) expect(await seen(u.page)).toMatch(/\bOutOfSync\b.*\bSynced$/);
		await roomClock(h.origin, room, { action: 'resume' });
		for (const u of [a, b]) await poll(() => row(u.page, DEPLOY), SLOW).toBe('Synced Healthy');

		// Who last edited the object's source (the edit came from Alice's editor).
		for (const u of [a, b]) {
			await select(u.page, DEPLOY);
			await poll(() => u.page.getByTestId('last-edited-by').textContent(), SLOW).toBe('Alice');
		}

		// B labels the Deployment with the real kubectl (field manager `kubectl-label`).
		expect(await kubectl(room, ['label', 'deployment', 'web', 'team=blue'])).toContain('deployment.apps/web labeled');
		for (const u of [a, b]) {
			const drift = u.page.locator('[data-testid=drift-field][data-path="metadata.labels.team"]');
			await drift.waitFor({ timeout: SLOW });
			expect(await drift.locator('[data-testid=drift-owner]').innerText()).toMatch(/^kubectl-label \(Update\)/);
			// The live side of the diff marks the label's line; kubectl-label is among who changed it live.
			await poll(() => u.page.locator('[data-testid=diff-editor] .cm-drift-mark').count()).toBeGreaterThan(0);
			await poll(() => u.page.locator('[data-testid=live-manager]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.manager))).toContain('kubectl-label');
		}
		await a.page.screenshot({ path: join(ROOT, 'docs', 'sync-view.png') });

		// The two applied revisions (history kept in the room's store): the older on the left, the newer on the right.
		const left = a.page.getByTestId('diff-left');
		await poll(() => left.locator('option').count(), SLOW).toBe(3);
		await left.selectOption('1');
		await a.page.getByTestId('diff-right').selectOption('0');
		await poll(() => a.page.locator('[data-testid=revision-change]').allInnerTexts()).toEqual(['spec.replicas']);
		const changed = async (side: string) => (await a.page.locator(`[data-testid=diff-editor] .cm-merge-${side} .cm-changedLine`).allInnerTexts()).map((l) => l.trim());
		await poll(() => changed('a')).toEqual(['replicas: 3']);
		await poll(() => changed('b')).toEqual(['replicas: 5']);

		// Back to files vs live, unified, with status shown: the live-only label is an added line, status appears.
		await a.page.getByTestId('diff-left').selectOption('files');
		await a.page.getByTestId('diff-right').selectOption('live');
		await a.page.locator('[data-testid=sync-diff] input[type=radio][value=unified]').click();
		await poll(() => a.page.locator('[data-testid=diff-editor] .cm-merge-a').count()).toBe(0);
		await poll(async () => (await a.page.locator('[data-testid=diff-editor] .cm-changedLine').allInnerTexts()).map((l) => l.trim())).toContain('team: blue');
		expect(await a.page.locator('[data-testid=diff-editor]').innerText()).not.toContain('availableReplicas');
		await a.page.getByTestId('hide-status').uncheck();
		await poll(() => a.page.locator('[data-testid=diff-editor]').innerText()).toContain('availableReplicas: 5');

		// The object's events: the deployment controller scaled its ReplicaSet.
		await a.page.getByTestId('tab-events').click();
		await poll(() => a.page.getByTestId('object-events').innerText(), SLOW).toContain('ScalingReplicaSet');
	});

	test('without auto-sync an edit stays OutOfSync until a previewed sync of the object; a removed file would prune; the gutter badge', { timeout: 240_000 }, async () => {
		const room = await h.createRoom('web-app');
		const [a, b] = await twoUsers(room);
		const settings = await fetch(`${h.origin}/api/rooms/${room.id}/sync/settings`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${room.tokens.facilitator}`, 'content-type': 'application/json' },
			body: JSON.stringify({ autoSync: false })
		});
		expect(settings.status).toBe(200);
		for (const u of [a, b]) await poll(() => u.page.getByTestId('mode-autoSync').isChecked(), SLOW).toBe(false);

		await edit(a.page, 'app/deployment.yaml', 'replicas: 3', 'replicas: 4');
		for (const u of [a, b]) await poll(() => row(u.page, DEPLOY), SLOW).toMatch(/^OutOfSync /);
		expect(await replicas(room)).toBe(3);

		// Sync… on the object shows what would change first; Synchronize applies it.
		await select(a.page, DEPLOY);
		await a.page.getByTestId('sync-object-button').click();
		const item = a.page.locator(`[data-testid=sync-object] [data-testid=preview-item][data-key="${DEPLOY}"]`);
		await item.waitFor({ timeout: SLOW });
		expect(await item.getAttribute('data-action')).toBe('update');
		expect(await item.getByTestId('preview-fields').innerText()).toContain('spec.replicas');
		expect(await a.page.locator('[data-testid=sync-object] [data-testid=preview-item]').count()).toBe(1);
		expect(await replicas(room)).toBe(3);
		await a.page.locator('[data-testid=sync-object] [data-testid=sync-confirm]').click();
		for (const u of [a, b]) await poll(() => row(u.page, DEPLOY), SLOW).toMatch(/^Synced /);
		expect(await replicas(room)).toBe(4);
		await poll(() => a.page.getByTestId('last-sync').innerText(), SLOW).toContain('(manual by Alice)');

		// The Service's file goes away while prune is off: still live, shown as "would prune".
		const del = await fetch(`${h.origin}/api/rooms/${room.id}/files?path=app/service.yaml`, { method: 'DELETE', headers: { authorization: `Bearer ${room.tokens.editor}` } });
		expect(del.status).toBe(200);
		for (const u of [a, b]) {
			await poll(() => row(u.page, SERVICE), SLOW).toMatch(/^Extraneous /);
			expect(await u.page.locator(`[data-testid=sync-row][data-key="${SERVICE}"] [data-testid=would-prune]`).count()).toBe(1);
		}
		expect((await kubeCall(h.origin, room, 'GET', '/api/v1/namespaces/default/services/web')).metadata.name).toBe('web');

		// The editor shows the Deployment's badge at its first line.
		await a.page.locator(`[data-testid=sync-row][data-key="${DEPLOY}"] [data-testid=sync-source]`).click();
		await a.page.locator('[data-testid=editor] .cm-sync-badge').first().waitFor({ timeout: 15_000 });
		expect(await a.page.locator('[data-testid=editor] .cm-sync-badge').first().getAttribute('data-sync')).toBe('Synced');
	});
});
