/**
 * What kube-scheduler writes through the API besides Bindings: the PodScheduled=False condition
 * (and nominatedNodeName) after a failed attempt (schedule_one.go updatePod: skipped when nothing
 * changed), and the writes the cycle asked for — preemption victims (DisruptionTarget condition,
 * `Preempted` event, deletion), nominations cleared, PVC selected-node annotations and static PV
 * bindings from VolumeBinding's PreBind.
 *
 * @module
 */
import type { Clock } from '../../src/lib/clock/clock';
import type { KubeClient, KubeObject } from '../../src/lib/controllers/types';
import type { ApiWrite } from '../../src/lib/scheduler/framework';
import type { Pod } from '../../src/lib/scheduler/types';
import type { EventRecorder } from '../controllers/runtime/recorder';
import { R } from './resources';

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class SchedulerWrites {
	constructor(
		private readonly client: KubeClient,
		private readonly recorder: EventRecorder,
		private readonly clock: Clock,
		/** VolumeBinding's PreBind wait (informer lookups); without it the wait is skipped. */
		private readonly waitVolumes?: (w: Extract<ApiWrite, { verb: 'wait-volumes-bound' }>) => Promise<void>
	) {}

	/** updatePod after a failure: PodScheduled=False with the reason and message, and the nomination. */
	async podScheduledFalse(pod: Pod, reason: string, message: string, nominatedNodeName?: string): Promise<void> {
		const cur = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
		const same = cur && cur.status === 'False' && cur.reason === reason && cur.message === message;
		const nominate = nominatedNodeName !== undefined && nominatedNodeName !== pod.status?.nominatedNodeName;
		if (same && !nominate) return;
		const lastTransitionTime = cur?.status === 'False' ? ((cur as { lastTransitionTime?: string }).lastTransitionTime ?? rfc3339(this.clock.now())) : rfc3339(this.clock.now());
		const status: Record<string, unknown> = { conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime, reason, message }] };
		if (nominate) status.nominatedNodeName = nominatedNodeName;
		await this.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name, 'strategic', { status }, 'status');
	}

	/** One write the cycle produced. */
	async apply(w: ApiWrite): Promise<void> {
		switch (w.verb) {
			case 'preempt-pod': {
				const now = rfc3339(this.clock.now());
				const victim: KubeObject = { metadata: { namespace: w.namespace, name: w.name, uid: w.uid } };
				await this.client.patch(R.pods, w.namespace, w.name, 'strategic', { status: { conditions: [{ ...w.condition, lastTransitionTime: now }] } }, 'status');
				await this.client.delete(R.pods, w.namespace, w.name, w.uid ? { preconditions: { uid: w.uid } } : {});
				this.recorder.event(R.pods, victim, 'Normal', w.event.reason, w.event.message);
				return;
			}
			case 'clear-nominated-node':
				await this.client.patch(R.pods, w.namespace, w.name, 'merge', { status: { nominatedNodeName: null } }, 'status');
				return;
			case 'patch-pvc-annotation':
				await this.client.patch(R.pvcs, w.namespace, w.name, 'merge', { metadata: { annotations: { [w.annotation]: w.value } } });
				return;
			case 'bind-pv':
				// GetBindVolumeToClaim: the claimRef plus the bound-by-controller mark.
				await this.client.patch(R.pvs, undefined, w.pv, 'merge', {
					metadata: { annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } },
					spec: { claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: w.claim.namespace, name: w.claim.name, ...(w.claim.uid ? { uid: w.claim.uid } : {}) } }
				});
				return;
			case 'wait-volumes-bound':
				await this.waitVolumes?.(w);
				return;
		}
	}
}
