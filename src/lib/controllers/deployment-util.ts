/**
 * Pure parts of the Deployment controller (pkg/controller/deployment/util): surge and
 * unavailability fenceposts, which ReplicaSet is new, revisions and their annotations, the
 * pod-template-hash, conditions with kube's reasons and messages, and the status computation.
 *
 * @module
 */
import { fnv1a32, KUBE_ALPHABET } from '../clock/rng';
import { rfc3339 } from './workload';
import type { KubeObject } from './types';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH = 'pod-template-hash';
/** Annotations of a Deployment that are not copied to its ReplicaSets. */
const SKIP_COPY = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, 'deprecated.deployment.rollback.to']);
/** `maxRevHistoryLengthInChars`. */
const MAX_REVISION_HISTORY_CHARS = 2000;

/** Condition reasons (deploymentutil), shown by `kubectl describe` and `rollout status`. */
export const REASONS = {
	newRSAvailable: 'NewReplicaSetAvailable',
	rsUpdated: 'ReplicaSetUpdated',
	newRSCreated: 'NewReplicaSetCreated',
	foundNewRS: 'FoundNewReplicaSet',
	failedRSCreate: 'ReplicaSetCreateError',
	timedOut: 'ProgressDeadlineExceeded',
	paused: 'DeploymentPaused',
	resumed: 'DeploymentResumed',
	minAvailable: 'MinimumReplicasAvailable',
	minUnavailable: 'MinimumReplicasUnavailable'
} as const;

export interface DeploymentCondition {
	type: string;
	status: 'True' | 'False' | 'Unknown';
	lastUpdateTime?: string;
	lastTransitionTime?: string;
	reason?: string;
	message?: string;
}

export interface DeploymentStatus {
	observedGeneration?: number;
	replicas?: number;
	updatedReplicas?: number;
	readyReplicas?: number;
	availableReplicas?: number;
	unavailableReplicas?: number;
	conditions?: DeploymentCondition[];
	collisionCount?: number;
}

const replicasOf = (o: KubeObject | undefined): number => o?.spec?.replicas ?? 1;

/** `intstr.GetScaledValueFromIntOrPercent`. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
	if (v === undefined) return 0;
	if (typeof v === 'number') return v;
	const m = /^(\d+)%$/.exec(v);
	if (!m) return Number.parseInt(v, 10) || 0;
	const x = (Number(m[1]) * total) / 100;
	return roundUp ? Math.ceil(x) : Math.floor(x);
}

const isRolling = (d: KubeObject) => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** `ResolveFenceposts`: maxSurge rounds up, maxUnavailable down; both 0 means unavailable 1. */
export function fenceposts(d: KubeObject): { surge: number; unavailable: number } {
	const ru = d.spec?.strategy?.rollingUpdate ?? {};
	const desired = replicasOf(d);
	const surge = scaledValue(ru.maxSurge ?? '25%', desired, true);
	let unavailable = scaledValue(ru.maxUnavailable ?? '25%', desired, false);
	if (surge === 0 && unavailable === 0) unavailable = 1;
	return { surge, unavailable };
}

export function maxSurge(d: KubeObject): number {
	return isRolling(d) ? fenceposts(d).surge : 0;
}

export function maxUnavailable(d: KubeObject): number {
	if (!isRolling(d) || replicasOf(d) === 0) return 0;
	return Math.min(fenceposts(d).unavailable, replicasOf(d));
}

export const sumReplicas = (rss: KubeObject[]) => rss.reduce((s, rs) => s + (rs.spec?.replicas ?? 0), 0);
export const sumStatus = (rss: KubeObject[], field: 'replicas' | 'readyReplicas' | 'availableReplicas') => rss.reduce((s, rs) => s + (rs.status?.[field] ?? 0), 0);
export const activeReplicaSets = (rss: KubeObject[]) => rss.filter((rs) => (rs.spec?.replicas ?? 0) > 0);

const created = (o: KubeObject) => (o.metadata.creationTimestamp ? Date.parse(o.metadata.creationTimestamp) : 0);
/** `ReplicaSetsByCreationTimestamp`: oldest first, then by name. */
export const byCreation = (a: KubeObject, b: KubeObject) => created(a) - created(b) || (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0);
export const revisionOf = (o: KubeObject): number => {
	const v = Number.parseInt(o.metadata.annotations?.[REVISION] ?? '', 10);
	return Number.isFinite(v) ? v : 0;
};
/** `ReplicaSetsByRevision`: oldest revision first. */
export const byRevision = (a: KubeObject, b: KubeObject) => revisionOf(a) - revisionOf(b) || byCreation(a, b);

