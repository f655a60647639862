import { describe, expect, it } from 'vitest';
import { Expectations } from '../../src/lib/controllers/expectations';
import type { KubeObject } from '../../src/lib/controllers/types';
import { reconcileJob, type JobDeps } from './job';
import { fixture } from './testing/fixture';

const NOW = Date.UTC(2026, 0, 1, 12);
const T = '2026-01-01T12:00:00Z';

const job = (status?: object, spec: object = {}): KubeObject => ({
	metadata: { name: 'pi', namespace: 'default', uid: 'job-uid', resourceVersion: '3' },
	spec: { completions: 2, parallelism: 2, backoffLimit: 6, template: { metadata: { labels: { 'batch.kubernetes.io/job-name': 'pi' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'perl' }] } }, ...spec },
	...(status ? { status } : {})
});

const pod = (name: string, phase: string, finalizer = true): KubeObject => ({
	metadata: {
		name,
		namespace: 'default',
		uid: `uid-${name}`,
		labels: { 'batch.kubernetes.io/job-name': 'pi' },
		ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'job-uid', controller: true }],
		...(finalizer ? { finalizers: ['batch.kubernetes.io/job-tracking'] } : {})
	},
	status: { phase }
});

function setup(j: KubeObject, pods: KubeObject[]) {
	const { ctx, calls, clock } = fixture({ jobs: [j], pods }, NOW);
	const deps: JobDeps = { ctx, expectations: new Expectations(clock), counted: new Set(), lastFailure: new Map(), enqueueAfter: (k, ms) => calls.push(`requeue ${k} +${ms}`) };
	return { deps, calls };
}

describe('reconcileJob', () => {
	it('starts parallelism pods and records startTime', async () => {
		const { deps, calls } = setup(job(), []);
		await reconcileJob('default/pi', deps);
		expect(calls).toEqual([
			'create pods pi-',
			'event Normal SuccessfulCreate Created pod: pi-0',
			'create pods pi-',
			'event Normal SuccessfulCreate Created pod: pi-1',
			`status jobs {"startTime":"${T}","active":2,"terminating":0,"ready":0,"uncountedTerminatedPods":{}}`
		]);
	});

	it('does nothing when converged', async () => {
		const { deps, calls } = setup(job({ startTime: T, active: 2, terminating: 0, ready: 0, uncountedTerminatedPods: {} }), [pod('a', 'Running'), pod('b', 'Pending')]);
		await reconcileJob('default/pi', deps);
		expect(calls).toEqual([]);
	});

	it('counts a succeeded pod through uncountedTerminatedPods, releasing its finalizer, then completes', async () => {
		const { deps, calls } = setup(job({ startTime: T, active: 1, succeeded: 1, terminating: 0, ready: 0, uncountedTerminatedPods: {} }), [pod('a', 'Succeeded', false), pod('b', 'Succeeded')]);
		await reconcileJob('default/pi', deps);
		expect(calls).toEqual([
			`status jobs {"startTime":"${T}","active":1,"succeeded":1,"terminating":0,"ready":0,"uncountedTerminatedPods":{"succeeded":["uid-b"],"failed":[]}}`,
			'patch pods b',
			'event Normal Completed Job completed',
			`status jobs {"startTime":"${T}","succeeded":2,"terminating":0,"ready":0,"uncountedTerminatedPods":{},"completionTime":"${T}","conditions":[` +
				`{"type":"SuccessCriteriaMet","status":"True","lastProbeTime":"${T}","lastTransitionTime":"${T}","reason":"CompletionsReached","message":"Reached expected number of succeeded pods"},` +
				`{"type":"Complete","status":"True","lastProbeTime":"${T}","lastTransitionTime":"${T}","reason":"CompletionsReached","message":"Reached expected number of succeeded pods"}]}`
		]);
	});

	it('fails past backoffLimit and deletes the running pods', async () => {
		const { deps, calls } = setup(job({ startTime: T, active: 1, failed: 1, terminating: 0, ready: 0, uncountedTerminatedPods: {} }, { backoffLimit: 1 }), [pod('a', 'Failed', false), pod('b', 'Failed'), pod('c', 'Running')]);
		await reconcileJob('default/pi', deps);
		expect(calls.filter((c) => !c.startsWith('status'))).toEqual([
			'patch pods b',
			'event Warning BackoffLimitExceeded Job has reached the specified backoff limit',
			'delete pods c',
			'event Normal SuccessfulDelete Deleted pod: c'
		]);
		expect(calls.at(-1)).toContain('"failed":2');
		// Failed itself waits until the deleted pod is gone.
		expect(calls.at(-1)).toContain('"type":"FailureTarget"');
		expect(calls.at(-1)).not.toContain('"type":"Failed"');
	});
});
