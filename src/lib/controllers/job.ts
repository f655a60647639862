/**
 * The Job controller's decisions (pkg/controller/job), apart from the API calls: which pods
 * count as succeeded or failed, how many should be active, when the Job is done, and the status
 * conditions of 1.32 (the interim SuccessCriteriaMet/FailureTarget before Complete/Failed).
 *
 * @module
 */
import { isPodReady } from './pods';
import type { KubeObject } from './types';
import { rfc3339 } from './workload';

/** The finalizer that keeps a finished pod until the Job counted it (`batch.kubernetes.io/job-tracking`). */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** Back-off before recreating failed pods: 10 s doubling, at most 6 min (`DefaultJobPodFailureBackOff`). */
export const JOB_BACKOFF = { initialMs: 10_000, maxMs: 360_000 };

export interface JobCondition {
	type: string;
	status: 'True' | 'False';
	lastProbeTime: string;
	lastTransitionTime: string;
	reason: string;
	message: string;
}

export const hasTrackingFinalizer = (pod: KubeObject): boolean => (pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);

export const isSucceeded = (pod: KubeObject): boolean => pod.status?.phase === 'Succeeded';

/** Failed, or deleted before it succeeded (counted failed once deleted, like `isPodFailed` with tracking). */
export const isFailed = (pod: KubeObject): boolean => pod.status?.phase === 'Failed' || (!!pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded');

export const isActive = (pod: KubeObject): boolean => !isSucceeded(pod) && !isFailed(pod);

export const jobFinished = (job: KubeObject): boolean =>
	((job.status?.conditions ?? []) as JobCondition[]).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

/** Why the Job fails now, if it does: too many failures, or past its deadline. */
export function failureReason(job: KubeObject, failed: number, now: number): { reason: string; message: string } | undefined {
	if (failed > (job.spec?.backoffLimit ?? 6)) return { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
	const deadline = job.spec?.activeDeadlineSeconds;
	const start = job.status?.startTime ? Date.parse(job.status.startTime) : undefined;
	if (deadline !== undefined && start !== undefined && now - start >= deadline * 1000) return { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
	return undefined;
}

/** Succeeded enough: `completions` successes, or (no completions) any success with nothing active. */
export function succeededEnough(job: KubeObject, succeeded: number, active: number): boolean {
	const completions = job.spec?.completions;
	if (completions === undefined || completions === null) return succeeded > 0 && active === 0;
	return succeeded >= completions;
}

/** How many pods should run now (`manageJob`'s wantActive). */
export function wantActive(job: KubeObject, succeeded: number, active: number): number {
	if (job.spec?.suspend) return 0;
	const parallelism = job.spec?.parallelism ?? 1;
	const completions = job.spec?.completions;
	if (completions === undefined || completions === null) return succeeded > 0 ? Math.min(active, parallelism) : parallelism;
	return Math.max(0, Math.min(parallelism, completions - succeeded));
}

/** Back-off before the next pod after `failures` consecutive failures. */
export function backoffMs(failures: number): number {
	return failures <= 0 ? 0 : Math.min(JOB_BACKOFF.initialMs * 2 ** (failures - 1), JOB_BACKOFF.maxMs);
}

export function condition(type: string, reason: string, message: string, now: number): JobCondition {
	const t = rfc3339(now);
	return { type, status: 'True', lastProbeTime: t, lastTransitionTime: t, reason, message };
}

/** Adds `c` unless a condition of its type is already True. */
export function withCondition(conditions: JobCondition[], c: JobCondition): JobCondition[] {
	return conditions.some((x) => x.type === c.type && x.status === 'True') ? conditions : [...conditions, c];
}

export const readyCount = (pods: KubeObject[]): number => pods.filter(isPodReady).length;