/** JSON with sorted keys: equality and hashing independent of key order. */
export function canonicalJson(v: unknown): string {
	if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
	if (v && typeof v === 'object')
		return `{${Object.keys(v)
			.sort()
			.filter((k) => (v as Record<string, unknown>)[k] !== undefined)
			.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
			.join(',')}}`;
	return JSON.stringify(v);
}

function withoutHash(template: KubeObject | undefined): unknown {
	const t = structuredClone(template ?? {}) as KubeObject;
	if (t.metadata?.labels) {
		delete t.metadata.labels[POD_TEMPLATE_HASH];
		if (!Object.keys(t.metadata.labels).length) delete t.metadata.labels;
	}
	return t;
}

/** `EqualIgnoreHash`: same pod template but for the pod-template-hash label. */
export function equalIgnoreHash(a: KubeObject | undefined, b: KubeObject | undefined): boolean {
	return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}

/**
 * `controller.ComputeHash`: FNV-1a of the template (here its canonical JSON, where kube hashes a
 * Go dump of the struct, so the values differ from a real cluster's) and the collision count,
 * written as kube writes it (`rand.SafeEncodeString` of the decimal number: `5d59d67564`).
 */
export function podTemplateHash(template: unknown, collisionCount?: number): string {
	let h = fnv1a32(canonicalJson(template));
	if (collisionCount !== undefined) {
		const bytes = [collisionCount & 0xff, (collisionCount >>> 8) & 0xff, (collisionCount >>> 16) & 0xff, (collisionCount >>> 24) & 0xff];
		h = fnv1a32(String.fromCharCode(...bytes), h);
	}
	return [...String(h >>> 0)].map((c) => KUBE_ALPHABET[c.charCodeAt(0) % KUBE_ALPHABET.length]).join('');
}

/** `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the Deployment's. */
export function findNewReplicaSet(d: KubeObject, rss: KubeObject[]): KubeObject | undefined {
	return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** `NewRSNewReplicas`: how far the new ReplicaSet may scale up now. */
export function newRSNewReplicas(d: KubeObject, all: KubeObject[], newRS: KubeObject): number {
	if (!isRolling(d)) return replicasOf(d);
	const current = sumReplicas(all);
	const maxTotal = replicasOf(d) + maxSurge(d);
	if (current >= maxTotal) return newRS.spec?.replicas ?? 0;
	const up = Math.min(maxTotal - current, replicasOf(d) - (newRS.spec?.replicas ?? 0));
	return (newRS.spec?.replicas ?? 0) + up;
}

/** `SetReplicasAnnotations`; returns whether anything changed. */
export function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
	const a = (rs.metadata.annotations ??= {});
	const changed = a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
	a[DESIRED_REPLICAS] = String(desired);
	a[MAX_REPLICAS] = String(max);
	return changed;
}

/** `SetNewReplicaSetAnnotations`: copies the Deployment's annotations, bumps the revision, keeps history. */
export function setNewReplicaSetAnnotations(d: KubeObject, rs: KubeObject, newRevision: number, exists: boolean): boolean {
	let changed = false;
	const a = (rs.metadata.annotations ??= {});
	for (const [k, v] of Object.entries(d.metadata.annotations ?? {}))
		if (!SKIP_COPY.has(k) && a[k] !== v) {
			a[k] = v;
			changed = true;
		}
	const oldRevision = a[REVISION];
	const old = oldRevision === undefined ? 0 : Number.parseInt(oldRevision, 10);
	if (oldRevision !== undefined && !Number.isFinite(old)) return false;
	if (old < newRevision) {
		a[REVISION] = String(newRevision);
		changed = true;
		// Rolling back to this ReplicaSet: remember the revisions it had.
		if (oldRevision !== undefined) {
			const history = a[REVISION_HISTORY] ? a[REVISION_HISTORY].split(',') : [];
			history.push(oldRevision);
			while (history.join(',').length > MAX_REVISION_HISTORY_CHARS) history.shift();
			a[REVISION_HISTORY] = history.join(',');
		}
	}
	if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
	return changed;
}

export const getCondition = (s: DeploymentStatus | undefined, type: string) => s?.conditions?.find((c) => c.type === type);

