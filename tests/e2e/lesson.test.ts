/**
 * A lesson in three browsers (facilitator, editor, viewer): the facilitator starts a shipped
 * lesson from the Lesson view, everyone sees the same step; its check fails with what it found,
 * the editor fixes the file in the editor and the step turns green for all three, live; the viewer
 * cannot move the lesson (no controls, and the server refuses); the facilitator moves everyone to
 * the next step. The room clock is paused and stepped through the rooms API.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { editorText, openFile, poll, roomClock, useHarness, yText, type CreatedRoom, type User } from './harness';

const h = useHarness();

const clock = (room: CreatedRoom, body: Record<string, unknown>) => roomClock(h.origin, room, body);

/** A lesson action from the page, with the page's own token (what a modified client could send). */
function pageLessonAction(page: Page, roomId: string, body: unknown): Promise<{ status: number; message?: string }> {
	return page.evaluate(
		async ({ roomId, body }) => {
			const token = (window as unknown as { converge: { session: { token: string } } }).converge.session.token;
			const res = await fetch(`/api/rooms/${roomId}/lesson`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
			return { status: res.status, message: ((await res.json()) as { message?: string }).message };
		},
		{ roomId, body }
	);
}

const check = (page: Page, id: string) => page.locator(`[data-testid=lesson-check][data-check="${id}"]`);
/** What the check's mark says to a screen reader: `passed` or `not yet`. */
const mark = (page: Page, id: string) => check(page, id).locator('.mark').getAttribute('aria-label');
const why = (page: Page, id: string) => check(page, id).locator('.why').textContent();
const currentStep = (page: Page) => page.locator('[data-testid=lesson-steps] li[aria-current=step]').getAttribute('data-step');

describe('a lesson in the browser', () => {
	test('the facilitator runs a lesson; a step turns green for everyone when the cluster matches; only the facilitator moves on', async () => {
		const room = await h.createRoom('blank', 'Lesson');
		await clock(room, { action: 'pause' });
		const fay = await h.newUser('Fay', '#4363d8');
		const ed = await h.newUser('Ed', '#3cb44b');
		const vi = await h.newUser('Vi', '#e6194b');
		const all: User[] = [fay, ed, vi];
		await h.openRoom(fay, room.links.facilitator);
		await h.openRoom(ed, room.links.editor);
		await h.openRoom(vi, room.links.viewer);
		for (const u of all) await u.page.getByTestId('view-tab-lesson').click();

		// Nobody runs a lesson yet: participants are told the facilitator starts one; only she can.
		for (const u of [ed, vi]) {
			await poll(() => u.page.getByTestId('lesson-view').innerText()).toContain('No lesson runs in this room yet: the facilitator starts one.');
			expect(await u.page.getByTestId('lesson-start').count()).toBe(0);
		}
		await fay.page.locator('[data-testid=lesson-start][data-lesson="01-declarative-api"]').click();

		// Everyone is on step 1, with the same markdown and checks.
		for (const u of all) {
			await poll(() => u.page.getByTestId('lesson-title').textContent()).toBe('The declarative API and reconciliation');
			await poll(() => u.page.getByTestId('lesson-step-title').textContent()).toBe('Declare three replicas');
			await poll(() => currentStep(u.page)).toBe('declare');
			expect(await u.page.getByTestId('lesson-view').innerText()).toContain('Step 1 of 4');
		}

		// The lesson's file is applied with one replica: the check fails with what it found, for everyone.
		const found1 = 'expected spec.replicas = 3, found 1 (Deployment default/web)';
		for (const u of all) {
			await poll(() => why(u.page, 'declared'), 30_000).toBe(found1);
			expect(await mark(u.page, 'declared')).toBe('not yet');
		}

		// The editor makes it true: replicas 1 → 3 in app/web.yaml, in the editor.
		const path = 'app/web.yaml';
		await ed.page.getByTestId('view-tab-editor').click();
		await openFile(ed.page, path);
		expect((await editorText(ed.page)).split('\n')[7]).toBe('  replicas: 1');
		await ed.page.locator('[data-testid=editor] .cm-content').click();
		await ed.page.keyboard.press('Control+Home');
		for (let i = 0; i < 7; i++) await ed.page.keyboard.press('ArrowDown');
		await ed.page.keyboard.press('End');
		await ed.page.keyboard.press('Backspace');
		await ed.page.keyboard.type('3');
		await poll(() => h.serverFile(room, path)).toContain('\n  replicas: 3\n');
		await ed.page.getByTestId('view-tab-lesson').click();

		// Declared at once; ready once the kubelets ran the pods on the room clock, stepped here.
		for (const u of all) await poll(() => mark(u.page, 'declared'), 30_000).toBe('passed');
		expect(await why(vi.page, 'ready')).toMatch(/^expected status\.readyReplicas = 3, found /);
		for (let i = 0; i < 40 && (await mark(vi.page, 'ready')) !== 'passed'; i++) {
			await clock(room, { action: 'step', seconds: 5 });
			await vi.page.waitForTimeout(100);
		}
		for (const u of all) {
			await poll(() => mark(u.page, 'ready')).toBe('passed');
			await poll(() => u.page.locator('[data-testid=lesson-steps] li[data-step=declare]').getAttribute('class')).toContain('done');
			expect(await u.page.getByTestId('lesson-checks').innerText()).toContain('2/2 passed');
			expect(await u.page.getByTestId('lesson-view').innerText()).toContain('Step 1 of 4 · 1 done');
			expect(await check(u.page, 'declared').locator('.why').count()).toBe(0);
		}

		// The viewer (and the editor) may not move the lesson: no controls, the reason shown, the server refuses.
		for (const u of [ed, vi]) {
			expect(await u.page.getByTestId('lesson-next').count()).toBe(0);
			expect(await u.page.getByTestId('lesson-follow-note').textContent()).toBe('The facilitator moves the room from step to step.');
		}
		expect(await pageLessonAction(vi.page, room.id, { action: 'next' })).toEqual({ status: 403, message: `only the facilitator can change the lesson of room "${room.id}"` });
		expect(await pageLessonAction(ed.page, room.id, { action: 'step', step: 'drift' })).toMatchObject({ status: 403 });
		for (const u of all) expect(await currentStep(u.page)).toBe('declare');

		// The facilitator moves on; everyone follows to step 2 and its checks.
		await fay.page.getByTestId('lesson-next').click();
		for (const u of all) {
			await poll(() => u.page.getByTestId('lesson-step-title').textContent()).toBe('Delete a pod, watch it come back');
			await poll(() => currentStep(u.page)).toBe('reconcile');
			await poll(() => check(u.page, 'replaced').count()).toBe(1);
			expect(await u.page.getByTestId('lesson-view').innerText()).toContain('Step 2 of 4 · 1 done');
		}
		expect(await yText(vi.page, path)).toContain('\n  replicas: 3\n');
	});
});
