import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type KubeClient, type KubeObject } from '../../src/lib/controllers/types';
import { SCHEDULING_DECISION_CRD } from '../../src/lib/scheduler/decision-record';
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

	it('does not rewrite a record for a retry failing the same way, but does when the outcome changes or the pod is scheduled', () => {
		const w = new DecisionWriter(fakeClient().client, () => {});
		expect(w.repeats('default', 'p', 'unschedulable\n1\n\nno nodes available to schedule pods')).toBe(false);
		expect(w.repeats('default', 'p', 'unschedulable\n1\n\nno nodes available to schedule pods')).toBe(true);
		expect(w.repeats('default', 'p', "unschedulable\n1\n\n0/1 nodes are available: 1 Insufficient cpu.")).toBe(false);
		expect(w.repeats('default', 'p', undefined)).toBe(false);
		expect(w.repeats('default', 'p', "unschedulable\n1\n\n0/1 nodes are available: 1 Insufficient cpu.")).toBe(false);
		w.forget('default', 'p');
		expect(w.repeats('default', 'p', "unschedulable\n1\n\n0/1 nodes are available: 1 Insufficient cpu.")).toBe(false);
	});

	it('brings the printer columns of a CRD installed by an older scheduler up to date (Age is the decision time)', async () => {
		const old = structuredClone(SCHEDULING_DECISION_CRD) as unknown as KubeObject;
		old.spec.versions[0].additionalPrinterColumns[3] = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
		const updates: KubeObject[] = [];
		const client = {
			create: async () => Promise.reject(new ApiError(409, 'AlreadyExists', 'exists')),
			get: async () => ({ ...old, metadata: { ...old.metadata, resourceVersion: '5' }, status: { conditions: [{ type: 'Established', status: 'True' }] } }),
			update: async (_r: unknown, o: KubeObject) => (updates.push(o), o)
		} as unknown as KubeClient;
		await new DecisionWriter(client, () => {}).install();
		expect(updates).toHaveLength(1);
		expect(updates[0].metadata.resourceVersion).toBe('5');
		expect(updates[0].spec.versions[0].additionalPrinterColumns.find((c: { name: string }) => c.name === 'Age').jsonPath).toBe('.time');
	});
});
