/**
 * The room clock in the header: both users see the simulated time; the facilitator pauses it,
 * steps it by exactly 10 s, and the viewer's header follows; a viewer has no controls.
 */
import { describe, expect, test } from 'vitest';
import { poll, useHarness } from './harness';

const h = useHarness();

const shownTime = async (page: import('playwright-core').Page) => Number(await page.getByTestId('clock').getAttribute('data-time'));

describe('room clock in the browser', () => {
	test('the facilitator pauses and steps the clock; everyone sees the same simulated time', async () => {
		const room = await h.createRoom('blank');
		const a = await h.newUser('Alice', '#e6194b');
		const b = await h.newUser('Bob', '#4363d8');
		await h.openRoom(a, room.links.facilitator);
		await h.openRoom(b, room.links.viewer);
		await a.page.getByTestId('clock').waitFor();
		await b.page.getByTestId('clock').waitFor();
		expect(await b.page.getByTestId('clock-pause').count()).toBe(0);

		await a.page.getByTestId('clock-pause').click();
		await poll(() => b.page.getByTestId('clock').getAttribute('data-paused')).toBe('true');
		const paused = await shownTime(a.page);
		expect(await shownTime(b.page)).toBe(paused);

		await a.page.getByTestId('clock-step-10').click();
		await poll(() => shownTime(a.page)).toBe(paused + 10_000);
		await poll(() => shownTime(b.page)).toBe(paused + 10_000);
		expect(await b.page.getByTestId('clock-speed').textContent()).toBe('paused');

		await a.page.getByTestId('clock-resume').click();
		await poll(() => b.page.getByTestId('clock-speed').textContent()).toBe('×1');
	});
});
