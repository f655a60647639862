import { describe, expect, it } from 'vitest';
import { KeyedChains } from './keyed-chains';

/** A task that finishes when told, logging its start and end. */
function gate(log: string[], name: string) {
	let open!: () => void;
	const done = new Promise<void>((r) => (open = r));
	return { task: async () => (log.push(`start ${name}`), await done, log.push(`end ${name}`)), open };
}

describe('KeyedChains', () => {
	it('runs tasks of one key in order, one at a time, and other keys at once', async () => {
		const log: string[] = [];
		const chains = new KeyedChains();
		const a1 = gate(log, 'a1');
		const a2 = gate(log, 'a2');
		const b1 = gate(log, 'b1');
		chains.run('a', a1.task);
		const second = chains.run('a', a2.task);
		chains.run('b', b1.task);
		await Promise.resolve();
		expect(log).toEqual(['start a1', 'start b1']);
		b1.open();
		a1.open();
		a2.open();
		await second;
		expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
		expect(log).toContain('end b1');
		expect(chains.size).toBe(0);
	});

	it('goes on with the next task of a key after one fails', async () => {
		const chains = new KeyedChains();
		const ran: string[] = [];
		chains.run('k', async () => {
			throw new Error('refused');
		});
		chains.run('k', () => {
			throw new Error('sync failure');
		});
		await chains.run('k', async () => void ran.push('third'));
		expect(ran).toEqual(['third']);
		expect(chains.size).toBe(0);
	});
});
