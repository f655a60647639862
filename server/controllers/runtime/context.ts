/**
 * What a controller gets from the manager: its API client (writing as its own field manager),
 * the room's shared informers, the room clock and RNG stream, an event recorder and a log.
 *
 * @module
 */
import type { Rng } from '../../../src/lib/clock/rng';
import type { Controller } from '../../../src/lib/controllers/controller';
import type { HoldableClock } from '../../../src/lib/controllers/workqueue';
import type { Informer } from '../../../src/lib/controllers/informer';
import type { KubeClient, ResourceRef } from '../../../src/lib/controllers/types';
import type { Config } from '../../config';
import type { EventRecorder } from './recorder';
import type { Room } from '../../rooms/room';

export interface ControllerContext {
	client: KubeClient;
	/** The room's shared informer of a resource (one list+watch per resource for all controllers). */
	informer(r: ResourceRef): Informer;
	/** The room clock (a manual clock in tests). */
	clock: HoldableClock;
	rng: Rng;
	recorder: EventRecorder;
	config: Config;
	log(msg: string): void;
	/** The room itself (its files' analysis), for components that read the shared files: the applier. */
	room?: Room;
}

/** A controller as the manager knows it: a name (kube-controller-manager's `--controllers` name) and a constructor. */
export interface ControllerDefinition {
	name: string;
	/** Component name in Events and the user agent (`replicaset-controller`). */
	component: string;
	/** Wires informers' handlers to a new controller's queue; the manager runs it once informers synced. */
	create(ctx: ControllerContext): Controller;
}
