/**
 * The Deployment controller's view of one sync (`Sync`) and what every strategy shares: finding
 * or creating the new ReplicaSet with its revision, and writing status with the Progressing,
 * Available and ReplicaFailure conditions (`syncRolloutStatus`).
 *
 * @module
 */
import * as du from '../../src/lib/controllers/deployment-util';
import { controllerRef, isAlreadyExists, RESOURCES, type KubeObject } from '../../src/lib/controllers/types';
import { newControllerRef } from '../../src/lib/controllers/workload';
import type { ControllerContext } from './runtime/context';

const DEPLOY = RESOURCES.deployments;
const RS = RESOURCES.replicasets;

/** One sync of one Deployment. */
export interface Sync {
	ctx: ControllerContext;
	/** The Deployment being synced: a private copy whose status and resourceVersion follow our writes. */
	d: KubeObject;
	enqueueAfter(ms: number): void;
	enqueueRateLimited(): void;
}

/** `getAllReplicaSetsAndSyncRevision`: the new ReplicaSet (created when asked) and the old ones. */
export async function allReplicaSets(s: Sync, rsList: KubeObject[], create: boolean): Promise<{ newRS?: KubeObject; oldRSs: KubeObject[] }> {
	const existing = du.findNewReplicaSet(s.d, rsList);
	const oldRSs = rsList.filter((rs) => rs !== existing);
	const newRS = await getNewReplicaSet(s, existing, oldRSs, create);
	return { newRS, oldRSs };
}

