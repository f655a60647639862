/**
 * VolumeBinding's wait in PreBind (volume_binding.go `BindPodVolumes` → `checkBindings`): after
 * the PV claimRef / selected-node writes, poll every second on the room clock until the PV
 * controller (and, for provisioned claims, the external provisioner) bound every claim; fail
 * at once when a provisioned claim's node choice was reset, or after bindTimeoutSeconds.
 *
 * @module
 */
import type { Clock } from '../../src/lib/clock/clock';
import type { KubeObject } from '../../src/lib/controllers/types';
import type { ApiWrite } from '../../src/lib/scheduler/framework';
import { ANN_BIND_COMPLETED, ANN_SELECTED_NODE } from '../../src/lib/storage/types';

type Wait = Extract<ApiWrite, { verb: 'wait-volumes-bound' }>;

export interface VolumeLookups {
	pvc(namespace: string, name: string): KubeObject | undefined;
	pv(name: string): KubeObject | undefined;
}

/** checkBindings: true when all are bound; throws when waiting is pointless. */
export function checkBindings(w: Wait, look: VolumeLookups): boolean {
	for (const c of w.claims) {
		const pvc = look.pvc(w.namespace, c.name);
		if (!pvc) throw new Error(`failed to get cached claims to provision for pod: persistentvolumeclaim "${c.name}" not found`);
		if (c.selectedNode !== undefined && !pvc.spec?.volumeName && pvc.metadata.annotations?.[ANN_SELECTED_NODE] !== c.selectedNode)
			throw new Error(`selectedNode annotation reset for PVC "${c.name}"`);
		if (!pvc.spec?.volumeName || pvc.metadata.annotations?.[ANN_BIND_COMPLETED] === undefined) return false;
		const pv = look.pv(pvc.spec.volumeName);
		if (!pv || pv.spec?.claimRef?.uid !== pvc.metadata.uid) return false;
	}
	return true;
}

/**
 * Polls `checkBindings` each second of room time; rejects with the plugin's error text. Rejects at
 * once when `stop` aborts: with the room clock paused the next poll would never come, and the
 * scheduler's stop waits for its binds.
 */
export function waitVolumesBound(w: Wait, look: VolumeLookups, clock: Clock, stop: AbortSignal): Promise<void> {
	const started = clock.now();
	return new Promise<void>((done, fail) => {
		const stopped = () => reject(new Error('scheduler stopped'));
		const resolve = () => (stop.removeEventListener('abort', stopped), done());
		const reject = (e: Error) => (stop.removeEventListener('abort', stopped), fail(e));
		if (stop.aborted) return stopped();
		stop.addEventListener('abort', stopped, { once: true });
		const poll = () => {
			try {
				if (stop.aborted) return stopped();
				if (checkBindings(w, look)) return resolve();
				if (clock.now() - started >= w.timeoutMs) return reject(new Error('binding volumes: context deadline exceeded'));
				clock.setTimer(1000, poll);
			} catch (e) {
				reject(new Error(`binding volumes: ${(e as Error).message}`));
			}
		};
		// PollUntilContextTimeout(immediate=false): the first check comes after one interval.
		clock.setTimer(1000, poll);
	});
}

/** A PreBind plugin's failure; the event reads `running PreBind plugin "VolumeBinding": …` like RunPreBindPlugins. */
export class PreBindError extends Error {
	constructor(plugin: string, cause: Error) {
		super(`running PreBind plugin "${plugin}": ${cause.message}`);
	}
}
