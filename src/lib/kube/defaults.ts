/**
 * Defaulting of built-in objects as kube-apiserver applies it on every write
 * (pkg/apis/<group>/v1/defaults.go and the strategies' create-time fields): pod specs and
 * templates, Service type/sessionAffinity/targetPort, Deployment strategy 25%/25%,
 * revisionHistoryLimit, progressDeadlineSeconds, Job completions/parallelism/backoffLimit,
 * Secret type and stringData, Namespace label and finalizer, ...
 *
 * `applyDefaults` mutates the object it is given (the caller passes a copy).
 *
 * @module
 */
import { apiVersionOf } from './kinds';
import { defaultPod, defaultPodTemplate } from './defaults-pod';
import { applySchemaDefaults, defaultCrd, type CustomResourceInfo } from './crd';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const setIfUnset = (o: Obj | undefined, key: string, v: unknown) => {
	if (o && typeof o === 'object' && o[key] === undefined) o[key] = v;
};
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x) => x && typeof x === 'object') : []);

/** UTF-8 → base64 (Secret stringData). */
function base64(s: string): string {
	const bytes = new TextEncoder().encode(s);
	let bin = '';
	for (const b of bytes) bin += String.fromCharCode(b);
	return btoa(bin);
}

function defaultService(svc: Obj): void {
	const spec = (svc.spec ??= {});
	setIfUnset(spec, 'type', 'ClusterIP');
	setIfUnset(spec, 'sessionAffinity', 'None');
	if (spec.sessionAffinity === 'ClientIP') {
		spec.sessionAffinityConfig ??= {};
		spec.sessionAffinityConfig.clientIP ??= {};
		setIfUnset(spec.sessionAffinityConfig.clientIP, 'timeoutSeconds', 10800);
	}
	for (const p of list(spec.ports)) {
		setIfUnset(p, 'protocol', 'TCP');
		if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
	}
	if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setIfUnset(spec, 'externalTrafficPolicy', 'Cluster');
	if (spec.type === 'LoadBalancer') setIfUnset(spec, 'allocateLoadBalancerNodePorts', true);
	if (spec.type !== 'ExternalName') {
		setIfUnset(spec, 'internalTrafficPolicy', 'Cluster');
		if (typeof spec.clusterIP === 'string' && spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
		setIfUnset(spec, 'ipFamilyPolicy', 'SingleStack');
		setIfUnset(spec, 'ipFamilies', ['IPv4']);
	}
}

function defaultJob(job: Obj): void {
	const spec = (job.spec ??= {});
	if (spec.completions === undefined && spec.parallelism === undefined) {
		spec.completions = 1;
		spec.parallelism = 1;
	}
	setIfUnset(spec, 'parallelism', 1);
	setIfUnset(spec, 'backoffLimit', spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6);
	setIfUnset(spec, 'completionMode', 'NonIndexed');
	setIfUnset(spec, 'suspend', false);
	if (!spec.podFailurePolicy) setIfUnset(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
	defaultPodTemplate(spec.template);
}

function defaultNetworkPolicy(np: Obj): void {
	const spec = (np.spec ??= {});
	for (const rule of [...list(spec.ingress), ...list(spec.egress)]) for (const p of list(rule.ports)) setIfUnset(p, 'protocol', 'TCP');
	if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
		spec.policyTypes = ['Ingress'];
		if (list(spec.egress).length > 0) spec.policyTypes.push('Egress');
	}
}

function defaultLimitRange(lr: Obj): void {
	for (const item of list(lr.spec?.limits)) {
		if (item.type !== 'Container') continue;
		item.default ??= {};
		item.defaultRequest ??= {};
		for (const [k, v] of Object.entries(item.max ?? {})) setIfUnset(item.default, k, v);
		for (const [k, v] of Object.entries(item.default)) setIfUnset(item.defaultRequest, k, v);
		for (const [k, v] of Object.entries(item.min ?? {})) setIfUnset(item.defaultRequest, k, v);
	}
}

const DEFAULTERS: Record<string, (o: Obj) => void> = {
	'v1/Pod': defaultPod,
	'v1/PodTemplate': (o) => defaultPodTemplate(o.template),
	'v1/Service': defaultService,
	'v1/Namespace': (ns) => {
		ns.metadata ??= {};
		ns.metadata.labels ??= {};
		if (ns.metadata.name) ns.metadata.labels['kubernetes.io/metadata.name'] = ns.metadata.name;
	},
	'v1/Secret': (s) => {
		setIfUnset(s, 'type', 'Opaque');
		if (s.stringData && typeof s.stringData === 'object') {
			s.data ??= {};
			for (const [k, v] of Object.entries(s.stringData)) s.data[k] = base64(String(v));
			delete s.stringData;
		}
	},
	'v1/Endpoints': (e) => {
		for (const ss of list(e.subsets)) for (const p of list(ss.ports)) setIfUnset(p, 'protocol', 'TCP');
	},
	'v1/PersistentVolume': (pv) => {
		pv.spec ??= {};
		setIfUnset(pv.spec, 'persistentVolumeReclaimPolicy', 'Retain');
		setIfUnset(pv.spec, 'volumeMode', 'Filesystem');
	},
	'v1/PersistentVolumeClaim': (pvc) => {
		pvc.spec ??= {};
		setIfUnset(pvc.spec, 'volumeMode', 'Filesystem');
	},
	'v1/LimitRange': defaultLimitRange,
	'v1/Node': (n) => {
		if (n.status?.capacity && !n.status.allocatable) n.status.allocatable = { ...n.status.capacity };
	},
	'apps/v1/Deployment': (d) => {
		const spec = (d.spec ??= {});
		setIfUnset(spec, 'replicas', 1);
		spec.strategy ??= {};
		setIfUnset(spec.strategy, 'type', 'RollingUpdate');
		if (spec.strategy.type === 'RollingUpdate') {
			spec.strategy.rollingUpdate ??= {};
			setIfUnset(spec.strategy.rollingUpdate, 'maxUnavailable', '25%');
			setIfUnset(spec.strategy.rollingUpdate, 'maxSurge', '25%');
		}
		setIfUnset(spec, 'revisionHistoryLimit', 10);
		setIfUnset(spec, 'progressDeadlineSeconds', 600);
		defaultPodTemplate(spec.template);
	},
	'apps/v1/ReplicaSet': (rs) => {
		rs.spec ??= {};
		setIfUnset(rs.spec, 'replicas', 1);
		defaultPodTemplate(rs.spec.template);
	},
	'apps/v1/DaemonSet': (ds) => {
		const spec = (ds.spec ??= {});
		spec.updateStrategy ??= {};
		setIfUnset(spec.updateStrategy, 'type', 'RollingUpdate');
		if (spec.updateStrategy.type === 'RollingUpdate') {
			spec.updateStrategy.rollingUpdate ??= {};
			setIfUnset(spec.updateStrategy.rollingUpdate, 'maxUnavailable', 1);
			setIfUnset(spec.updateStrategy.rollingUpdate, 'maxSurge', 0);
		}
		setIfUnset(spec, 'revisionHistoryLimit', 10);
		defaultPodTemplate(spec.template);
	},
	'apps/v1/StatefulSet': (sts) => {
		const spec = (sts.spec ??= {});
		setIfUnset(spec, 'replicas', 1);
		setIfUnset(spec, 'podManagementPolicy', 'OrderedReady');
		spec.updateStrategy ??= {};
		setIfUnset(spec.updateStrategy, 'type', 'RollingUpdate');
		if (spec.updateStrategy.type === 'RollingUpdate') {
			spec.updateStrategy.rollingUpdate ??= {};
			setIfUnset(spec.updateStrategy.rollingUpdate, 'partition', 0);
		}
		setIfUnset(spec, 'revisionHistoryLimit', 10);
		spec.persistentVolumeClaimRetentionPolicy ??= {};
		setIfUnset(spec.persistentVolumeClaimRetentionPolicy, 'whenDeleted', 'Retain');
		setIfUnset(spec.persistentVolumeClaimRetentionPolicy, 'whenScaled', 'Retain');
		for (const t of list(spec.volumeClaimTemplates)) {
			t.spec ??= {};
			setIfUnset(t.spec, 'volumeMode', 'Filesystem');
			t.status ??= { phase: 'Pending' };
		}
		defaultPodTemplate(spec.template);
	},
	'batch/v1/Job': defaultJob,
	'batch/v1/CronJob': (cj) => {
		const spec = (cj.spec ??= {});
		setIfUnset(spec, 'concurrencyPolicy', 'Allow');
		setIfUnset(spec, 'suspend', false);
		setIfUnset(spec, 'successfulJobsHistoryLimit', 3);
		setIfUnset(spec, 'failedJobsHistoryLimit', 1);
		spec.jobTemplate ??= {};
		spec.jobTemplate.metadata ??= {};
		if (!('creationTimestamp' in spec.jobTemplate.metadata)) spec.jobTemplate.metadata.creationTimestamp = null;
		const jobSpec = (spec.jobTemplate.spec ??= {});
		defaultJob({ spec: jobSpec });
	},
	'discovery.k8s.io/v1/EndpointSlice': (es) => {
		for (const p of list(es.ports)) setIfUnset(p, 'protocol', 'TCP');
	},
	'networking.k8s.io/v1/NetworkPolicy': defaultNetworkPolicy,
	'scheduling.k8s.io/v1/PriorityClass': (pc) => setIfUnset(pc, 'preemptionPolicy', 'PreemptLowerPriority'),
	'storage.k8s.io/v1/StorageClass': (sc) => {
		setIfUnset(sc, 'reclaimPolicy', 'Delete');
		setIfUnset(sc, 'volumeBindingMode', 'Immediate');
	},
	'storage.k8s.io/v1/CSIDriver': (d) => {
		const spec = (d.spec ??= {});
		setIfUnset(spec, 'attachRequired', true);
		setIfUnset(spec, 'podInfoOnMount', false);
		setIfUnset(spec, 'requiresRepublish', false);
		setIfUnset(spec, 'storageCapacity', false);
		setIfUnset(spec, 'fsGroupPolicy', 'ReadWriteOnceWithFSType');
		setIfUnset(spec, 'volumeLifecycleModes', ['Persistent']);
		setIfUnset(spec, 'seLinuxMount', false);
	},
	'apiextensions.k8s.io/v1/CustomResourceDefinition': defaultCrd
};

/** Applies the defaults of `kind` (served at `group/version`) to `obj` in place. */
export function applyDefaults(info: { group: string; version: string; kind: string; custom?: CustomResourceInfo }, obj: Obj): void {
	if (info.custom) return applySchemaDefaults(info.custom.schema, obj);
	DEFAULTERS[`${apiVersionOf(info)}/${info.kind}`]?.(obj);
}

/**
 * Job's create-time selector and labels (the job strategy's generateSelector): the template gets
 * the controller-uid and job-name labels, the selector matches the uid. Skipped with manualSelector.
 */
export function generateJobSelector(job: Obj): void {
	const spec = job.spec;
	if (!spec || spec.manualSelector === true) return;
	const uid: string = job.metadata?.uid ?? '';
	const name: string = job.metadata?.name ?? '';
	spec.template ??= {};
	spec.template.metadata ??= { creationTimestamp: null };
	const labels = (spec.template.metadata.labels ??= {});
	labels['batch.kubernetes.io/controller-uid'] ??= uid;
	labels['batch.kubernetes.io/job-name'] ??= name;
	labels['controller-uid'] ??= uid;
	labels['job-name'] ??= name;
	spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
}
