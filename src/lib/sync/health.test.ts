import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../controllers/types';
import { assessHealth, worseHealth } from './health';

const meta = (name: string, generation = 1, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', uid: `uid-${name}`, generation, ...extra });

/** A Deployment as kube-controller-manager leaves it after `replicas: 3` rolled out. */
const deployment = (over: { spec?: object; status?: object; generation?: number } = {}): KubeObject => ({
	apiVersion: 'apps/v1',
	kind: 'Deployment',
	metadata: meta('web', over.generation ?? 2),
	spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, progressDeadlineSeconds: 600, ...over.spec },
	status: {
		observedGeneration: 2,
		replicas: 3,
		updatedReplicas: 3,
		readyReplicas: 3,
		availableReplicas: 3,
		conditions: [
			{ type: 'Available', status: 'True', lastUpdateTime: '2026-11-26T01:00:05Z', lastTransitionTime: '2026-11-26T01:00:05Z', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
			{ type: 'Progressing', status: 'True', lastUpdateTime: '2026-11-26T01:00:05Z', lastTransitionTime: '2026-11-26T01:00:00Z', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-7c5ddbdf54" has successfully progressed.' }
		],
		...over.status
	}
});

describe('Deployment', () => {
	it('is Healthy when every updated replica is available', () => {
		expect(assessHealth(deployment())).toEqual({ status: 'Healthy' });
	});
	it('is Suspended when paused, whatever the status says', () => {
		expect(assessHealth(deployment({ spec: { paused: true }, status: { updatedReplicas: 0 } }))).toEqual({ status: 'Suspended', message: 'Deployment is paused' });
	});
	it('is Progressing until the controller observes the new generation', () => {
		expect(assessHealth(deployment({ generation: 3 }))).toEqual({
			status: 'Progressing',
			message: 'Waiting for rollout to finish: observed deployment generation less than desired generation'
		});
	});
	it('is Progressing while new replicas are being created (replicas 3 → 5)', () => {
		const d = deployment({ spec: { replicas: 5 }, status: { replicas: 3, updatedReplicas: 3 } });
		expect(assessHealth(d)).toEqual({ status: 'Progressing', message: 'Waiting for rollout to finish: 3 out of 5 new replicas have been updated...' });
	});
	it('is Progressing while old replicas terminate, then while updated ones become available', () => {
		expect(assessHealth(deployment({ status: { replicas: 4 } }))).toEqual({ status: 'Progressing', message: 'Waiting for rollout to finish: 1 old replicas are pending termination...' });
		expect(assessHealth(deployment({ status: { availableReplicas: 1 } }))).toEqual({ status: 'Progressing', message: 'Waiting for rollout to finish: 1 of 3 updated replicas are available...' });
	});
	it('is Degraded once the progress deadline is exceeded', () => {
		const d = deployment({
			status: {
				updatedReplicas: 1,
				availableReplicas: 0,
				unavailableReplicas: 3,
				conditions: [
					{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
					{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-5d9c8b6f4" has timed out progressing.' }
				]
			}
		});
		expect(assessHealth(d)).toEqual({ status: 'Degraded', message: 'Deployment "web" exceeded its progress deadline' });
	});
});

describe('ReplicaSet, StatefulSet, DaemonSet', () => {
	it('ReplicaSet: Degraded on ReplicaFailure, Progressing until available', () => {
		const rs = (status: object): KubeObject => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('web-7c5ddbdf54'), spec: { replicas: 3 }, status: { observedGeneration: 1, ...status } });
		expect(assessHealth(rs({ replicas: 3, availableReplicas: 3, readyReplicas: 3, fullyLabeledReplicas: 3 }))).toEqual({ status: 'Healthy' });
		expect(assessHealth(rs({ replicas: 3, availableReplicas: 2 }))).toEqual({ status: 'Progressing', message: 'Waiting for rollout to finish: 2 out of 3 new replicas are available...' });
		const quota = 'pods "web-7c5ddbdf54-x2x9k" is forbidden: exceeded quota: compute, requested: cpu=500m, used: cpu=2, limited: cpu=2';
		expect(assessHealth(rs({ replicas: 0, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: quota }] }))).toEqual({ status: 'Degraded', message: quota });
	});
	it('StatefulSet: waits for readiness, then for the rolling update revision', () => {
		const sts = (status: object, strategy: object = { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }): KubeObject => ({
			apiVersion: 'apps/v1',
			kind: 'StatefulSet',
			metadata: meta('db', 2),
			spec: { replicas: 3, updateStrategy: strategy },
			status: { observedGeneration: 2, replicas: 3, currentRevision: 'db-6b8f7c9d5', updateRevision: 'db-6b8f7c9d5', collisionCount: 0, ...status }
		});
		expect(assessHealth(sts({ observedGeneration: 1 }))).toEqual({ status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' });
		expect(assessHealth(sts({ readyReplicas: 1 }))).toEqual({ status: 'Progressing', message: 'Waiting for 2 pods to be ready...' });
		expect(assessHealth(sts({ readyReplicas: 3, updatedReplicas: 1 }))).toEqual({ status: 'Progressing', message: 'Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...' });
		expect(assessHealth(sts({ readyReplicas: 3, updatedReplicas: 3 }))).toEqual({ status: 'Healthy', message: 'partitioned roll out complete: 3 new pods have been updated...' });
		const noPartition = { type: 'RollingUpdate' };
		expect(assessHealth(sts({ readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1, updateRevision: 'db-58c6d5f7b' }, noPartition))).toEqual({
			status: 'Progressing',
			message: 'waiting for statefulset rolling update to complete 1 pods at revision db-58c6d5f7b...'
		});
		expect(assessHealth(sts({ readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3 }, noPartition))).toEqual({ status: 'Healthy', message: 'statefulset rolling update complete 3 pods at revision db-6b8f7c9d5...' });
		expect(assessHealth(sts({ readyReplicas: 3, updatedReplicas: 0 }, { type: 'OnDelete' }))).toEqual({ status: 'Healthy', message: 'statefulset has 3 ready pods (0 updated)' });
	});
	it('DaemonSet: updated, then available on every node', () => {
		const ds = (status: object): KubeObject => ({
			apiVersion: 'apps/v1',
			kind: 'DaemonSet',
			metadata: meta('node-agent'),
			spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } },
			status: { observedGeneration: 1, currentNumberScheduled: 3, desiredNumberScheduled: 3, numberMisscheduled: 0, numberReady: 3, ...status }
		});
		expect(assessHealth(ds({ updatedNumberScheduled: 2, numberAvailable: 2 }))).toEqual({
			status: 'Progressing',
			message: 'Waiting for daemon set "node-agent" rollout to finish: 2 out of 3 new pods have been updated...'
		});
		expect(assessHealth(ds({ updatedNumberScheduled: 3, numberAvailable: 2 }))).toEqual({
			status: 'Progressing',
			message: 'Waiting for daemon set "node-agent" rollout to finish: 2 of 3 updated pods are available...'
		});
		expect(assessHealth(ds({ updatedNumberScheduled: 3, numberAvailable: 3 }))).toEqual({ status: 'Healthy' });
	});
});

