/**
 * The StatefulSet controller (pkg/controller/statefulset): pods with stable names `<sts>-<ordinal>`,
 * hostname and subdomain (the governing Service), and PersistentVolumeClaims
 * `<template>-<sts>-<ordinal>` from volumeClaimTemplates, created before their pod and kept after it.
 * OrderedReady creates ordinals one at a time, each after the previous is Running and Ready, and
 * removes from the highest; Parallel does all at once. RollingUpdate replaces pods of an old
 * revision from the highest ordinal down to `partition`, one at a time; OnDelete waits for the
 * user. Revisions are ControllerRevisions `<sts>-<template hash>` (server/controllers/history.ts),
 * which `kubectl rollout history|undo statefulset` read.
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import { CONTROLLER_REVISION_HASH } from '../../src/lib/controllers/daemonset';
import { canonicalJson, podTemplateHash } from '../../src/lib/controllers/deployment-util';
import { isPodAvailable, isPodReady } from '../../src/lib/controllers/pods';
import { REFS } from '../../src/lib/controllers/refs';
import { controllerRef, isAlreadyExists, isNotFound, keyOf, RESOURCES, type KubeObject } from '../../src/lib/controllers/types';
import { newControllerRef, podFromTemplate } from '../../src/lib/controllers/workload';
import { syncHistory } from './history';
import type { ControllerContext, ControllerDefinition } from './runtime/context';

const STS = REFS.statefulsets;
const PODS = RESOURCES.pods;
const PVCS = REFS.persistentvolumeclaims;

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export interface StatefulSetDeps {
	ctx: ControllerContext;
	enqueueAfter(key: string, ms: number): void;
}

export const statefulSetController: ControllerDefinition = {
	name: 'statefulset',
	component: 'statefulset-controller',
	create(ctx) {
		const deps: StatefulSetDeps = { ctx, enqueueAfter: (k, ms) => c.queue.addAfter(k, ms) };
		const c: Controller = new Controller(ctx.clock, { name: 'statefulset', workers: 5, sync: (key) => reconcileStatefulSet(key, deps), log: ctx.log });
		const sets = ctx.informer(STS);
		const enqueue = (o: KubeObject) => c.queue.add(keyOf(o));
		sets.addEventHandler({ add: enqueue, update: (_, o) => enqueue(o), delete: enqueue });
		const forPod = (pod: KubeObject) => {
			const ref = controllerRef(pod);
			if (ref?.kind === 'StatefulSet') c.queue.add(`${pod.metadata.namespace}/${ref.name}`);
		};
		ctx.informer(PODS).addEventHandler({ add: forPod, update: (_, p) => forPod(p), delete: forPod });
		ctx.informer(PVCS);
		ctx.informer(REFS.controllerrevisions);
		return c;
	}
};

const hashOf = (sts: KubeObject) => podTemplateHash(sts.spec?.template, sts.status?.collisionCount ?? 0);
/** The update revision's name, which is also its pods' `controller-revision-hash` label. */
const revisionOf = (sts: KubeObject) => `${sts.metadata.name}-${hashOf(sts)}`;
const podRevision = (pod: KubeObject) => pod.metadata.labels?.[CONTROLLER_REVISION_HASH];
const ordinalOf = (sts: KubeObject, pod: KubeObject): number => {
	const m = new RegExp(`^${sts.metadata.name!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(pod.metadata.name ?? '');
	return m ? Number(m[1]) : -1;
};
const runningAndReady = (pod: KubeObject) => pod.status?.phase === 'Running' && isPodReady(pod);

/** The pod for `ordinal` (`newVersionedStatefulSetPod`). */
function newPod(sts: KubeObject, ordinal: number, revision: string): KubeObject {
	const name = `${sts.metadata.name}-${ordinal}`;
	const pod = podFromTemplate(sts.spec?.template, sts, newControllerRef(sts, STS));
	delete pod.metadata.generateName;
	pod.metadata.name = name;
	pod.metadata.labels = { ...pod.metadata.labels, [CONTROLLER_REVISION_HASH]: revision, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) };
	pod.spec.hostname = name;
	if (sts.spec?.serviceName) pod.spec.subdomain = sts.spec.serviceName;
	const volumes = ((pod.spec.volumes ?? []) as Array<{ name: string }>).filter((v) => !claimTemplates(sts).some((t) => t.metadata.name === v.name));
	for (const t of claimTemplates(sts)) volumes.push({ name: t.metadata.name!, persistentVolumeClaim: { claimName: claimName(sts, t, ordinal) } } as { name: string });
	if (volumes.length) pod.spec.volumes = volumes;
	return pod;
}

const claimTemplates = (sts: KubeObject): KubeObject[] => sts.spec?.volumeClaimTemplates ?? [];
const claimName = (sts: KubeObject, t: KubeObject, ordinal: number) => `${t.metadata.name}-${sts.metadata.name}-${ordinal}`;

/** Creates the pod's missing claims (`createPersistentVolumeClaims`), labelled with the set's selector labels. */
async function ensureClaims(sts: KubeObject, ordinal: number, ctx: ControllerContext): Promise<void> {
	const pvcs = ctx.informer(PVCS).store;
	for (const t of claimTemplates(sts)) {
		const name = claimName(sts, t, ordinal);
		if (pvcs.get(`${sts.metadata.namespace}/${name}`)) continue;
		const claim: KubeObject = {
			apiVersion: 'v1',
			kind: 'PersistentVolumeClaim',
			metadata: { name, namespace: sts.metadata.namespace, labels: { ...(t.metadata.labels ?? {}), ...(sts.spec?.selector?.matchLabels ?? {}) }, ...(t.metadata.annotations ? { annotations: t.metadata.annotations } : {}) },
			spec: structuredClone(t.spec ?? {})
		};
		try {
			await ctx.client.create(PVCS, claim);
			ctx.recorder.event(STS, sts, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${sts.metadata.name}-${ordinal} in StatefulSet ${sts.metadata.name} success`);
		} catch (e) {
			if (!isAlreadyExists(e)) throw e;
		}
	}
}

