import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults';
import { defaultPullPolicy, podQOSClass } from './defaults-pod';

const gvk = (apiVersion: string, kind: string) => {
	const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
	return { group, version, kind };
};
const defaulted = (apiVersion: string, kind: string, obj: Record<string, unknown>) => {
	const o = structuredClone(obj);
	applyDefaults(gvk(apiVersion, kind), o);
	return o as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe('applyDefaults', () => {
	it('defaults a deployment like kube (strategy 25%/25%, history, deadline, pod spec)', () => {
		const d = defaulted('apps/v1', 'Deployment', { spec: { template: { spec: { containers: [{ name: 'a', image: 'nginx', ports: [{ containerPort: 80 }] }] } } } });
		expect(d.spec).toMatchObject({
			replicas: 1,
			revisionHistoryLimit: 10,
			progressDeadlineSeconds: 600,
			strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }
		});
		expect(d.spec.template.metadata).toEqual({ creationTimestamp: null });
		expect(d.spec.template.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler', securityContext: {} });
		expect(d.spec.template.spec.containers[0]).toMatchObject({ imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {}, ports: [{ containerPort: 80, protocol: 'TCP' }] });
	});

	it('leaves rollingUpdate out of a Recreate deployment', () => {
		const d = defaulted('apps/v1', 'Deployment', { spec: { strategy: { type: 'Recreate' } } });
		expect(d.spec.strategy).toEqual({ type: 'Recreate' });
	});

	it('defaults a service (type, affinity, targetPort, protocol, traffic policies, families)', () => {
		const s = defaulted('v1', 'Service', { spec: { ports: [{ port: 80 }] } });
		expect(s.spec).toEqual({
			type: 'ClusterIP',
			sessionAffinity: 'None',
			ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
			internalTrafficPolicy: 'Cluster',
			ipFamilyPolicy: 'SingleStack',
			ipFamilies: ['IPv4']
		});
		expect(defaulted('v1', 'Service', { spec: { type: 'NodePort', ports: [] } }).spec.externalTrafficPolicy).toBe('Cluster');
	});

	it('defaults pods: admission tolerations, priority, QoS class, requests from limits', () => {
		const p = defaulted('v1', 'Pod', { spec: { containers: [{ name: 'a', image: 'x:1', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } });
		expect(p.spec.tolerations).toEqual([
			{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
			{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }
		]);
		expect(p.spec.priority).toBe(0);
		expect(p.spec.containers[0].resources.requests).toEqual({ cpu: '1', memory: '1Gi' });
		expect(p.status.qosClass).toBe('Guaranteed');
	});

	it('defaults jobs (completions/parallelism 1, backoffLimit 6) and cronjobs', () => {
		const j = defaulted('batch/v1', 'Job', { spec: { template: { spec: { containers: [] } } } });
		expect(j.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' });
		const only = defaulted('batch/v1', 'Job', { spec: { parallelism: 3 } });
		expect(only.spec.completions).toBeUndefined();
		const cj = defaulted('batch/v1', 'CronJob', { spec: { schedule: '* * * * *' } });
		expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
	});

	it('turns a secret\'s stringData into base64 data and defaults its type', () => {
		const s = defaulted('v1', 'Secret', { stringData: { password: 'héllo' } });
		expect(s).toEqual({ type: 'Opaque', data: { password: Buffer.from('héllo').toString('base64') } });
	});

	it('labels namespaces with their name', () => {
		expect(defaulted('v1', 'Namespace', { metadata: { name: 'shop' } }).metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'shop' });
	});

	it.each([
		{ image: 'nginx', want: 'Always' },
		{ image: 'nginx:latest', want: 'Always' },
		{ image: 'nginx:1.27', want: 'IfNotPresent' },
		{ image: 'registry:5000/nginx', want: 'Always' },
		{ image: 'nginx@sha256:abc', want: 'IfNotPresent' }
	])('pull policy of $image is $want', ({ image, want }) => {
		expect(defaultPullPolicy(image)).toBe(want);
	});

	it.each([
		{ name: 'nothing', resources: {}, want: 'BestEffort' },
		{ name: 'requests only', resources: { requests: { cpu: '100m' } }, want: 'Burstable' },
		{ name: 'equal limits', resources: { requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '0.1', memory: '1Gi' } }, want: 'Guaranteed' }
	])('QoS with $name is $want', ({ resources, want }) => {
		expect(podQOSClass({ containers: [{ name: 'a', resources }] })).toBe(want);
	});
});
