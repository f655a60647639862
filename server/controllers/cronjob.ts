/**
 * The CronJob controller (pkg/controller/cronjob, the v2 controller): on the room clock, at each
 * scheduled time (in `timeZone`) it creates a Job `<cronjob>-<minutes since epoch>` from the
 * jobTemplate, honouring suspend, startingDeadlineSeconds and concurrencyPolicy (Allow, Forbid,
 * Replace); it keeps status.active/lastScheduleTime/lastSuccessfulTime and deletes finished Jobs
 * beyond the history limits, then sleeps until the next scheduled time.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { mostRecent, nextTime, parseCron } from '../../src/lib/controllers/cron';
import { canonicalJson } from '../../src/lib/controllers/deployment-util';
import { jobFinished, type JobCondition } from '../../src/lib/controllers/job';
import { REFS } from '../../src/lib/controllers/refs';
import { controllerRef, isAlreadyExists, isNotFound, keyOf, type KubeObject } from '../../src/lib/controllers/types';
import { newControllerRef, rfc3339 } from '../../src/lib/controllers/workload';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

const CRONJOBS = REFS.cronjobs;
const JOBS = REFS.jobs;

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobDeps {
	ctx: ControllerContext;
	enqueueAfter(key: string, ms: number): void;
}

export const cronJobController: ControllerDefinition = {
	name: 'cronjob',
	component: 'cronjob-controller',
	create(ctx) {
		const c: Controller = new Controller(ctx.clock, { name: 'cronjob', workers: 5, sync: (key) => reconcileCronJob(key, deps), log: ctx.log });
		const deps: CronJobDeps = { ctx, enqueueAfter: (k, ms) => c.queue.addAfter(k, ms) };
		const enqueue = (o: KubeObject) => c.queue.add(keyOf(o));
		ctx.informer(CRONJOBS).addEventHandler({ add: enqueue, update: (_, o) => enqueue(o) });
		const forJob = (job: KubeObject) => {
			const ref = controllerRef(job);
			if (ref?.kind === 'CronJob') c.queue.add(`${job.metadata.namespace}/${ref.name}`);
		};
		ctx.informer(JOBS).addEventHandler({ add: forJob, update: (_, j) => forJob(j), delete: forJob });
		return c;
	}
};

const jobRef = (job: KubeObject) => ({ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, namespace: job.metadata.namespace, uid: job.metadata.uid, resourceVersion: job.metadata.resourceVersion });

const finishedAt = (job: KubeObject): number => {
	const c = ((job.status?.conditions ?? []) as JobCondition[]).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
	return Date.parse(job.status?.completionTime ?? c?.lastTransitionTime ?? job.metadata.creationTimestamp ?? '') || 0;
};

const succeeded = (job: KubeObject) => ((job.status?.conditions ?? []) as JobCondition[]).some((c) => c.type === 'Complete' && c.status === 'True');

/** `syncCronJob`. */
export async function reconcileCronJob(key: string, deps: CronJobDeps): Promise<void> {
	const { ctx } = deps;
	const cj = ctx.informer(CRONJOBS).store.get(key);
	if (!cj || cj.metadata.deletionTimestamp) return;
	const now = ctx.clock.now();
	const jobs = ctx.informer(JOBS).store.byOwner(cj.metadata.uid!).filter((j) => controllerRef(j)?.uid === cj.metadata.uid);
	let active = jobs.filter((j) => !jobFinished(j));
	const finished = jobs.filter(jobFinished);
	const status = structuredClone(cj.status ?? {});
	for (const j of finished)
		if ((cj.status?.active ?? []).some((r: { uid: string }) => r.uid === j.metadata.uid)) {
			const type = succeeded(j) ? 'Complete' : 'Failed';
			ctx.recorder.event(CRONJOBS, cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${type}`);
		}
	const lastSuccess = Math.max(0, ...finished.filter(succeeded).map(finishedAt));
	if (lastSuccess && (!status.lastSuccessfulTime || Date.parse(status.lastSuccessfulTime) < lastSuccess)) status.lastSuccessfulTime = rfc3339(lastSuccess);

	await cleanupHistory(cj, finished, ctx);

	const timeZone = cj.spec?.timeZone ?? 'UTC';
	let schedule;
	try {
		schedule = parseCron(cj.spec?.schedule ?? '');
	} catch (e) {
		ctx.recorder.event(CRONJOBS, cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec?.schedule)} : ${(e as Error).message}`);
		return writeStatus(cj, status, active, ctx);
	}
	const since = Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || now;
	const { time: scheduled, count } = mostRecent(schedule, since, now, timeZone);
	if (count > 100) ctx.recorder.event(CRONJOBS, cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');

	if (scheduled !== undefined && !cj.spec?.suspend) {
		const deadline = cj.spec?.startingDeadlineSeconds;
		const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
		if (deadline !== undefined && scheduled + deadline * 1000 < now) {
			ctx.recorder.event(CRONJOBS, cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${new Date(scheduled).toUTCString()}`);
		} else if (policy === 'Forbid' && active.length) {
			// Kube leaves lastScheduleTime alone and tries again at the next time.
		} else {
			if (policy === 'Replace') {
				for (const j of active) {
					await deleteJob(cj, j, ctx);
				}
				active = [];
			}
			const job = await createJob(cj, scheduled, timeZone, ctx);
			if (job) active = [...active.filter((j) => j.metadata.uid !== job.metadata.uid), job];
			status.lastScheduleTime = rfc3339(scheduled);
		}
	}
	await writeStatus(cj, status, active, ctx);
	const next = nextTime(schedule, now, timeZone);
	if (next !== undefined) deps.enqueueAfter(key, next - now + 100);
}

async function createJob(cj: KubeObject, scheduled: number, timeZone: string, ctx: ControllerContext): Promise<KubeObject | undefined> {
	const t = cj.spec?.jobTemplate ?? {};
	const job: KubeObject = {
		apiVersion: 'batch/v1',
		kind: 'Job',
		metadata: {
			name: `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`,
			namespace: cj.metadata.namespace,
			labels: { ...(t.metadata?.labels ?? {}) },
			annotations: { ...(t.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: zonedRfc3339(scheduled, timeZone) },
			ownerReferences: [newControllerRef(cj, CRONJOBS)]
		},
		spec: structuredClone(t.spec ?? {})
	};
	try {
		const made = await ctx.client.create(JOBS, job);
		ctx.recorder.event(CRONJOBS, cj, 'Normal', 'SuccessfulCreate', `Created job ${made.metadata.name}`);
		return made;
	} catch (e) {
		// Made by an earlier pass whose status write did not land: that Job is this schedule's.
		if (isAlreadyExists(e)) return undefined;
		if (/because it is being terminated/.test((e as Error).message)) return undefined;
		ctx.recorder.event(CRONJOBS, cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
		throw e;
	}
}

/** RFC 3339 in the CronJob's zone, as kube formats the scheduled-timestamp annotation. */
function zonedRfc3339(ms: number, timeZone: string): string {
	if (timeZone === 'UTC') return rfc3339(ms);
	const p = Object.fromEntries(
		new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(ms).map((x) => [x.type, x.value])
	);
	const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
	const off = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
	const sign = off < 0 ? '-' : '+';
	const abs = Math.abs(off);
	return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

async function deleteJob(cj: KubeObject, job: KubeObject, ctx: ControllerContext): Promise<void> {
	try {
		await ctx.client.delete(JOBS, job.metadata.namespace, job.metadata.name!, { propagationPolicy: 'Background' });
		ctx.recorder.event(CRONJOBS, cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
	} catch (e) {
		if (!isNotFound(e)) throw e;
	}
}

/** Deletes the oldest finished Jobs beyond successfulJobsHistoryLimit (3) and failedJobsHistoryLimit (1). */
async function cleanupHistory(cj: KubeObject, finished: KubeObject[], ctx: ControllerContext): Promise<void> {
	const byAge = (a: KubeObject, b: KubeObject) => finishedAt(a) - finishedAt(b);
	const ok = finished.filter(succeeded).sort(byAge);
	const bad = finished.filter((j) => !succeeded(j)).sort(byAge);
	const excess = [...ok.slice(0, Math.max(0, ok.length - (cj.spec?.successfulJobsHistoryLimit ?? 3))), ...bad.slice(0, Math.max(0, bad.length - (cj.spec?.failedJobsHistoryLimit ?? 1)))];
	for (const j of excess) if (!j.metadata.deletionTimestamp) await deleteJob(cj, j, ctx);
}

async function writeStatus(cj: KubeObject, status: KubeObject['status'], active: KubeObject[], ctx: ControllerContext): Promise<void> {
	const next = { ...status };
	if (active.length) next.active = active.map(jobRef).sort((a, b) => (a.name! < b.name! ? -1 : 1));
	else delete next.active;
	const comparable = (s: KubeObject['status']) => canonicalJson({ ...s, active: (s?.active ?? []).map((r: { uid: string }) => r.uid) });
	if (comparable(cj.status ?? {}) === comparable(next)) return;
	await ctx.client.updateStatus(CRONJOBS, { apiVersion: 'batch/v1', kind: 'CronJob', ...cj, status: next });
}
