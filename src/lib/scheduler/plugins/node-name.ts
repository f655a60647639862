/**
 * NodeName (plugins/nodename): a pod naming a node (`spec.nodeName`) fits only that node.
 *
 * @module
 */
import { Code, Status, SUCCESS, type Plugin } from '../framework';

export const NAME = 'NodeName';
export const ERR_REASON = "node(s) didn't match the requested node name";

export function create(): Plugin {
	return {
		name: NAME,
		filter(_state, pod, node) {
			const want = pod.spec.nodeName;
			if (!want || want === node.name) return SUCCESS;
			return new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON]);
		},
		events: ['NodeAdd']
	} satisfies Plugin;
}
