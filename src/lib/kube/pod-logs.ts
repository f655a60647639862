/**
 * What `GET pods/<name>/log` needs before any log line: the container (kube's validateContainer:
 * the only one, or the one named, else a 400 listing the choices) and, where the kubelet would
 * answer, whether that container has logs yet (the kubelet's validateContainerLogStatus:
 * `container "app" in pod "web" is waiting to start: ContainerCreating`). `PodLogSource` is what
 * the simulated kubelet implements; until it exists, `statusLogSource` answers from the pod's
 * status alone, with empty logs for a container that runs or ran.
 *
 * @module
 */
import { badRequest } from './api-errors';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The PodLogOptions query of a log request (the ones a log source may honour). */
export interface PodLogOptions {
	container: string;
	follow: boolean;
	previous: boolean;
	timestamps: boolean;
	tailLines?: number;
	limitBytes?: number;
	sinceSeconds?: number;
}

/** A node's logs (the kubelet's /containerLogs): the text, or a thrown KubeError worded like the kubelet's. */
export interface PodLogSource {
	logs(pod: Obj, opts: PodLogOptions): Promise<string>;
}

const names = (list: unknown): string[] => (Array.isArray(list) ? list.map((c) => c?.name).filter((n): n is string => typeof n === 'string') : []);

/** The container a log request reads (kube's validateContainer); throws 400. */
export function logContainer(pod: Obj, requested: string): string {
	const name = pod.metadata?.name ?? '';
	const spec = pod.spec ?? {};
	if (!requested) {
		const containers = names(spec.containers);
		if (containers.length === 1) return containers[0];
		if (!containers.length) throw badRequest(`a container name must be specified for pod ${name}`);
		const all = [...names(spec.initContainers), ...containers, ...names(spec.ephemeralContainers)];
		throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
	}
	const all = [...names(spec.initContainers), ...names(spec.containers), ...names(spec.ephemeralContainers)];
	if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
	return requested;
}

/** The kubelet's validateContainerLogStatus over the pod's API status; a pod it has not started yet reads as ContainerCreating. */
export function checkContainerLogStatus(pod: Obj, container: string, previous: boolean): void {
	const podName = pod.metadata?.name ?? '';
	const st = pod.status ?? {};
	const all = [...(st.containerStatuses ?? []), ...(st.initContainerStatuses ?? []), ...(st.ephemeralContainerStatuses ?? [])];
	const cs: Obj = all.find((c: Obj) => c?.name === container) ?? { state: { waiting: { reason: 'ContainerCreating' } } };
	const who = `container "${container}" in pod "${podName}"`;
	const last = cs.lastState?.terminated;
	const { waiting, running, terminated } = cs.state ?? {};
	if (previous) {
		if (!last?.containerID) throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
		return;
	}
	if (running) return;
	if (terminated) {
		if (!terminated.containerID && !last?.containerID) throw badRequest(`${who} is terminated`);
		return;
	}
	if (last) {
		if (!last.containerID) throw badRequest(`${who} is terminated`);
		return;
	}
	if (waiting) {
		if (waiting.reason === 'ErrImagePull') throw badRequest(`${who} is waiting to start: image can't be pulled`);
		if (waiting.reason === 'ImagePullBackOff') throw badRequest(`${who} is waiting to start: trying and failing to pull image`);
		throw badRequest(`${who} is waiting to start: ${waiting.reason ?? ''}`);
	}
	throw badRequest(`${who} is waiting to start - no logs yet`);
}

/** Logs from the pod's status alone: errors where the kubelet would refuse, else no lines. */
export const statusLogSource: PodLogSource = {
	async logs(pod, opts) {
		checkContainerLogStatus(pod, opts.container, opts.previous);
		return '';
	}
};
