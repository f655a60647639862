import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/lib/controllers/types';
import { reconcileCronJob, type CronJobDeps } from './cronjob';
import { fixture } from './testing/fixture';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 30);

const cronJob = (spec: object = {}, status: object = {}): KubeObject => ({
	metadata: { name: 'tick', namespace: 'default', uid: 'cj', creationTimestamp: '2026-01-01T11:58:10Z' },
	spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } }, ...spec },
	status
});

const job = (name: string, finished?: 'Complete' | 'Failed', at = '2026-01-01T11:59:30Z'): KubeObject => ({
	metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: at, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: 'cj', controller: true }] },
	status: finished ? { completionTime: at, conditions: [{ type: finished, status: 'True', lastTransitionTime: at }] } : {}
});

function run(cj: KubeObject, jobs: KubeObject[]) {
	const { ctx, calls } = fixture({ cronjobs: [cj], jobs }, NOW);
	const deps: CronJobDeps = { ctx, enqueueAfter: (k, ms) => calls.push(`requeue ${k} +${ms}`) };
	return { go: () => reconcileCronJob('default/tick', deps), calls };
}

describe('reconcileCronJob', () => {
	it('creates the Job of the latest missed time, named by its minute, and sleeps until the next', async () => {
		const { go, calls } = run(cronJob(), []);
		await go();
		const minute = Date.UTC(2026, 0, 1, 12, 0) / 60_000;
		expect(calls[0]).toBe(`create jobs tick-${minute}`);
		expect(calls[1]).toBe(`event Normal SuccessfulCreate Created job tick-${minute}`);
		expect(calls[2]).toMatch(/^status cronjobs \{"lastScheduleTime":"2026-01-01T12:00:00Z","active":\[\{"apiVersion":"batch\/v1","kind":"Job","name":"tick-\d+"/);
		expect(calls[3]).toBe('requeue default/tick +30100');
	});

	it('Forbid skips a run while a Job is active', async () => {
		const { go, calls } = run(cronJob({ concurrencyPolicy: 'Forbid' }, { lastScheduleTime: '2026-01-01T11:59:00Z', active: [{ uid: 'uid-a' }] }), [job('a')]);
		await go();
		expect(calls).toEqual(['requeue default/tick +30100']);
	});

	it('keeps successfulJobsHistoryLimit finished Jobs, deleting the oldest', async () => {
		const jobs = [job('a', 'Complete', '2026-01-01T11:00:00Z'), job('b', 'Complete', '2026-01-01T11:10:00Z'), job('c', 'Failed', '2026-01-01T11:20:00Z')];
		const { go, calls } = run(cronJob({ successfulJobsHistoryLimit: 1, suspend: true }, { lastSuccessfulTime: '2026-01-01T11:10:00Z' }), jobs);
		await go();
		expect(calls).toEqual(['delete jobs a', 'event Normal SuccessfulDelete Deleted job a', 'requeue default/tick +30100']);
	});
});
