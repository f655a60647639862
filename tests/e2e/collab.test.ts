/**
 * Live editing between browsers: text and cursors reach the other user, undo is per user,
 * viewers cannot change anything. Also writes the README screenshot (docs/screenshot.png).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { editorText, openFile, poll, ROOT, useHarness, yText } from './harness';

const h = useHarness();

const ALICE = { name: 'Alice', color: '#e6194b' };
const BOB = { name: 'Bob', color: '#4363d8' };

describe('collaboration in the browser', () => {
	test("A's typing and cursor (with A's name) reach B", async () => {
		const room = await h.createRoom('web-app', 'Checkout team');
		const a = await h.newUser(ALICE.name, ALICE.color);
		const b = await h.newUser(BOB.name, BOB.color);
		await h.openRoom(a, room.links.editor);
		await h.openRoom(b, room.links.editor);
		const path = 'app/deployment.yaml';
		await openFile(a.page, path);
		await openFile(b.page, path);

		// Both see each other in the presence list.
		await poll(() => a.page.getByTestId('presence').innerText()).toContain('Bob');
		await poll(() => b.page.getByTestId('presence').innerText()).toContain('Alice');

		// A goes to the end of line 9 (`  replicas: 3`) and adds a comment.
		await a.page.locator('[data-testid=editor] .cm-content').click();
		await a.page.keyboard.press('Control+Home');
		for (let i = 0; i < 8; i++) await a.page.keyboard.press('ArrowDown');
		await a.page.keyboard.press('End');
		await a.page.keyboard.type(' # launch week');

		const line = '  replicas: 3 # launch week';
		await poll(() => yText(b.page, path)).toContain(`\n${line}\n`);
		await poll(async () => (await editorText(b.page)).split('\n')[8]).toBe(line);
		await poll(() => h.serverFile(room, path)).toContain(`\n${line}\n`);

		// A's cursor, labelled with A's name, is drawn in B's editor, at the end of A's text.
		const caret = b.page.locator('[data-testid=editor] .cm-ySelectionCaret');
		await poll(() => caret.count()).toBe(1);
		await poll(() => b.page.locator('[data-testid=editor] .cm-ySelectionInfo').textContent()).toBe('Alice');
		const caretLine = await caret.evaluate((el) => {
			const lines = [...document.querySelectorAll('[data-testid=editor] .cm-content > .cm-line')];
			return lines.indexOf(el.closest('.cm-line')!) + 1;
		});
		expect(caretLine).toBe(9);

		// README screenshot, from B's side: two people present, Alice's labelled cursor visible.
		await b.page.mouse.move(0, 0);
		await caret.hover();
		await b.page.waitForFunction(() => {
			const info = document.querySelector('[data-testid=editor] .cm-ySelectionInfo');
			return !!info && getComputedStyle(info).opacity === '1';
		});
		await poll(() => b.page.getByRole('button', { name: /^Problems \(\d+\)$/ }).innerText()).toBe('Problems (0)');
		mkdirSync(join(ROOT, 'docs'), { recursive: true });
		await b.page.screenshot({ path: join(ROOT, 'docs', 'screenshot.png'), animations: 'disabled', caret: 'hide' });
	});

	test("B's Ctrl+Z undoes only B's edits, never A's", async () => {
		const room = await h.createRoom('blank');
		const path = 'manifests.yaml';
		const a = await h.newUser(ALICE.name, ALICE.color);
		const b = await h.newUser(BOB.name, BOB.color);
		await h.openRoom(a, room.links.editor);
		await h.openRoom(b, room.links.editor);
		// The only file opens by itself.
		await a.page.locator(`[data-testid=editor][data-path="${path}"] .cm-content`).waitFor();
		await b.page.locator(`[data-testid=editor][data-path="${path}"] .cm-content`).waitFor();

		await a.page.locator('[data-testid=editor] .cm-content').click();
		await a.page.keyboard.type('alpha');
		await poll(() => yText(b.page, path)).toBe('alpha');

		await b.page.locator('[data-testid=editor] .cm-content').click();
		await b.page.keyboard.press('Control+End');
		// One input event (like a paste): a single undo step whatever the machine's speed. Typed
		// keys could be split into several steps by the UndoManager's 300 ms capture window.
		await b.page.keyboard.insertText(' beta');
		await poll(() => yText(a.page, path)).toBe('alpha beta');

		await a.page.keyboard.press('Control+End');
		await a.page.keyboard.type(' gamma');
		await poll(() => yText(b.page, path)).toBe('alpha beta gamma');

		await b.page.keyboard.press('Control+z');
		await poll(() => yText(b.page, path)).toBe('alpha gamma');
		await poll(() => yText(a.page, path)).toBe('alpha gamma');
		await poll(() => editorText(a.page)).toBe('alpha gamma');
		await poll(() => editorText(b.page)).toBe('alpha gamma');
		await poll(() => h.serverFile(room, path)).toBe('alpha gamma');

		// B has nothing left to undo: more Ctrl+Z must not touch A's text. A later edit of A is the
		// barrier that shows every earlier message has gone through.
		await b.page.keyboard.press('Control+z');
		await b.page.keyboard.press('Control+z');
		await a.page.keyboard.type('!');
		await poll(() => yText(b.page, path)).toBe('alpha gamma!');
		await poll(() => yText(a.page, path)).toBe('alpha gamma!');
		await poll(() => h.serverFile(room, path)).toBe('alpha gamma!');
	});

	test('a viewer cannot change anything, in the editor or behind it', async () => {
		const room = await h.createRoom('web-app');
		const path = 'app/service.yaml';
		const original = (await h.serverFile(room, path))!;
		const a = await h.newUser(ALICE.name, ALICE.color);
		const v = await h.newUser('Victor', '#3cb44b');
		await h.openRoom(a, room.links.editor);
		await h.openRoom(v, room.links.viewer);
		await openFile(a.page, path);
		await openFile(v.page, path);

		await expect(v.page.getByTestId('viewer-badge').isVisible()).resolves.toBe(true);
		expect(await v.page.getByTestId('viewer-badge').innerText()).toBe('view only');
		expect(await v.page.getByTestId('new-file').count()).toBe(0);
		expect(await v.page.locator('[data-testid=editor] .cm-content').getAttribute('contenteditable')).toBe('false');

		// Typing attempts in the editor.
		await v.page.locator('[data-testid=editor] .cm-content').click();
		await v.page.keyboard.press('Control+Home');
		await v.page.keyboard.type('HACKED');
		await v.page.keyboard.press('Enter');
		await v.page.keyboard.press('Backspace');
		await v.page.keyboard.press('Delete');
		await v.page.keyboard.press('Control+a');
		await v.page.keyboard.press('Control+x');
		await v.page.keyboard.press('Control+z');

		// Barrier: an edit of A that the viewer and the server both see came after the attempts.
		await a.page.locator('[data-testid=editor] .cm-content').click();
		await a.page.keyboard.press('Control+Home');
		await a.page.keyboard.type('# one\n');
		const afterA = `# one\n${original}`;
		await poll(() => h.serverFile(room, path)).toBe(afterA);
		await poll(() => yText(v.page, path)).toBe(afterA);
		await poll(() => editorText(v.page)).toBe(afterA);
		expect(await yText(a.page, path)).toBe(afterA);

		// Behind the editor: a change made directly on the viewer's Y.Doc is refused by the server (the viewer resyncs).
		await v.page.evaluate((p) => {
			const doc = (window as unknown as { converge: { session: { doc: import('yjs').Doc } } }).converge.session.doc;
			doc.getMap<{ path: string }>('tree').forEach((e, id) => {
				if (e.path === p) doc.getMap<import('yjs').Text>('texts').get(id)!.insert(0, 'INJECTED\n');
			});
		}, path);
		await a.page.keyboard.type('# two\n');
		const afterB = `# one\n# two\n${original}`;
		await poll(() => h.serverFile(room, path)).toBe(afterB);
		await poll(() => yText(v.page, path)).toBe(afterB);
		expect(await v.page.locator('[data-testid=notice][data-code=read-only]').count()).toBe(1);
		await poll(() => yText(a.page, path)).toBe(afterB);
		expect(await h.serverFile(room, path)).toBe(afterB);
	});
});