const pod = (status: object, restartPolicy = 'Always'): KubeObject => ({
	apiVersion: 'v1',
	kind: 'Pod',
	metadata: meta('web-7c5ddbdf54-x2x9k', 0),
	spec: { restartPolicy, containers: [{ name: 'web', image: 'nginx:1.27' }], nodeName: 'node-1' },
	status
});
const running = (ready: boolean, extra: object = {}) => ({
	phase: 'Running',
	conditions: [
		{ type: 'PodReadyToStartContainers', status: 'True' },
		{ type: 'Initialized', status: 'True' },
		{ type: 'Ready', status: ready ? 'True' : 'False', ...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [web]' }) },
		{ type: 'ContainersReady', status: ready ? 'True' : 'False' },
		{ type: 'PodScheduled', status: 'True' }
	],
	hostIP: '10.0.0.11',
	podIP: '10.244.1.7',
	startTime: '2026-11-26T01:00:00Z',
	...extra
});

describe('Pod', () => {
	it('Running and Ready is Healthy; not ready yet is Progressing', () => {
		expect(assessHealth(pod(running(true)))).toEqual({ status: 'Healthy' });
		expect(assessHealth(pod(running(false, { containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { running: { startedAt: '2026-11-26T01:00:01Z' } } }] })))).toEqual({ status: 'Progressing' });
	});
	it('CrashLoopBackOff is Degraded with the kubelet message', () => {
		const message = 'back-off 40s restarting failed container=web pod=web-7c5ddbdf54-x2x9k_default(uid-web)';
		const s = running(false, {
			containerStatuses: [
				{
					name: 'web',
					ready: false,
					restartCount: 3,
					state: { waiting: { reason: 'CrashLoopBackOff', message } },
					lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2026-11-26T01:01:00Z', finishedAt: '2026-11-26T01:01:02Z' } }
				}
			]
		});
		expect(assessHealth(pod(s))).toEqual({ status: 'Degraded', message });
	});
	it('ImagePullBackOff / ErrImagePull on a Pending pod is Degraded', () => {
		const message = 'Back-off pulling image "nginx:does-not-exist"';
		const s = { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'nginx:does-not-exist', state: { waiting: { reason: 'ImagePullBackOff', message } } }] };
		expect(assessHealth(pod(s))).toEqual({ status: 'Degraded', message });
		const err = { phase: 'Pending', containerStatuses: [{ name: 'web', state: { waiting: { reason: 'ErrImagePull', message: 'rpc error: not found' } } }] };
		expect(assessHealth(pod(err)).status).toBe('Degraded');
	});
	it('an unschedulable Pending pod is Progressing', () => {
		const s = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }] };
		expect(assessHealth(pod(s))).toEqual({ status: 'Progressing' });
	});
	it('restarted and not ready is Degraded', () => {
		const s = running(false, { containerStatuses: [{ name: 'web', ready: false, restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] });
		expect(assessHealth(pod(s)).status).toBe('Degraded');
	});
	it('Succeeded is Healthy; Failed is Degraded with the container failure', () => {
		expect(assessHealth(pod({ phase: 'Succeeded' }, 'Never'))).toEqual({ status: 'Healthy' });
		const failed = { phase: 'Failed', containerStatuses: [{ name: 'job', state: { terminated: { exitCode: 2, reason: 'Error' } } }] };
		expect(assessHealth(pod(failed, 'Never'))).toEqual({ status: 'Degraded', message: 'container "job" failed with exit code 2' });
		const oom = { phase: 'Failed', containerStatuses: [{ name: 'job', state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] };
		expect(assessHealth(pod(oom, 'Never'))).toEqual({ status: 'Degraded', message: 'OOMKilled' });
		const evicted = { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory. ' };
		expect(assessHealth(pod(evicted))).toEqual({ status: 'Degraded', message: 'The node was low on resource: memory. ' });
	});
	it('a Never pod with a pull error is not Degraded (hook semantics) and Running is Progressing', () => {
		const s = { phase: 'Pending', containerStatuses: [{ name: 'job', state: { waiting: { reason: 'ImagePullBackOff', message: 'x' } } }] };
		expect(assessHealth(pod(s, 'Never')).status).toBe('Progressing');
		expect(assessHealth(pod(running(true), 'OnFailure')).status).toBe('Progressing');
	});
	it('a pod being deleted is Progressing', () => {
		const p = pod(running(true));
		p.metadata.deletionTimestamp = '2026-11-26T01:05:00Z';
		expect(assessHealth(p)).toEqual({ status: 'Progressing', message: 'Pending deletion' });
	});
});

describe('Job and CronJob', () => {
	const job = (status: object, spec: object = {}): KubeObject => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: meta('pi'), spec: { completions: 1, parallelism: 1, backoffLimit: 6, ...spec }, status });
	it('running → Progressing, complete → Healthy, failed → Degraded, suspended → Suspended', () => {
		expect(assessHealth(job({ active: 1, ready: 1, startTime: '2026-11-26T01:00:00Z', uncountedTerminatedPods: {} }))).toEqual({ status: 'Progressing' });
		const complete = {
			conditions: [
				{ type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
				{ type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }
			],
			succeeded: 1,
			completionTime: '2026-11-26T01:00:09Z'
		};
		expect(assessHealth(job(complete))).toEqual({ status: 'Healthy', message: 'Reached expected number of succeeded pods' });
		const failed = {
			conditions: [
				{ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
				{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }
			],
			failed: 7
		};
		expect(assessHealth(job(failed))).toEqual({ status: 'Degraded', message: 'Job has reached the specified backoff limit' });
		const suspended = { conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }] };
		expect(assessHealth(job(suspended, { suspend: true }))).toEqual({ status: 'Suspended', message: 'Job suspended' });
	});
	it('CronJob: suspended, active, never run, succeeded, failed', () => {
		const cj = (status: object, suspend = false): KubeObject => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('hello'), spec: { schedule: '*/1 * * * *', suspend }, status });
		expect(assessHealth(cj({}, true))).toEqual({ status: 'Suspended', message: 'CronJob is suspended' });
		expect(assessHealth(cj({ active: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'hello-29401234', namespace: 'default', uid: 'u' }], lastScheduleTime: '2026-11-26T01:01:00Z' }))).toEqual({
			status: 'Progressing',
			message: 'CronJob has active jobs'
		});
		expect(assessHealth(cj({}))).toEqual({ status: 'Healthy', message: 'CronJob has never run' });
		expect(assessHealth(cj({ lastScheduleTime: '2026-11-26T01:01:00Z', lastSuccessfulTime: '2026-11-26T01:01:07Z' }))).toEqual({ status: 'Healthy', message: 'CronJob has run successfully' });
		expect(assessHealth(cj({ lastScheduleTime: '2026-11-26T01:02:00Z', lastSuccessfulTime: '2026-11-26T01:01:07Z' }))).toEqual({ status: 'Degraded', message: 'CronJob has not run successfully' });
	});
});

