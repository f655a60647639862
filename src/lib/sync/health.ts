/**
 * Health of a live object with Argo CD's per-kind rules (gitops-engine pkg/health and Argo CD's
 * built-in Lua customizations), one module per kind group. Kinds without a rule are Healthy when
 * present (Argo CD leaves them without health; a room shows them as fine).
 */
import type { KubeObject } from '../controllers/types';
import { cronJobHealth, jobHealth } from './health-rules/batch';
import { hpaHealth, ingressHealth, pdbHealth, pvcHealth, serviceHealth } from './health-rules/other';
import { podHealth } from './health-rules/pod';
import { daemonSetHealth, deploymentHealth, replicaSetHealth, statefulSetHealth } from './health-rules/workloads';
import type { HealthStatus, HealthStatusCode } from './types';

type Rule = (o: KubeObject) => HealthStatus;

/** group/Kind → rule */
const RULES: Record<string, Rule> = {
	'apps/Deployment': deploymentHealth,
	'apps/ReplicaSet': replicaSetHealth,
	'apps/StatefulSet': statefulSetHealth,
	'apps/DaemonSet': daemonSetHealth,
	'/Pod': podHealth,
	'/Service': serviceHealth,
	'/PersistentVolumeClaim': pvcHealth,
	'batch/Job': jobHealth,
	'batch/CronJob': cronJobHealth,
	'networking.k8s.io/Ingress': ingressHealth,
	'autoscaling/HorizontalPodAutoscaler': hpaHealth,
	'policy/PodDisruptionBudget': pdbHealth
};

const groupOf = (apiVersion: string | undefined): string => (apiVersion?.includes('/') ? apiVersion.split('/')[0] : '');

/** True when the kind has a rule of its own (others are Healthy whenever they exist). */
export function hasHealthRule(apiVersion: string | undefined, kind: string | undefined): boolean {
	return `${groupOf(apiVersion)}/${kind}` in RULES;
}

export function assessHealth(live: KubeObject | undefined): HealthStatus {
	if (!live) return { status: 'Missing' };
	if (live.metadata?.deletionTimestamp) return { status: 'Progressing', message: 'Pending deletion' };
	const rule = RULES[`${groupOf(live.apiVersion)}/${live.kind}`];
	if (!rule) return { status: 'Healthy' };
	try {
		const h = rule(live);
		return h.message ? h : { status: h.status };
	} catch (e) {
		return { status: 'Unknown', message: (e as Error).message };
	}
}

/** Best to worst, gitops-engine's healthOrder. */
export const HEALTH_ORDER: HealthStatusCode[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

/** The worse of two health codes. */
export const worseHealth = (a: HealthStatusCode, b: HealthStatusCode): HealthStatusCode => (HEALTH_ORDER.indexOf(b) > HEALTH_ORDER.indexOf(a) ? b : a);
