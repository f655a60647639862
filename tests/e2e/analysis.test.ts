/**
 * The server's analysis in the browser: the Objects panel lists what the files declare, and a
 * YAML error typed by one user shows for everyone, in the editor (gutter marker and underline at
 * the right line) and in the Problems panel (`path:line:col`).
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openFile, poll, useHarness, yText } from './harness';

const h = useHarness();

/** Rows of the Objects table as `Kind namespace/name path:line`. */
async function objectRows(page: Page): Promise<string[]> {
	return page.evaluate(() =>
		[...document.querySelectorAll('[data-testid=objects] tbody tr')].map((tr) => {
			const [kind, ns, name, where] = [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim());
			return `${kind} ${ns}/${name} ${where}`;
		})
	);
}

/** The lines (1-based) of the first error underline and of the first error marker in the gutter. */
async function errorLines(page: Page): Promise<{ range: number; marker: number }> {
	return page.evaluate(() => {
		const editor = document.querySelector('[data-testid=editor]')!;
		const lines = [...editor.querySelectorAll('.cm-content > .cm-line')];
		const range = editor.querySelector('.cm-lintRange-error');
		const marker = editor.querySelector('.cm-lint-marker-error');
		let markerLine = 0;
		if (marker) {
			const top = (marker.closest('.cm-gutterElement') ?? marker).getBoundingClientRect().top;
			markerLine = lines.findIndex((l) => Math.abs(l.getBoundingClientRect().top - top) < 3) + 1;
		}
		return { range: range ? lines.indexOf(range.closest('.cm-line')!) + 1 : 0, marker: markerLine };
	});
}

const problems = (page: Page) => page.getByTestId('problems').innerText();

describe('analysis in the browser', () => {
	test("Objects lists the starter's objects; a YAML error shows for both users at its line", async () => {
		const room = await h.createRoom('web-app');
		const a = await h.newUser('Alice', '#e6194b');
		const b = await h.newUser('Bob', '#4363d8');
		await h.openRoom(a, room.links.editor);
		await h.openRoom(b, room.links.editor);

		// The Objects panel lists everything the web-app starter declares.
		await b.page.getByRole('button', { name: /^Objects \(\d+\)$/ }).click();
		await poll(async () => (await objectRows(b.page)).sort()).toEqual(
			[
				'ConfigMap default/web-config app/configmap.yaml:1',
				'Deployment default/web app/deployment.yaml:1',
				'Service default/web app/service.yaml:1',
				'Node —/node-1 nodes/node-1.yaml:1',
				'Node —/node-2 nodes/node-2.yaml:1',
				'Node —/node-3 nodes/node-3.yaml:1'
			].sort()
		);
		await b.page.getByRole('button', { name: /^Problems \(\d+\)$/ }).click();
		await poll(() => problems(b.page)).toContain('No problems');

		const path = 'app/configmap.yaml';
		await openFile(a.page, path);
		await openFile(b.page, path);

		// A turns line 7 (`  GREETING: hello from converge`) into an invalid compact mapping.
		await a.page.locator('[data-testid=editor] .cm-content').click();
		await a.page.keyboard.press('Control+Home');
		for (let i = 0; i < 6; i++) await a.page.keyboard.press('ArrowDown');
		await a.page.keyboard.press('End');
		await a.page.keyboard.type(': x');
		await poll(() => yText(b.page, path)).toContain('  GREETING: hello from converge: x\n');

		for (const u of [a, b]) {
			await poll(() => problems(u.page)).toContain(`${path}:7:13`);
			expect(await problems(u.page)).toContain('Nested mappings are not allowed in compact mappings');
			// The error, and the applier's warning that the cluster keeps the file's last applied state.
			await poll(() => problems(u.page)).toContain('not applied: this file has errors');
			expect(await u.page.getByRole('button', { name: /^Problems \(\d+\)$/ }).innerText()).toBe('Problems (2)');
			await poll(() => errorLines(u.page)).toEqual({ range: 7, marker: 7 });
			// The file tree counts the error on the file.
			expect(await u.page.locator(`[data-testid=file-tree] .name[data-path="${path}"] .badge`).innerText()).toBe('1');
		}

		// Clicking the problem in B's panel moves B's cursor to the error.
		await b.page.getByTestId('problems').getByRole('button', { name: new RegExp(`${path}:7:13`) }).click();
		await poll(() => b.page.locator('[data-testid=editor] .cm-activeLine').textContent()).toContain('GREETING: hello from converge: x');

		// Fixing it clears the problem for both.
		await a.page.keyboard.press('Backspace');
		await a.page.keyboard.press('Backspace');
		await a.page.keyboard.press('Backspace');
		for (const u of [a, b]) {
			await poll(() => problems(u.page)).toContain('No problems');
			await poll(() => errorLines(u.page)).toEqual({ range: 0, marker: 0 });
		}
		await poll(() => h.serverFile(room, path)).not.toContain(': x');
	});
});
