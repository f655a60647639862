/**
 * SchedulingGates (plugins/schedulinggates): a pod with `spec.schedulingGates` stays out of
 * activeQ until every gate is removed.
 *
 * @module
 */
import { Code, Status, SUCCESS, type Plugin } from '../framework';

export const NAME = 'SchedulingGates';

export function create(): Plugin {
	return {
		name: NAME,
		preEnqueue(pod) {
			const gates = pod.spec.schedulingGates ?? [];
			if (gates.length === 0) return SUCCESS;
			return new Status(Code.UnschedulableAndUnresolvable, [`waiting for scheduling gates: [${gates.map((g) => g.name).join(' ')}]`]);
		},
		events: ['PodGateRemoved']
	} satisfies Plugin;
}
