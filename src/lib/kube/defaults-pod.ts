/**
 * Defaults of pod specs and pods (k8s.io/kubernetes/pkg/apis/core/v1/defaults.go), plus what the
 * default admission plugins add to pods (DefaultTolerationSeconds, Priority) and the pod's QoS
 * class. Mutates the object it is given.
 *
 * @module
 */
import { quantityValue } from './quantity';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const setIfUnset = (o: Obj, key: string, v: unknown) => {
	if (o[key] === undefined) o[key] = v;
};

/** `Always` for `:latest` or untagged images, `IfNotPresent` otherwise (digests included). */
export function defaultPullPolicy(image: unknown): string {
	if (typeof image !== 'string') return 'IfNotPresent';
	if (image.includes('@')) return 'IfNotPresent';
	const lastPart = image.slice(image.lastIndexOf('/') + 1);
	const colon = lastPart.lastIndexOf(':');
	const tag = colon >= 0 ? lastPart.slice(colon + 1) : '';
	return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: Obj | undefined): void {
	if (!p || typeof p !== 'object') return;
	setIfUnset(p, 'timeoutSeconds', 1);
	setIfUnset(p, 'periodSeconds', 10);
	setIfUnset(p, 'successThreshold', 1);
	setIfUnset(p, 'failureThreshold', 3);
	if (p.httpGet && typeof p.httpGet === 'object') {
		setIfUnset(p.httpGet, 'path', '/');
		setIfUnset(p.httpGet, 'scheme', 'HTTP');
	}
	if (p.grpc && typeof p.grpc === 'object') setIfUnset(p.grpc, 'service', '');
}

function defaultContainer(c: Obj): void {
	if (!c || typeof c !== 'object') return;
	setIfUnset(c, 'imagePullPolicy', defaultPullPolicy(c.image));
	setIfUnset(c, 'terminationMessagePath', '/dev/termination-log');
	setIfUnset(c, 'terminationMessagePolicy', 'File');
	setIfUnset(c, 'resources', {});
	for (const p of Array.isArray(c.ports) ? c.ports : []) if (p && typeof p === 'object') setIfUnset(p, 'protocol', 'TCP');
	for (const e of Array.isArray(c.env) ? c.env : []) {
		const ref = e?.valueFrom?.fieldRef;
		if (ref && typeof ref === 'object') setIfUnset(ref, 'apiVersion', 'v1');
	}
	defaultProbe(c.livenessProbe);
	defaultProbe(c.readinessProbe);
	defaultProbe(c.startupProbe);
}

const SOURCE_KEYS_WITH_MODE = ['secret', 'configMap', 'downwardAPI', 'projected'];

function defaultVolume(v: Obj): void {
	if (!v || typeof v !== 'object') return;
	const sources = Object.keys(v).filter((k) => k !== 'name');
	if (sources.length === 0) v.emptyDir = {};
	for (const k of SOURCE_KEYS_WITH_MODE) if (v[k] && typeof v[k] === 'object') setIfUnset(v[k], 'defaultMode', 420);
	if (v.hostPath && typeof v.hostPath === 'object') setIfUnset(v.hostPath, 'type', '');
}

/** SetDefaults_PodSpec and the defaults of its containers and volumes. */
export function defaultPodSpec(spec: Obj | undefined): void {
	if (!spec || typeof spec !== 'object') return;
	setIfUnset(spec, 'dnsPolicy', 'ClusterFirst');
	setIfUnset(spec, 'restartPolicy', 'Always');
	setIfUnset(spec, 'securityContext', {});
	setIfUnset(spec, 'terminationGracePeriodSeconds', 30);
	setIfUnset(spec, 'schedulerName', 'default-scheduler');
	setIfUnset(spec, 'enableServiceLinks', true);
	for (const c of Array.isArray(spec.containers) ? spec.containers : []) defaultContainer(c);
	for (const c of Array.isArray(spec.initContainers) ? spec.initContainers : []) defaultContainer(c);
	for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) defaultVolume(v);
	if (spec.hostNetwork === true) {
		for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])])
			for (const p of c?.ports ?? []) if (p && p.hostPort === undefined) p.hostPort = p.containerPort;
	}
}

/** A pod template: its spec's defaults, and the `creationTimestamp: null` Go prints for its metadata. */
export function defaultPodTemplate(template: Obj | undefined): void {
	if (!template || typeof template !== 'object') return;
	template.metadata ??= {};
	if (template.metadata && typeof template.metadata === 'object' && !('creationTimestamp' in template.metadata)) template.metadata.creationTimestamp = null;
	defaultPodSpec(template.spec);
}

const CPU_MEMORY = ['cpu', 'memory'];

/** The QoS class (qos.GetPodQOS) of a defaulted pod spec. */
export function podQOSClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
	const containers: Obj[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
	let any = false;
	let guaranteed = true;
	for (const c of containers) {
		const req: Obj = c?.resources?.requests ?? {};
		const lim: Obj = c?.resources?.limits ?? {};
		for (const r of CPU_MEMORY) {
			const rq = req[r] !== undefined ? quantityValue(req[r]) : undefined;
			const lm = lim[r] !== undefined ? quantityValue(lim[r]) : undefined;
			if ((rq ?? 0) !== 0 || (lm ?? 0) !== 0) any = true;
			if (lm === undefined || lm === 0 || rq !== lm) guaranteed = false;
		}
	}
	if (!any) return 'BestEffort';
	return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Pods: the spec's defaults, requests defaulted from limits, admission's tolerations and priority. */
export function defaultPod(pod: Obj): void {
	pod.spec ??= {};
	const spec = pod.spec;
	defaultPodSpec(spec);
	for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
		const lim = c?.resources?.limits;
		if (!lim || typeof lim !== 'object') continue;
		c.resources.requests ??= {};
		for (const [k, v] of Object.entries(lim)) if (c.resources.requests[k] === undefined) c.resources.requests[k] = v;
	}
	spec.tolerations ??= [];
	for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
		const covered = spec.tolerations.some(
			(t: Obj) => (t.key === key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute')
		);
		if (!covered) spec.tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
	}
	if (spec.priority === undefined && !spec.priorityClassName) spec.priority = 0;
	setIfUnset(spec, 'preemptionPolicy', 'PreemptLowerPriority');
	pod.status ??= {};
	if (pod.status && typeof pod.status === 'object') pod.status.qosClass = podQOSClass(spec);
}
