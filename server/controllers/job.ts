/**
 * The Job controller (pkg/controller/job, 1.32): runs `parallelism` pods at a time until
 * `completions` succeeded (or, without completions, until one succeeded and none runs), with the
 * `batch.kubernetes.io/job-tracking` finalizer on every pod: a finished pod is first recorded in
 * status.uncountedTerminatedPods, then loses the finalizer, then moves into the succeeded/failed
 * counts. Failures beyond backoffLimit or a passed activeDeadlineSeconds fail the Job
 * (FailureTarget, then Failed once no pod runs); success adds SuccessCriteriaMet, then Complete.
 * Failed pods are replaced after an exponential back-off on the room clock.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { Expectations } from '../../src/lib/controllers/expectations';
import {
	backoffMs,
	condition,
	failureReason,
	hasTrackingFinalizer,
	isActive,
	isFailed,
	isSucceeded,
	JOB_TRACKING_FINALIZER,
	jobFinished,
	readyCount,
	succeededEnough,
	wantActive,
	withCondition,
	type JobCondition
} from '../../src/lib/controllers/job';
import { isPodReady } from '../../src/lib/controllers/pods';
import { REFS } from '../../src/lib/controllers/refs';
import { controllerRef, isNotFound, keyOf, RESOURCES, type KubeObject } from '../../src/lib/controllers/types';
import { newControllerRef, podFromTemplate, rfc3339, slowStartBatch } from '../../src/lib/controllers/workload';
import { canonicalJson } from '../../src/lib/controllers/deployment-util';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

const JOBS = REFS.jobs;
const PODS = RESOURCES.pods;

export interface JobDeps {
	ctx: ControllerContext;
	expectations: Expectations;
	/** Pods whose tracking finalizer this controller removed (counted; a stale cache may still show it). */
	counted: Set<string>;
	/** Job key → room time of the last failure it counted (for the pod back-off). */
	lastFailure: Map<string, number>;
	enqueueAfter(key: string, ms: number): void;
}

export const jobController: ControllerDefinition = {
	name: 'job',
	component: 'job-controller',
	create(ctx) {
		const deps: JobDeps = { ctx, expectations: new Expectations(ctx.clock), counted: new Set(), lastFailure: new Map(), enqueueAfter: (k, ms) => c.queue.addAfter(k, ms) };
		const c: Controller = new Controller(ctx.clock, { name: 'job', workers: 5, sync: (key) => reconcileJob(key, deps), log: ctx.log });
		const jobs = ctx.informer(JOBS);
		const enqueue = (o: KubeObject) => c.queue.add(keyOf(o));
		jobs.addEventHandler({ add: enqueue, update: (_, j) => enqueue(j), delete: (j) => (deps.expectations.delete(keyOf(j)), enqueue(j)) });
		const forPod = (pod: KubeObject, added: boolean) => {
			const ref = controllerRef(pod);
			if (ref?.kind !== 'Job') return;
			const job = jobs.store.get(`${pod.metadata.namespace}/${ref.name}`);
			if (job?.metadata.uid !== ref.uid) {
				// The Job is gone: its pods must not keep the finalizer forever.
				if (hasTrackingFinalizer(pod)) void removeFinalizer(pod, ctx).catch((e: Error) => ctx.log(`job: ${e.message}`));
				return;
			}
			if (added) deps.expectations.creationObserved(keyOf(job));
			enqueue(job);
		};
		ctx.informer(PODS).addEventHandler({ add: (p) => forPod(p, true), update: (_, p) => forPod(p, false), delete: (p) => forPod(p, false) });
		return c;
	}
};