export function newCondition(type: string, status: DeploymentCondition['status'], reason: string, message: string, now: number): DeploymentCondition {
	const t = rfc3339(now);
	return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** `SetDeploymentCondition`: same status and reason changes nothing; same status keeps the transition time. */
export function setCondition(s: DeploymentStatus, c: DeploymentCondition): void {
	const cur = getCondition(s, c.type);
	if (cur && cur.status === c.status && cur.reason === c.reason) return;
	if (cur && cur.status === c.status) c = { ...c, lastTransitionTime: cur.lastTransitionTime };
	s.conditions = [...(s.conditions ?? []).filter((x) => x.type !== c.type), c];
}

export function removeCondition(s: DeploymentStatus, type: string): void {
	if (s.conditions) s.conditions = s.conditions.filter((c) => c.type !== type);
}

/** `calculateStatus`: counts over every ReplicaSet, the new one's as updated, and the Available condition. */
export function deploymentStatus(d: KubeObject, all: KubeObject[], newRS: KubeObject | undefined, now: number): DeploymentStatus {
	const available = sumStatus(all, 'availableReplicas');
	const unavailable = Math.max(0, sumReplicas(all) - available);
	const s: DeploymentStatus = {
		observedGeneration: d.metadata.generation,
		replicas: sumStatus(all, 'replicas'),
		updatedReplicas: newRS ? sumStatus([newRS], 'replicas') : 0,
		readyReplicas: sumStatus(all, 'readyReplicas'),
		availableReplicas: available,
		unavailableReplicas: unavailable,
		conditions: [...((d.status?.conditions ?? []) as DeploymentCondition[])],
		collisionCount: d.status?.collisionCount
	};
	if (available >= replicasOf(d) - maxUnavailable(d)) setCondition(s, newCondition('Available', 'True', REASONS.minAvailable, 'Deployment has minimum availability.', now));
	else setCondition(s, newCondition('Available', 'False', REASONS.minUnavailable, 'Deployment does not have minimum availability.', now));
	return s;
}

/** The status as the API stores it: zero counts and empty lists omitted (`omitempty`). */
export function compactStatus(s: DeploymentStatus): DeploymentStatus {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(s)) if (v !== undefined && v !== 0 && !(Array.isArray(v) && !v.length)) out[k] = v;
	return out as DeploymentStatus;
}

export const hasProgressDeadline = (d: KubeObject) => d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;

/** `DeploymentComplete`. */
export function deploymentComplete(d: KubeObject, s: DeploymentStatus): boolean {
	const n = replicasOf(d);
	return (s.updatedReplicas ?? 0) === n && (s.replicas ?? 0) === n && (s.availableReplicas ?? 0) === n && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** `DeploymentProgressing`: more updated, fewer old, more ready or more available replicas than before. */
export function deploymentProgressing(d: KubeObject, s: DeploymentStatus): boolean {
	const old: DeploymentStatus = d.status ?? {};
	const n = (x?: number) => x ?? 0;
	return (
		n(s.updatedReplicas) > n(old.updatedReplicas) ||
		n(s.replicas) - n(s.updatedReplicas) < n(old.replicas) - n(old.updatedReplicas) ||
		n(s.readyReplicas) > n(old.readyReplicas) ||
		n(s.availableReplicas) > n(old.availableReplicas)
	);
}

/** `DeploymentTimedOut`: no progress for progressDeadlineSeconds since the Progressing condition's last update. */
export function deploymentTimedOut(d: KubeObject, s: DeploymentStatus, now: number): boolean {
	if (!hasProgressDeadline(d)) return false;
	const c = getCondition(s, 'Progressing');
	if (!c || c.reason === REASONS.newRSAvailable) return false;
	if (c.reason === REASONS.timedOut) return true;
	return Date.parse(c.lastUpdateTime ?? '') + d.spec.progressDeadlineSeconds * 1000 < now;
}

/** `GetProportion`: this ReplicaSet's share of replicas to add (or remove) while scaling mid-rollout. */
export function proportion(rs: KubeObject, d: KubeObject, toAdd: number, added: number): number {
	const size = rs.spec?.replicas ?? 0;
	if (size === 0 || toAdd === 0 || toAdd === added) return 0;
	let fraction: number;
	if (replicasOf(d) === 0) fraction = -size;
	else {
		const annotated = Number.parseInt(rs.metadata.annotations?.[MAX_REPLICAS] ?? '', 10);
		const base = Number.isFinite(annotated) ? annotated : (d.status?.replicas ?? 0);
		const x = (size * (replicasOf(d) + maxSurge(d))) / base;
		// Go's math.Round: halves away from zero.
		fraction = Math.sign(x) * Math.round(Math.abs(x)) - size;
	}
	const allowed = toAdd - added;
	return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
