/**
 * The room's storage driver: converge's simulated CSI driver `hostpath.csi.converge.dev` with
 * its external-provisioner sidecar (`--controllers` name `csi-provisioner`). Like installing a
 * CSI driver on a cluster, starting it registers the CSIDriver, a CSINode per node (the node
 * plugin's registration, with the attach limit NodeVolumeLimits reads) and, if absent, the
 * default StorageClass `standard` (WaitForFirstConsumer, like kind's). It provisions the claims
 * the PV controller hands to it (`volume.kubernetes.io/storage-provisioner`), taking the class's
 * provisioning time on the room clock, and deletes the Released volumes whose policy is Delete.
 * Turn it off (`CONTROLLERS=-csi-provisioner`) and claims wait forever, as on a cluster without
 * a provisioner. Pure decisions: `src/lib/storage/provisioner.ts`.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { isAlreadyExists, isConflict, isNotFound, type KubeObject, type ResourceRef } from '../../src/lib/controllers/types';
import { hexId } from '../../src/lib/kubelet/ids';
import {
	csiDriverObject,
	csiNodeWithDriver,
	defaultStorageClassObject,
	DRIVER,
	KNOB_PROVISION_FAIL,
	placement,
	provisionDelayMs,
	provisionedVolume,
	shouldDelete,
	shouldProvision,
	type SimNode
} from '../../src/lib/storage/provisioner';
import { isDelayBinding } from '../../src/lib/storage/matching';
import { STORAGE } from '../../src/lib/storage/refs';
import { ANN_SELECTED_NODE, PROVISIONER_FINALIZER, type CSINode, type Lookup, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from '../../src/lib/storage/types';
import type { ControllerContext, ControllerDefinition } from './runtime/context';
import { eventRecorder, type EventRecorder } from './runtime/recorder';
import { dropFinalizer } from './storage-protection';

export const CSI_PROVISIONER = {
	/** Retry after a failed provisioning (the lib's exponential backoff starts near here). */
	retryMs: 10_000
};

const keyOf = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name!);
const asKube = (o: unknown) => o as KubeObject;

export class CsiProvisioner extends Controller {
	private readonly recorder: EventRecorder;
	private readonly identity: string;
	private readonly classes: Lookup<StorageClass>;
	/** Claims being provisioned → cancel of the timer. */
	private readonly inFlight = new Map<string, () => void>();

	constructor(private readonly ctx: ControllerContext) {
		super(ctx.clock, { name: 'csi-provisioner', workers: 2, sync: (key) => this.syncKey(key), log: ctx.log });
		// external-provisioner's event source: <driver>_<pod>_<identity>.
		this.identity = `${ctx.rng.int(2 ** 31)}-8081-${DRIVER}`;
		this.recorder = eventRecorder(ctx.client, ctx.clock, `${DRIVER}_csi-hostpathplugin-0_${hexId(`provisioner/${this.identity}`).slice(0, 8)}`, ctx.log);
		const sc = ctx.informer(STORAGE.storageClasses);
		this.classes = { get: (k) => sc.store.get(k) as unknown as StorageClass | undefined, values: () => sc.store.list() as unknown as StorageClass[] };
		const on = (r: ResourceRef, prefix: string) =>
			ctx.informer(r).addEventHandler({ add: (o) => this.queue.add(prefix + keyOf(o)), update: (_o, n) => this.queue.add(prefix + keyOf(n)), delete: (o) => this.queue.add(prefix + keyOf(o)) });
		on(STORAGE.pvcs, 'claim:');
		on(STORAGE.pvs, 'volume:');
		on(STORAGE.nodes, 'node:');
		ctx.informer(STORAGE.csiNodes);
	}

	run(): void {
		super.run();
		void this.install().catch((e: Error) => this.ctx.log(`csi-provisioner: install: ${e.message}`));
	}

	async stop(): Promise<void> {
		for (const cancel of this.inFlight.values()) cancel();
		this.inFlight.clear();
		await super.stop();
	}

	/** The driver's installation: CSIDriver and the default class, created once, never overwritten. */
	private async install(): Promise<void> {
		for (const [r, obj] of [
			[STORAGE.csiDrivers, csiDriverObject()],
			[STORAGE.storageClasses, defaultStorageClassObject()]
		] as const) {
			if (this.ctx.informer(r).store.get(obj.metadata.name)) continue;
			await this.ctx.client.create(r, asKube(obj)).catch((e) => {
				if (!isAlreadyExists(e)) throw e;
			});
		}
	}

	private async syncKey(key: string): Promise<void> {
		const [kind, rest] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
		if (kind === 'claim') return this.syncClaim(rest);
		if (kind === 'volume') return this.syncVolume(rest);
		return this.syncNode(rest);
	}

	private claim(key: string): PersistentVolumeClaim | undefined {
		return this.ctx.informer(STORAGE.pvcs).store.get(key) as unknown as PersistentVolumeClaim | undefined;
	}