/** `UpdateStatefulSet`: one step towards the spec per sync (the informer brings the next). */
export async function reconcileStatefulSet(key: string, deps: StatefulSetDeps): Promise<void> {
	const { ctx } = deps;
	const sts = ctx.informer(STS).store.get(key);
	if (!sts || sts.metadata.deletionTimestamp) return;
	const replicas = sts.spec?.replicas ?? 1;
	const parallel = sts.spec?.podManagementPolicy === 'Parallel';
	const revision = revisionOf(sts);
	const owned = ctx.informer(PODS).store.byOwner(sts.metadata.uid!).filter((p) => controllerRef(p)?.uid === sts.metadata.uid);
	const inUse = new Set([...owned.map(podRevision), sts.status?.currentRevision].filter((r): r is string => !!r));
	await syncHistory(ctx, sts, STS, hashOf(sts), inUse);
	const byOrdinal = new Map<number, KubeObject>();
	for (const p of owned) byOrdinal.set(ordinalOf(sts, p), p);
	const ops: Array<() => Promise<void>> = [];
	let blocked = false;
	for (let i = 0; i < replicas && !blocked; i++) {
		const pod = byOrdinal.get(i);
		if (!pod || pod.status?.phase === 'Failed') {
			if (pod && !pod.metadata.deletionTimestamp) ops.push(() => deletePod(sts, pod, ctx));
			else if (!pod) ops.push(() => createPod(sts, i, revision, ctx));
			if (!parallel) blocked = true;
		} else if (!parallel && (pod.metadata.deletionTimestamp || !runningAndReady(pod))) blocked = true;
	}
	const condemned = [...byOrdinal.entries()].filter(([i, p]) => (i >= replicas || i < 0) && !p.metadata.deletionTimestamp).sort((a, b) => b[0] - a[0]);
	if (!blocked) {
		if (parallel) for (const [, p] of condemned) ops.push(() => deletePod(sts, p, ctx));
		else if (condemned.length) ops.push(() => deletePod(sts, condemned[0][1], ctx));
		else if ((sts.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
			// Highest old-revision ordinal at or above the partition, once every pod is ready.
			const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
			const allReady = [...Array(replicas).keys()].every((i) => byOrdinal.get(i) && runningAndReady(byOrdinal.get(i)!) && !byOrdinal.get(i)!.metadata.deletionTimestamp);
			for (let i = replicas - 1; i >= partition && allReady; i--) {
				const p = byOrdinal.get(i)!;
				if (podRevision(p) !== revision) {
					ops.push(() => deletePod(sts, p, ctx));
					break;
				}
			}
		}
	}
	for (const op of ops) await op();
	await writeStatus(sts, owned, revision, ctx);
}

async function createPod(sts: KubeObject, ordinal: number, revision: string, ctx: ControllerContext): Promise<void> {
	await ensureClaims(sts, ordinal, ctx);
	const pod = newPod(sts, ordinal, revision);
	try {
		await ctx.client.create(PODS, pod);
		ctx.recorder.event(STS, sts, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`);
	} catch (e) {
		if (isAlreadyExists(e) || /because it is being terminated/.test((e as Error).message)) return;
		ctx.recorder.event(STS, sts, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} failed error: ${(e as Error).message}`);
		throw e;
	}
}

async function deletePod(sts: KubeObject, pod: KubeObject, ctx: ControllerContext): Promise<void> {
	try {
		await ctx.client.delete(PODS, pod.metadata.namespace, pod.metadata.name!);
		ctx.recorder.event(STS, sts, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`);
	} catch (e) {
		if (!isNotFound(e)) throw e;
	}
}

async function writeStatus(sts: KubeObject, pods: KubeObject[], revision: string, ctx: ControllerContext): Promise<void> {
	const live = pods.filter((p) => !p.metadata.deletionTimestamp);
	const now = ctx.clock.now();
	const updated = live.filter((p) => podRevision(p) === revision).length;
	const replicas = sts.spec?.replicas ?? 1;
	const prevCurrent: string | undefined = sts.status?.currentRevision;
	// The update is done once every wanted pod runs the new revision.
	const currentRevision = !prevCurrent || (updated === replicas && live.length === replicas) ? revision : prevCurrent;
	const current = live.filter((p) => podRevision(p) === currentRevision).length;
	const status = {
		observedGeneration: sts.metadata.generation,
		replicas: live.length,
		readyReplicas: live.filter(isPodReady).length,
		currentReplicas: current,
		updatedReplicas: updated,
		currentRevision,
		updateRevision: revision,
		collisionCount: sts.status?.collisionCount ?? 0,
		availableReplicas: live.filter((p) => isPodAvailable(p, sts.spec?.minReadySeconds ?? 0, now)).length
	};
	for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'] as const) if (!status[k]) delete (status as Partial<typeof status>)[k];
	if (canonicalJson(sts.status ?? {}) === canonicalJson(status)) return;
	await ctx.client.updateStatus(STS, { apiVersion: 'apps/v1', kind: 'StatefulSet', ...sts, status });
}
