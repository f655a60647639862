import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KubeClient, KubeObject } from '../../src/lib/controllers/types';
import { DECISIONS, DecisionWriter } from './decisions';

const record = (name: string, result: string): KubeObject => ({ apiVersion: 'scheduling.converge.dev/v1', kind: 'SchedulingDecision', metadata: { name, namespace: 'default' }, result });

/** A client that knows the CRD (Established) and records the decision records created. */
function fakeClient() {
	const created: string[] = [];
	const client = {
		create: async (_r: unknown, obj: KubeObject) => {
			if (obj.kind === 'SchedulingDecision') created.push(`${obj.metadata.name} ${obj.result}`);
			return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(created.length) } };
		},
		get: async () => ({ metadata: { name: 'crd' }, status: { conditions: [{ type: 'Established', status: 'True' }] } })
	} as unknown as KubeClient;
	return { client, created };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('DecisionWriter', () => {
	const saved = { ...DECISIONS };
	afterEach(() => {
		Object.assign(DECISIONS, saved);
		vi.useRealTimers();
	});

	it('persists records in the background at its rate, failures first, and never a forgotten pod’s', async () => {
		Object.assign(DECISIONS, { burst: 2, qps: 1 });
		const { client, created } = fakeClient();
		const w = new DecisionWriter(client, () => {});
		w.write(record('a', 'Scheduled'));
		w.write(record('b', 'Scheduled'));
		w.write(record('c', 'Unschedulable'));
		w.write(record('d', 'Scheduled'));
		w.write(record('e', 'Scheduled'));
		w.forget('default', 'd');
		await w.install();
		await settle();
		// The burst (2): the failure first, then the oldest scheduled one; the rest wait for tokens.
		expect(created).toEqual(['c Unschedulable', 'a Scheduled']);
		expect(w.backlog).toBe(2);
		// A newer attempt of a waiting pod replaces its record (and a failure jumps the line).
		w.write(record('e', 'Unschedulable'));
		await new Promise((r) => setTimeout(r, 1100));
		expect(created).toEqual(['c Unschedulable', 'a Scheduled', 'e Unschedulable']);
		w.stop();
		expect(w.backlog).toBe(0);
	});

	it('writes everything at once without a rate (Infinity)', async () => {
		Object.assign(DECISIONS, { qps: Infinity });
		const { client, created } = fakeClient();
		const w = new DecisionWriter(client, () => {});
		await w.install();
		for (let i = 0; i < 300; i++) w.write(record(`p-${i}`, 'Scheduled'));
		for (let i = 0; i < 100 && w.backlog; i++) await settle();
		expect(created).toHaveLength(300);
		w.stop();
	});
});