	private async syncClaim(key: string): Promise<void> {
		const pvc = this.claim(key);
		if (!pvc) {
			this.inFlight.get(key)?.();
			this.inFlight.delete(key);
			return;
		}
		if (this.inFlight.has(key) || !shouldProvision(pvc, this.classes)) return;
		if (this.ctx.informer(STORAGE.pvs).store.get(`pvc-${pvc.metadata.uid}`)) return;
		this.recorder.event(STORAGE.pvcs, asKube(pvc), 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${key}"`);
		const cls = shouldProvision(pvc, this.classes)!;
		const cancel = this.ctx.clock.setTimer(provisionDelayMs(cls), () => {
			void this.provision(key, pvc.metadata.uid!)
				.catch((e: Error) => this.ctx.log(`csi-provisioner: ${key}: ${e.message}`))
				.finally(() => {
					this.inFlight.delete(key);
					this.queue.add(`claim:${key}`);
				});
		});
		this.inFlight.set(key, cancel);
	}

	/** CreateVolume finished: the PV for the claim, or ProvisioningFailed (WFFC: the node choice is reset). */
	private async provision(key: string, uid: string): Promise<void> {
		const pvc = this.claim(key);
		if (!pvc || pvc.metadata.uid !== uid) return;
		const cls = shouldProvision(pvc, this.classes);
		if (!cls) return;
		// Replayable: nodes in name order (not informer order), a draw of the claim's own (not the next of the stream).
		const nodes = (this.ctx.informer(STORAGE.nodes).store.list() as unknown as SimNode[]).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
		const fail = cls.metadata.annotations?.[KNOB_PROVISION_FAIL];
		const where = fail ? { error: `rpc error: code = ResourceExhausted desc = ${fail}` } : placement(pvc, cls, nodes, (n) => this.ctx.rng.fork(`placement/${uid}`).int(n));
		if (where.error) {
			this.recorder.event(STORAGE.pvcs, asKube(pvc), 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${cls.metadata.name}": ${where.error}`);
			if (isDelayBinding(pvc, this.classes) && pvc.metadata.annotations?.[ANN_SELECTED_NODE]) {
				// ProvisioningReschedule: let the scheduler pick a node again.
				await this.ctx.client.patch(STORAGE.pvcs, pvc.metadata.namespace, pvc.metadata.name, 'json', [{ op: 'remove', path: '/metadata/annotations/volume.kubernetes.io~1selected-node' }]).catch((e) => {
					if (!isNotFound(e) && !isConflict(e)) throw e;
				});
			} else this.queue.addAfter(`claim:${key}`, CSI_PROVISIONER.retryMs);
			return;
		}
		const pv = provisionedVolume(pvc, cls, where.affinity, hexId(`volume/${uid}`).slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'), this.identity);
		try {
			await this.ctx.client.create(STORAGE.pvs, asKube(pv));
		} catch (e) {
			if (!isAlreadyExists(e)) throw e;
		}
		this.recorder.event(STORAGE.pvcs, asKube(pvc), 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pv.metadata.name}`);
	}

	/** DeleteVolume for Released volumes with policy Delete; a deleted PV's finalizer comes off once its volume is gone. */
	private async syncVolume(name: string): Promise<void> {
		const pv = this.ctx.informer(STORAGE.pvs).store.get(name) as unknown as PersistentVolume | undefined;
		if (!pv || pv.spec.csi?.driver !== DRIVER) return;
		const ours = (pv.metadata.finalizers ?? []).includes(PROVISIONER_FINALIZER);
		if (pv.metadata.deletionTimestamp) {
			if (ours) await dropFinalizer(this.ctx, STORAGE.pvs, pv as unknown as KubeObject, PROVISIONER_FINALIZER);
			return;
		}
		if (!shouldDelete(pv)) return;
		if (ours) await dropFinalizer(this.ctx, STORAGE.pvs, pv as unknown as KubeObject, PROVISIONER_FINALIZER);
		await this.ctx.client.delete(STORAGE.pvs, undefined, name, { preconditions: { uid: pv.metadata.uid } }).catch((e) => {
			if (!isNotFound(e) && !isConflict(e)) throw e;
		});
	}

	/** The node plugin registered on the node: CSINode with our driver (kept when others' drivers are there). */
	private async syncNode(name: string): Promise<void> {
		const node = this.ctx.informer(STORAGE.nodes).store.get(name);
		if (!node || node.metadata.deletionTimestamp) return;
		const existing = this.ctx.informer(STORAGE.csiNodes).store.get(name) as unknown as CSINode | undefined;
		const want = csiNodeWithDriver(node as never, existing);
		if (existing && JSON.stringify(existing.spec) === JSON.stringify(want.spec)) return;
		try {
			if (existing) await this.ctx.client.update(STORAGE.csiNodes, asKube(want));
			else await this.ctx.client.create(STORAGE.csiNodes, asKube(want));
		} catch (e) {
			if (!isAlreadyExists(e)) throw e;
		}
	}
}

export const csiProvisionerController: ControllerDefinition = {
	name: 'csi-provisioner',
	component: 'csi-provisioner',
	create: (ctx) => new CsiProvisioner(ctx)
};
