/**
 * The scheduler's informers on the objects its plugins read besides pods and nodes: claims,
 * volumes, storage classes, namespaces (cluster events for the queue), PodDisruptionBudgets
 * (preemption) and the workloads whose selectors drive the system default spreading.
 *
 * @module
 */
import type { Informer } from '../../src/lib/controllers/informer';
import type { KubeObject, ResourceRef } from '../../src/lib/controllers/types';
import type { SchedulerCache } from '../../src/lib/scheduler/cache';
import type { ClusterEvent } from '../../src/lib/scheduler/framework';
import { R } from './resources';

type Setter = (cache: SchedulerCache, o: KubeObject, del: boolean) => void;

/** Resource → how the cache takes it, and the cluster events of an add and an update. */
const WIRING: Array<{ r: ResourceRef; set: Setter; add?: ClusterEvent; update?: ClusterEvent }> = [
	{ r: R.pvcs, set: (c, o, d) => c.setPvc(o as never, d), add: 'PvcAdd', update: 'PvcUpdate' },
	{ r: R.pvs, set: (c, o, d) => c.setPv(o as never, d), add: 'PvAdd', update: 'PvUpdate' },
	{ r: R.storageClasses, set: (c, o, d) => c.setStorageClass(o as never, d), add: 'StorageClassAdd', update: 'StorageClassUpdate' },
	{ r: R.csiNodes, set: (c, o, d) => c.setCsiNode(o as never, d), add: 'CSINodeAdd', update: 'CSINodeUpdate' },
	{ r: R.namespaces, set: (c, o, d) => c.setNamespace(o as never, d), add: 'NamespaceAdd', update: 'NamespaceUpdate' },
	{ r: R.pdbs, set: (c, o, d) => c.setPdb(o as never, d) },
	// List items carry no kind: the default spreading tells workloads apart by it.
	...[R.services, R.replicasets, R.statefulsets].map((r) => ({ r, set: ((c, o, d) => c.setPodSelector({ ...o, kind: r.kind } as never, d)) as Setter }))
];

export function wireObjectInformers(inform: (r: ResourceRef) => Informer, cache: SchedulerCache, onEvents: (e: ClusterEvent[]) => void): void {
	for (const w of WIRING)
		inform(w.r).addEventHandler({
			add: (o) => (w.set(cache, o, false), onEvents(w.add ? [w.add] : [])),
			update: (_o, n) => (w.set(cache, n, false), onEvents(w.update ? [w.update] : [])),
			delete: (o) => (w.set(cache, o, true), onEvents([]))
		});
}
