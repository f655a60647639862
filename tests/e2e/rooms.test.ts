/**
 * Rooms and files through the UI: a file created by one user appears for the other; a room
 * created from the home page opens with the starter's files and is listed under Recent rooms.
 */
import { describe, expect, test } from 'vitest';
import { editorText, poll, useHarness, waitSettled, yText } from './harness';

const h = useHarness();

const treePaths = (page: import('playwright-core').Page) =>
	page.locator('[data-testid=file-tree] .name[data-path]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));

describe('rooms and files in the browser', () => {
	test('a file A creates with "+ File" appears for B', async () => {
		const room = await h.createRoom('web-app');
		const a = await h.newUser('Alice', '#e6194b');
		const b = await h.newUser('Bob', '#4363d8');
		await h.openRoom(a, room.links.editor);
		await h.openRoom(b, room.links.editor);
		expect(await treePaths(b.page)).not.toContain('ingress.yaml');

		await a.page.getByTestId('new-file').click();
		const input = a.page.getByTestId('new-entry-name');
		await input.waitFor();
		await input.pressSequentially('ingress.yaml');
		await input.press('Enter');

		// B sees it in the tree; A has it open, empty.
		await b.page.locator('[data-testid=file-tree] .name[data-path="ingress.yaml"]').waitFor();
		expect(await treePaths(b.page)).toContain('ingress.yaml');
		await a.page.locator('[data-testid=editor][data-path="ingress.yaml"] .cm-content').waitFor();
		expect(await a.page.getByTestId('new-entry-name').count()).toBe(0);
		expect(await h.serverFile(room, 'ingress.yaml')).toBe('');

		// What A types in the new file reaches B.
		await a.page.locator('[data-testid=editor] .cm-content').click();
		await a.page.keyboard.type('kind: Ingress');
		await b.page.locator('[data-testid=file-tree] .name[data-path="ingress.yaml"]').click();
		await poll(() => yText(b.page, 'ingress.yaml')).toBe('kind: Ingress');
		await poll(() => editorText(b.page)).toBe('kind: Ingress');
	});

	test('home page: create a room from the "Web app" starter, then find it under Recent rooms', async () => {
		const u = await h.newUser('Alice', '#e6194b');
		await u.page.goto(`${h.origin}/`);
		await u.page.getByText('Rooms you open in this browser are listed here.').waitFor();

		await u.page.locator('label', { hasText: 'Web app' }).click();
		await u.page.getByPlaceholder('Room name (optional)').fill('Launch rehearsal');
		await u.page.getByTestId('create-room').click();

		await u.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}#token=/);
		const id = /\/r\/([A-Za-z0-9_-]{22})/.exec(u.page.url())![1];
		await u.page.getByTestId('file-tree').waitFor();
		await waitSettled(u.page);
		await poll(() => treePaths(u.page)).toEqual([
			'app',
			'app/configmap.yaml',
			'app/deployment.yaml',
			'app/service.yaml',
			'nodes',
			'nodes/node-1.yaml',
			'nodes/node-2.yaml',
			'nodes/node-3.yaml'
		]);
		expect(await u.page.locator('header .name').innerText()).toBe('Launch rehearsal');
		// The first file is open.
		await poll(() => u.page.getByTestId('editor').getAttribute('data-path')).toBe('app/configmap.yaml');
		await poll(() => editorText(u.page)).toContain('kind: ConfigMap');

		await u.page.goBack();
		await u.page.waitForURL(`${h.origin}/`);
		const link = u.page.locator('ul.recent li a', { hasText: 'Launch rehearsal' });
		await link.waitFor();
		expect(await link.getAttribute('href')).toMatch(new RegExp(`^/r/${id}#token=[A-Za-z0-9_-]+$`));
		expect(await u.page.locator('ul.recent li').first().innerText()).toContain('facilitator'); // the creator runs the room

		// The recent entry opens the room again.
		await link.click();
		await u.page.waitForURL(new RegExp(`/r/${id}#token=`));
		await u.page.locator('[data-testid=file-tree] .name[data-path="app/deployment.yaml"]').waitFor();
		await waitSettled(u.page);
	});
});
