/**
 * The status a kubelet posts for its Node (`setNodeStatus`): capacity and allocatable (defaults of
 * a 4-cpu, 16 GiB machine, overridden by the Node's own status.capacity or
 * `sim.converge.dev/{cpu,memory,pods,ephemeral-storage}`), the four conditions with the real
 * reasons and messages, addresses, daemon endpoint, nodeInfo and images.
 *
 * @module
 */
import { hexId } from './ids';
import { knob } from './knobs';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const NODE_DEFAULTS: Record<string, string> = { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' };

export const NODE_INFO = {
	kubeletVersion: 'v1.32.0',
	/** Deprecated, still reported by 1.32 kubelets (DisableNodeKubeProxyVersion is off by default). */
	kubeProxyVersion: 'v1.32.0',
	containerRuntimeVersion: 'containerd://1.7.24',
	osImage: 'Debian GNU/Linux 12 (bookworm)',
	kernelVersion: '6.8.0-1017-generic',
	operatingSystem: 'linux',
	architecture: 'amd64'
};

/** kubelet's condition setters: type, then (reason, message) for the healthy state. */
export const NODE_CONDITIONS: Array<[string, string, string]> = [
	['MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
	['DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
	['PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
	['Ready', 'KubeletReady', 'kubelet is posting ready status']
];

/** The pressure conditions when a resource runs out (a NodeFull fault): type → reason, message. */
export const PRESSURE_CONDITIONS: Record<string, [string, string, string]> = {
	memory: ['MemoryPressure', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'],
	disk: ['DiskPressure', 'KubeletHasDiskPressure', 'kubelet has disk pressure'],
	pids: ['PIDPressure', 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available']
};

/** A stable id for a label (machineID: 32 hex; systemUUID, bootID: dashed uuid). */
function stableId(label: string, dashes: boolean): string {
	const hex = hexId(label, 32);
	return dashes ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}` : hex;
}

/** The machine's boot id: one per boot (`bootedAt`, room time; none for the first boot). */
export function bootId(node: Obj, bootedAt?: number): string {
	return stableId(`boot/${node.metadata.name}/${node.metadata.uid ?? ''}${bootedAt === undefined ? '' : `/${bootedAt}`}`, true);
}

export function nodeCapacity(node: Obj): Record<string, string> {
	const cap: Record<string, string> = { ...NODE_DEFAULTS, ...(node.status?.capacity ?? {}) };
	for (const k of ['cpu', 'memory', 'pods', 'ephemeral-storage']) {
		const v = knob(node.metadata, k);
		if (v) cap[k] = v;
	}
	return cap;
}

/** `172.18.0.<n>`: node `n` of the room's docker-like network (kind's addresses). */
export function nodeIP(n: number): string {
	return `172.18.0.${n}`;
}

/**
 * The status to post. `ip`: the node's InternalIP; conditions keep their lastTransitionTime while
 * unchanged, and every post renews lastHeartbeatTime.
 */
export function nodeStatus(node: Obj, ip: string, now: string, images: Obj[], pressure: ReadonlySet<string> = new Set(), bootID = bootId(node)): Obj {
	const name = node.metadata.name as string;
	const capacity = nodeCapacity(node);
	const old: Obj[] = node.status?.conditions ?? [];
	const conditions = NODE_CONDITIONS.map(([type, healthyReason, healthyMessage]) => {
		const under = Object.entries(PRESSURE_CONDITIONS).find(([r, [t]]) => t === type && pressure.has(r))?.[1];
		const status = type === 'Ready' || under ? 'True' : 'False';
		const [reason, message] = under ? [under[1], under[2]] : [healthyReason, healthyMessage];
		const prev = old.find((c) => c.type === type);
		const lastTransitionTime = prev && prev.status === status ? prev.lastTransitionTime : now;
		return { type, status, lastHeartbeatTime: now, lastTransitionTime, reason, message };
	});
	return {
		capacity,
		// A Node declared with allocatable (reserved resources) keeps it; else all of capacity.
		allocatable: { ...capacity, ...(node.status?.allocatable ?? {}) },
		conditions,
		addresses: [
			{ type: 'InternalIP', address: ip },
			{ type: 'Hostname', address: name }
		],
		daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
		nodeInfo: {
			machineID: stableId(`machine/${name}`, false),
			systemUUID: stableId(`system/${name}`, true),
			bootID,
			...NODE_INFO
		},
		images
	};
}

/** Whether two statuses differ in more than heartbeat times (a post is needed before the report interval). */
export function nodeStatusChanged(a: Obj | undefined, b: Obj): boolean {
	const strip = (s: Obj | undefined) => JSON.stringify({ ...s, conditions: (s?.conditions ?? []).map((c: Obj) => ({ ...c, lastHeartbeatTime: undefined })) });
	return strip(a) !== strip(b);
}
