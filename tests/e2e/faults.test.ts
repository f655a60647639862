/**
 * One-click faults from the Cluster view: an editor fails a node from the fault menu; on the room
 * clock (paused, stepped through the rooms API by the facilitator) the node turns NotReady once
 * its grace period passed; the Events view shows the fault's Event; recovering it reboots the
 * node, which comes back Ready (and says it was rebooted).
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { kubeCall, poll, roomClock, useHarness, type CreatedRoom } from './harness';

const h = useHarness();

const clock = (room: CreatedRoom, body: Record<string, unknown>) => roomClock(h.origin, room, body);

const row = (page: Page, node: string) => page.locator(`[data-testid=node-row][data-node="${node}"]`);
const tab = (page: Page, view: string) => page.getByTestId(`view-tab-${view}`).click();

/** The Events view's rows of `object` (filtered there, as a user would), as `reason: message`. */
async function eventsOf(page: Page, object: string): Promise<string[]> {
	const input = page.getByTestId('events-object');
	if ((await input.inputValue()) !== object) await input.fill(object);
	return page.locator(`[data-testid=event-row][data-object="${object}"]`).evaluateAll((els) => els.map((e) => `${e.getAttribute('data-reason')}: ${e.getAttribute('title')}`));
}

describe('fault menu in the browser', () => {
	test('a node failure from the Cluster view: NotReady after the grace period, an Event names it, recovery brings the node back Ready', async () => {
		const room = await h.createRoom('blank', 'Faults');
		for (const name of ['node-1', 'node-2']) await kubeCall(h.origin, room, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name } });
		const ed = await h.newUser('Ed', '#3cb44b');
		await h.openRoom(ed, room.links.editor);
		await tab(ed.page, 'cluster');
		for (const name of ['node-1', 'node-2']) await poll(() => row(ed.page, name).getAttribute('data-ready'), 30_000).toBe('True');
		await clock(room, { action: 'pause' });
		const bootBefore = (await kubeCall(h.origin, room, 'GET', '/api/v1/nodes/node-2')).status.nodeInfo.bootID;

		// One fault, from the menu: fail node-2.
		await ed.page.getByTestId('fault-menu').click();
		await ed.page.getByTestId('fault-kind').selectOption('NodeFailure');
		await ed.page.getByTestId('fault-node').selectOption('node-2');
		await ed.page.getByTestId('fault-inject').click();
		const item = ed.page.getByTestId('fault-active-item');
		await poll(() => item.textContent()).toContain('NodeFailure of node node-2');
		expect(await ed.page.getByTestId('fault-menu').textContent()).toContain('Faults (1)');

		// Nothing changes until the room clock runs: the node is still Ready.
		expect(await row(ed.page, 'node-2').getAttribute('data-ready')).toBe('True');
		// Past the node monitor's grace period, the node lifecycle controller marks it Unknown.
		await clock(room, { action: 'step', seconds: 60 });
		await poll(() => row(ed.page, 'node-2').getAttribute('data-ready'), 30_000).toBe('Unknown');
		expect(await row(ed.page, 'node-2').getAttribute('data-status')).toBe('NotReady');
		expect(await row(ed.page, 'node-1').getAttribute('data-ready')).toBe('True');

		// The Events view shows the fault as an Event on the node.
		await tab(ed.page, 'events');
		await poll(() => eventsOf(ed.page, 'node/node-2')).toContain('FaultInjected: Injected NodeFailure of node node-2');
		expect(await eventsOf(ed.page, 'node/node-2')).toContain('NodeNotReady: Node node-2 status is now: NodeNotReady');

		// Recover it from the menu: the machine boots again and its kubelet reports Ready.
		await tab(ed.page, 'cluster');
		await ed.page.getByTestId('fault-menu').click();
		await ed.page.locator('[data-testid=fault-active-item]:has-text("node-2") [data-testid=fault-recover]').click();
		await poll(() => ed.page.getByTestId('fault-active-item').count()).toBe(0);
		await clock(room, { action: 'step', seconds: 10 });
		await poll(() => row(ed.page, 'node-2').getAttribute('data-ready'), 30_000).toBe('True');
		expect(await row(ed.page, 'node-2').getAttribute('data-status')).toBe('Ready');

		// A reboot: a new boot id, and the kubelet's events say so.
		const bootAfter = (await kubeCall(h.origin, room, 'GET', '/api/v1/nodes/node-2')).status.nodeInfo.bootID;
		expect(bootAfter).not.toBe(bootBefore);
		await tab(ed.page, 'events');
		await poll(() => eventsOf(ed.page, 'node/node-2')).toContain('FaultRecovered: Recovered from NodeFailure of node node-2');
		expect(await eventsOf(ed.page, 'node/node-2')).toEqual(expect.arrayContaining([`Rebooted: Node node-2 has been rebooted, boot id: ${bootAfter}`, 'NodeReady: Node node-2 status is now: NodeReady']));
	});
});
