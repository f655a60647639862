/**
 * A server restart in the middle of a session loses nothing and duplicates nothing: what was
 * acknowledged before the stop is on disk, what was typed while the server was down is sent on
 * reconnect, and the server (which never re-seeds a room) merges it exactly once.
 */
import { describe, expect, test } from 'vitest';
import { editorText, poll, status, useHarness, waitSettled, yText } from './harness';

const h = useHarness();

describe('server restart mid-session', () => {
	test.each(['SIGTERM', 'SIGKILL'] as const)('%s: reconnects and converges to exactly what was typed', async (signal) => {
		const room = await h.createRoom('blank');
		const path = 'manifests.yaml';
		const a = await h.newUser('Alice', '#e6194b');
		const b = await h.newUser('Bob', '#4363d8');
		await h.openRoom(a, room.links.editor);
		await h.openRoom(b, room.links.editor);
		for (const u of [a, b]) await u.page.locator(`[data-testid=editor][data-path="${path}"] .cm-content`).waitFor();

		// Online: A types, and the server acknowledges it (durable on disk).
		await a.page.locator('[data-testid=editor] .cm-content').click();
		await a.page.keyboard.type('kind: ConfigMap # before');
		await poll(() => status(a.page)).toEqual({ connection: 'connected', pending: 'false' });
		expect(await h.serverFile(room, path)).toBe('kind: ConfigMap # before');
		await poll(() => yText(b.page, path)).toBe('kind: ConfigMap # before');

		await h.stopServer(signal);
		for (const u of [a, b]) await poll(() => status(u.page).then((s) => s.connection)).toBe('reconnecting');

		// Offline: A keeps typing at the end, B at the start; both show pending edits.
		await a.page.keyboard.press('Control+End');
		await a.page.keyboard.type(' while offline');
		await b.page.locator('[data-testid=editor] .cm-content').click();
		await b.page.keyboard.press('Control+Home');
		await b.page.keyboard.type('# B offline\n');
		for (const u of [a, b]) {
			await poll(() => status(u.page)).toEqual({ connection: 'reconnecting', pending: 'true' });
			expect(await u.page.getByTestId('status').innerText()).toContain('offline — edits pending');
		}
		expect(await yText(a.page, path)).toBe('kind: ConfigMap # before while offline');
		expect(await yText(b.page, path)).toBe('# B offline\nkind: ConfigMap # before');

		await h.startServerAgain();
		// Reconnect back-off is at most 2.5 s; synced means the server answered our sync step 1.
		await waitSettled(a.page, 20_000);
		await waitSettled(b.page, 20_000);

		const expected = '# B offline\nkind: ConfigMap # before while offline';
		for (const u of [a, b]) {
			await poll(() => yText(u.page, path)).toBe(expected);
			await poll(() => editorText(u.page)).toBe(expected);
		}
		await poll(() => h.serverFile(room, path)).toBe(expected);

		// Still one live session: an edit after the restart reaches the other side exactly once.
		await a.page.keyboard.type('!');
		await poll(() => yText(b.page, path)).toBe(`${expected}!`);
		await poll(() => h.serverFile(room, path)).toBe(`${expected}!`);

		// A fresh page (state only from the server) sees the same text.
		const c = await h.newUser('Carol', '#3cb44b');
		await h.openRoom(c, room.links.viewer);
		await poll(() => yText(c.page, path)).toBe(`${expected}!`);
	});
});