async function getNewReplicaSet(s: Sync, existing: KubeObject | undefined, oldRSs: KubeObject[], create: boolean): Promise<KubeObject | undefined> {
	const { ctx, d } = s;
	const newRevision = Math.max(0, ...oldRSs.map(du.revisionOf)) + 1;
	const now = ctx.clock.now();
	if (existing) {
		const copy = structuredClone(existing);
		const annotated = du.setNewReplicaSetAnnotations(d, copy, newRevision, true);
		if (annotated || (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
			copy.spec.minReadySeconds = d.spec.minReadySeconds;
			return ctx.client.update(RS, { ...copy, apiVersion: 'apps/v1', kind: 'ReplicaSet' });
		}
		let needsUpdate = setRevision(d, copy.metadata.annotations?.[du.REVISION]);
		const status: du.DeploymentStatus = structuredClone(d.status ?? {});
		if (du.hasProgressDeadline(d) && !du.getCondition(status, 'Progressing')) {
			du.setCondition(status, du.newCondition('Progressing', 'True', du.REASONS.foundNewRS, `Found new replica set "${copy.metadata.name}"`, now));
			needsUpdate = true;
		}
		if (needsUpdate) await writeStatus(s, status);
		return copy;
	}
	if (!create) return undefined;
	const template = structuredClone(d.spec.template ?? {});
	const hash = du.podTemplateHash(template, d.status?.collisionCount);
	template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [du.POD_TEMPLATE_HASH]: hash } };
	const selector = structuredClone(d.spec.selector ?? {});
	selector.matchLabels = { ...selector.matchLabels, [du.POD_TEMPLATE_HASH]: hash };
	const rs: KubeObject = {
		apiVersion: 'apps/v1',
		kind: 'ReplicaSet',
		metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, ownerReferences: [newControllerRef(d, DEPLOY)], labels: template.metadata.labels },
		spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template }
	};
	rs.spec.replicas = du.newRSNewReplicas(d, [...oldRSs, rs], rs);
	du.setNewReplicaSetAnnotations(d, rs, newRevision, false);
	let createdRS: KubeObject;
	let alreadyExists = false;
	try {
		createdRS = await ctx.client.create(RS, rs);
	} catch (e) {
		if (isAlreadyExists(e)) {
			const found = ctx.informer(RS).store.get(`${d.metadata.namespace}/${rs.metadata.name}`);
			if (!found) throw e;
			if (controllerRef(found)?.uid === d.metadata.uid && du.equalIgnoreHash(d.spec.template, found.spec?.template)) {
				createdRS = found;
				alreadyExists = true;
			} else {
				// A hash collision: another template hashed the same. Bump collisionCount and retry.
				await writeStatus(s, { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 });
				throw e;
			}
		} else {
			if (/because it is being terminated/.test((e as Error).message)) throw e;
			const msg = `Failed to create new replica set "${rs.metadata.name}": ${(e as Error).message}`;
			if (du.hasProgressDeadline(d)) {
				const status: du.DeploymentStatus = structuredClone(d.status ?? {});
				du.setCondition(status, du.newCondition('Progressing', 'False', du.REASONS.failedRSCreate, msg, now));
				await writeStatus(s, status).catch(() => {});
			}
			ctx.recorder.event(DEPLOY, d, 'Warning', du.REASONS.failedRSCreate, msg);
			throw e;
		}
	}
	if (!alreadyExists && rs.spec.replicas > 0) ctx.recorder.event(DEPLOY, d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${createdRS.metadata.name} to ${rs.spec.replicas}`);
	let needsUpdate = setRevision(d, String(newRevision));
	const status: du.DeploymentStatus = structuredClone(d.status ?? {});
	if (!alreadyExists && du.hasProgressDeadline(d)) {
		du.setCondition(status, du.newCondition('Progressing', 'True', du.REASONS.newRSCreated, `Created new replica set "${createdRS.metadata.name}"`, now));
		needsUpdate = true;
	}
	if (needsUpdate) await writeStatus(s, status);
	return createdRS;
}

/** `SetDeploymentRevision` (the annotation rides along with the next status write, as in kube). */
function setRevision(d: KubeObject, revision: string | undefined): boolean {
	if (revision === undefined || d.metadata.annotations?.[du.REVISION] === revision) return false;
	d.metadata.annotations = { ...d.metadata.annotations, [du.REVISION]: revision };
	return true;
}

/** Writes `status` (and the Deployment's annotations) through /status; our copy follows. */
export async function writeStatus(s: Sync, status: du.DeploymentStatus): Promise<void> {
	const written = await s.ctx.client.updateStatus(DEPLOY, { ...s.d, status: du.compactStatus(status) });
	s.d.status = written.status;
	s.d.metadata.resourceVersion = written.metadata.resourceVersion;
}

/** `syncDeploymentStatus`. */
export async function syncStatus(s: Sync, all: KubeObject[], newRS: KubeObject | undefined): Promise<void> {
	const status = du.deploymentStatus(s.d, all, newRS, s.ctx.clock.now());
	if (du.canonicalJson(du.compactStatus(status)) === du.canonicalJson(du.compactStatus(s.d.status ?? {}))) return;
	await writeStatus(s, status);
}

/** `syncRolloutStatus`: status, Progressing (complete, progressing, timed out), ReplicaFailure; requeue stuck rollouts. */
export async function syncRolloutStatus(s: Sync, all: KubeObject[], newRS: KubeObject | undefined): Promise<void> {
	const { d, ctx } = s;
	const now = ctx.clock.now();
	const status = du.deploymentStatus(d, all, newRS, now);
	if (!du.hasProgressDeadline(d)) du.removeCondition(status, 'Progressing');
	const current = du.getCondition(d.status, 'Progressing');
	const complete = status.replicas === status.updatedReplicas && current?.reason === du.REASONS.newRSAvailable;
	const rsName = newRS?.metadata.name;
	const subject = rsName ? `ReplicaSet "${rsName}"` : `Deployment "${d.metadata.name}"`;
	if (du.hasProgressDeadline(d) && !complete) {
		if (du.deploymentComplete(d, status)) du.setCondition(status, du.newCondition('Progressing', 'True', du.REASONS.newRSAvailable, `${subject} has successfully progressed.`, now));
		else if (du.deploymentProgressing(d, status)) {
			let c = du.newCondition('Progressing', 'True', du.REASONS.rsUpdated, `${subject} is progressing.`, now);
			if (current) {
				if (current.status === 'True') c = { ...c, lastTransitionTime: current.lastTransitionTime };
				du.removeCondition(status, 'Progressing');
			}
			du.setCondition(status, c);
		} else if (du.deploymentTimedOut(d, status, now))
			du.setCondition(status, du.newCondition('Progressing', 'False', du.REASONS.timedOut, `${subject} has timed out progressing.`, now));
	}
	const failure = [newRS, ...all].map((rs) => (rs?.status?.conditions ?? []).find((c: { type: string }) => c.type === 'ReplicaFailure')).find(Boolean);
	if (failure)
		du.setCondition(status, { type: 'ReplicaFailure', status: failure.status, lastUpdateTime: failure.lastTransitionTime, lastTransitionTime: failure.lastTransitionTime, reason: failure.reason, message: failure.message });
	else du.removeCondition(status, 'ReplicaFailure');
	if (du.canonicalJson(du.compactStatus(status)) === du.canonicalJson(du.compactStatus(d.status ?? {}))) return requeueStuck(s, status, now);
	await writeStatus(s, status);
}

/** `requeueStuckDeployment`: look again when the progress deadline would pass. */
function requeueStuck(s: Sync, status: du.DeploymentStatus, now: number): void {
	const { d } = s;
	const c = du.getCondition(d.status, 'Progressing');
	if (!du.hasProgressDeadline(d) || !c || du.deploymentComplete(d, status) || c.reason === du.REASONS.timedOut) return;
	const after = Date.parse(c.lastUpdateTime ?? '') + d.spec.progressDeadlineSeconds * 1000 - now;
	if (after < 1000) s.enqueueRateLimited();
	else s.enqueueAfter(after + 1000);
}
