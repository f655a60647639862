import { describe, expect, it } from 'vitest';
import { Code, Status } from './framework';
import { fitErrorMessage, truncateMessage } from './fit-error';

describe('FitError message', () => {
	it('counts each reason of each node, absent nodes included, sorted as strings', () => {
		const m = new Map([
			['a', new Status(Code.Unschedulable, ['Insufficient cpu', 'Insufficient memory'])],
			['b', new Status(Code.Unschedulable, ['Insufficient cpu'])]
		]);
		const absent = new Status(Code.UnschedulableAndUnresolvable, ["node(s) didn't satisfy plugin(s) [NodeAffinity]"]);
		expect(fitErrorMessage(14, { nodeToStatus: m, absentNodesStatus: absent })).toBe(
			"0/14 nodes are available: 1 Insufficient memory, 12 node(s) didn't satisfy plugin(s) [NodeAffinity], 2 Insufficient cpu."
		);
	});

	it('appends the PostFilter message after the period', () => {
		const m = new Map([['a', new Status(Code.Unschedulable, ['Too many pods'])]]);
		expect(fitErrorMessage(1, { nodeToStatus: m, postFilterMsg: 'preemption: x' })).toBe('0/1 nodes are available: 1 Too many pods. preemption: x');
	});

	it('events are cut to 1024 characters with " ..."', () => {
		const long = 'x'.repeat(2000);
		expect(truncateMessage(long)).toHaveLength(1024);
		expect(truncateMessage(long).endsWith('x ...')).toBe(true);
		expect(truncateMessage('short')).toBe('short');
	});
});
