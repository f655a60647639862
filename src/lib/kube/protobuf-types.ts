/**
 * Field numbers of the Kubernetes protobuf messages that kubectl's typed clients send
 * (`kubectl create deployment|service|configmap|secret|namespace|job|cronjob|quota|
 * priorityclass|poddisruptionbudget|ingress|serviceaccount` POST their objects as
 * `application/vnd.kubernetes.protobuf`), from k8s.io/api's generated.proto (v1.32).
 *
 * A field is `[jsonName, type, flags]`: type is a scalar (`string`, `int32`, `int64`, `bool`,
 * `bytes`), a message name, or `map:<value type>` (string keys); flags: `r` repeated, `p`
 * pointer in Go (zero values are kept, not omitted), `i` inline (the message's fields are the
 * parent's in JSON, like IngressRule's `http`).
 *
 * @module
 */

export type FieldSpec = readonly [name: string, type: string, flags?: string];
export type MessageSpec = Readonly<Record<number, FieldSpec>>;

const meta = { 1: ['metadata', 'ObjectMeta'] } as const;

export const MESSAGES: Readonly<Record<string, MessageSpec>> = {
	ObjectMeta: {
		1: ['name', 'string'],
		2: ['generateName', 'string'],
		3: ['namespace', 'string'],
		4: ['selfLink', 'string'],
		5: ['uid', 'string'],
		6: ['resourceVersion', 'string'],
		7: ['generation', 'int64'],
		8: ['creationTimestamp', 'Time'],
		9: ['deletionTimestamp', 'Time', 'p'],
		10: ['deletionGracePeriodSeconds', 'int64', 'p'],
		11: ['labels', 'map:string'],
		12: ['annotations', 'map:string'],
		13: ['ownerReferences', 'OwnerReference', 'r'],
		14: ['finalizers', 'string', 'r']
	},
	OwnerReference: { 1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string'], 6: ['controller', 'bool', 'p'], 7: ['blockOwnerDeletion', 'bool', 'p'] },
	LabelSelector: { 1: ['matchLabels', 'map:string'], 2: ['matchExpressions', 'LabelSelectorRequirement', 'r'] },
	LabelSelectorRequirement: { 1: ['key', 'string'], 2: ['operator', 'string'], 3: ['values', 'string', 'r'] },
	Condition: {
		1: ['type', 'string'],
		2: ['status', 'string'],
		3: ['observedGeneration', 'int64'],
		4: ['lastTransitionTime', 'Time'],
		5: ['reason', 'string'],
		6: ['message', 'string']
	},

	// apps/v1
	Deployment: { ...meta, 2: ['spec', 'DeploymentSpec'], 3: ['status', 'DeploymentStatus'] },
	DeploymentSpec: {
		1: ['replicas', 'int32', 'p'],
		2: ['selector', 'LabelSelector'],
		3: ['template', 'PodTemplateSpec'],
		4: ['strategy', 'DeploymentStrategy'],
		5: ['minReadySeconds', 'int32'],
		6: ['revisionHistoryLimit', 'int32', 'p'],
		7: ['paused', 'bool'],
		9: ['progressDeadlineSeconds', 'int32', 'p']
	},
	DeploymentStrategy: { 1: ['type', 'string'], 2: ['rollingUpdate', 'RollingUpdateDeployment'] },
	RollingUpdateDeployment: { 1: ['maxUnavailable', 'IntOrString'], 2: ['maxSurge', 'IntOrString'] },
	DeploymentStatus: {
		1: ['observedGeneration', 'int64'],
		2: ['replicas', 'int32'],
		3: ['updatedReplicas', 'int32'],
		4: ['availableReplicas', 'int32'],
		5: ['unavailableReplicas', 'int32'],
		7: ['readyReplicas', 'int32'],
		8: ['collisionCount', 'int32', 'p'],
		9: ['terminatingReplicas', 'int32', 'p']
	},

	// core/v1: pods
	PodTemplateSpec: { ...meta, 2: ['spec', 'PodSpec'] },
	PodSpec: {
		2: ['containers', 'Container', 'r'],
		3: ['restartPolicy', 'string'],
		4: ['terminationGracePeriodSeconds', 'int64', 'p'],
		5: ['activeDeadlineSeconds', 'int64', 'p'],
		6: ['dnsPolicy', 'string'],
		7: ['nodeSelector', 'map:string'],
		8: ['serviceAccountName', 'string'],
		9: ['serviceAccount', 'string'],
		10: ['nodeName', 'string'],
		11: ['hostNetwork', 'bool'],
		12: ['hostPID', 'bool'],
		13: ['hostIPC', 'bool'],
		16: ['hostname', 'string'],
		17: ['subdomain', 'string'],
		19: ['schedulerName', 'string'],
		20: ['initContainers', 'Container', 'r'],
		21: ['automountServiceAccountToken', 'bool', 'p'],
		24: ['priorityClassName', 'string'],
		25: ['priority', 'int32', 'p'],
		27: ['shareProcessNamespace', 'bool', 'p'],
		29: ['runtimeClassName', 'string', 'p'],
		30: ['enableServiceLinks', 'bool', 'p'],
		31: ['preemptionPolicy', 'string', 'p'],
		35: ['setHostnameAsFQDN', 'bool', 'p'],
		37: ['hostUsers', 'bool', 'p']
	},
	Container: {
		1: ['name', 'string'],
		2: ['image', 'string'],
		3: ['command', 'string', 'r'],
		4: ['args', 'string', 'r'],
		5: ['workingDir', 'string'],
		6: ['ports', 'ContainerPort', 'r'],
		7: ['env', 'EnvVar', 'r'],
		8: ['resources', 'ResourceRequirements'],
		13: ['terminationMessagePath', 'string'],
		14: ['imagePullPolicy', 'string'],
		16: ['stdin', 'bool'],
		17: ['stdinOnce', 'bool'],
		18: ['tty', 'bool'],
		20: ['terminationMessagePolicy', 'string'],
		24: ['restartPolicy', 'string', 'p']
	},
	ContainerPort: { 1: ['name', 'string'], 2: ['hostPort', 'int32'], 3: ['containerPort', 'int32'], 4: ['protocol', 'string'], 5: ['hostIP', 'string'] },
	EnvVar: { 1: ['name', 'string'], 2: ['value', 'string'] },
	ResourceRequirements: { 1: ['limits', 'map:Quantity'], 2: ['requests', 'map:Quantity'] },

	// core/v1: others
	Service: { ...meta, 2: ['spec', 'ServiceSpec'], 3: ['status', 'ServiceStatus'] },
	ServiceSpec: {
		1: ['ports', 'ServicePort', 'r'],
		2: ['selector', 'map:string'],
		3: ['clusterIP', 'string'],
		4: ['type', 'string'],
		5: ['externalIPs', 'string', 'r'],
		7: ['sessionAffinity', 'string'],
		8: ['loadBalancerIP', 'string'],
		9: ['loadBalancerSourceRanges', 'string', 'r'],
		10: ['externalName', 'string'],
		11: ['externalTrafficPolicy', 'string'],
		12: ['healthCheckNodePort', 'int32'],
		13: ['publishNotReadyAddresses', 'bool'],
		17: ['ipFamilyPolicy', 'string', 'p'],
		18: ['clusterIPs', 'string', 'r'],
		19: ['ipFamilies', 'string', 'r'],
		20: ['allocateLoadBalancerNodePorts', 'bool', 'p'],
		21: ['loadBalancerClass', 'string', 'p'],
		22: ['internalTrafficPolicy', 'string', 'p']
	},
	ServicePort: {
		1: ['name', 'string'],
		2: ['protocol', 'string'],
		3: ['port', 'int32'],
		4: ['targetPort', 'IntOrString'],
		5: ['nodePort', 'int32'],
		6: ['appProtocol', 'string', 'p']
	},
	ServiceStatus: { 1: ['loadBalancer', 'LoadBalancerStatus'], 2: ['conditions', 'Condition', 'r'] },
	LoadBalancerStatus: { 1: ['ingress', 'LoadBalancerIngress', 'r'] },
	LoadBalancerIngress: { 1: ['ip', 'string'], 2: ['hostname', 'string'] },
	ConfigMap: { ...meta, 2: ['data', 'map:string'], 3: ['binaryData', 'map:bytes'], 4: ['immutable', 'bool', 'p'] },
	Secret: { ...meta, 2: ['data', 'map:bytes'], 3: ['type', 'string'], 4: ['stringData', 'map:string'], 5: ['immutable', 'bool', 'p'] },
	Namespace: { ...meta, 2: ['spec', 'NamespaceSpec'], 3: ['status', 'NamespaceStatus'] },
	NamespaceSpec: { 1: ['finalizers', 'string', 'r'] },
	NamespaceStatus: { 1: ['phase', 'string'] },
	ServiceAccount: { ...meta, 4: ['automountServiceAccountToken', 'bool', 'p'] },
	ResourceQuota: { ...meta, 2: ['spec', 'ResourceQuotaSpec'], 3: ['status', 'ResourceQuotaStatus'] },
	ResourceQuotaSpec: { 1: ['hard', 'map:Quantity'], 2: ['scopes', 'string', 'r'] },
	ResourceQuotaStatus: { 1: ['hard', 'map:Quantity'], 2: ['used', 'map:Quantity'] },

	// batch/v1
	Job: { ...meta, 2: ['spec', 'JobSpec'], 3: ['status', 'JobStatus'] },
	JobSpec: {
		1: ['parallelism', 'int32', 'p'],
		2: ['completions', 'int32', 'p'],
		3: ['activeDeadlineSeconds', 'int64', 'p'],
		4: ['selector', 'LabelSelector'],
		5: ['manualSelector', 'bool', 'p'],
		6: ['template', 'PodTemplateSpec'],
		7: ['backoffLimit', 'int32', 'p'],
		8: ['ttlSecondsAfterFinished', 'int32', 'p'],
		9: ['completionMode', 'string', 'p'],
		10: ['suspend', 'bool', 'p'],
		12: ['backoffLimitPerIndex', 'int32', 'p'],
		13: ['maxFailedIndexes', 'int32', 'p'],
		14: ['podReplacementPolicy', 'string', 'p'],
		15: ['managedBy', 'string', 'p']
	},
	JobStatus: {
		1: ['conditions', 'Condition', 'r'],
		2: ['startTime', 'Time', 'p'],
		3: ['completionTime', 'Time', 'p'],
		4: ['active', 'int32'],
		5: ['succeeded', 'int32'],
		6: ['failed', 'int32'],
		9: ['ready', 'int32', 'p'],
		11: ['terminating', 'int32', 'p']
	},
	CronJob: { ...meta, 2: ['spec', 'CronJobSpec'], 3: ['status', 'CronJobStatus'] },
	CronJobSpec: {
		1: ['schedule', 'string'],
		2: ['startingDeadlineSeconds', 'int64', 'p'],
		3: ['concurrencyPolicy', 'string'],
		4: ['suspend', 'bool', 'p'],
		5: ['jobTemplate', 'JobTemplateSpec'],
		6: ['successfulJobsHistoryLimit', 'int32', 'p'],
		7: ['failedJobsHistoryLimit', 'int32', 'p'],
		8: ['timeZone', 'string', 'p']
	},
	JobTemplateSpec: { ...meta, 2: ['spec', 'JobSpec'] },
	CronJobStatus: { 4: ['lastScheduleTime', 'Time', 'p'], 5: ['lastSuccessfulTime', 'Time', 'p'] },

	// scheduling, policy, networking
	PriorityClass: { ...meta, 2: ['value', 'int32'], 3: ['globalDefault', 'bool'], 4: ['description', 'string'], 5: ['preemptionPolicy', 'string', 'p'] },
	PodDisruptionBudget: { ...meta, 2: ['spec', 'PodDisruptionBudgetSpec'], 3: ['status', 'PodDisruptionBudgetStatus'] },
	PodDisruptionBudgetSpec: {
		1: ['minAvailable', 'IntOrString', 'p'],
		2: ['selector', 'LabelSelector'],
		3: ['maxUnavailable', 'IntOrString', 'p'],
		4: ['unhealthyPodEvictionPolicy', 'string', 'p']
	},
	PodDisruptionBudgetStatus: {
		1: ['observedGeneration', 'int64'],
		3: ['disruptionsAllowed', 'int32'],
		4: ['currentHealthy', 'int32'],
		5: ['desiredHealthy', 'int32'],
		6: ['expectedPods', 'int32']
	},
	Ingress: { ...meta, 2: ['spec', 'IngressSpec'], 3: ['status', 'IngressStatus'] },
	IngressSpec: { 1: ['defaultBackend', 'IngressBackend'], 2: ['tls', 'IngressTLS', 'r'], 3: ['rules', 'IngressRule', 'r'], 4: ['ingressClassName', 'string', 'p'] },
	IngressRule: { 1: ['host', 'string'], 2: ['', 'IngressRuleValue', 'i'] },
	IngressRuleValue: { 1: ['http', 'HTTPIngressRuleValue'] },
	HTTPIngressRuleValue: { 1: ['paths', 'HTTPIngressPath', 'r'] },
	HTTPIngressPath: { 1: ['path', 'string'], 2: ['backend', 'IngressBackend'], 3: ['pathType', 'string', 'p'] },
	IngressBackend: { 4: ['service', 'IngressServiceBackend'] },
	IngressServiceBackend: { 1: ['name', 'string'], 2: ['port', 'ServiceBackendPort'] },
	ServiceBackendPort: { 1: ['name', 'string'], 2: ['number', 'int32'] },
	IngressTLS: { 1: ['hosts', 'string', 'r'], 2: ['secretName', 'string'] },
	IngressStatus: { 1: ['loadBalancer', 'IngressLoadBalancerStatus'] },
	IngressLoadBalancerStatus: { 1: ['ingress', 'LoadBalancerIngress', 'r'] },

	// The self reviews kubectl auth sends, and the pod subresources (Binding, Eviction).
	SelfSubjectAccessReview: { ...meta, 2: ['spec', 'SelfSubjectAccessReviewSpec'], 3: ['status', 'SubjectAccessReviewStatus'] },
	SubjectAccessReviewStatus: { 1: ['allowed', 'bool'], 2: ['reason', 'string'], 3: ['evaluationError', 'string'], 4: ['denied', 'bool'] },
	SelfSubjectAccessReviewSpec: { 1: ['resourceAttributes', 'ResourceAttributes'], 2: ['nonResourceAttributes', 'NonResourceAttributes'] },
	ResourceAttributes: {
		1: ['namespace', 'string'],
		2: ['verb', 'string'],
		3: ['group', 'string'],
		4: ['version', 'string'],
		5: ['resource', 'string'],
		6: ['subresource', 'string'],
		7: ['name', 'string']
	},
	NonResourceAttributes: { 1: ['path', 'string'], 2: ['verb', 'string'] },
	SelfSubjectRulesReview: { ...meta, 2: ['spec', 'SelfSubjectRulesReviewSpec'], 3: ['status', 'SubjectRulesReviewStatus'] },
	SubjectRulesReviewStatus: { 3: ['incomplete', 'bool'], 4: ['evaluationError', 'string'] },
	SelfSubjectRulesReviewSpec: { 1: ['namespace', 'string'] },
	SelfSubjectReview: { ...meta, 2: ['status', 'SelfSubjectReviewStatus'] },
	SelfSubjectReviewStatus: { 1: ['userInfo', 'UserInfo'] },
	UserInfo: { 1: ['username', 'string'], 2: ['uid', 'string'], 3: ['groups', 'string', 'r'] },
	Binding: { ...meta, 2: ['target', 'ObjectReference'] },
	ObjectReference: {
		1: ['kind', 'string'],
		2: ['namespace', 'string'],
		3: ['name', 'string'],
		4: ['uid', 'string'],
		5: ['apiVersion', 'string'],
		6: ['resourceVersion', 'string'],
		7: ['fieldPath', 'string']
	},
	Eviction: { ...meta, 2: ['deleteOptions', 'DeleteOptions'] },
	DeleteOptions: {
		1: ['gracePeriodSeconds', 'int64', 'p'],
		2: ['preconditions', 'Preconditions'],
		3: ['orphanDependents', 'bool', 'p'],
		4: ['propagationPolicy', 'string', 'p'],
		5: ['dryRun', 'string', 'r']
	},
	Preconditions: { 1: ['uid', 'string', 'p'], 2: ['resourceVersion', 'string', 'p'] }
};

/** The message of each kind (`apps/v1/Deployment` → Deployment). */
export const KIND_MESSAGES: Readonly<Record<string, string>> = {
	'apps/v1/Deployment': 'Deployment',
	'v1/Service': 'Service',
	'v1/ConfigMap': 'ConfigMap',
	'v1/Secret': 'Secret',
	'v1/Namespace': 'Namespace',
	'v1/ServiceAccount': 'ServiceAccount',
	'v1/ResourceQuota': 'ResourceQuota',
	'batch/v1/Job': 'Job',
	'batch/v1/CronJob': 'CronJob',
	'scheduling.k8s.io/v1/PriorityClass': 'PriorityClass',
	'policy/v1/PodDisruptionBudget': 'PodDisruptionBudget',
	'networking.k8s.io/v1/Ingress': 'Ingress',
	'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
	'authorization.k8s.io/v1/SelfSubjectRulesReview': 'SelfSubjectRulesReview',
	'authentication.k8s.io/v1/SelfSubjectReview': 'SelfSubjectReview',
	'v1/Binding': 'Binding',
	'policy/v1/Eviction': 'Eviction',
	'policy/v1beta1/Eviction': 'Eviction'
};
