/**
 * Workshop roles in three browsers (facilitator, editor, viewer): each sees what its role may
 * do, the server refuses the rest, the facilitator locks a file and changes a participant's role
 * live, and a participant follows the facilitator's file, view and selected node.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openFile, poll, useHarness } from './harness';

const h = useHarness();

/** A call to the rooms API from the page, with the page's own token (link token + participant key). */
function pageApi(page: Page, path: string, method: string, body?: unknown): Promise<{ status: number; message?: string }> {
	return page.evaluate(
		async ({ path, method, body }) => {
			const token = (window as unknown as { converge: { session: { token: string } } }).converge.session.token;
			const res = await fetch(path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
			return { status: res.status, message: ((await res.json()) as { message?: string }).message };
		},
		{ path, method, body }
	);
}

/** Inserts text into a file's shared text from the page, bypassing the read-only editor (what a modified client could send). */
function forceEdit(page: Page, path: string, text: string): Promise<void> {
	return page.evaluate(
		({ path, text }) => {
			const doc = (window as unknown as { converge: { session: { doc: import('yjs').Doc } } }).converge.session.doc;
			let id: string | undefined;
			doc.getMap<{ path: string }>('tree').forEach((e, k) => {
				if (e.path === path) id = k;
			});
			doc.getMap<import('yjs').Text>('texts').get(id!)!.insert(0, text);
		},
		{ path, text }
	);
}

const badge = (page: Page) => page.locator('[data-testid=role-badge], [data-testid=viewer-badge]').getAttribute('data-role');

describe('roles in the browser', () => {
	test('role limits are visible and enforced; locks and role changes apply live; follow mode follows the facilitator', async () => {
		const room = await h.createRoom('web-app', 'Workshop');
		const fay = await h.newUser('Fay', '#4363d8');
		const ed = await h.newUser('Ed', '#3cb44b');
		const vi = await h.newUser('Vi', '#e6194b');
		await h.openRoom(fay, room.links.facilitator);
		await h.openRoom(ed, room.links.editor);
		await h.openRoom(vi, room.links.viewer);

		// Badges and what each role is offered.
		expect(await badge(fay.page)).toBe('facilitator');
		expect(await badge(ed.page)).toBe('editor');
		expect(await vi.page.getByTestId('viewer-badge').innerText()).toBe('view only');
		await fay.page.getByTestId('clock-pause').waitFor();
		for (const u of [ed, vi]) {
			expect(await u.page.getByTestId('clock-pause').count()).toBe(0);
			expect(await u.page.getByTestId('reset-cluster').count()).toBe(0);
			expect(await u.page.getByTestId('follow-all').count()).toBe(0);
			expect(await u.page.getByTestId('copy-facilitator-link').count()).toBe(0);
		}
		expect(await fay.page.getByTestId('copy-facilitator-link').getAttribute('data-link')).toBe(room.links.facilitator);
		expect(await ed.page.getByTestId('copy-editor-link').count()).toBe(1);
		expect(await vi.page.getByTestId('copy-editor-link').count()).toBe(0);
		expect(await vi.page.getByTestId('new-file').count()).toBe(0);
		expect(await ed.page.getByTestId('new-file').count()).toBe(1);

		// The server refuses what the UI does not offer.
		expect(await pageApi(ed.page, `/api/rooms/${room.id}/clock`, 'POST', { action: 'pause' })).toEqual({ status: 403, message: `only the facilitator can change the clock of room "${room.id}"` });
		expect((await pageApi(vi.page, `/api/rooms/${room.id}/files`, 'POST', { path: 'v.yaml' })).status).toBe(403);
		expect((await pageApi(ed.page, `/api/rooms/${room.id}/reset`, 'POST')).status).toBe(403);

		// The facilitator locks a file: the editor sees the lock, cannot type, and a forced edit is refused.
		const service = 'app/service.yaml';
		const row = fay.page.locator(`[data-testid=file-tree] li:has(.name[data-path="${service}"])`);
		await row.hover();
		await row.getByTestId('lock-toggle').click();
		await poll(() => ed.page.locator(`[data-testid=file-tree] li:has(.name[data-path="${service}"]) [data-testid=locked-icon]`).count()).toBe(1);
		await openFile(ed.page, service);
		await poll(() => ed.page.getByTestId('editor').getAttribute('data-readonly')).toBe('true');
		expect(await ed.page.getByTestId('editor-locked').count()).toBe(1);
		const before = await h.serverFile(room, service);
		await forceEdit(ed.page, service, '# sneaky\n');
		await poll(() => ed.page.locator('[data-testid=notice][data-code=file-locked]').count()).toBe(1);
		await poll(async () => (await ed.page.evaluate(() => (window as unknown as { converge: { session: { status: { synced: boolean } } } }).converge.session.status.synced))).toBe(true);
		expect(await h.serverFile(room, service)).toBe(before);
		// Other files stay editable for the editor.
		await openFile(ed.page, 'app/configmap.yaml');
		await poll(() => ed.page.getByTestId('editor').getAttribute('data-readonly')).toBe('false');

		// The facilitator makes the editor a viewer, live, and back.
		const edEntry = fay.page.locator('[data-testid=peer][data-name=Ed]');
		await poll(() => edEntry.getAttribute('data-role')).toBe('editor');
		await edEntry.getByTestId('peer-role').selectOption('viewer');
		await poll(() => badge(ed.page)).toBe('viewer');
		await poll(() => ed.page.getByTestId('editor').getAttribute('data-readonly')).toBe('true');
		expect(await ed.page.getByTestId('new-file').count()).toBe(0);
		expect((await pageApi(ed.page, `/api/rooms/${room.id}/files`, 'POST', { path: 'e.yaml' })).status).toBe(403);
		await edEntry.getByTestId('peer-role').selectOption('editor');
		await poll(() => badge(ed.page)).toBe('editor');

		// Follow mode: the facilitator asks everyone to follow; the viewer goes where she goes.
		await fay.page.getByTestId('follow-all').click();
		await vi.page.getByTestId('following').waitFor();
		expect(await vi.page.getByTestId('following').innerText()).toContain('Fay');
		await openFile(fay.page, 'app/deployment.yaml');
		await poll(() => vi.page.getByTestId('editor').getAttribute('data-path')).toBe('app/deployment.yaml');
		await fay.page.getByTestId('view-tab-cluster').click();
		await poll(() => vi.page.getByTestId('view-cluster').count()).toBe(1);
		await fay.page.locator('[data-testid=node-row][data-node=node-2] button.head').click();
		await poll(() => vi.page.getByTestId('node-details').getAttribute('data-node')).toBe('node-2');
		await fay.page.locator('[data-testid=node-row][data-node=node-3] button.head').click();
		await poll(() => vi.page.getByTestId('node-details').getAttribute('data-node')).toBe('node-3');
		// The editor followed too, and may stop.
		await poll(() => ed.page.getByTestId('node-details').getAttribute('data-node')).toBe('node-3');
		await ed.page.getByTestId('stop-following').click();
		await fay.page.getByTestId('view-tab-editor').click();
		await poll(() => vi.page.getByTestId('view-cluster').count()).toBe(0);
		expect(await ed.page.getByTestId('view-cluster').count()).toBe(1);
	});

	test('a first visit asks for a name before joining', async () => {
		const room = await h.createRoom('blank');
		const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
		try {
			const page = await context.newPage();
			await page.goto(room.links.editor);
			await page.getByTestId('name-prompt').waitFor();
			await page.getByTestId('name-input').fill('Newcomer');
			await page.getByTestId('name-submit').click();
			await page.getByTestId('file-tree').waitFor();
			await poll(() => page.getByTestId('presence').innerText()).toContain('Newcomer (you)');
			// Saved: the next visit goes straight in.
			await page.reload();
			await page.getByTestId('file-tree').waitFor();
			expect(await page.getByTestId('name-prompt').count()).toBe(0);
		} finally {
			await context.close();
		}
	});
});
