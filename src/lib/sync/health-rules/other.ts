/**
 * Health of Services and Ingresses (gitops-engine health_service.go / health_ingress.go), PVCs
 * (health_pvc.go), HPAs (health_hpa.go) and PodDisruptionBudgets (Argo CD's
 * resource_customizations/policy/PodDisruptionBudget/health.lua).
 */
import type { KubeObject } from '../../controllers/types';
import type { HealthStatus } from '../types';
import type { Obj } from './util';

const hasIngress = (o: KubeObject): boolean => Array.isArray(o.status?.loadBalancer?.ingress) && o.status.loadBalancer.ingress.length > 0;

export function serviceHealth(svc: KubeObject): HealthStatus {
	if (svc.spec?.type !== 'LoadBalancer') return { status: 'Healthy' };
	return { status: hasIngress(svc) ? 'Healthy' : 'Progressing' };
}

export function ingressHealth(ing: KubeObject): HealthStatus {
	return { status: hasIngress(ing) ? 'Healthy' : 'Progressing' };
}

export function pvcHealth(pvc: KubeObject): HealthStatus {
	switch (pvc.status?.phase) {
		case 'Lost':
			return { status: 'Degraded' };
		case 'Pending':
			return { status: 'Progressing' };
		case 'Bound':
			return { status: 'Healthy' };
	}
	return { status: 'Unknown' };
}

const HPA_DEGRADED = new Set(['AbleToScale/FailedGetScale', 'AbleToScale/FailedUpdateScale', 'ScalingActive/FailedGetResourceMetric', 'ScalingActive/InvalidSelector']);

export function hpaHealth(hpa: KubeObject): HealthStatus {
	let conditions: Obj[] = hpa.status?.conditions ?? [];
	// autoscaling/v1 keeps the v2 conditions in an annotation.
	const annotation = hpa.metadata.annotations?.['autoscaling.alpha.kubernetes.io/conditions'];
	if (hpa.apiVersion === 'autoscaling/v1') {
		try {
			conditions = annotation ? JSON.parse(annotation) : [];
		} catch (e) {
			return { status: 'Unknown', message: `failed to convert conditions annotation to typed: ${(e as Error).message}` };
		}
	}
	const healthy: string[] = [];
	for (const c of conditions) {
		if (HPA_DEGRADED.has(`${c.type}/${c.reason}`)) return { status: 'Degraded', message: c.message };
		if ((c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True') healthy.push(c.message ?? '');
	}
	if (conditions.length && conditions.length === healthy.length) return { status: 'Healthy', message: healthy.join(',') };
	return { status: 'Progressing', message: 'Waiting to Autoscale' };
}

export function pdbHealth(pdb: KubeObject): HealthStatus {
	let out: HealthStatus = { status: 'Progressing', message: 'Waiting for status' };
	for (const c of (pdb.status?.conditions ?? []) as Obj[]) {
		if (c.status === 'False') return { status: 'Degraded', message: `PodDisruptionBudget has ${c.reason}` };
		if (c.status === 'True') out = { status: 'Healthy', message: `PodDisruptionBudget has ${c.reason}` };
	}
	return out;
}
