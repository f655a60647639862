/**
 * Health of the apps/v1 workloads, as gitops-engine's pkg/health (health_deployment.go,
 * health_replicaset.go, health_statefulset.go, health_daemonset.go) decides it, which itself
 * follows `kubectl rollout status`. Messages are Argo CD's.
 */
import type { KubeObject } from '../../controllers/types';
import type { HealthStatus } from '../types';
import { condition, int, observed } from './util';

export function deploymentHealth(d: KubeObject): HealthStatus {
	if (d.spec?.paused) return { status: 'Suspended', message: 'Deployment is paused' };
	if (!observed(d)) return { status: 'Progressing', message: 'Waiting for rollout to finish: observed deployment generation less than desired generation' };
	const s = d.status ?? {};
	const updated = int(s.updatedReplicas);
	if (condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded') return { status: 'Degraded', message: `Deployment "${d.metadata.name}" exceeded its progress deadline` };
	if (typeof d.spec?.replicas === 'number' && updated < d.spec.replicas)
		return { status: 'Progressing', message: `Waiting for rollout to finish: ${updated} out of ${d.spec.replicas} new replicas have been updated...` };
	if (int(s.replicas) > updated) return { status: 'Progressing', message: `Waiting for rollout to finish: ${int(s.replicas) - updated} old replicas are pending termination...` };
	if (int(s.availableReplicas) < updated) return { status: 'Progressing', message: `Waiting for rollout to finish: ${int(s.availableReplicas)} of ${updated} updated replicas are available...` };
	return { status: 'Healthy' };
}

export function replicaSetHealth(rs: KubeObject): HealthStatus {
	if (!observed(rs)) return { status: 'Progressing', message: 'Waiting for rollout to finish: observed replica set generation less than desired generation' };
	const failure = condition(rs, 'ReplicaFailure');
	if (failure?.status === 'True') return { status: 'Degraded', message: failure.message };
	const available = int(rs.status?.availableReplicas);
	if (typeof rs.spec?.replicas === 'number' && available < rs.spec.replicas)
		return { status: 'Progressing', message: `Waiting for rollout to finish: ${available} out of ${rs.spec.replicas} new replicas are available...` };
	return { status: 'Healthy' };
}

export function statefulSetHealth(sts: KubeObject): HealthStatus {
	const s = sts.status ?? {};
	if (!int(s.observedGeneration) || !observed(sts)) return { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' };
	const replicas = sts.spec?.replicas;
	const ready = int(s.readyReplicas);
	if (typeof replicas === 'number' && ready < replicas) return { status: 'Progressing', message: `Waiting for ${replicas - ready} pods to be ready...` };
	const strategy = sts.spec?.updateStrategy ?? {};
	const updated = int(s.updatedReplicas);
	if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) {
		const partition = strategy.rollingUpdate.partition;
		if (typeof replicas === 'number' && typeof partition === 'number' && updated < replicas - partition)
			return { status: 'Progressing', message: `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...` };
		return { status: 'Healthy', message: `partitioned roll out complete: ${updated} new pods have been updated...` };
	}
	if (strategy.type === 'OnDelete') return { status: 'Healthy', message: `statefulset has ${ready} ready pods (${updated} updated)` };
	if (s.updateRevision !== s.currentRevision)
		return { status: 'Progressing', message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${s.updateRevision}...` };
	return { status: 'Healthy', message: `statefulset rolling update complete ${int(s.currentReplicas)} pods at revision ${s.currentRevision}...` };
}

export function daemonSetHealth(ds: KubeObject): HealthStatus {
	if (!observed(ds)) return { status: 'Progressing', message: 'Waiting for rollout to finish: observed daemon set generation less than desired generation' };
	const s = ds.status ?? {};
	const updated = int(s.updatedNumberScheduled);
	const desired = int(s.desiredNumberScheduled);
	if (ds.spec?.updateStrategy?.type === 'OnDelete') return { status: 'Healthy', message: `daemon set ${updated} out of ${desired} new pods have been updated` };
	if (updated < desired) return { status: 'Progressing', message: `Waiting for daemon set "${ds.metadata.name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...` };
	if (int(s.numberAvailable) < desired)
		return { status: 'Progressing', message: `Waiting for daemon set "${ds.metadata.name}" rollout to finish: ${int(s.numberAvailable)} of ${desired} updated pods are available...` };
	return { status: 'Healthy' };
}
