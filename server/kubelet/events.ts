/**
 * Events as a kubelet records them: source `{component: kubelet, host: <node>}`, a container's
 * `fieldPath` (`spec.containers{app}`) on pod events, and Node references whose uid is the node's
 * name (the kubelet's `nodeRef`). They go through client-go's EventCorrelator like every
 * component's (`BackOff (x5 over 3m)`). Recording never fails the caller; a refused Event is only
 * logged.
 *
 * @module
 */
import type { Clock } from '../../src/lib/clock/clock';
import type { KubeClient, KubeObject } from '../../src/lib/controllers/types';
import { eventSink, type EventDraft } from '../controllers/runtime/recorder';

export interface KubeletRecorder {
	pod(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
	node(type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export function kubeletRecorder(client: KubeClient, clock: Clock, nodeName: string, enabled: () => boolean, log: (m: string) => void): KubeletRecorder {
	const sink = eventSink(client, clock, (m) => log(`${m} (node ${nodeName})`));
	const write = (involvedObject: EventDraft['involvedObject'], namespace: string, type: string, reason: string, message: string) => {
		if (!enabled()) return;
		sink({ namespace, involvedObject, reason, message, type, source: { component: 'kubelet', host: nodeName }, reportingComponent: 'kubelet', reportingInstance: nodeName });
	};
	return {
		pod(pod, type, reason, message, fieldPath) {
			const m = pod.metadata;
			write({ kind: 'Pod', namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: 'v1', ...(fieldPath ? { fieldPath } : {}) }, m.namespace ?? 'default', type, reason, message);
		},
		node(type, reason, message) {
			write({ kind: 'Node', name: nodeName, uid: nodeName, apiVersion: 'v1' }, 'default', type, reason, message);
		}
	};
}