async function removeFinalizer(pod: KubeObject, ctx: ControllerContext): Promise<void> {
	const rest = (pod.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
	try {
		await ctx.client.patch(PODS, pod.metadata.namespace, pod.metadata.name!, 'merge', { metadata: { resourceVersion: pod.metadata.resourceVersion, finalizers: rest.length ? rest : null } });
	} catch (e) {
		if (!isNotFound(e)) throw e;
	}
}

/** `syncJob`. */
export async function reconcileJob(key: string, deps: JobDeps): Promise<void> {
	const { ctx } = deps;
	let job = ctx.informer(JOBS).store.get(key);
	if (!job) {
		deps.expectations.delete(key);
		deps.lastFailure.delete(key);
		return;
	}
	const now = ctx.clock.now();
	const pods = ctx.informer(PODS).store.byOwner(job.metadata.uid!).filter((p) => controllerRef(p)?.uid === job!.metadata.uid);
	const status = structuredClone(job.status ?? {});
	const uncounted = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])] as string[], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] as string[] };

	// 1. Record newly finished pods as uncounted before touching their finalizers.
	let recorded = false;
	for (const pod of pods) {
		const uid = pod.metadata.uid!;
		if (!hasTrackingFinalizer(pod) || deps.counted.has(uid) || uncounted.succeeded.includes(uid) || uncounted.failed.includes(uid)) continue;
		if (isSucceeded(pod)) uncounted.succeeded.push(uid);
		else if (isFailed(pod)) uncounted.failed.push(uid);
		else continue;
		recorded = true;
	}
	if (recorded) job = await writeStatus(job, { ...status, uncountedTerminatedPods: uncounted }, ctx);

	// 2. Release them, then count them.
	for (const uid of [...uncounted.succeeded, ...uncounted.failed]) {
		const pod = pods.find((p) => p.metadata.uid === uid);
		if (pod && hasTrackingFinalizer(pod)) await removeFinalizer(pod, ctx);
		deps.counted.add(uid);
	}
	if (uncounted.failed.length) deps.lastFailure.set(key, now);
	const succeeded = (status.succeeded ?? 0) + uncounted.succeeded.length;
	const failed = (status.failed ?? 0) + uncounted.failed.length;

	let active = pods.filter(isActive);
	const terminating = pods.filter((p) => p.metadata.deletionTimestamp && !isSucceeded(p) && p.status?.phase !== 'Failed').length;
	let conditions = (status.conditions ?? []) as JobCondition[];
	let completionTime: string | undefined = status.completionTime;
	const finished = jobFinished(job);

	if (!finished) {
		const interimFailure = conditions.find((c) => c.type === 'FailureTarget' && c.status === 'True');
		const failure = interimFailure ?? failureReason(job, failed, now);
		const interimSuccess = conditions.find((c) => c.type === 'SuccessCriteriaMet' && c.status === 'True');
		if (failure) {
			conditions = withCondition(conditions, condition('FailureTarget', failure.reason, failure.message, now));
			if (!interimFailure) ctx.recorder.event(JOBS, job, 'Warning', failure.reason, failure.message);
			// The terminal condition waits until no pod runs or terminates.
			const running = active.length + terminating;
			await deletePods(job, active, ctx);
			active = [];
			if (!running) conditions = withCondition(conditions, condition('Failed', failure.reason, failure.message, now));
		} else if (interimSuccess || succeededEnough(job, succeeded, active.length)) {
			const [reason, message] = ['CompletionsReached', 'Reached expected number of succeeded pods'];
			conditions = withCondition(conditions, condition('SuccessCriteriaMet', reason, message, now));
			const running = active.length + terminating;
			await deletePods(job, active, ctx);
			active = [];
			if (!running) {
				conditions = withCondition(conditions, condition('Complete', reason, message, now));
				completionTime = rfc3339(now);
				ctx.recorder.event(JOBS, job, 'Normal', 'Completed', 'Job completed');
			}
		} else if (deps.expectations.satisfied(key)) {
			active = await manageJob(job, active, succeeded, failed, deps);
		}
	}

	const startTime = status.startTime ?? (job.spec?.suspend ? undefined : rfc3339(now));
	const next = {
		...status,
		...(startTime ? { startTime } : {}),
		...(completionTime ? { completionTime } : {}),
		active: active.length || undefined,
		succeeded: succeeded || undefined,
		failed: failed || undefined,
		terminating,
		ready: readyCount(active),
		uncountedTerminatedPods: {},
		...(conditions.length ? { conditions } : {})
	};
	for (const k of ['active', 'succeeded', 'failed'] as const) if (next[k] === undefined) delete next[k];
	await writeStatus(job, next, ctx);
	const deadline = job.spec?.activeDeadlineSeconds;
	if (deadline !== undefined && startTime && !jobFinished({ ...job, status: next })) deps.enqueueAfter(key, Math.max(0, Date.parse(startTime) + deadline * 1000 - now));
}

/** Creates or deletes pods towards wantActive; returns the active pods after. */
async function manageJob(job: KubeObject, active: KubeObject[], succeeded: number, failed: number, deps: JobDeps): Promise<KubeObject[]> {
	const { ctx } = deps;
	const key = keyOf(job);
	const want = wantActive(job, succeeded, active.length);
	if (active.length > want) {
		// Not-ready pods first, then the newest.
		const victims = [...active]
			.sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))
			.slice(0, active.length - want);
		await deletePods(job, victims, ctx);
		return active.filter((p) => !victims.includes(p));
	}
	if (active.length === want) return active;
	const last = deps.lastFailure.get(key);
	if (failed > 0 && last !== undefined) {
		const wait = last + backoffMs(failed) - ctx.clock.now();
		if (wait > 0) {
			deps.enqueueAfter(key, wait);
			return active;
		}
	}
	const n = want - active.length;
	deps.expectations.expect(key, n);
	const ref = newControllerRef(job, JOBS);
	const created: KubeObject[] = [];
	const { successes, error } = await slowStartBatch(n, 1, async () => {
		const pod = podFromTemplate(job.spec?.template, job, ref);
		pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER];
		try {
			const made = await ctx.client.create(PODS, pod);
			created.push(made);
			ctx.recorder.event(JOBS, job, 'Normal', 'SuccessfulCreate', `Created pod: ${made.metadata.name}`);
		} catch (e) {
			if (!/because it is being terminated/.test((e as Error).message)) ctx.recorder.event(JOBS, job, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
			throw e;
		}
	});
	for (let i = successes; i < n; i++) deps.expectations.creationObserved(key);
	if (error && !/because it is being terminated/.test((error as Error).message)) throw error;
	return [...active, ...created];
}

async function deletePods(job: KubeObject, pods: KubeObject[], ctx: ControllerContext): Promise<void> {
	for (const pod of pods) {
		try {
			await ctx.client.delete(PODS, pod.metadata.namespace, pod.metadata.name!);
			ctx.recorder.event(JOBS, job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
		} catch (e) {
			if (!isNotFound(e)) throw e;
		}
	}
}

async function writeStatus(job: KubeObject, status: KubeObject['status'], ctx: ControllerContext): Promise<KubeObject> {
	if (canonicalJson(job.status ?? {}) === canonicalJson(status)) return job;
	return ctx.client.updateStatus(JOBS, { apiVersion: 'batch/v1', kind: 'Job', ...job, status });
}
