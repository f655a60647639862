/**
 * NodePorts (plugins/nodeports): a pod's host ports must be free on the node. `0.0.0.0` (or an
 * empty hostIP) conflicts with every IP on the same protocol and port.
 *
 * @module
 */
import { Code, Status, SKIP, SUCCESS, stateKey, type Plugin } from '../framework';
import { podHostPorts, type HostPort } from '../node-info';

export const NAME = 'NodePorts';
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

const preFilterKey = stateKey<HostPort[]>('PreFilter' + NAME);

/** HostPortInfo.CheckConflict. */
export function portConflicts(used: readonly HostPort[], want: HostPort): boolean {
	if (want.port <= 0) return false;
	return used.some((u) => u.protocol === want.protocol && u.port === want.port && (want.ip === '0.0.0.0' || u.ip === '0.0.0.0' || u.ip === want.ip));
}

export function create(): Plugin {
	return {
		name: NAME,
		preFilter(state, pod) {
			const want = podHostPorts(pod);
			if (want.length === 0) return SKIP;
			state.write(preFilterKey, want);
			return SUCCESS;
		},
		filter(state, pod, node) {
			const want = state.read(preFilterKey) ?? podHostPorts(pod);
			for (const p of want) if (portConflicts(node.usedPorts, p)) return new Status(Code.Unschedulable, [ERR_REASON]);
			return SUCCESS;
		},
		events: ['NodeAdd', 'PodDelete']
	} satisfies Plugin;
}
