/**
 * What the Control-plane view draws, read from the room's live components: the API server's
 * request counters by client, the store's revision and size, each controller's queue depth and
 * reconciles, the scheduler's queues and bindings, the kubelets. Counters only (the browser
 * takes rates between two snapshots: src/lib/controlplane/rates.ts).
 *
 * @module
 */
import { ControlPlane } from '../controllers/manager';
import { KubeletManager } from '../kubelet/manager';
import { SchedulerComponent } from '../scheduler/component';
import { apiMetrics } from '../apiserver/metrics';
import type { Room } from '../rooms/room';
import type { ControlPlaneSnapshot } from '../../src/lib/controlplane/rates';

export async function controlPlaneSnapshot(room: Room): Promise<ControlPlaneSnapshot> {
	const plane = room.controlPlane instanceof ControlPlane ? room.controlPlane : undefined;
	const status = await room.store.status();
	const controllers = plane?.controllers ?? [];
	const scheduler = controllers.find((c): c is SchedulerComponent => c instanceof SchedulerComponent);
	const kubelets = controllers.find((c): c is KubeletManager => c instanceof KubeletManager);
	const queues = scheduler?.core.queue.pending();
	return {
		wall: Date.now(),
		simulated: room.time.clock.now(),
		store: { revision: status.revision, dbSize: status.dbSize },
		apiserver: apiMetrics(room).snapshot(),
		controllers: controllers
			.filter((c) => c !== scheduler && c !== kubelets)
			.map((c) => ({ name: c.name, queue: c.queue.length, syncs: c.syncs, failures: c.failures })),
		scheduler: scheduler && queues ? { bound: scheduler.bound, active: queues.active.length, backoff: queues.backoff.length, unschedulable: queues.unschedulable.length, syncs: scheduler.syncs } : undefined,
		kubelets: kubelets ? { nodes: kubelets.agents.size, queue: kubelets.queue.length, syncs: kubelets.syncs } : undefined
	};
}
