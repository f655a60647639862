/**
 * A controller test fixture in the sample-controller manner: informer caches seeded with objects,
 * a client that records every write (`create pods web-`, `status replicasets {...}`), events
 * recorded alongside, and a manual clock. Reconcile tests then compare the recorded calls.
 *
 * @module
 */
import { ManualClock } from '../../../src/lib/clock/clock';
import { createRng } from '../../../src/lib/clock/rng';
import { Informer } from '../../../src/lib/controllers/informer';
import type { KubeClient, KubeObject, ResourceRef } from '../../../src/lib/controllers/types';
import type { Config } from '../../config';
import type { ControllerContext } from '../runtime/context';

export interface Fixture {
	ctx: ControllerContext;
	clock: ManualClock;
	/** Writes and events, in order. */
	calls: string[];
}

/** `objects`: resource plural → cached objects. `get` answers fresh reads (adoption rechecks). */
export function fixture(objects: Record<string, KubeObject[]>, now: number, get: (r: ResourceRef, name: string) => KubeObject | undefined = () => undefined): Fixture {
	const calls: string[] = [];
	let n = 0;
	const echo = (obj: KubeObject) => ({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(100 + n) } });
	const client: Partial<KubeClient> = {
		create: async (r, obj) => {
			calls.push(`create ${r.resource} ${obj.metadata.generateName ?? obj.metadata.name}`);
			return echo({ ...obj, metadata: { ...obj.metadata, name: obj.metadata.name ?? `${obj.metadata.generateName}${n++}`, uid: `uid-${n}` } });
		},
		update: async (r, obj) => (calls.push(`update ${r.resource} ${obj.metadata.name} replicas=${obj.spec?.replicas}`), echo(obj)),
		delete: async (r, _ns, name) => void calls.push(`delete ${r.resource} ${name}`),
		updateStatus: async (r, obj) => (calls.push(`status ${r.resource} ${JSON.stringify(obj.status)}`), echo(obj)),
		patch: async (r, _ns, name) => (calls.push(`patch ${r.resource} ${name}`), { metadata: {} }),
		get: async (r, _ns, name) => get(r, name) ?? Promise.reject(new Error('not found'))
	};
	const clock = new ManualClock(now);
	const informers = new Map<string, Informer>();
	const informer = (r: ResourceRef) => {
		if (!informers.has(r.resource)) {
			const inf = new Informer(client as KubeClient, r, clock);
			for (const o of objects[r.resource] ?? []) inf.store.set(o);
			informers.set(r.resource, inf);
		}
		return informers.get(r.resource)!;
	};
	const ctx: ControllerContext = {
		client: client as KubeClient,
		informer,
		clock,
		rng: createRng(1),
		recorder: { event: (_r, _o, type, reason, msg) => void calls.push(`event ${type} ${reason} ${msg}`) },
		config: {} as Config,
		log: () => {}
	};
	return { ctx, clock, calls };
}
