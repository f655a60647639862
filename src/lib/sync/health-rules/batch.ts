/**
 * Job health as gitops-engine's health_job.go decides it; CronJob as Argo CD's
 * resource_customizations/batch/CronJob/health.lua (plus `spec.suspend` → Suspended).
 */
import type { KubeObject } from '../../controllers/types';
import type { HealthStatus } from '../types';
import type { Obj } from './util';

export function jobHealth(job: KubeObject): HealthStatus {
	let failed = false;
	let complete = false;
	let suspended = false;
	let failMsg: string | undefined;
	let message: string | undefined;
	for (const c of (job.status?.conditions ?? []) as Obj[]) {
		if (c.type === 'Failed') {
			failed = complete = true;
			failMsg = c.message;
		} else if (c.type === 'Complete') {
			complete = true;
			message = c.message;
		} else if (c.type === 'Suspended') {
			complete = true;
			message = c.message;
			if (c.status === 'True') suspended = true;
		}
	}
	if (!complete) return { status: 'Progressing', message: message || undefined };
	if (failed) return { status: 'Degraded', message: failMsg || undefined };
	if (suspended) return { status: 'Suspended', message: message || undefined };
	return { status: 'Healthy', message: message || undefined };
}

export function cronJobHealth(cj: KubeObject): HealthStatus {
	if (cj.spec?.suspend) return { status: 'Suspended', message: 'CronJob is suspended' };
	const s = cj.status ?? {};
	if (Array.isArray(s.active) && s.active.length) return { status: 'Progressing', message: 'CronJob has active jobs' };
	if (!s.lastScheduleTime) return { status: 'Healthy', message: 'CronJob has never run' };
	if (s.lastSuccessfulTime && Date.parse(s.lastScheduleTime) < Date.parse(s.lastSuccessfulTime)) return { status: 'Healthy', message: 'CronJob has run successfully' };
	return { status: 'Degraded', message: 'CronJob has not run successfully' };
}
