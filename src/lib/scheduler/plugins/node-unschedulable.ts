/**
 * NodeUnschedulable (plugins/nodeunschedulable): a cordoned node (`spec.unschedulable`) takes
 * only pods tolerating `node.kubernetes.io/unschedulable:NoSchedule`.
 *
 * @module
 */
import { Code, Status, SUCCESS, type Plugin } from '../framework';
import { toleratesAny } from '../helpers';

export const NAME = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

export function create(): Plugin {
	return {
		name: NAME,
		filter(_state, pod, node) {
			if (!node.unschedulable) return SUCCESS;
			if (toleratesAny(pod.spec.tolerations, { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' })) return SUCCESS;
			return new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_UNSCHEDULABLE]);
		},
		events: ['NodeAdd', 'NodeUpdateUnschedulable', 'NodeUpdateTaint']
	} satisfies Plugin;
}
