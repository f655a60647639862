/**
 * Events as a kubelet records them: source `{component: kubelet, host: <node>}`, a container's
 * `fieldPath` (`spec.containers{app}`) on pod events, and Node references whose uid is the node's
 * name (the kubelet's `nodeRef`). Like client-go's EventCorrelator, an event identical to one
 * recorded in the last 10 minutes bumps that one's count and lastTimestamp instead of adding
 * another (`BackOff (x5 over 3m)`). Recording never fails the caller; a refused Event is only logged.
 *
 * @module
 */
import type { Clock } from '../../src/lib/clock/clock';
import { rfc3339 } from '../../src/lib/kube/duration';
import { RESOURCES, type KubeClient, type KubeObject } from '../../src/lib/controllers/types';

export interface KubeletRecorder {
	pod(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
	node(type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** How long identical events are counted on one object (the correlator's cache window). */
const AGGREGATE_MS = 600_000;

export function kubeletRecorder(client: KubeClient, clock: Clock, nodeName: string, enabled: () => boolean, log: (m: string) => void): KubeletRecorder {
	let last = 0n;
	const seen = new Map<string, { name: string; namespace: string; count: number; at: number }>();
	const write = (involvedObject: KubeObject['involvedObject'], namespace: string, type: string, reason: string, message: string) => {
		if (!enabled()) return;
		const key = JSON.stringify([involvedObject.uid, involvedObject.fieldPath, type, reason, message]);
		const prev = seen.get(key);
		if (prev && clock.now() - prev.at < AGGREGATE_MS) {
			prev.count++;
			prev.at = clock.now();
			const patch = { count: prev.count, lastTimestamp: rfc3339(clock.now()) };
			client.patch(RESOURCES.events, prev.namespace, prev.name, 'merge', patch).catch((e: Error) => log(`kubelet ${nodeName}: event ${reason} not counted: ${e.message}`));
			return;
		}
		if (seen.size > 4096) for (const [k, v] of seen) if (clock.now() - v.at >= AGGREGATE_MS) seen.delete(k);
		let nanos = BigInt(clock.now()) * 1_000_000n;
		if (nanos <= last) nanos = last + 1n;
		last = nanos;
		const now = rfc3339(clock.now());
		const ev: KubeObject = {
			apiVersion: 'v1',
			kind: 'Event',
			metadata: { name: `${involvedObject.name}.${nanos.toString(16)}`, namespace },
			involvedObject,
			reason,
			message,
			source: { component: 'kubelet', host: nodeName },
			firstTimestamp: now,
			lastTimestamp: now,
			count: 1,
			type,
			eventTime: null,
			reportingComponent: 'kubelet',
			reportingInstance: nodeName
		};
		seen.set(key, { name: ev.metadata.name!, namespace, count: 1, at: clock.now() });
		client.create(RESOURCES.events, ev).catch((e: Error) => log(`kubelet ${nodeName}: event ${reason} not recorded: ${e.message}`));
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