describe('Service, Ingress, PVC, PDB, HPA, others', () => {
	it('Service: LoadBalancer without ingress is Progressing; ClusterIP always Healthy', () => {
		const svc = (type: string, status: object = { loadBalancer: {} }): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: meta('web', 0), spec: { type, clusterIP: '10.96.12.7', ports: [{ port: 80 }] }, status });
		expect(assessHealth(svc('ClusterIP'))).toEqual({ status: 'Healthy' });
		expect(assessHealth(svc('LoadBalancer'))).toEqual({ status: 'Progressing' });
		expect(assessHealth(svc('LoadBalancer', { loadBalancer: { ingress: [{ ip: '172.18.255.200', ipMode: 'VIP' }] } }))).toEqual({ status: 'Healthy' });
	});
	it('Ingress waits for its load balancer', () => {
		const ing = (status: object): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('web'), spec: {}, status });
		expect(assessHealth(ing({ loadBalancer: {} })).status).toBe('Progressing');
		expect(assessHealth(ing({ loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } })).status).toBe('Healthy');
	});
	it('PVC by phase', () => {
		const pvc = (phase?: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data', 0), spec: {}, status: phase ? { phase } : {} });
		expect(assessHealth(pvc('Bound')).status).toBe('Healthy');
		expect(assessHealth(pvc('Pending')).status).toBe('Progressing');
		expect(assessHealth(pvc('Lost')).status).toBe('Degraded');
		expect(assessHealth(pvc()).status).toBe('Unknown');
	});
	it('PDB by its DisruptionAllowed condition', () => {
		const pdb = (conditions?: object[]): KubeObject => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('web'), spec: { minAvailable: 2 }, status: conditions ? { conditions } : {} });
		expect(assessHealth(pdb())).toEqual({ status: 'Progressing', message: 'Waiting for status' });
		expect(assessHealth(pdb([{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' }]))).toEqual({ status: 'Healthy', message: 'PodDisruptionBudget has SufficientPods' });
		expect(assessHealth(pdb([{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }]))).toEqual({ status: 'Degraded', message: 'PodDisruptionBudget has InsufficientPods' });
	});
	it('HPA v2 by its conditions', () => {
		const hpa = (conditions: object[]): KubeObject => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: {}, status: { conditions } });
		expect(assessHealth(hpa([]))).toEqual({ status: 'Progressing', message: 'Waiting to Autoscale' });
		const degraded = hpa([
			{ type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: 'the HPA controller was able to get the target\'s current scale' },
			{ type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count: failed to get cpu utilization' }
		]);
		expect(assessHealth(degraded)).toEqual({ status: 'Degraded', message: 'the HPA was unable to compute the replica count: failed to get cpu utilization' });
	});
	it('kinds without a rule are Healthy; absent objects are Missing', () => {
		expect(assessHealth({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cfg', 0), data: {} })).toEqual({ status: 'Healthy' });
		expect(assessHealth(undefined)).toEqual({ status: 'Missing' });
	});
	it('orders health like Argo CD', () => {
		expect(worseHealth('Healthy', 'Progressing')).toBe('Progressing');
		expect(worseHealth('Degraded', 'Missing')).toBe('Degraded');
		expect(worseHealth('Suspended', 'Healthy')).toBe('Suspended');
	});
});
