import { describe, expect, test } from 'vitest';
import type { ActiveFault } from '$lib/faults';
import { faultsClient, nodeFailureOf } from './faults-client';

function fakeFetch(status: number, body: unknown) {
	const calls: Array<{ url: string; init: RequestInit }> = [];
	const fn = (async (url: string, init: RequestInit) => {
		calls.push({ url, init });
		return new Response(JSON.stringify(body), { status, statusText: status === 201 ? 'Created' : 'Forbidden' });
	}) as unknown as typeof fetch;
	return { fn, calls };
}

describe('faultsClient', () => {
	test('inject posts the fault with the room token and answers the active fault', async () => {
		const active: ActiveFault = { fault: 'NodeFailure', node: 'n1', id: 'f1', injectedAt: 0, source: 'api' };
		const f = fakeFetch(201, active);
		await expect(faultsClient('r1', 'tok', f.fn).inject({ fault: 'NodeFailure', node: 'n1' })).resolves.toEqual(active);
		expect(f.calls).toHaveLength(1);
		expect(f.calls[0].url).toBe('/api/rooms/r1/faults');
		expect(f.calls[0].init.method).toBe('POST');
		expect(f.calls[0].init.headers).toEqual({ authorization: 'Bearer tok', 'content-type': 'application/json' });
		expect(JSON.parse(f.calls[0].init.body as string)).toEqual({ fault: 'NodeFailure', node: 'n1' });
	});

	test('recover posts to the fault; a refusal throws the Status message', async () => {
		const f = fakeFetch(403, { kind: 'Status', status: 'Failure', reason: 'Forbidden', message: 'only the facilitator and editors can recover faults in room "r1"', code: 403 });
		await expect(faultsClient('r1', 'tok', f.fn).recover('f2')).rejects.toThrow('only the facilitator and editors can recover faults in room "r1"');
		expect(f.calls[0].url).toBe('/api/rooms/r1/faults/f2/recover');
		expect(f.calls[0].init.body).toBeUndefined();
	});

	test('nodeFailureOf finds the NodeFailure of that node only', () => {
		const active: ActiveFault[] = [
			{ fault: 'NetworkPartition', node: 'n1', id: 'f1', injectedAt: 0, source: 'api' },
			{ fault: 'NodeFailure', node: 'n2', id: 'f2', injectedAt: 0, source: 'api' },
			{ fault: 'NodeFailure', node: 'n1', id: 'f3', injectedAt: 0, source: 'schedule/s/0' }
		];
		expect(nodeFailureOf(active, 'n1')?.id).toBe('f3');
		expect(nodeFailureOf(active, 'n3')).toBeUndefined();
	});
});
